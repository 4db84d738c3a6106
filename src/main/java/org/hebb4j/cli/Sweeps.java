package org.hebb4j.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.hebb4j.experiment.sweep.CellRecord;
import org.hebb4j.experiment.sweep.Manifest;
import org.hebb4j.experiment.sweep.Shard;
import org.hebb4j.io.AtomicWrite;
import org.hebb4j.io.FormatException;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.parallel.Workers;

/**
 * Sweeps that survive and scale out (spec/emergence.md#sweeps): the run folder of a sweep
 * command ({@code emergence}, {@code phase}, {@code classify}) holds the manifest {@code sweep.txt} and one record
 * per finished cell under {@code cells/}; every output is formatted from the records alone, by
 * the command's {@link Plan#format}, whether the cells ran here, were resumed
 * ({@code --resume DIR}) or were run as shards ({@code --shard i/n}) and merged
 * ({@code hebb4j merge}). Timings go to {@code timings.txt} only.
 */
final class Sweeps {

  private Sweeps() {}

  /** The file of a run folder that holds timings, kernels and threads, and nothing else. */
  static final String TIMINGS_TXT = "timings.txt";
  /** The folder of the cell records in a run folder. */
  static final String CELLS = "cells";

  /** Options that steer a run but not its results: never recorded in the manifest. */
  static final Set<String> CONTROL = Set.of("out", "force", "threads", "shard", "resume",
      "checkpoint-every");

  /** The environment {@code --shard auto} reads; tests replace it. */
  static volatile Function<String, String> env = System::getenv;

  /** A sweep command: parses its options into a {@link Plan}. */
  interface SweepCommand extends Command {
    /**
     * Parses and checks the options (no file is written).
     *
     * @param a the options
     * @param err where warnings are printed
     * @return the plan
     */
    Plan<?> plan(Args a, PrintStream err);
  }

  /** Receives each finished cell. */
  @FunctionalInterface
  interface Sink<R> {
    void accept(int c, R r);
  }

  /**
   * One sweep's resolved options: its cells, how to run, record and read them, and the one
   * formatting path from the records to every output.
   */
  abstract static class Plan<R> {
    /** The settings text of config.txt and the tables (no kernels, threads or times). */
    final String config;
    /** The options digest ({@link Manifest#digest}) of the results' settings. */
    final String digest;

    Plan(String config, String digest) {
      this.config = config;
      this.digest = digest;
    }

    /** The number of cells. */
    abstract int cells();

    /** Training steps per cell (for the progress line). */
    abstract long stepsPerCell();

    /**
     * What besides the options and this hebb4j goes into the digest, named in the refusal of a
     * resume or merge whose digest differs (e.g. "; or the files in DATA changed"); "" if nothing.
     */
    String inputsNote() {
      return "";
    }

    /** Called once the run folder exists: creates models/ with --save. */
    abstract void open(Args a, Path dir);

    /** The settings printed before the run: {@link #config}, the kernels and the threads. */
    final String header(int threads) {
      return config + String.format(Locale.ROOT, "  kernels %s, threads %d%n",
          KernelProvider.get().name(), threads);
    }

    /** Runs the cells {@code todo}, handing each to {@code sink} as it finishes. */
    abstract void run(int[] todo, Workers w, AtomicLong progress, Sink<R> sink);

    /** Writes cell c's payload. */
    abstract void write(DataOutputStream out, int c, R r) throws IOException;

    /** Reads cell c's payload, checking its key. */
    abstract R read(CellRecord.In in, int c) throws FormatException;

    /**
     * Writes every output into {@code dir} from the records, prints the tables to {@code out};
     * returns the exit status.
     */
    abstract int format(Path dir, List<R> cells, PrintStream out, PrintStream err)
        throws IOException;
  }

  /** --shard, --resume and --checkpoint-every of every sweep command. */
  static List<Option> options() {
    return List.of(
        Option.of("shard", "I/N", "run only the cells c with c mod N == I (spec/emergence.md"
            + "#shard-assignment) into a shard folder for hebb4j merge; auto reads"
            + " SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX with auto/N"
            + " or HEBB4J_SHARD_COUNT", "0/1"),
        Option.of("resume", "DIR", "continue the sweep in DIR, skipping its finished cells"
            + " (options as recorded in DIR/sweep.txt)", null),
        Option.of("checkpoint-every", "T", "Ns, Nm, Nh, Nb or off; a sweep checkpoints every"
            + " finished cell (its record), whatever T", "5m"));
  }

  /** The value of --shard (default 0/1). */
  static Shard shard(Args a) {
    String v = a.string("shard", null);
    if (v == null) {
      return Shard.ALL;
    }
    try {
      return Shard.parse(v, env);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--shard: " + e.getMessage());
    }
  }

