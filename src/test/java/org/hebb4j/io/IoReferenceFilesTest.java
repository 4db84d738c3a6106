package org.hebb4j.io;

import static org.hebb4j.io.IoTestSupport.VECTORS;
import static org.hebb4j.io.IoTestSupport.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The files test-vectors/io/io_reference.py writes with numpy (committed next to it) read back as
 * exactly the values the script puts in them.
 */
class IoReferenceFilesTest {

  /** (i - 2.5) / 4 etc.: the script's formulas, all exact in float32. */
  private static float[] range(int n, float scale, float shift) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = i * scale + shift;
    }
    return f;
  }

  static Tensor sampleNpy() {
    float[] f = new float[12];
    for (int i = 0; i < 12; i++) {
      f[i] = i / 8f - 0.5f;
    }
    return Tensor.of(f, 3, 4);
  }

  static IntTensor sampleIntNpy() {
    return new IntTensor(new int[] {2, 3}, new int[] {-3, -2, -1, 0, 1, Integer.MAX_VALUE});
  }

  @Test
  void safetensorsWrittenByPython() throws IOException {
    SafeTensors.Contents c = SafeTensors.read(VECTORS.resolve("sample.safetensors"));
    assertEquals(List.of("layer.weight", "layer.bias", "cube", "scale", "empty"),
        List.copyOf(c.tensors().keySet()));
    float[] w = new float[6];
    for (int i = 0; i < 6; i++) {
      w[i] = (i - 2.5f) / 4;
    }
    assertSameBits(Tensor.of(w, 2, 3), c.tensors().get("layer.weight"));
    assertSameBits(Tensor.of(IoTestSupport.bits(0x80000000, 0x7f800000, 0x7fc00000, 0x00000001,
        0x7f7fffff), 5), c.tensors().get("layer.bias"));
    assertSameBits(Tensor.of(range(8, 0.125f, -0.5f), 2, 2, 2), c.tensors().get("cube"));
    assertSameBits(Tensor.of(new float[] {0.5f}), c.tensors().get("scale"));
    assertSameBits(Tensor.zeros(0), c.tensors().get("empty"));
    assertEquals(List.of("labels"), List.copyOf(c.intTensors().keySet()));
    assertArrayEquals(new int[] {4}, c.intTensors().get("labels").shape());
    assertArrayEquals(new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE},
        c.intTensors().get("labels").data());
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("note", "caf\u00e9 \u03b7 \ud83d\ude00 \"quoted\" \\ back");
    meta.put("config", "{\"layers\": [784, 10], \"rule\": \"hebb\"}");
    assertEquals(meta, c.metadata());
    assertEquals(List.copyOf(meta.keySet()), List.copyOf(c.metadata().keySet()));
  }

  @Test
  void npyWrittenByNumpy() throws IOException {
    assertSameBits(sampleNpy(), Npy.read(VECTORS.resolve("sample.npy")));
    IntTensor i = Npy.readInt(VECTORS.resolve("sample_int.npy"));
    assertArrayEquals(sampleIntNpy().shape(), i.shape());
    assertArrayEquals(sampleIntNpy().data(), i.data());
  }

  @Test
  void float64AndInt64AreConverted() throws IOException {
    // 1 + 2^-30 rounds to 1.0f; -1e300 overflows to -infinity.
    assertSameBits(Tensor.of(new float[] {0.1f, Float.NEGATIVE_INFINITY, 1f, 2.5f}, 4),
        Npy.read(VECTORS.resolve("sample_f8.npy")));
    IntTensor i = Npy.readInt(VECTORS.resolve("sample_i8.npy"));
    assertArrayEquals(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, i.data());
  }

  @Test
  void npzWrittenByNumpyStoredAndCompressed() throws IOException {
    for (String name : new String[] {"sample.npz", "sample_compressed.npz"}) {
      Map<String, Tensor> m = Npz.read(VECTORS.resolve(name));
      assertEquals(List.of("w", "b", "s"), List.copyOf(m.keySet()), name);
      assertSameBits(Tensor.of(range(6, 0.5f, -1f), 2, 3), m.get("w"));
      assertSameBits(Tensor.of(new float[] {1.5f, -2.25f, 3f}, 3), m.get("b"));
      assertSameBits(Tensor.of(new float[] {-0.75f}), m.get("s"));
    }
  }
}
