package org.hebb4j.cli;

import static org.hebb4j.cli.ExperimentCommandsTest.oneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hebb4j.experiment.sweep.Shard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharded sweeps and merge (spec/emergence.md#sweeps): the merge of n shards gives the unsharded
 * run's folder bit for bit (every file but timings.txt), for n = 1, 3 and more shards than cells;
 * {@code --shard auto} from the Slurm and Kubernetes variables; and one-line refusals of bad
 * shard specs, mixed sweeps, duplicate, missing and incomplete shards, and corrupt records.
 */
class SweepShardTest {

  @TempDir
  Path tmp;

  /** 2 rules x 2 gammas x 2 seeds = 8 cells of 12 steps on a tiny net. */
  static final String[] MLP = {"emergence", "--rules", "sgd,dfa", "--gammas", "0,5e-4",
      "--seeds", "2", "--steps", "12", "--window", "1", "--train", "128", "--val", "32",
      "--batch", "32", "--hidden", "8", "--save"};

  /** 3 sigmas x 2 gammas x 2 seeds = 12 runs. */
  static final String[] PHASE = {"phase", "--sigmas", "1e-3:1e-1:3", "--gammas", "1e-3,1",
      "--seeds", "2", "--steps", "12", "--window", "1", "--train", "128", "--val", "32",
      "--batch", "32", "--save"};

  static String[] cat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static void ok(MainTest.Run r) {
    assertEquals(0, r.status(), r.err() + r.out());
  }

  /** SHA-256 of every file under dir but timings.txt, by relative path. */
  static Map<String, String> digests(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace('\\', '/');
      if (!rel.equals(Sweeps.TIMINGS_TXT)) {
        out.put(rel, sha256(f));
      }
    }
    return out;
  }

  static String sha256(Path f) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(f)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Runs cmd unsharded (into tmp/full) and as n shards, merges, and compares every file's
   * SHA-256; returns the unsharded run's.
   */
  static Map<String, String> shardedEqualsUnsharded(Path tmp, String[] cmd, int... counts)
      throws IOException {
    Path full = tmp.resolve("full");
    ok(MainTest.run(cat(cmd, "--threads", "2", "--out", full.toString())));
    Map<String, String> want = digests(full);
    assertTrue(want.containsKey("sweep.txt") && want.keySet().stream().anyMatch(
        k -> k.startsWith("cells/")) && want.keySet().stream().anyMatch(
        k -> k.startsWith("models/")), want.keySet().toString());
    for (int n : counts) {
      List<String> merge = new ArrayList<>(List.of("merge"));
      for (int i = 0; i < n; i++) {
        Path s = tmp.resolve("n" + n + "-s" + i);
        ok(MainTest.run(cat(cmd, "--shard", i + "/" + n, "--threads", "1", "--out",
            s.toString())));
        merge.add(s.toString());
      }
      Path out = tmp.resolve("merged-" + n);
      merge.add("--out");
      merge.add(out.toString());
      ok(MainTest.run(merge.toArray(new String[0])));
      assertEquals(want, digests(out), "merge of " + n + " shards");
    }
    return want;
  }

  @Test
  void emergenceMergeEqualsUnshardedForOneThreeAndMoreShardsThanCells() throws IOException {
    Map<String, String> d = shardedEqualsUnsharded(tmp, MLP, 1, 3, 11);
    for (String f : new String[] {"alignment.csv", "runs.csv", "timeseries.csv", "table.txt",
        "config.txt", "alignment-vs-gamma-layer2-minibatch.svg",
        "models/dfa-gamma0.0005-seed2.safetensors", "cells/000007.cell"}) {
      assertTrue(d.containsKey(f), f + " missing: " + d.keySet());
    }
  }

  @Test
  void paperTableModeAndTransformerMergeEqualUnsharded() throws IOException {
    String[] t1 = {"emergence", "--model", "transformer", "--rules", "sgd,adam", "--gammas",
        "0,5e-3", "--seeds", "1", "--steps", "10", "--window", "1", "--train", "64", "--val",
        "16", "--batch", "16", "--tokens", "2", "--heads", "1", "--blocks", "1", "--ffn", "8",
        "--conventions", "hebb4j,torch", "--loss", "mse,mse_mean", "--save"};
    Map<String, String> d = shardedEqualsUnsharded(tmp, t1, 3);
    assertTrue(d.containsKey("table1.txt") && d.containsKey("table1.csv")
        && d.containsKey("torch-mse_mean/alignment.csv")
        && d.containsKey("models/torch-mse_mean/adam-gamma0.005-seed1.safetensors"),
        d.keySet().toString());
  }

  @Test
  void phaseMergeEqualsUnsharded() throws IOException {
    Map<String, String> d = shardedEqualsUnsharded(tmp, PHASE, 1, 3, 13);
    assertTrue(d.containsKey("phase.csv") && d.containsKey("boundary.txt")
        && d.containsKey("phase-alignment.svg"), d.keySet().toString());
  }

  @Test
  void shardsRunAsSeparateProcessesMerge() throws Exception {
    Path full = tmp.resolve("full");
    ok(MainTest.run(cat(MLP, "--out", full.toString())));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<String> cmd = new ArrayList<>(List.of(java, "-cp",
          System.getProperty("java.class.path"), "org.hebb4j.cli.Main"));
      cmd.addAll(List.of(MLP));
      cmd.addAll(List.of("--shard", "auto", "--threads", "1", "--out",
          tmp.resolve("p" + i).toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("p" + i + ".log").toFile());
      pb.environment().remove(Shard.SLURM_ID);
      pb.environment().put(Shard.K8S_INDEX, Integer.toString(i));
      pb.environment().put(Shard.COUNT_VAR, "3");
      ps.add(pb.start());
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(0, ps.get(i).waitFor(), Files.readString(tmp.resolve("p" + i + ".log")));
      assertTrue(Files.readString(tmp.resolve("p" + i).resolve("sweep.txt"))
          .contains("\nshard " + i + "/3\n"));
    }
    Path out = tmp.resolve("merged");
    ok(MainTest.run("merge", tmp.resolve("p2").toString(), tmp.resolve("p0").toString(),
        tmp.resolve("p1").toString(), "--out", out.toString()));
    assertEquals(digests(full), digests(out));
  }

  static Function<String, String> env(String... kv) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m::get;
  }

  @Test
  void shardAutoReadsSlurmAndKubernetes() {
    assertEquals(new Shard(2, 4), Shard.parse("auto", env("SLURM_ARRAY_TASK_ID", "2",
        "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "0")));
    assertEquals(new Shard(2, 4), Shard.parse("auto", env("SLURM_ARRAY_TASK_ID", "3",
        "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "1")));
    assertEquals(new Shard(1, 3), Shard.parse("auto/3", env("SLURM_ARRAY_TASK_ID", "1",
        "SLURM_ARRAY_TASK_COUNT", "3")));
    assertEquals(new Shard(5, 8), Shard.parse("auto/8", env("JOB_COMPLETION_INDEX", "5")));
    assertEquals(new Shard(5, 8), Shard.parse("auto", env("JOB_COMPLETION_INDEX", "5",
        "HEBB4J_SHARD_COUNT", "8")));
    assertEquals(new Shard(0, 1), Shard.parse("0/1", env()));
    String[][] bad = {
        {"auto", "", "neither SLURM_ARRAY_TASK_ID"},
        {"auto", "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT is not"},
        {"auto", "SLURM_ARRAY_TASK_ID=4,SLURM_ARRAY_TASK_COUNT=4", "outside the 4 tasks"},
        {"auto/5", "SLURM_ARRAY_TASK_ID=1,SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_COUNT is"
            + " 4"},
        {"auto", "SLURM_ARRAY_TASK_ID=x,SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_ID: expected"},
        {"auto", "JOB_COMPLETION_INDEX=1", "give auto/N or set HEBB4J_SHARD_COUNT"},
        {"auto/4", "JOB_COMPLETION_INDEX=4", "is not below the count 4"},
        {"auto/4", "JOB_COMPLETION_INDEX=1,HEBB4J_SHARD_COUNT=3", "HEBB4J_SHARD_COUNT is 3"},
        {"auto", "JOB_COMPLETION_INDEX=1,SLURM_ARRAY_TASK_ID=1", "both"},
        {"3/3", "", "must be below n"}, {"-1/3", "", "expected a whole number"},
        {"1/0", "", "at least 1"}, {"a/b", "", "expected a whole number"},
        {"2", "", "expected i/n"}, {"auto/0", "JOB_COMPLETION_INDEX=0", "at least 1"}};
    for (String[] b : bad) {
      List<String> kv = new ArrayList<>();
      for (String e : b[1].isEmpty() ? new String[0] : b[1].split(",")) {
        kv.addAll(List.of(e.split("=")));
      }
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> Shard.parse(b[0], env(kv.toArray(
              new String[0]))), b[0] + " " + b[1]);
      assertTrue(e.getMessage().contains(b[2]), b[0] + " " + b[1] + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void shardAutoOnTheCommandLineUsesTheEnvironmentSeam() throws IOException {
    Function<String, String> saved = Sweeps.env;
    try {
      Sweeps.env = env("SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "3");
      Path s = tmp.resolve("slurm");
      ok(MainTest.run(cat(PHASE, "--shard", "auto", "--out", s.toString())));
      assertTrue(Files.readString(s.resolve("sweep.txt")).contains("\nshard 1/3\n"));
      try (Stream<Path> f = Files.list(s.resolve("cells"))) {
        assertEquals(List.of("000001.cell", "000004.cell", "000007.cell", "000010.cell"),
            f.map(p -> p.getFileName().toString()).sorted().toList());
      }
      assertFalse(Files.exists(s.resolve("phase.csv")), "a shard writes records only");
      Sweeps.env = env();
      oneLine(MainTest.run(cat(PHASE, "--shard", "auto", "--out", tmp.resolve("x").toString())),
          2, "hebb4j phase: --shard: auto: neither SLURM_ARRAY_TASK_ID");
      assertFalse(Files.exists(tmp.resolve("x")));
    } finally {
      Sweeps.env = saved;
    }
  }

  @Test
  void badShardsAndMergesGiveOneLine() throws IOException {
    for (String spec : new String[] {"3/3", "1/0", "x", "-1/2"}) {
      oneLine(MainTest.run(cat(MLP, "--shard", spec, "--out", tmp.resolve("b").toString())), 2,
          "hebb4j emergence: --shard: ");
    }
    Path[] s = new Path[3];
    for (int i = 0; i < 3; i++) {
      s[i] = tmp.resolve("s" + i);
      ok(MainTest.run(cat(PHASE, "--shard", i + "/3", "--out", s[i].toString())));
    }
    Path other = tmp.resolve("other");
    ok(MainTest.run(cat(PHASE, "--lr", "0.05", "--shard", "2/3", "--out", other.toString())));
    Path out = tmp.resolve("m");
    oneLine(MainTest.run("merge", s[0].toString(), s[1].toString(), other.toString(), "--out",
        out.toString()), 2, "hebb4j merge: " + other + ": another sweep than " + s[0]);
    oneLine(MainTest.run("merge", s[0].toString(), s[1].toString(), s[1].toString(), "--out",
        out.toString()), 2, "are both shard 1/3");
    oneLine(MainTest.run("merge", s[0].toString(), s[2].toString(), "--out", out.toString()), 2,
        "hebb4j merge: missing shard 1/3 of 3");
    oneLine(MainTest.run("merge", s[0].toString(), s[1].toString(), s[2].toString()), 2,
        "hebb4j merge: --out: ");
    oneLine(MainTest.run("merge", s[0].toString(), tmp.resolve("none").toString(), "--out",
        out.toString()), 2, "none: no such folder");
    oneLine(MainTest.run("merge", s[0].toString(), tmp.toString(), "--out", out.toString()), 2,
        "sweep.txt: no such file");
    Path mlp = tmp.resolve("mlp");
    ok(MainTest.run(cat(MLP, "--shard", "1/3", "--out", mlp.toString())));
    oneLine(MainTest.run("merge", s[0].toString(), mlp.toString(), s[2].toString(), "--out",
        out.toString()), 2, "a sweep of emergence, but " + s[0] + " is a sweep of phase");
    // a corrupt record, then a missing one
    Path rec = s[1].resolve("cells").resolve("000004.cell");
    byte[] b = Files.readAllBytes(rec);
    b[b.length / 2] ^= 1;
    Files.write(rec, b);
    oneLine(MainTest.run("merge", s[0].toString(), s[1].toString(), s[2].toString(), "--out",
        out.toString()), 2, rec + ": corrupt cell record");
    oneLine(MainTest.run(cat(PHASE, "--resume", s[1].toString())), 2,
        rec + ": corrupt cell record");
    Files.delete(rec);
    oneLine(MainTest.run("merge", s[0].toString(), s[1].toString(), s[2].toString(), "--out",
        out.toString()), 2, s[1] + ": shard 1/3 is incomplete: no record " + rec);
    // a record of another cell, and a manifest altered
    Files.copy(s[1].resolve("cells").resolve("000001.cell"), rec);
    oneLine(MainTest.run("merge", s[0].toString(), s[1].toString(), s[2].toString(), "--out",
        out.toString()), 2, rec + ": holds cell 1, not cell 4");
    Files.delete(rec);
    Path man = s[2].resolve("sweep.txt");
    Files.writeString(man, Files.readString(man).replace("shard 2/3", "shard 2/x"));
    oneLine(MainTest.run("merge", s[0].toString(), s[1].toString(), s[2].toString(), "--out",
        out.toString()), 2, man + ": bad shard '2/x'");
    assertFalse(Files.exists(out), "no merge wrote anything");
  }

  @Test
  void resumeChecksItsOptions() throws IOException {
    Path d = tmp.resolve("r");
    ok(MainTest.run(cat(MLP, "--out", d.toString())));
    Map<String, String> want = digests(d);
    Files.delete(d.resolve("cells").resolve("000003.cell"));
    Files.delete(d.resolve("alignment.csv"));
    oneLine(MainTest.run("emergence", "--resume", d.toString(), "--steps", "13"), 2,
        "hebb4j emergence: --steps: '13' differs from the recorded '12' in "
            + d.resolve("sweep.txt"));
    oneLine(MainTest.run("emergence", "--resume", d.toString(), "--lr", "0.2"), 2,
        "hebb4j emergence: --lr: not given to the recorded sweep");
    oneLine(MainTest.run("emergence", "--resume", d.toString(), "--neurons"), 2,
        "hebb4j emergence: --neurons: not given to the recorded sweep");
    oneLine(MainTest.run("phase", "--resume", d.toString()), 2,
        "hebb4j phase: --resume: " + d + " holds a sweep of emergence, not of phase");
    oneLine(MainTest.run("emergence", "--resume", d.toString(), "--shard", "1/2"), 2,
        "--shard: 1/2 differs from the recorded 0/1");
    oneLine(MainTest.run("emergence", "--resume", d.toString(), "--out", tmp.resolve("o")
        .toString()), 2, "--out: --resume continues in " + d);
    oneLine(MainTest.run("emergence", "--resume", d.toString(), "--checkpoint-every", "5x"), 2,
        "--checkpoint-every: expected Ns, Nm, Nh (wall time), Nb (batches) or off, got '5x'");
    MainTest.Run r = MainTest.run("emergence", "--resume", d.toString(), "--steps", "12",
        "--checkpoint-every", "off", "--threads", "1");
    ok(r);
    assertTrue(r.out().contains("8 of the sweep's 8 cells: 1 to run, 7 done before"), r.out());
    assertEquals(want, digests(d));
  }
}
