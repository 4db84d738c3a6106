package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.io.FormatException;
import org.hebb4j.io.Npy;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.kernel.Activation;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mlp.save / Mlp.load (spec/emergence.md#mlp-state): round trip, refusals, a Python file. */
class MlpSaveTest {

  @TempDir
  Path dir;

  static Mlp net(Rng r) {
    Mlp m = new Mlp(MlpConfig.builder().input(5).hidden(7, 6).output(3)
        .activation(Activation.TANH).build());
    m.init(r);
    return m;
  }

  @Test
  void roundTripPredictsTheSameBits() throws IOException {
    Mlp m = net(new Rng(3));
    Path f = dir.resolve("m.safetensors");
    m.save(f);
    Mlp back = Mlp.load(f);
    assertEquals(m.config(), back.config());
    float[] x = new float[11 * 5];
    new Rng(4).fillGaussian(x, 0, x.length, 1f);
    assertArrayEquals(m.predict(x, 11).data(), back.predict(x, 11).data());
    assertEquals(m.stateDict().keySet(), back.stateDict().keySet());

    Mlp lin = new Mlp(MlpConfig.linear(4, 2));
    lin.init(new Rng(1));
    lin.save(f);
    Mlp linBack = Mlp.load(f);
    assertFalse(linBack.config().bias());
    assertArrayEquals(lin.layer(0).w, linBack.layer(0).w);
  }

  private void refused(Map<String, Tensor> tensors, Map<String, String> meta, String fault)
      throws IOException {
    Path f = dir.resolve("bad.safetensors");
    SafeTensors.write(f, tensors, meta);
    FormatException e = assertThrows(FormatException.class, () -> Mlp.load(f));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(fault), e.getMessage());
  }

  @Test
  void badFilesAreRefusedWithOneLine() throws IOException {
    Mlp m = net(new Rng(5));
    Map<String, Tensor> good = new LinkedHashMap<>(m.stateDict());
    Map<String, String> meta = new LinkedHashMap<>(m.configMetadata());

    Map<String, String> other = new LinkedHashMap<>(meta);
    other.put("format", "hebb4j.hebbcnn/1");
    refused(good, other, "format");
    other = new LinkedHashMap<>(meta);
    other.remove("hidden");
    refused(good, other, "'hidden' is missing");
    other = new LinkedHashMap<>(meta);
    other.put("hidden", "7,x");
    refused(good, other, "metadata 'hidden'");

    Map<String, Tensor> t = new LinkedHashMap<>(good);
    t.remove("2.bias");
    refused(t, meta, "missing tensor '2.bias'");
    t = new LinkedHashMap<>(good);
    t.put("6.weight", Tensor.zeros(1, 1));
    refused(t, meta, "unexpected tensor '6.weight'");
    t = new LinkedHashMap<>(good);
    t.put("0.weight", Tensor.zeros(5, 7));
    refused(t, meta, "tensor '0.weight': expected shape [7, 5], got [5, 7]");
    t = new LinkedHashMap<>(good);
    Tensor nan = Tensor.zeros(3);
    nan.data()[1] = Float.NaN;
    t.put("4.bias", nan);
    refused(t, meta, "tensor '4.bias' holds a non-finite value at index 1");

    Path junk = dir.resolve("junk.safetensors");
    Files.write(junk, new byte[] {1, 2, 3});
    FormatException e = assertThrows(FormatException.class, () -> Mlp.load(junk));
    assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
  }

  /**
   * test-vectors/io/mlp.safetensors, written by io_reference.py (numpy alone) with PyTorch
   * Sequential names, loads as an Mlp and predicts the numpy float64 values to float32 accuracy.
   */
  @Test
  void fileWrittenByPythonLoadsAndPredicts() throws IOException {
    Path vectors = Path.of("test-vectors", "io");
    Mlp m = Mlp.load(vectors.resolve("mlp.safetensors"));
    assertEquals(MlpConfig.builder().input(4).hidden(8).output(3).build(), m.config());
    Tensor x = Npy.read(vectors.resolve("mlp_input.npy"));
    Tensor want = Npy.read(vectors.resolve("mlp_expected.npy"));
    assertArrayEquals(new int[] {5, 4}, x.shape());
    assertArrayEquals(new int[] {5, 3}, want.shape());
    float[] got = m.predict(x.data(), 5).data();
    for (int i = 0; i < got.length; i++) {
      assertEquals(want.data()[i], got[i], 1e-5, "output " + i);
    }
    // the weights were read as written: "0.weight"[0][1] = float32(0.6 sin(0.8))
    assertEquals((float) (0.6 * Math.sin(0.8)), m.layer(0).w[1], 1e-7f);
  }
}
