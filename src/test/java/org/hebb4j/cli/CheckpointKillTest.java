package org.hebb4j.cli;

import static org.hebb4j.cli.HebbCnnCommandTest.cli;
import static org.hebb4j.experiment.hebbcnn.HebbCnnExperimentTest.synthetic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.hebb4j.cli.HebbCnnCommandTest.Run;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue-12 acceptance check on tiny data (spec/io.md#checkpoints): {@code hebbcnn} in a JVM of
 * its own, killed with SIGKILL three times (once after its first checkpoint, once while it writes
 * one, once at a random point) and resumed each time, ends with the same SHA-256 of every output
 * file (timings.txt aside) as an uninterrupted run; after every kill the checkpoint on disk is
 * whole. Checkpoint writes pause 100 ms half-way ({@code hebb4j.checkpoint.testDelayMillis}), so
 * that the test can catch one under way.
 */
class CheckpointKillTest {

  @TempDir
  Path dir;

  @Test
  void killedThreeTimesAndResumedEqualsUninterrupted() throws Exception {
    Rng r = new Rng(12);
    Path data = dir.resolve("data");
    new HebbCnnCommandTest().writeIdxSet(data, synthetic("a", 60, 12, r),
        synthetic("b", 30, 12, r));
    List<String> args = List.of("hebbcnn", "--variant", "triangle", "--data", data.toString(),
        "--burn-in", "0", "--batch", "10", "--channels", "6,6,6", "--epochs", "2", "--threads",
        "1", "--checkpoint-every", "2b");
    Path plain = dir.resolve("plain"), killed = dir.resolve("killed");
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of("--out", plain.toString()));
    Run run = cli(a.toArray(String[]::new));
    assertEquals(0, run.status(), run.err());

    Path file = killed.resolve(Checkpoint.FILE);
    Rng when = new Rng(System.nanoTime());
    List<String> first = new ArrayList<>(args);
    first.addAll(List.of("--out", killed.toString()));
    List<String> resume = List.of("hebbcnn", "--resume", killed.toString());
    // 1: after the first checkpoint, 0-200 ms later
    kill(first, pid -> Files.exists(file), when.nextInt(200));
    // 2: while a checkpoint is being written (its temporary file, named with the writer's
    // process id, exists; not one the first kill may have left)
    kill(resume, pid -> temporaries(killed, pid) > 0, 0);
    // 3: at a random point once the run is under way
    long start = System.nanoTime();
    int delay = 100 + when.nextInt(800);
    kill(resume, pid -> System.nanoTime() - start > delay * 1_000_000L, 0);
    Process p = start(resume);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the last resume did not end");
    assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes()));
    assertFalse(Files.exists(file), "the finished run kept its checkpoint");
    assertEquals(CheckpointResumeTest.digests(plain), CheckpointResumeTest.digests(killed),
        "killed and resumed differs from uninterrupted");
  }

  /** Starts the command, waits until {@code when} holds, sleeps {@code ms} and SIGKILLs it. */
  private void kill(List<String> command, LongPredicate when, int ms) throws Exception {
    Process p = start(command);
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!when.test(p.pid())) {
        if (!p.isAlive()) {
          throw new AssertionError("the run ended before it was killed, status "
              + p.waitFor() + ": " + new String(p.getErrorStream().readAllBytes()) + " "
              + command);
        }
        assertTrue(System.nanoTime() < deadline, "waited 120 s");
        Thread.sleep(2);
      }
      Thread.sleep(ms);
      assertTrue(p.isAlive(), "the run ended before it was killed");
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    Path folder = Path.of(command.get(command.indexOf(command.contains("--out") ? "--out"
        : "--resume") + 1));
    // whatever the moment, the checkpoint on disk is whole
    assertTrue(Checkpoint.read(folder.resolve(Checkpoint.FILE)).units().size() == 1);
  }

  private static Process start(List<String> command) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dhebb4j.checkpoint.testDelayMillis=100"));
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    }
    cmd.add(Main.class.getName());
    cmd.addAll(command);
    return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** The temporary checkpoint files of process {@code pid} in {@code dir}. */
  private static long temporaries(Path dir, long pid) {
    String prefix = "." + Checkpoint.FILE + "." + pid + ".";
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().startsWith(prefix)).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
