package org.hebb4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An emergence sweep killed with SIGKILL at three random points (each after a random number of
 * finished cells plus a random delay, so sometimes during a record's write) and resumed each time
 * with {@code --resume} ends with the SHA-256 of every output equal to an uninterrupted run's
 * (spec/emergence.md#resume).
 */
class SweepKillResumeTest {

  @TempDir
  Path tmp;

  /** 3 rules x 2 gammas x 3 seeds = 18 cells of 150 steps. */
  static final String[] SWEEP = {"emergence", "--rules", "sgd,adam,dfa", "--gammas", "0,5e-4",
      "--seeds", "3", "--steps", "150", "--train", "256", "--val", "32", "--batch", "32",
      "--hidden", "16", "--save", "--threads", "1"};
  static final int CELLS = 18;

  static int records(Path dir) throws IOException {
    Path c = dir.resolve("cells");
    if (!Files.isDirectory(c)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(c)) {
      return (int) s.filter(p -> p.getFileName().toString().matches("\\d+\\.cell")).count();
    }
  }

  @Test
  void killedThreeTimesAndResumedGivesTheSameFiles() throws Exception {
    Path full = tmp.resolve("full");
    SweepShardTest.ok(MainTest.run(SweepShardTest.cat(SWEEP, "--out", full.toString())));
    Map<String, String> want = SweepShardTest.digests(full);

    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    Path d = tmp.resolve("killed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> log = new ArrayList<>();
    for (int kill = 0; kill < 3; kill++) {
      List<String> cmd = new ArrayList<>(List.of(java, "-cp",
          System.getProperty("java.class.path"), "org.hebb4j.cli.Main"));
      if (kill == 0) {
        cmd.addAll(List.of(SWEEP));
        cmd.addAll(List.of("--out", d.toString()));
      } else {
        cmd.addAll(List.of("emergence", "--resume", d.toString(), "--threads", "1"));
      }
      int have = records(d);
      // leave at least one cell for each later kill and the final resume
      int target = have + 1 + rnd.nextInt(Math.max(1, (CELLS - have - (3 - kill)) / 2));
      int delay = rnd.nextInt(40);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("kill" + kill + ".log").toFile()).start();
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (records(d) < target && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      Thread.sleep(delay);
      assertTrue(p.isAlive(), "seed " + seed + ": the run ended before kill " + kill + ": "
          + Files.readString(tmp.resolve("kill" + kill + ".log")));
      p.destroyForcibly(); // SIGKILL
      p.waitFor();
      log.add("kill " + kill + " after " + records(d) + " records (target " + target
          + ", +" + delay + " ms)");
    }
    assertTrue(records(d) < CELLS, "seed " + seed + ": " + log);
    MainTest.Run r = MainTest.run("emergence", "--resume", d.toString());
    SweepShardTest.ok(r);
    assertEquals(want, SweepShardTest.digests(d), "seed " + seed + ": " + log);
  }
}
