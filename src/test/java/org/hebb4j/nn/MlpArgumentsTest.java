package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.io.FormatException;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every public method of Mlp rejects a bad argument with a one-line message. */
class MlpArgumentsTest {

  private static MlpConfig cfg(int hidden) {
    return MlpConfig.builder().input(4).hidden(hidden).output(3).build();
  }

  @Test
  void copyFromAnotherArchitectureNamesBothConfigs() {
    Mlp a = new Mlp(cfg(8));
    Mlp b = new Mlp(cfg(9));
    b.init(new Rng(1));
    for (Mlp[] p : new Mlp[][] {{a, b}, {b, a}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> p[0].copyFrom(p[1]));
      assertTrue(e.getMessage().contains(p[0].config().toString())
          && e.getMessage().contains(p[1].config().toString()), e.getMessage());
    }
    Mlp noBias = new Mlp(MlpConfig.builder().input(4).hidden(8).output(3).bias(false).build());
    assertThrows(IllegalArgumentException.class, () -> a.copyFrom(noBias));
    assertEquals("other", assertThrows(NullPointerException.class, () -> a.copyFrom(null))
        .getMessage());
    Mlp c = new Mlp(cfg(9));
    c.copyFrom(b);
    assertArrayEquals(b.layer(1).w, c.layer(1).w);
  }

  @Test
  void layerIndexOutOfRangeIsNamed() {
    Mlp m = new Mlp(cfg(8));
    m.init(new Rng(2));
    for (int l : new int[] {-1, 2, 7}) {
      assertEquals("layer " + l + " out of range [0, 2)",
          assertThrows(IllegalArgumentException.class, () -> m.layer(l)).getMessage());
      assertThrows(IllegalArgumentException.class, () -> m.features(new float[4], 1, l));
      Mlp.Workspace ws = m.workspace(2);
      ws.forward(KernelProvider.scalar(), new float[8], 2);
      assertThrows(IllegalArgumentException.class, () -> ws.z(l));
      assertThrows(IllegalArgumentException.class, () -> ws.hPre(l));
      assertThrows(IllegalArgumentException.class, () -> ws.hPost(l));
      assertThrows(IllegalArgumentException.class, () -> ws.delta(l));
      assertThrows(IllegalArgumentException.class, () -> ws.dW(l));
      assertThrows(IllegalArgumentException.class, () -> ws.db(l));
    }
  }

  @Test
  void nullsAreNamed() {
    assertEquals("rng", assertThrows(NullPointerException.class, () -> new Mlp(cfg(8)).init(null))
        .getMessage());
    assertEquals("config", assertThrows(NullPointerException.class, () -> new Mlp(null))
        .getMessage());
  }

  @Test
  void loadsAPlainPyTorchStateDictWithTheGivenConfig(@TempDir Path dir) throws Exception {
    MlpConfig c = MlpConfig.builder().input(4).hidden(5).output(2).activation(Activation.TANH)
        .build();
    Mlp src = new Mlp(c);
    src.init(new Rng(3));
    Path f = dir.resolve("plain.safetensors");
    SafeTensors.write(f, src.stateDict(), Map.of()); // no metadata, as safetensors.torch writes
    Mlp back = Mlp.load(f, c);
    assertEquals(c, back.config());
    for (int l = 0; l < 2; l++) {
      assertArrayEquals(src.layer(l).w, back.layer(l).w);
      assertArrayEquals(src.layer(l).b, back.layer(l).b);
    }
    float[] x = {0.1f, -0.2f, 0.3f, 0.4f};
    assertArrayEquals(src.predict(x, 1).data(), back.predict(x, 1).data());
    // other metadata is ignored; hebb4j metadata is checked against the config
    Path g = dir.resolve("other.safetensors");
    SafeTensors.write(g, src.stateDict(), Map.of("pt", "2.3"));
    assertEquals(c, Mlp.load(g, c).config());
    Path h = dir.resolve("own.safetensors");
    src.save(h);
    assertEquals(c, Mlp.load(h, c).config());
    MlpConfig relu = MlpConfig.builder().input(4).hidden(5).output(2).activation(Activation.RELU)
        .build();
    FormatException e = assertThrows(FormatException.class, () -> Mlp.load(h, relu));
    assertTrue(e.getMessage().startsWith(h.toString()) && e.getMessage().contains("expected"),
        e.getMessage());
    // a config the tensors do not fit
    FormatException shape = assertThrows(FormatException.class, () -> Mlp.load(f, cfg(5)));
    assertTrue(shape.getMessage().endsWith("tensor '2.weight': expected shape [3, 5], got [2, 5]"),
        shape.getMessage());
    Map<String, Tensor> missing = new LinkedHashMap<>(src.stateDict());
    missing.remove("2.bias");
    Path m = dir.resolve("missing.safetensors");
    SafeTensors.write(m, missing, Map.of());
    assertTrue(assertThrows(FormatException.class, () -> Mlp.load(m, c)).getMessage()
        .contains("missing tensor '2.bias'"));
    assertEquals("config", assertThrows(NullPointerException.class, () -> Mlp.load(f, null))
        .getMessage());
  }
}