  /** The options of {@code a} that shape the results, in the command's declared order. */
  static Map<String, String> recorded(Command c, Args a) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Option o : c.options()) {
      if (!CONTROL.contains(o.name()) && a.has(o.name())) {
        out.put(o.name(), a.string(o.name(), null));
      }
    }
    return out;
  }

  /** The command line of options {@code opts} (flags as --name). */
  static List<String> argv(Command c, Map<String, String> opts) {
    List<String> out = new ArrayList<>();
    for (Option o : c.options()) {
      String v = opts.get(o.name());
      if (v != null) {
        out.add("--" + o.name());
        if (!o.isFlag()) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /** Runs a sweep command: fresh, as a shard, or resumed. */
  static int run(SweepCommand cmd, Args given, PrintStream out, PrintStream err)
      throws IOException {
    long t0 = System.nanoTime();
    Experiments.every(given); // checked only: a sweep's checkpoint is each finished cell
    Path resume = given.path("resume", null);
    Args a = given;
    Manifest prior = null;
    if (resume != null) {
      prior = Manifest.read(resume);
      if (!prior.command().equals(cmd.name())) {
        throw new UsageException("--resume: " + resume + " holds a sweep of " + prior.command()
            + ", not of " + cmd.name());
      }
      Path o = given.path("out", null);
      if (o != null && !o.toAbsolutePath().normalize().equals(
          resume.toAbsolutePath().normalize())) {
        throw new UsageException("--out: --resume continues in " + resume + "; leave --out out");
      }
      a = resumed(cmd, given, prior, resume);
    }
    Shard shard = shard(a);
    if (prior != null) {
      if (a.has("shard") && !shard.equals(prior.shard())) {
        throw new UsageException("--shard: " + shard + " differs from the recorded "
            + prior.shard() + " in " + resume.resolve(Manifest.FILE));
      }
      shard = prior.shard();
    }
    Plan<?> p = cmd.plan(a, err);
    if (prior != null && !p.digest.equals(prior.digest())) {
      String extra = null;
      for (String n : recorded(cmd, given).keySet()) {
        if (!prior.options().containsKey(n) && extra == null) {
          extra = n;
        }
      }
      throw new UsageException(extra != null ? "--" + extra + ": not given to the recorded"
          + " sweep in " + resume.resolve(Manifest.FILE) + " and it changes the results; leave"
          + " it out to resume"
          : resume.resolve(Manifest.FILE) + ": its options give another sweep in this hebb4j ("
          + InfoCommand.version() + ") than in the recording one (" + prior.version() + ")"
          + p.inputsNote());
    }
    return go(cmd, p, a, shard, prior, resume, t0, out, err);
  }

  private static <R> int go(SweepCommand cmd, Plan<R> p, Args a, Shard shard, Manifest prior,
      Path resume, long t0, PrintStream out, PrintStream err) throws IOException {
    Path dir;
    Manifest m;
    if (prior != null) {
      dir = resume;
      m = prior;
      removeTemporaries(dir);
    } else {
      dir = Experiments.outDir(a, cmd.name());
      m = new Manifest(InfoCommand.version(), cmd.name(), p.digest, p.cells(), shard,
          recorded(cmd, a));
      String text;
      try {
        text = m.text();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      AtomicWrite.writeString(dir.resolve(Manifest.FILE), text);
    }
    p.open(a, dir);
    Path cells = Experiments.folder(a, "out", dir.resolve(CELLS));
    Map<Integer, R> done = load(p, m, dir, shard);
    int[] mine = shard.cells(p.cells());
    int[] todo = Arrays.stream(mine).filter(c -> !done.containsKey(c)).toArray();
    int threads = Experiments.threads(a);
    out.print(p.header(threads));
    if (shard.count() > 1 || prior != null) {
      out.printf(Locale.ROOT, "%s%d of the sweep's %d cells: %d to run, %d done before%n",
          shard.count() > 1 ? "shard " + shard + ": " : "", mine.length, p.cells(), todo.length,
          mine.length - todo.length);
    }
    out.flush();
    try (Workers w = new Workers(threads);
        Experiments.Progress pr = new Experiments.Progress(cmd.name(),
            todo.length * p.stepsPerCell(), err)) {
      p.run(todo, w, pr.done, (c, r) -> {
        byte[] b = CellRecord.encode(cmd.name(), m.digest(), m.cells(), c,
            o -> p.write(o, c, r));
        try {
          AtomicWrite.write(cells.resolve(CellRecord.fileName(c)), b);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (RuntimeException | Error e) {
      if (prior == null && load(p, m, dir, shard).isEmpty()) {
        // a fresh sweep that failed before any cell finished (e.g. it diverged) leaves nothing
        // to resume: its folders go as a failed run's do (Args#removeCreatedIfEmpty)
        removeTemporaries(dir);
        Files.deleteIfExists(cells);
        Files.deleteIfExists(dir.resolve(Manifest.FILE));
      }
      throw e;
    }
    int status = 0;
    if (shard.count() == 1) {
      status = p.format(dir, list(p, m, dir, mine.length), out, err);
    }
    String time = Experiments.duration(System.nanoTime() - t0);
    AtomicWrite.writeString(dir.resolve(TIMINGS_TXT), String.format(Locale.ROOT,
        "hebb4j %s %s, shard %s: %d cell(s) run here, %d from earlier records%n"
        + "kernels %s, threads %d%ntime: %s%n", InfoCommand.version(), cmd.name(), shard,
        todo.length, mine.length - todo.length, KernelProvider.get().name(), threads, time));
    if (shard.count() == 1) {
      out.println("time: " + time + "; results in " + dir);
    } else {
      out.println("time: " + time + "; shard " + shard + " in " + dir + " (combine all "
          + shard.count() + " shards with: hebb4j merge DIR... --out OUT)");
    }
    return status;
  }

  /**
   * Deletes the temporary files {@code .NAME.PID.N.tmp} (spec/io.md#writing) that a killed run
   * left in a run folder, its cells/ and models/ (one process works in a run folder at a time).
   */
  static void removeTemporaries(Path dir) throws IOException {
    List<Path> tmp = new ArrayList<>();
    for (Path d : new Path[] {dir, dir.resolve(CELLS), dir.resolve("models")}) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (java.util.stream.Stream<Path> s = Files.walk(d, d.equals(dir) ? 1 : 2)) {
        s.filter(f -> TEMPORARY.matcher(f.getFileName().toString()).matches()
            && Files.isRegularFile(f)).forEach(tmp::add);
      }
    }
    for (Path f : tmp) {
      Files.deleteIfExists(f);
    }
  }

  /** The name of a temporary file of {@link AtomicWrite}. */
  private static final java.util.regex.Pattern TEMPORARY =
      java.util.regex.Pattern.compile("\\..+\\.\\d+\\.[0-9a-f]+\\.tmp");

  /**
   * The options of a resumed run: those recorded in {@code prior}, with the control options and
   * any other option of {@code given} (which must equal the recorded value where one is).
   */
  static Args resumed(Command cmd, Args given, Manifest prior, Path resume) {
    Map<String, String> opts = new LinkedHashMap<>(prior.options());
    for (Option o : cmd.options()) {
      String n = o.name();
      if (!given.has(n) || n.equals("resume") || n.equals("out") || n.equals("force")) {
        continue;
      }
      String v = given.string(n, null);
      String r = prior.options().get(n);
      if (r != null && !r.equals(v)) {
        throw new UsageException("--" + n + ": " + (o.isFlag() ? "given" : "'" + v + "'")
            + " differs from the recorded '" + r + "' in " + resume.resolve(Manifest.FILE));
      }
      if (!prior.options().containsKey(n) && !CONTROL.contains(n) && o.isFlag()) {
        throw new UsageException("--" + n + ": not given to the recorded sweep in "
            + resume.resolve(Manifest.FILE) + "; leave it out to resume");
      }
      opts.put(n, v);
    }
    List<String> argv = argv(cmd, opts);
    try {
      return Args.parse(argv.toArray(new String[0]), cmd.options());
    } catch (UsageException e) {
      throw new UsageException(resume.resolve(Manifest.FILE) + ": " + e.getMessage());
    }
  }

  /**
   * The records of {@code shard} already in {@code dir}/cells, each checked; a record of a
   * cell outside the shard, or a file that is not a record, is refused.
   */
  static <R> Map<Integer, R> load(Plan<R> p, Manifest m, Path dir, Shard shard)
      throws IOException {
    Map<Integer, R> out = new LinkedHashMap<>();
    Path cells = dir.resolve(CELLS);
    if (!Files.isDirectory(cells)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (java.util.stream.Stream<Path> s = Files.list(cells)) {
      s.sorted().forEach(files::add);
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.startsWith(".") && name.endsWith(".tmp")) {
        continue; // a write a kill interrupted (spec/io.md#writing): the cell runs again
      }
      int c = CellRecord.index(name);
      if (c < 0 || c >= m.cells()) {
        throw new FormatException(f + ": not a cell record of this sweep of " + m.cells()
            + " cells");
      }
      if (!shard.owns(c)) {
        throw new FormatException(f + ": cell " + c + " is not in shard " + shard);
      }
      out.put(c, read(p, m, f, c));
    }
    return out;
  }

  /** Reads and checks cell c's record {@code f}. */
  static <R> R read(Plan<R> p, Manifest m, Path f, int c) throws IOException {
    long size = Files.size(f);
    if (size > CellRecord.MAX_BYTES) {
      throw new FormatException(f + ": too large for a cell record (" + size + " bytes)");
    }
    CellRecord.In in = CellRecord.open(f, Files.readAllBytes(f), m.command(), m.digest(),
        m.cells(), c);
    return p.read(in, c);
  }

  /** Every record of a complete unsharded run folder, in cell order. */
  private static <R> List<R> list(Plan<R> p, Manifest m, Path dir, int n) throws IOException {
    List<R> out = new ArrayList<>(n);
    for (int c = 0; c < n; c++) {
      out.add(read(p, m, dir.resolve(CELLS).resolve(CellRecord.fileName(c)), c));
    }
    return out;
  }
}
