package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.hebb4j.experiment.sweep.CellRecord;
import org.hebb4j.experiment.sweep.Manifest;
import org.hebb4j.experiment.sweep.Shard;
import org.hebb4j.io.AtomicWrite;

/**
 * {@code hebb4j merge DIR... --out OUT}: combines the shard folders of one sweep into the run
 * folder the unsharded run would have written, bit for bit (spec/emergence.md#merge).
 */
final class MergeCommand implements Command {

  /** The sweep commands whose shards merge combines. */
  private final List<Sweeps.SweepCommand> sweeps = List.of(new EmergenceCommand(),
      new PhaseCommand(), new ClassifyCommand());

  @Override
  public String name() {
    return "merge";
  }

  @Override
  public String summary() {
    return "combine the shard folders of a sweep (--shard i/n) into its outputs";
  }

  @Override
  public String positionalUsage() {
    return "SHARD_DIR...";
  }

  @Override
  public String description() {
    return "Checks that the folders are the shards 0/n, ..., n-1/n of one sweep (emergence,\n"
        + "phase or classify, the same options digest and hebb4j version), each complete (a\n"
        + "record for every cell c with c mod n == i) and none twice, then writes into --out\n"
        + "exactly the run folder of the unsharded run: sweep.txt, cells/, models/ (with --save)\n"
        + "and every CSV, table and plot, formatted from the records; only timings.txt (times)\n"
        + "differs. A classify merge reads the recorded --data (its contents are in the digest).\n"
        + "See spec/emergence.md#merge.";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.of("out", "DIR", "output folder: new or empty, or any hebb4j run folder with "
            + "--force", null),
        Experiments.forceOption());
  }

  @Override
  public int run(Args a, PrintStream out, PrintStream err) throws IOException {
    long t0 = System.nanoTime();
    if (a.positional().isEmpty()) {
      throw new UsageException("give the shard folders: hebb4j merge DIR... --out OUT");
    }
    Path target = a.path("out", null);
    if (target == null) {
      throw new UsageException("--out: give the folder of the merged outputs");
    }
    List<Path> dirs = new ArrayList<>();
    List<Manifest> ms = new ArrayList<>();
    for (String s : a.positional()) {
      Path d = Path.of(s);
      if (!Files.isDirectory(d)) {
        throw new UsageException(d + ": no such folder");
      }
      if (Files.exists(target) && Files.isSameFile(d, target)) {
        throw new UsageException("--out: " + target + " is one of the shard folders; choose"
            + " another folder");
      }
      dirs.add(d);
      ms.add(Manifest.read(d));
    }
    Manifest m0 = ms.get(0);
    Path d0 = dirs.get(0);
    Map<Integer, Path> byIndex = new TreeMap<>();
    for (int j = 0; j < ms.size(); j++) {
      Manifest m = ms.get(j);
      Path d = dirs.get(j);
      if (!m.command().equals(m0.command())) {
        throw new UsageException(d + ": a sweep of " + m.command() + ", but " + d0
            + " is a sweep of " + m0.command());
      }
      if (!m.digest().equals(m0.digest()) || m.cells() != m0.cells()) {
        throw new UsageException(d + ": another sweep than " + d0 + " (options digest "
            + m.digest().substring(0, 12) + " vs " + m0.digest().substring(0, 12) + ")");
      }
      if (!m.version().equals(m0.version())) {
        throw new UsageException(d + ": written by hebb4j " + m.version() + ", " + d0 + " by "
            + m0.version());
      }
      if (m.shard().count() != m0.shard().count()) {
        throw new UsageException(d + ": shard " + m.shard() + ", but " + d0 + " is shard "
            + m0.shard() + " (one n for all shards)");
      }
      Path dup = byIndex.put(m.shard().index(), d);
      if (dup != null) {
        throw new UsageException(d + " and " + dup + " are both shard " + m.shard());
      }
    }
    int n = m0.shard().count();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!byIndex.containsKey(i)) {
        missing.add(i + "/" + n);
      }
    }
    if (!missing.isEmpty()) {
      throw new UsageException("missing shard" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
          + (missing.size() > 5 ? ", ..." : "") + " of " + n + " (given: " + byIndex.size()
          + ")");
    }
    Sweeps.SweepCommand cmd = null;
    for (Sweeps.SweepCommand c : sweeps) {
      if (c.name().equals(m0.command())) {
        cmd = c;
      }
    }
    if (cmd == null) {
      throw new UsageException(d0.resolve(Manifest.FILE) + ": command '" + m0.command()
          + "' is not a sweep merge combines");
    }
    return merge(cmd, a, target, byIndex, m0, t0, out, err);
  }

  private <R> int merge(Sweeps.SweepCommand cmd, Args a, Path target, Map<Integer, Path> shards,
      Manifest m0, long t0, PrintStream out, PrintStream err) throws IOException {
    Path d0 = shards.get(0);
    List<String> argv = Sweeps.argv(cmd, m0.options());
    argv.add("--out");
    argv.add(target.toString());
    if (a.flag("force")) {
      argv.add("--force");
    }
    Args ca;
    try {
      ca = Args.parse(argv.toArray(new String[0]), cmd.options());
    } catch (UsageException e) {
      throw new UsageException(d0.resolve(Manifest.FILE) + ": " + e.getMessage());
    }
    @SuppressWarnings("unchecked")
    Sweeps.Plan<R> p = (Sweeps.Plan<R>) cmd.plan(ca, err);
    if (!p.digest.equals(m0.digest())) {
      throw new UsageException(d0.resolve(Manifest.FILE) + ": its options give another sweep"
          + " in this hebb4j (" + InfoCommand.version() + ") than in the recording one ("
          + m0.version() + ")" + p.inputsNote());
    }
    // every record present and sound before anything is written
    List<R> cells = new ArrayList<>(m0.cells());
    List<Path> files = new ArrayList<>(m0.cells());
    for (int c = 0; c < m0.cells(); c++) {
      Path d = shards.get(c % m0.shard().count());
      Path f = d.resolve(Sweeps.CELLS).resolve(CellRecord.fileName(c));
      if (!Files.isRegularFile(f)) {
        throw new UsageException(d + ": shard " + (c % m0.shard().count()) + "/"
            + m0.shard().count() + " is incomplete: no record " + f + "; finish it with"
            + " --resume " + d);
      }
      files.add(f);
    }
    for (Map.Entry<Integer, Path> e : shards.entrySet()) {
      Sweeps.load(p, m0, e.getValue(), new Shard(e.getKey(), m0.shard().count()));
    }
    for (int c = 0; c < m0.cells(); c++) {
      cells.add(Sweeps.read(p, m0, files.get(c), c));
    }
    Path dir = Experiments.outDir(ca, cmd.name());
    AtomicWrite.writeString(dir.resolve(Manifest.FILE), m0.with(Shard.ALL).text());
    p.open(ca, dir);
    Path cellsOut = Experiments.folder(ca, "out", dir.resolve(Sweeps.CELLS));
    for (int c = 0; c < files.size(); c++) {
      AtomicWrite.write(cellsOut.resolve(CellRecord.fileName(c)), Files.readAllBytes(
          files.get(c)));
    }
    int models = 0;
    for (Path d : shards.values()) {
      models += copyModels(d.resolve("models"), dir.resolve("models"));
    }
    out.printf(Locale.ROOT, "merge: %d shards of a sweep of %s, %d cells%s%n", shards.size(),
        cmd.name(), m0.cells(), models > 0 ? ", " + models + " model files" : "");
    int status = p.format(dir, cells, out, err);
    String time = Experiments.duration(System.nanoTime() - t0);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "hebb4j %s merge of %d"
        + " shards of a sweep of %s (%d cells):%n", InfoCommand.version(), shards.size(),
        cmd.name(), m0.cells()));
    for (Map.Entry<Integer, Path> e : shards.entrySet()) {
      sb.append("  shard ").append(e.getKey()).append('/').append(shards.size()).append(": ")
          .append(e.getValue().toAbsolutePath().normalize()).append('\n');
    }
    sb.append("time: ").append(time).append('\n');
    AtomicWrite.writeString(dir.resolve(Sweeps.TIMINGS_TXT), sb);
    out.println("time: " + time + "; results in " + dir);
    return status;
  }

  /** Copies every file under {@code from} (kept relative) into {@code to}; returns the count. */
  private static int copyModels(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return 0;
    }
    List<Path> files = new ArrayList<>();
    try (java.util.stream.Stream<Path> s = Files.walk(from)) {
      s.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    int n = 0;
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.startsWith(".") && name.endsWith(".tmp")) {
        continue;
      }
      Path t = to.resolve(from.relativize(f).toString());
      Files.createDirectories(t.getParent());
      AtomicWrite.write(t, Files.readAllBytes(f));
      n++;
    }
    return n;
  }
}
