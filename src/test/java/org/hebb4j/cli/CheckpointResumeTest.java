package org.hebb4j.cli;

import static org.hebb4j.cli.HebbCnnCommandTest.cli;
import static org.hebb4j.experiment.hebbcnn.HebbCnnExperimentTest.synthetic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.hebb4j.cli.HebbCnnCommandTest.Run;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and resume (spec/io.md#checkpoints) in process, on tiny IDX files: a run stopped
 * as SIGTERM stops it (at a batch boundary, after writing its checkpoint) and resumed until it
 * ends writes the same bytes as a run never stopped, for hebbcnn (every variant, with its
 * softhebb and krotov rows), softhebb and krotov; a bad or mismatched checkpoint is refused with
 * one line.
 */
class CheckpointResumeTest {

  @TempDir
  Path dir;

  Path data;

  /**
   * 12 x 12 images for hebbcnn and krotov, whose ZCA and pixel decoders (784 x 784 for 28 x 28)
   * would dominate the time.
   */
  Path small;

  @BeforeEach
  void writeData() throws IOException {
    Rng r = new Rng(11);
    data = dir.resolve("data");
    new HebbCnnCommandTest().writeIdxSet(data, synthetic("a", 60, 28, r),
        synthetic("b", 30, 28, r));
    small = dir.resolve("small");
    new HebbCnnCommandTest().writeIdxSet(small, synthetic("a", 60, 12, r),
        synthetic("b", 30, 12, r));
  }

  private String[] argv(String command, Path out, String... rest) {
    List<String> a = new ArrayList<>(List.of(command, "--data",
        (command.equals("softhebb") ? data : small).toString(), "--out",
        out.toString(), "--threads", "2"));
    a.addAll(Arrays.asList(rest));
    return a.toArray(String[]::new);
  }

  /** SHA-256 of every file under {@code out} but timings.txt (spec/io.md#checkpoints). */
  static Map<String, String> digests(Path out) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        String rel = out.relativize(f).toString();
        if (!f.getFileName().toString().equals("timings.txt")) {
          m.put(rel, sha256(Files.readAllBytes(f)));
        }
      }
    }
    return m;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Runs {@code argv} in a thread and, {@code stops} times, asks it to stop as SIGTERM does once
   * it has written a new checkpoint (after {@code skip[i]} further writes), then resumes it with
   * {@code --resume OUT} alone; the last run goes to its end.
   *
   * @return the number of stops that took effect
   */
  private int stopAndResume(String[] argv, Path out, int... skip) throws Exception {
    Path file = out.resolve(Checkpoint.FILE);
    int stopped = 0;
    String[] next = argv;
    for (int i = 0; ; i++) {
      AtomicReference<Run> result = new AtomicReference<>();
      String[] a = next;
      Thread t = new Thread(() -> result.set(cli(a)));
      t.start();
      if (i < skip.length) {
        long seen = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : -1;
        int writes = 0;
        boolean asked = false;
        while (t.isAlive() && !asked) {
          long now = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : -1;
          if (now != seen) {
            seen = now;
            writes++;
          }
          if (writes > skip[i]) {
            asked = Main.deferStop("SIGTERM");
          }
          Thread.sleep(1);
        }
      }
      t.join();
      Run r = result.get();
      if (r.status() == 143) {
        assertEquals("hebb4j: stopped by SIGTERM; resume with: hebb4j " + argv[0]
            + " --resume " + out + "\n", r.err());
        assertTrue(Files.isRegularFile(file), "no checkpoint after a stop");
        stopped++;
        next = new String[] {argv[0], "--resume", out.toString()};
        continue;
      }
      assertEquals(0, r.status(), r.err());
      assertFalse(Files.exists(file), "a finished run keeps its checkpoint");
      return stopped;
    }
  }

  private void resumedEqualsUninterrupted(String command, String every, String... rest)
      throws Exception {
    Path plain = dir.resolve(command + "-plain");
    List<String> off = new ArrayList<>(Arrays.asList(rest));
    off.addAll(List.of("--checkpoint-every", "off"));
    Run r = cli(argv(command, plain, off.toArray(String[]::new)));
    assertEquals(0, r.status(), r.err());
    Path resumed = dir.resolve(command + "-resumed");
    List<String> often = new ArrayList<>(Arrays.asList(rest));
    often.addAll(List.of("--checkpoint-every", every));
    int stops = stopAndResume(argv(command, resumed, often.toArray(String[]::new)), resumed, 0,
        2, 1);
    assertTrue(stops >= 2, "only " + stops + " stops took effect");
    Map<String, String> a = digests(plain), b = digests(resumed);
    assertTrue(a.containsKey("decoding.csv") && a.containsKey("run.txt"), a.toString());
    assertEquals(a, b, "a resumed run differs from an uninterrupted one");
  }

  @Test
  void hebbcnnAllResumedEqualsUninterrupted() throws Exception {
    // six units: four variants, softhebb, krotov
    resumedEqualsUninterrupted("hebbcnn", "2b", "--burn-in", "0", "--batch", "20",
        "--channels", "6,6,6", "--save");
  }

  @Test
  void softhebbResumedEqualsUninterrupted() throws Exception {
    resumedEqualsUninterrupted("softhebb", "1b", "--channels", "4,6", "--epochs", "2");
  }

  @Test
  void krotovResumedEqualsUninterrupted() throws Exception {
    // one batch an epoch (60 images): 40 epochs leave the stop requests enough boundaries
    resumedEqualsUninterrupted("krotov", "1b", "--units", "12", "--epochs", "40");
  }

  /** A stopped softhebb run's folder, with its checkpoint. */
  private Path stopped() throws Exception {
    Path out = dir.resolve("stopped");
    String[] a = argv("softhebb", out, "--channels", "4", "--epochs", "3",
        "--checkpoint-every", "off");
    AtomicReference<Run> result = new AtomicReference<>();
    Thread t = new Thread(() -> result.set(cli(a)));
    t.start();
    while (t.isAlive() && !Main.deferStop("SIGINT")) {
      Thread.sleep(1);
    }
    t.join();
    assertEquals(130, result.get().status(), result.get().err());
    assertTrue(Files.isRegularFile(out.resolve(Checkpoint.FILE)));
    return out;
  }

  private static void refused(String expected, String... argv) {
    Run r = cli(argv);
    assertEquals(2, r.status(), String.join(" ", argv) + "\n" + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
  }

  @Test
  void mismatchedOrBadCheckpointsAreRefusedWithOneLine() throws Exception {
    Path out = stopped();
    Path file = out.resolve(Checkpoint.FILE);
    String d = out.toString();
    refused("--epochs: '4' differs from '3' recorded in " + file, "softhebb", "--resume", d,
        "--epochs", "4");
    refused("--seed: the run in " + d + " was started without it", "softhebb", "--resume", d,
        "--seed", "2");
    refused("is a checkpoint of hebb4j softhebb, not of hebb4j krotov", "krotov", "--resume",
        d);
    refused("--force: not with --resume", "softhebb", "--resume", d, "--force");
    refused("--checkpoint-every: expected Ns", "softhebb", "--data", data.toString(),
        "--checkpoint-every", "5x");
    refused("--resume: " + dir.resolve("none") + " is not a folder", "softhebb", "--resume",
        dir.resolve("none").toString());
    byte[] good = Files.readAllBytes(file);
    // other data: one label changed
    Path labels = data.resolve("train-labels-idx1-ubyte");
    byte[] lb = Files.readAllBytes(labels);
    byte[] changed = lb.clone();
    changed[changed.length - 1] ^= 1;
    Files.write(labels, changed);
    refused(file + " was made with other data", "softhebb", "--resume", d);
    Files.write(labels, lb);
    // a flipped bit in the state, a truncated file, a file that is no checkpoint
    byte[] bad = good.clone();
    bad[bad.length - 5] ^= 0x10;
    Files.write(file, bad);
    refused(file + ": the state does not match its digest (corrupt checkpoint)", "softhebb",
        "--resume", d);
    Files.write(file, Arrays.copyOf(good, good.length - 100));
    refused(file.toString(), "softhebb", "--resume", d);
    org.hebb4j.io.SafeTensors.write(file, Map.of(), Map.of("format", "pt"));
    refused(file + ": checkpoint format 'pt' is not " + Checkpoint.FORMAT, "softhebb",
        "--resume", d);
    // restored, it resumes to the end
    Files.write(file, good);
    Run r = cli("softhebb", "--resume", d);
    assertEquals(0, r.status(), r.err());
    refused("holds no checkpoint", "softhebb", "--resume", d);
  }
}
