package org.hebb4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file (spec/io.md#checkpoints): exact round trip, and one-line refusals. */
class CheckpointTest {

  @TempDir
  Path dir;

  /** A log row with every supported component type. */
  public record Row(int epoch, long samples, double mean, float rate, boolean dead) {}

  private static final Checkpoint.Header HEADER = new Checkpoint.Header("1.2", "hebbcnn",
      Map.of("epochs", "3", "save", "true", "data", "d\nir"), "00".repeat(32));

  @Test
  void everyValueComesBackWithItsBits() throws Exception {
    Checkpoint.State s = new Checkpoint.State()
        .put("w", new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE})
        .put("i", new int[] {Integer.MIN_VALUE, 7})
        .put("wins", new long[] {Long.MIN_VALUE, -1, 1L << 40})
        .put("bn.var", new double[] {Double.MIN_VALUE, -0.0, Math.PI})
        .putLong("step", 123_456_789_012L).putDouble("x", 1e-300);
    List<Row> rows = List.of(new Row(1, 1L << 33, 0.1, 0.25f, false),
        new Row(2, 5, Double.NaN, -0f, true));
    s.putRecords("log", Row.class, rows);
    Path f = dir.resolve(Checkpoint.FILE);
    Checkpoint.write(f, HEADER, List.of(
        new Checkpoint.Unit("plain", Checkpoint.Position.DONE, new Checkpoint.State()),
        new Checkpoint.Unit("triangle+pruning", new Checkpoint.Position(2, 7, false), s)));
    Checkpoint c = Checkpoint.read(f);
    assertEquals(HEADER, c.header());
    assertEquals(List.of("plain", "triangle+pruning"),
        c.units().stream().map(Checkpoint.Unit::name).toList());
    assertEquals(Checkpoint.Position.DONE, c.units().get(0).position());
    assertEquals(new Checkpoint.Position(2, 7, false), c.units().get(1).position());
    Checkpoint.State r = c.units().get(1).state();
    assertArrayEquals(new int[] {0x3fc00000, 0x80000000, 0x7fc00000, 1},
        bits(r.floats("w", 4)));
    assertArrayEquals(new int[] {Integer.MIN_VALUE, 7}, r.ints("i", 2));
    assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 1L << 40}, r.longs("wins", 3));
    assertArrayEquals(new double[] {Double.MIN_VALUE, -0.0, Math.PI}, r.doubles("bn.var", 3));
    assertEquals(123_456_789_012L, r.getLong("step"));
    assertEquals(1e-300, r.getDouble("x"));
    assertEquals(rows.toString(), r.records("log", Row.class).toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.floats("w", 5));
    assertEquals("state 'w' has 4 values, expected 5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> r.longs("w", 4));
    assertEquals("state 'w' holds float values, expected long", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> r.floats("nope", 1));
    assertEquals("state 'nope' is missing", e.getMessage());
  }

  private static int[] bits(float[] f) {
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToRawIntBits(f[i]);
    }
    return b;
  }

  /** A safetensors file with these metadata and tensors, read as a checkpoint: the error. */
  private String refused(Map<String, String> meta, Map<String, Tensor> tensors) throws Exception {
    Path f = dir.resolve("bad.safetensors");
    SafeTensors.write(f, tensors, Map.<String, IntTensor>of(), meta);
    FormatException e = assertThrows(FormatException.class, () -> Checkpoint.read(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    return e.getMessage().substring(f.toString().length() + 2);
  }

  private static Map<String, String> meta(String... kv) {
    Map<String, String> m = new LinkedHashMap<>(Map.of("format", Checkpoint.FORMAT, "hebb4j",
        "1", "command", "krotov", "data_sha256", "", "options_sha256",
        new Checkpoint.Header("1", "krotov", Map.of(), "").optionsDigest(), "units", "a",
        "unit.a", "done", "state_sha256", "x"));
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        m.remove(kv[i]);
      } else {
        m.put(kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  @Test
  void malformedCheckpointsAreRefusedWithOneLine() throws Exception {
    assertEquals("not a hebb4j checkpoint (no format key)", refused(Map.of(), Map.of()));
    assertEquals("checkpoint format 'hebb4j-checkpoint/2' is not hebb4j-checkpoint/1",
        refused(meta("format", "hebb4j-checkpoint/2"), Map.of()));
    assertEquals("checkpoint has no units key", refused(meta("units", null), Map.of()));
    assertEquals("unit 'a': position '3' is not 'done' or EPOCH,BATCH (EPOCH from 1)",
        refused(meta("unit.a", "3"), Map.of()));
    assertEquals("unit 'a': position '0,1' is not 'done' or EPOCH,BATCH (EPOCH from 1)",
        refused(meta("unit.a", "0,1"), Map.of()));
    assertEquals("unit 'a' has no position", refused(meta("unit.a", null), Map.of()));
    assertEquals("position of unit 'b', which the unit list does not name",
        refused(meta("unit.b", "1,1"), Map.of()));
    assertEquals("unit list has an empty, repeated or invalid name 'a'",
        refused(meta("units", "a\na"), Map.of()));
    assertEquals("the recorded options do not match their digest (corrupt checkpoint)",
        refused(meta("option.epochs", "2"), Map.of()));
    assertEquals("the state does not match its digest (corrupt checkpoint)",
        refused(meta(), Map.of("a/w", Tensor.of(new float[] {1}, 1))));
  }

  @Test
  void intervalsParseOrNameTheProblem() {
    assertEquals(new Checkpoints.Every(10_000_000_000L, 0), Checkpoints.Every.parse("10s"));
    assertEquals(new Checkpoints.Every(120_000_000_000L, 0), Checkpoints.Every.parse("2m"));
    assertEquals(new Checkpoints.Every(3_600_000_000_000L, 0), Checkpoints.Every.parse("1h"));
    assertEquals(new Checkpoints.Every(0, 3), Checkpoints.Every.parse("3b"));
    assertEquals(Checkpoints.Every.OFF, Checkpoints.Every.parse("off"));
    for (String bad : List.of("", "0s", "5", "-1m", "1.5h", "5 m", "1000001s", "10d")) {
      assertThrows(IllegalArgumentException.class, () -> Checkpoints.Every.parse(bad), bad);
    }
  }
}
