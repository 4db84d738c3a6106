package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.Problem;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.nn.Conventions;
import org.hebb4j.parallel.Workers;

/** Options and output helpers shared by the experiment commands (emergence, phase, classify). */
final class Experiments {

  private Experiments() {}

  static Option threadsOption() {
    return Option.of("threads", "N", "worker threads (results do not depend on it)",
        "all cores");
  }

  static Option seedOption(String dflt) {
    return Option.of("seed", "S", "base seed; seed index s uses S + s", dflt);
  }

  /** --conventions: hebb4j or torch (spec/emergence.md#conventions). */
  static Option conventionsOption() {
    return Option.of("conventions", "NAME", "hebb4j (N(0, 1/fan_in) weights, zero biases, decay"
        + " on weights) or torch (nn.Linear init, decay on every parameter)", "hebb4j");
  }

  /** The value of --conventions (default hebb4j); a usage error names the option. */
  static Conventions conventions(Args a) {
    return a.named("conventions", Conventions.class, Conventions.HEBB4J);
  }

  /** --save: every trained network to OUT/models/NAME.safetensors, NAME as {@code names}. */
  static Option saveOption(String names) {
    return Option.flag("save", "write every trained network to OUT/models/" + names
        + ".safetensors");
  }

  /** OUT/models with --save, created and checked writable ({@link #folder}), else null. */
  static Path saveDir(Args a, Path out) {
    return a.flag("save") ? folder(a, "save", out.resolve("models")) : null;
  }

