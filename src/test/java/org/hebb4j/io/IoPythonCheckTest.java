package org.hebb4j.io;

import static org.hebb4j.io.IoTestSupport.VECTORS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by hebb4j load in Python with numpy alone, names and bits equal:
 * {@code test-vectors/io/io_reference.py check}. Needs python3 with numpy (CI installs
 * python3-numpy); without it the test fails, saying so.
 */
class IoPythonCheckTest {

  private static final Path SCRIPT = VECTORS.resolve("io_reference.py");

  @TempDir
  Path dir;

  /** The exit code and output of a command, or null if it could not start. */
  private record Run(int code, String output) {}

  private static Run run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return null;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + command);
    }
    return new Run(p.exitValue(), out);
  }

  @BeforeAll
  static void needsPythonWithNumpy() throws Exception {
    Run r = run(List.of("python3", "-c", "import numpy"));
    if (r == null || r.code() != 0) {
      fail("python3 with numpy is required by this test (Debian: apt-get install python3-numpy)"
          + (r == null ? ": python3 not found" : ": " + r.output().strip()));
    }
  }

  private Run check(Path file, Path expected) throws Exception {
    return run(List.of("python3", SCRIPT.toString(), "check", file.toString(),
        expected.toString()));
  }

  private static void json(StringBuilder b, String s) {
    b.append('"');
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }

  /** The EXPECTED.json io_reference.py check reads: metadata, then tensors as 32-bit patterns. */
  private static String expected(Map<String, String> metadata, Map<String, Object> tensors) {
    StringBuilder b = new StringBuilder("{\"metadata\": {");
    String sep = "";
    for (Map.Entry<String, String> m : metadata.entrySet()) {
      b.append(sep);
      json(b, m.getKey());
      b.append(": ");
      json(b, m.getValue());
      sep = ", ";
    }
    b.append("}, \"tensors\": [");
    sep = "";
    for (Map.Entry<String, Object> e : tensors.entrySet()) {
      boolean f = e.getValue() instanceof Tensor;
      int[] shape = f ? ((Tensor) e.getValue()).shape() : ((IntTensor) e.getValue()).shape();
      List<String> bits = new ArrayList<>();
      if (f) {
        for (float v : ((Tensor) e.getValue()).data()) {
          bits.add(Integer.toUnsignedString(Float.floatToRawIntBits(v)));
        }
      } else {
        for (int v : ((IntTensor) e.getValue()).data()) {
          bits.add(Integer.toUnsignedString(v));
        }
      }
      b.append(sep).append("{\"name\": ");
      json(b, e.getKey());
      b.append(", \"dtype\": \"").append(f ? "F32" : "I32").append("\", \"shape\": ")
          .append(java.util.Arrays.toString(shape)).append(", \"bits\": ").append(bits)
          .append('}');
      sep = ", ";
    }
    return b.append("]}\n").toString();
  }

  @Test
  void safetensorsWrittenByHebb4jLoadsWithNumpyAlone() throws Exception {
    Path f = dir.resolve("model.safetensors");
    Map<String, IntTensor> ints = Map.of("labels", new IntTensor(new int[] {3},
        new int[] {-1, 0, Integer.MIN_VALUE}));
    SafeTensors.write(f, SafeTensorsTest.sampleTensors(), ints,
        SafeTensorsTest.sampleMetadata());
    Map<String, Object> all = new LinkedHashMap<>(SafeTensorsTest.sampleTensors());
    all.putAll(ints);
    Path exp = dir.resolve("expected.json");
    Files.writeString(exp, expected(SafeTensorsTest.sampleMetadata(), all));
    Run ok = check(f, exp);
    assertEquals(0, ok.code(), ok.output());
    assertTrue(ok.output().contains("7 tensors match"), ok.output());

    // The check can fail: one bit of one value, and the metadata.
    Tensor changed = SafeTensorsTest.specials();
    changed.data()[3] = 0.0f; // -0.0 in the file
    all.put("z.last_first", changed);
    Files.writeString(exp, expected(SafeTensorsTest.sampleMetadata(), all));
    Run bad = check(f, exp);
    assertEquals(1, bad.code(), bad.output());
    assertTrue(bad.output().contains("'z.last_first': values differ (first at flat index 3)"),
        bad.output());
    Files.writeString(exp, expected(Map.of("format", "pt"), all));
    assertEquals(1, check(f, exp).code());
  }

  @Test
  void mlpSavedByHebb4jLoadsWithNumpyAlone() throws Exception {
    org.hebb4j.nn.Mlp m = new org.hebb4j.nn.Mlp(org.hebb4j.nn.MlpConfig.builder().input(4)
        .hidden(8).output(3).build());
    m.init(new org.hebb4j.rng.Rng(2));
    Path f = dir.resolve("mlp.safetensors");
    m.save(f);
    Path exp = dir.resolve("expected.json");
    Files.writeString(exp, expected(m.configMetadata(), new LinkedHashMap<>(m.stateDict())));
    Run r = check(f, exp);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("4 tensors match"), r.output());
    m.layer(1).b[2] += 1f; // the check sees one changed value
    Files.writeString(exp, expected(m.configMetadata(), new LinkedHashMap<>(m.stateDict())));
    r = check(f, exp);
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("'2.bias': values differ (first at flat index 2)"),
        r.output());
  }

  @Test
  void npyAndNpzWrittenByHebb4jLoadWithNumpy() throws Exception {
    Path exp = dir.resolve("expected.json");
    Path npy = dir.resolve("a.npy");
    Npy.write(npy, SafeTensorsTest.specials());
    Files.writeString(exp, expected(Map.of(), Map.of("", SafeTensorsTest.specials())));
    Run r = check(npy, exp);
    assertEquals(0, r.code(), r.output());

    Path ints = dir.resolve("i.npy");
    IntTensor it = new IntTensor(new int[] {2, 1}, new int[] {5, -5});
    Npy.write(ints, it);
    Files.writeString(exp, expected(Map.of(), Map.of("", it)));
    r = check(ints, exp);
    assertEquals(0, r.code(), r.output());

    Path npz = dir.resolve("a.npz");
    Npz.write(npz, NpzTest.arrays());
    Files.writeString(exp, expected(Map.of(), new LinkedHashMap<>(NpzTest.arrays())));
    r = check(npz, exp);
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("4 tensors match"), r.output());
  }
}
