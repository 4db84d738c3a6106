package org.hebb4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.cli.Main;
import org.hebb4j.io.Npy;
import org.hebb4j.io.Npz;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hebb4j verify --exact A B} (spec/test-vectors.md#exact) on folders and files. */
class ExactComparisonTest {

  private record Result(int status, String out, String err) {}

  private static Result verify(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    String[] argv = new String[args.length + 1];
    argv[0] = "verify";
    System.arraycopy(args, 0, argv, 1, args.length);
    int status = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8).strip(),
        err.toString(StandardCharsets.UTF_8).strip());
  }

  /** A run folder: a CSV, a safetensors model, an npy and an npz array, a run.txt with a time. */
  private static Path run(Path dir, float w12, String csvCell, String time) throws Exception {
    Files.createDirectories(dir.resolve("models"));
    Files.writeString(dir.resolve("runs.csv"), "rule,loss\nsgd," + csvCell + "\n");
    Files.writeString(dir.resolve("run.txt"), "run time " + time + " s\n");
    float[] w = new float[2 * 3 * 4];
    for (int i = 0; i < w.length; i++) {
      w[i] = i * 0.1f;
    }
    w[12] = w12;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("0.bias", Tensor.of(new float[] {1f, 2f, 3f}, 3));
    tensors.put("0.weight", Tensor.of(w, 2, 3, 4));
    SafeTensors.write(dir.resolve("models/net.safetensors"), tensors, Map.of("format", "test"));
    Npy.write(dir.resolve("w.npy"), Tensor.of(w, 2, 3, 4));
    Npz.write(dir.resolve("all.npz"), tensors);
    return dir;
  }

  @Test
  void sameRunsAreSameAndTheTimingFileIsSkipped(@TempDir Path tmp) throws Exception {
    Path a = run(tmp.resolve("a"), 1.2f, "0.5", "3.1"), b = run(tmp.resolve("b"), 1.2f, "0.5",
        "9.7");
    Result r = verify("--exact", a.toString(), b.toString());
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().startsWith("same: 4 files"), r.out());
    Result all = verify("--exact", "--skip", "none", a.toString(), b.toString());
    assertEquals(1, all.status());
    assertEquals("differ: run.txt: line 1: A 'run time 3.1 s', B 'run time 9.7 s'", all.out());
  }

  @Test
  void theFirstDifferingElementIsNamedWithBothValues(@TempDir Path tmp) throws Exception {
    float w = 1.2f, w2 = Math.nextUp(w);
    Path a = run(tmp.resolve("a"), w, "0.5", "1"), b = run(tmp.resolve("b"), w2, "0.5", "1");
    Result r = verify("--exact", a.toString(), b.toString());
    assertEquals(1, r.status(), r.err());
    // all.npz sorts first
    assertEquals("differ: all.npz: tensor 0.weight [1, 0, 0] (element 12): A 0x3f99999a (1.2), "
        + "B 0x3f99999b (1.2000002)", r.out());
    Result model = verify("--exact", a.resolve("models/net.safetensors").toString(),
        b.resolve("models/net.safetensors").toString());
    assertEquals("differ: net.safetensors: tensor 0.weight [1, 0, 0] (element 12): "
        + "A 0x3f99999a (1.2), B 0x3f99999b (1.2000002)", model.out());
    Result npy = verify("--exact", a.resolve("w.npy").toString(), b.resolve("w.npy").toString());
    assertEquals("differ: w.npy: tensor array [1, 0, 0] (element 12): A 0x3f99999a (1.2), "
        + "B 0x3f99999b (1.2000002)", npy.out());
  }

  @Test
  void csvByLineAndFilesInOneFolderOnly(@TempDir Path tmp) throws Exception {
    Path a = run(tmp.resolve("a"), 1f, "0.5", "1"), b = run(tmp.resolve("b"), 1f, "0.50", "1");
    Result r = verify("--exact", a.toString(), b.toString());
    assertEquals("differ: runs.csv: line 2: A 'sgd,0.5', B 'sgd,0.50'", r.out());
    Files.delete(b.resolve("w.npy"));
    Files.writeString(b.resolve("runs.csv"), "rule,loss\nsgd,0.5\n");
    Result only = verify("--exact", a.toString(), b.toString());
    assertEquals(1, only.status());
    assertEquals("differ: w.npy: only in " + a, only.out());
  }

  @Test
  void badInputIsExitTwoWithOneLine(@TempDir Path tmp) throws Exception {
    Path a = run(tmp.resolve("a"), 1f, "0.5", "1");
    Path bad = Files.writeString(tmp.resolve("bad.safetensors"), "garbage");
    Result missing = verify("--exact", a.toString(), tmp.resolve("nope").toString());
    assertEquals(2, missing.status());
    assertEquals("hebb4j verify: no such file or directory: " + tmp.resolve("nope"),
        missing.err());
    assertEquals(2, verify("--exact", a.toString()).status());
    assertEquals(2, verify("--exact", a.toString(), a.resolve("runs.csv").toString()).status());
    assertEquals(2, verify("--skip", "x", a.toString()).status());
    Result malformed = verify("--exact", bad.toString(),
        a.resolve("models/net.safetensors").toString());
    assertEquals(2, malformed.status());
    assertTrue(malformed.err().startsWith("hebb4j verify: " + bad), malformed.err());
    assertEquals(1, malformed.err().lines().count());
  }
}