  /**
   * Creates {@code dir} with its parents and checks that it is writable, so that a long run
   * cannot fail at its end for a reason knowable at its start. The one home of this check. The
   * folders it creates are recorded in {@code a}: a run that fails removes them when empty.
   *
   * @throws UsageException "--OPTION: cannot create folder DIR: REASON",
   *     "--OPTION: DIR is a file, not a folder" or "--OPTION: folder DIR is not writable"
   */
  static Path folder(Args a, String option, Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageException("--" + option + ": " + dir + " is a file, not a folder");
    }
    List<Path> missing = new ArrayList<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(0, p);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      Path blocker = dir;
      while (blocker != null && !Files.exists(blocker)) {
        blocker = blocker.getParent();
      }
      throw new UsageException("--" + option + ": cannot create folder " + dir + ": "
          + (blocker != null && !blocker.equals(dir) && !Files.isDirectory(blocker)
              ? blocker + " is a file" : Main.reason(e)));
    } catch (SecurityException e) {
      throw new UsageException("--" + option + ": cannot create folder " + dir + ": "
          + e.getMessage());
    } finally {
      for (Path p : missing) {
        if (Files.isDirectory(p)) {
          a.created(p);
        }
      }
    }
    if (!Files.isWritable(dir)) {
      throw new UsageException("--" + option + ": folder " + dir + " is not writable");
    }
    return dir;
  }

  /**
   * Refuses a run whose settings have an error ({@link Problem}) and prints each warning on
   * {@code err} as "hebb4j COMMAND: WARNING: ...".
   *
   * @return the warnings, for the run's text files
   * @throws UsageException with the first error's message
   */
  static List<String> check(List<Problem> problems, String command, PrintStream err) {
    for (Problem p : problems) {
      if (p.isError()) {
        throw new UsageException(p.message());
      }
    }
    List<String> warnings = new ArrayList<>();
    for (Problem p : problems) {
      err.println("hebb4j " + command + ": WARNING: " + p.message());
      warnings.add(p.message());
    }
    return warnings;
  }

  /** The warnings as lines "WARNING: ..." for a run's config.txt and table.txt. */
  static String warningLines(List<String> warnings) {
    StringBuilder sb = new StringBuilder();
    for (String w : warnings) {
      sb.append("WARNING: ").append(w).append('\n');
    }
    return sb.toString();
  }

  /** Checks that {@code file}, to be written later, is not a folder. */
  static void notFolder(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new UsageException("--" + option + ": " + file + " is a folder");
    }
  }

  /** --checkpoint-every (spec/io.md#checkpoints). */
  static Option checkpointEveryOption() {
    return Option.of("checkpoint-every", "T", "write OUT/" + Checkpoint.FILE + " every T of"
        + " wall time (Ns, Nm, Nh), every N batches (Nb), or off (only SIGINT/SIGTERM write"
        + " one); when changes no result", "5m");
  }

  /** --resume (spec/io.md#checkpoints). */
  static Option resumeOption() {
    return Option.of("resume", "DIR", "continue the run in DIR from its checkpoint, with the"
        + " options recorded there (options also given must be equal)", null);
  }

  /** Options a run does not record in its checkpoint: where it writes, and how it started. */
  private static final java.util.Set<String> NOT_RECORDED = java.util.Set.of("out", "force",
      "resume");

  /**
   * Checks --checkpoint-every and, with --resume DIR, reads DIR's checkpoint and replaces the
   * options of {@code a} by those it records (plus --out DIR and --resume DIR), after checking
   * that every option given on the command line equals the recorded one. Call it first.
   *
   * @return the checkpoint to resume from, or null for a new run
   * @throws UsageException naming the option or the file and what is wrong, on one line
   * @throws IOException a {@link org.hebb4j.io.FormatException} naming a corrupt file
   */
  static Checkpoint resume(Args a, String command, List<Option> options) throws IOException {
    every(a);
    if (!a.has("resume")) {
      return null;
    }
    Path dir = a.path("resume", null);
    Path file = dir.resolve(Checkpoint.FILE);
    if (a.has("force")) {
      throw new UsageException("--force: not with --resume (the run continues in " + dir + ")");
    }
    if (a.has("out") && !a.path("out", null).toAbsolutePath().normalize()
        .equals(dir.toAbsolutePath().normalize())) {
      throw new UsageException("--out: " + a.path("out", null) + " is not the --resume folder "
          + dir + " (a resumed run continues in its own folder)");
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageException("--resume: " + dir + " is not a folder");
    }
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--resume: " + dir + " holds no checkpoint (" + Checkpoint.FILE
          + "): the run finished, or was stopped before its first checkpoint");
    }
    Checkpoint cp = Checkpoint.read(file);
    Checkpoint.Header h = cp.header();
    if (!h.command().equals(command)) {
      throw new UsageException("--resume: " + file + " is a checkpoint of hebb4j "
          + Main.oneLine(h.command()) + ", not of hebb4j " + command);
    }
    if (!h.version().equals(InfoCommand.version())) {
      throw new UsageException("--resume: " + file + " was written by hebb4j "
          + Main.oneLine(h.version()) + ", this is hebb4j " + InfoCommand.version()
          + " (its results could differ): start the run again");
    }
    java.util.Set<String> known = new java.util.HashSet<>();
    for (Option o : options) {
      known.add(o.name());
    }
    for (String name : h.options().keySet()) {
      if (!known.contains(name) || NOT_RECORDED.contains(name)) {
        throw new UsageException("--resume: " + file + " records the option --"
            + Main.oneLine(name) + ", which hebb4j " + command + " does not take");
      }
    }
    for (Map.Entry<String, String> e : a.values().entrySet()) {
      String name = e.getKey(), rec = h.options().get(name);
      if (!NOT_RECORDED.contains(name) && !e.getValue().equals(rec)) {
        throw new UsageException("--" + name + ": " + (rec == null
            ? "the run in " + dir + " was started without it"
            : "'" + e.getValue() + "' differs from '" + Main.oneLine(rec) + "' recorded in "
                + file));
      }
    }
    Map<String, String> all = new java.util.TreeMap<>(h.options());
    all.put("resume", dir.toString());
    all.put("out", dir.toString());
    a.replaceValues(all);
    every(a); // the recorded value
    return cp;
  }

  /** The value of --checkpoint-every. */
  static Checkpoints.Every every(Args a) {
    try {
      return Checkpoints.Every.parse(a.string("checkpoint-every", "5m"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--checkpoint-every: " + e.getMessage());
    }
  }

  /**
   * The run's checkpoints into {@code out}, registered for the signal handler: the header holds
   * the command, the options given (not --out, --force, --resume) and a digest of the data; a
   * resumed run's checkpoint must have the same data digest.
   *
   * @throws UsageException naming the checkpoint when its data differ
   */
  static Checkpoints checkpoints(Args a, String command, Path out, Checkpoint from,
      Dataset train, Dataset test) {
    Map<String, String> recorded = new java.util.TreeMap<>(a.values());
    recorded.keySet().removeAll(NOT_RECORDED);
    String data = Checkpoint.digest(new float[][] {train.x(), test.x()},
        new int[][] {train.labels(), test.labels()});
    Path file = out.resolve(Checkpoint.FILE);
    if (from != null && !from.header().data().equals(data)) {
      throw new UsageException("--resume: " + file + " was made with other data (the images or"
          + " labels under --data " + a.string("data", "(default)") + " differ)");
    }
    Checkpoints cp = Checkpoints.of(file, new Checkpoint.Header(InfoCommand.version(), command,
        recorded, data), every(a), from);
    a.checkpoints = cp;
    return cp;
  }

  /**
   * The output folder of a new run ({@link #outDir}), or a resumed run's own folder (checked
   * writable).
   */
  static Path outDir(Args a, String name, Checkpoint from) throws IOException {
    if (from == null) {
      return outDir(a, name);
    }
    Path dir = folder(a, "resume", a.path("out", null));
    removeStaleTemporaries(dir);
    removeStaleTemporaries(dir.resolve("models"));
    return dir;
  }

  /** A temporary file of {@link org.hebb4j.io.AtomicWrite}: .NAME.PID.N.tmp. */
  private static final java.util.regex.Pattern TEMPORARY =
      java.util.regex.Pattern.compile("\\..+\\.([0-9]{1,18})\\.[0-9a-f]+\\.tmp");

  /**
   * Deletes the temporary files a killed run left in {@code dir} (spec/io.md#writing): those of
   * a process that no longer runs.
   */
  private static void removeStaleTemporaries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> stale = new ArrayList<>();
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      s.forEach(f -> {
        java.util.regex.Matcher m = TEMPORARY.matcher(f.getFileName().toString());
        if (m.matches() && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          stale.add(f);
        }
      });
    }
    for (Path f : stale) {
      Files.deleteIfExists(f);
    }
  }

  /** A finished run needs no checkpoint: removes it, so its folder holds only results. */
  static void finished(Checkpoints cp) throws IOException {
    if (cp.file() != null) {
      Files.deleteIfExists(cp.file());
    }
  }

  static Option outOption(String name) {
    return Option.of("out", "DIR", "output folder: new or empty, or any hebb4j run folder with "
        + "--force", "runs/" + name + "-YYYYMMDD-HHMMSS");
  }

  static Option forceOption() {
    return Option.flag("force", "reuse a non-empty --out folder: its old hebb4j output (*.csv, "
        + "*.txt, *.svg, *.png, models/, cells/, Table 1's setting folders) is deleted first");
  }

  /**
   * What {@code --force} may delete: the files a run writes into --out and models/, and the
   * temporary files {@code .NAME.PID.N.tmp} a killed run may leave (spec/io.md#writing).
   */
  private static final java.util.regex.Pattern OUTPUT =
      java.util.regex.Pattern.compile(".*\\.(csv|txt|svg|png|safetensors|cell)|\\..+\\.tmp");

  /**
   * Checks that {@code dir} may receive a run's output: a folder that does not exist or is empty;
   * with {@code --force}, a folder holding only hebb4j output, which is deleted here so that the
   * new run's files are never mixed with an old run's.
   *
   * @throws UsageException "--out: folder DIR is not empty (N entries, e.g. F): use --force to
   *     replace its hebb4j output, or another folder", or with --force naming an entry hebb4j
   *     does not write
   */
  static void emptyOrForced(Args a, Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> entries = new ArrayList<>();
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      s.sorted().forEach(entries::add);
    } catch (IOException e) {
      throw new UsageException("--out: cannot list folder " + dir + ": " + Main.reason(e));
    }
    if (entries.isEmpty()) {
      return;
    }
    if (!a.flag("force")) {
      throw new UsageException("--out: folder " + dir + " is not empty (" + entries.size()
          + (entries.size() == 1 ? " entry: " : " entries, e.g. ")
          + entries.get(0).getFileName() + "); add --force to replace its hebb4j output, or"
          + " choose another folder");
    }
    List<Path> delete = new ArrayList<>();
    forceable(entries, true, delete);
    for (Path f : delete) {
      try {
        Files.delete(f);
      } catch (IOException e) {
        throw new UsageException("--out: --force cannot delete " + f + ": " + Main.reason(e));
      }
    }
  }

  /**
   * The folders a run writes inside --out: models/ and cells/, and at the top Table 1 mode's
   * setting folders CONVENTIONS-LOSS (e.g. torch-mse_mean) with their own models/.
   */
  private static final java.util.regex.Pattern SETTING =
      java.util.regex.Pattern.compile("[a-z0-9]+-[a-z0-9_]+");

  /**
   * Adds to {@code delete}, children before their folder, every entry --force may delete, or
   * throws naming the first entry a run does not write.
   */
  private static void forceable(List<Path> entries, boolean top, List<Path> delete) {
    for (Path e : entries) {
      String name = e.getFileName().toString();
      if (Files.isDirectory(e, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && (name.equals("models") || name.equals(Sweeps.CELLS)
              || top && SETTING.matcher(name).matches())) {
        List<Path> inside = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(e)) {
          s.sorted().forEach(inside::add);
        } catch (IOException x) {
          throw new UsageException("--out: cannot list folder " + e + ": " + Main.reason(x));
        }
        forceable(inside, false, delete);
        delete.add(e);
      } else if (Files.isRegularFile(e, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && OUTPUT.matcher(name).matches()) {
        delete.add(e);
      } else {
        throw new UsageException("--out: " + e + " is not a file a run writes (--force"
            + " deletes only *.csv, *.txt, *.svg, *.png, models/*.safetensors, cells/ and"
            + " Table 1's setting folders of those); remove it yourself or choose another"
            + " folder");
      }
    }
  }

  /** A number > 0 (at most {@code max}). */
  static double positive(Args a, String name, double dflt, double max) {
    double v = a.number(name, dflt, 0, max);
    if (v == 0) {
      throw new UsageException("--" + name + ": must be positive, got " + a.string(name, ""));
    }
    return v;
  }

  static int threads(Args a) {
    return a.integer("threads", Workers.defaultThreads(), 1, 1024);
  }

  static long seed(Args a) {
    return a.integer("seed", 1, 0, Integer.MAX_VALUE);
  }

  /**
   * The output folder: --out, or a new runs/NAME-YYYYMMDD-HHMMSS (suffixed -2, -3 if taken);
   * created and checked writable ({@link #folder}), refused when it is not empty unless --force
   * ({@link #emptyOrForced}). Call it after every other check, just before the work starts.
   */
  static Path outDir(Args a, String name) {
    Path dir = a.path("out", null);
    if (dir == null) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      dir = Path.of("runs", name + "-" + stamp);
      for (int i = 2; Files.exists(dir); i++) {
        dir = Path.of("runs", name + "-" + stamp + "-" + i);
      }
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageException("--out: " + dir + " is a file, not a folder");
    }
    emptyOrForced(a, dir);
    return folder(a, "out", dir);
  }

  /**
   * A list of increasing numbers: "a,b,c", or "LO:HI:N" for N log-spaced values from LO to HI.
   * Values must be > 0 when {@code positive}, else >= 0, and at most {@code max}.
   */
  static double[] grid(Args a, String name, double[] dflt, boolean positive, double max) {
    String v = a.string(name, null);
    if (v == null) {
      return dflt.clone();
    }
    double[] out;
    if (v.contains(":")) {
      String[] p = v.split(":", -1);
      if (p.length != 3) {
        throw new UsageException("--" + name + ": expected LO:HI:N or a comma list, got '" + v
            + "'");
      }
      double lo = Args.parseNumber("--" + name, p[0], 0, max);
      double hi = Args.parseNumber("--" + name, p[1], 0, max);
      double n = Args.parseNumber("--" + name + " (count N)", p[2], 1, 1000);
      if (n != Math.rint(n)) {
        throw new UsageException("--" + name + ": the count N must be an integer, got '" + p[2]
            + "'");
      }
      if (lo == 0 || hi < lo) {
        throw new UsageException("--" + name + ": LO:HI:N needs 0 < LO <= HI, got '" + v + "'");
      }
      out = org.hebb4j.experiment.emergence.Phase.logspace(lo, hi, (int) n);
    } else {
      out = a.numbers(name, dflt, 0, max);
    }
    for (int i = 0; i < out.length; i++) {
      if (positive && out[i] == 0) {
        throw new UsageException("--" + name + ": values must be positive, got '" + v + "'");
      }
      if (i > 0 && !(out[i] > out[i - 1])) {
        throw new UsageException("--" + name + ": values must increase, got '" + v + "'");
      }
    }
    return out;
  }

  /** A number for CSV files and tables: shortest round-trip form, no locale. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (v == 0) {
      return "0";
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains("e")) {
      String[] p = s.split("e");
      String m = p[0].contains(".") ? p[0].replaceAll("0+$", "").replaceAll("\\.$", "") : p[0];
      return m + "e" + p[1];
    }
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** A compact gamma/sigma label: "0", "5e-05", "0.0005", "0.005". */
  static String label(double v) {
    return org.hebb4j.plot.Axis.label(v);
  }

  static void write(Path file, CharSequence text) throws IOException {
    org.hebb4j.io.AtomicWrite.writeString(file, text);
  }

  /** Lines of a CSV file, written with '\n' endings. */
  static final class Csv {
    private final StringBuilder sb = new StringBuilder();

    Csv(String header) {
      sb.append(header).append('\n');
    }

    Csv row(Object... cells) {
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        Object c = cells[i];
        sb.append(c instanceof Double ? num((Double) c) : String.valueOf(c));
      }
      sb.append('\n');
      return this;
    }

    void write(Path file) throws IOException {
      Experiments.write(file, sb);
    }
  }

  /** Prints a table with padded columns to {@code out} and returns it as text. */
  static String table(List<String[]> rows) {
    int cols = 0;
    for (String[] r : rows) {
      cols = Math.max(cols, r.length);
    }
    int[] w = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == 0 ? "" : "  ");
        line.append(r[i]);
        line.append(" ".repeat(w[i] - r[i].length()));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  static List<String[]> rows() {
    return new ArrayList<>();
  }

  /** Elapsed time like "4m12s" or "38.2s". */
  static String duration(long nanos) {
    double s = nanos / 1e9;
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1fs", s);
    }
    long m = (long) (s / 60);
    return m + "m" + String.format(Locale.ROOT, "%02d", (long) (s - 60 * m)) + "s";
  }

  /**
   * A progress line on stderr, refreshed twice a second, shown only when there is a terminal
   * ({@code System.console() != null}); otherwise nothing is printed.
   */
  static final class Progress implements AutoCloseable {
    final AtomicLong done = new AtomicLong();
    private final long total;
    private final String what;
    private final PrintStream err;
    private final long start = System.nanoTime();
    private final Thread printer;
    private volatile boolean stop;

    Progress(String what, long total, PrintStream err) {
      this.what = what;
      this.total = Math.max(1, total);
      this.err = err;
      if (System.console() != null) {
        printer = new Thread(this::loop, "hebb4j-progress");
        printer.setDaemon(true);
        printer.start();
      } else {
        printer = null;
      }
    }

    private void loop() {
      while (!stop) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
        if (stop) {
          return;
        }
        long d = done.get();
        long el = System.nanoTime() - start;
        double f = Math.min(1.0, (double) d / total);
        String eta = f > 0.01 ? ", about " + duration((long) (el * (1 - f) / f)) + " left" : "";
        err.print("\r" + what + ": " + String.format(Locale.ROOT, "%5.1f%%", 100 * f)
            + " (" + duration(el) + eta + ")   ");
        err.flush();
      }
    }

    @Override
    public void close() {
      stop = true;
      if (printer != null) {
        printer.interrupt();
        try {
          printer.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        err.print("\r" + " ".repeat(78) + "\r");
        err.flush();
      }
    }
  }
}
