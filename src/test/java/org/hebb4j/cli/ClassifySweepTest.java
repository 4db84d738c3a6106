package org.hebb4j.cli;

import static org.hebb4j.cli.ExperimentCommandsTest.oneLine;
import static org.hebb4j.cli.SweepShardTest.cat;
import static org.hebb4j.cli.SweepShardTest.digests;
import static org.hebb4j.cli.SweepShardTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code classify} is a sweep (spec/emergence.md#sweeps, #sce): the merge of n = 1, 3 and more
 * shards than cells equals the unsharded run bit for bit (every file but timings.txt), a resumed
 * partial run equals the uninterrupted one, and a mismatched resume or merge is refused in one
 * line, including one over changed data.
 */
class ClassifySweepTest {

  @TempDir
  Path tmp;

  Path data;

  /** sgd and randomnn x 2 gammas x 2 seeds = 8 cells of 4 epochs of 4 steps on a tiny MLP. */
  String[] cmd;

  @BeforeEach
  void data() throws IOException {
    data = tmp.resolve("fm");
    ExperimentCommandsTest.fakeFashionMnist(data, 128, 32);
    cmd = new String[] {"classify", "--data", data.toString(), "--rules", "sgd,randomnn",
        "--gammas", "0,5e-3", "--seeds", "2", "--epochs", "4", "--batch", "32", "--hidden", "8",
        "--lr", "0.1", "--window", "1", "--save"};
  }

  @Test
  void mergeOfOneThreeAndMoreShardsThanCellsEqualsUnsharded() throws IOException {
    Map<String, String> want = SweepShardTest.shardedEqualsUnsharded(tmp, cmd, 1, 3, 11);
    Path full = tmp.resolve("full");
    for (String f : new String[] {"sweep.txt", "classify.csv", "config.txt", "table.txt",
        "accuracy-vs-gamma.svg", "alignment-vs-gamma-layer2-minibatch.svg", "cells/000000.cell",
        "cells/000007.cell", "models/randomnn-gamma0.005-seed2.safetensors"}) {
      assertTrue(want.containsKey(f), f + " missing: " + want.keySet());
    }
    assertEquals(8, want.keySet().stream().filter(k -> k.startsWith("cells/")).count());
    // times, kernels and threads only in timings.txt
    for (String f : new String[] {"config.txt", "table.txt"}) {
      String t = Files.readString(full.resolve(f));
      assertFalse(t.contains("time:") || t.contains("threads") || t.contains("kernels"), t);
    }
    assertTrue(Files.readString(full.resolve(Sweeps.TIMINGS_TXT)).contains("time: "));
  }

  @Test
  void resumedPartialRunEqualsTheUninterruptedOne() throws IOException {
    Path full = tmp.resolve("full");
    ok(MainTest.run(cat(cmd, "--out", full.toString())));
    Map<String, String> want = digests(full);
    // a partial run: shard-free, killed after some cells (their records and models only)
    Path d = tmp.resolve("partial");
    ok(MainTest.run(cat(cmd, "--threads", "1", "--out", d.toString())));
    for (int c : new int[] {0, 3, 6, 7}) {
      Files.delete(d.resolve("cells").resolve(String.format("%06d.cell", c)));
    }
    for (String f : new String[] {"classify.csv", "table.txt", "config.txt",
        "accuracy-vs-gamma.svg", "models/sgd-gamma0-seed1.safetensors"}) {
      Files.delete(d.resolve(f));
    }
    Files.writeString(d.resolve("cells").resolve(".000003.cell.123.ab.tmp"), "half");
    MainTest.Run r = MainTest.run("classify", "--resume", d.toString(), "--threads", "2",
        "--checkpoint-every", "1m");
    ok(r);
    assertTrue(r.out().contains("8 of the sweep's 8 cells: 4 to run, 4 done before"), r.out());
    assertEquals(want, digests(d));
  }

  @Test
  void mismatchedResumeAndMergeAreRefusedInOneLine() throws IOException {
    Path d = tmp.resolve("r");
    ok(MainTest.run(cat(cmd, "--out", d.toString())));
    Path man = d.resolve("sweep.txt");
    oneLine(MainTest.run("classify", "--resume", d.toString(), "--epochs", "5"), 2,
        "hebb4j classify: --epochs: '5' differs from the recorded '4' in " + man);
    oneLine(MainTest.run("classify", "--resume", d.toString(), "--seed", "7"), 2,
        "hebb4j classify: --seed: not given to the recorded sweep in " + man);
    oneLine(MainTest.run("classify", "--resume", d.toString(), "--paper"), 2,
        "hebb4j classify: --paper: not given to the recorded sweep");
    oneLine(MainTest.run("emergence", "--resume", d.toString()), 2,
        "hebb4j emergence: --resume: " + d + " holds a sweep of classify, not of emergence");
    oneLine(MainTest.run("classify", "--resume", d.toString(), "--shard", "1/2"), 2,
        "--shard: 1/2 differs from the recorded 0/1");
    oneLine(MainTest.run("classify", "--resume", d.toString(), "--out",
        tmp.resolve("o").toString()), 2, "--out: --resume continues in " + d);
    // the same folder with other images: another sweep, refused before any cell runs
    Path s0 = tmp.resolve("s0");
    ok(MainTest.run(cat(cmd, "--shard", "0/2", "--out", s0.toString())));
    Path s1 = tmp.resolve("s1");
    ok(MainTest.run(cat(cmd, "--shard", "1/2", "--out", s1.toString())));
    ExperimentCommandsTest.fakeFashionMnist(data, 96, 32);
    oneLine(MainTest.run("classify", "--resume", d.toString()), 2,
        man + ": its options give another sweep in this hebb4j");
    oneLine(MainTest.run("classify", "--resume", d.toString()), 2,
        "; or the files in " + data + " changed");
    Path out = tmp.resolve("merged");
    oneLine(MainTest.run("merge", s0.toString(), s1.toString(), "--out", out.toString()), 2,
        "; or the files in " + data + " changed");
    assertFalse(Files.exists(out), "no merge wrote anything");
  }

  @Test
  void killedAndResumedEqualsTheUninterruptedRun() throws Exception {
    String[] slow = cat(cmd, "--threads", "1");
    slow[java.util.Arrays.asList(slow).indexOf("--epochs") + 1] = "60"; // 240 steps a cell
    Path full = tmp.resolve("full");
    ok(MainTest.run(cat(slow, "--out", full.toString())));
    Map<String, String> want = digests(full);
    long seed = System.nanoTime();
    java.util.Random rnd = new java.util.Random(seed);
    Path d = tmp.resolve("killed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> pc = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "org.hebb4j.cli.Main"));
    pc.addAll(List.of(slow));
    pc.addAll(List.of("--out", d.toString()));
    int target = 1 + rnd.nextInt(4);
    int delay = rnd.nextInt(20);
    Process p = new ProcessBuilder(pc).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("kill.log").toFile()).start();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (SweepKillResumeTest.records(d) < target && p.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    Thread.sleep(delay);
    assertTrue(p.isAlive(), "seed " + seed + ": the run ended before the kill: "
        + Files.readString(tmp.resolve("kill.log")));
    p.destroyForcibly(); // SIGKILL
    p.waitFor();
    int had = SweepKillResumeTest.records(d);
    assertTrue(had < 8, "seed " + seed + ": " + had + " records");
    ok(MainTest.run("classify", "--resume", d.toString()));
    assertEquals(want, digests(d), "seed " + seed + ": killed after " + had + " records");
  }
}
