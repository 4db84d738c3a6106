package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The MLP as an object: config, PyTorch state_dict names, load and metadata round trips. */
class MlpTest {

  static final Kernels K = KernelProvider.get();

  static MlpConfig threeLayer() {
    return MlpConfig.builder().input(5).hidden(7, 4).output(3).activation(Activation.RELU)
        .build();
  }

  static Mlp net(MlpConfig c, long seed) {
    Mlp m = new Mlp(c);
    m.init(new Rng(seed));
    return m;
  }

  static float[] inputs(int rows, int d, long seed) {
    float[] x = new float[rows * d];
    new Rng(seed).fillGaussian(x, 0, x.length, 1f);
    return x;
  }

  /** torch.nn.Sequential(Linear, ReLU, Linear, ReLU, Linear).state_dict() keys and shapes. */
  @Test
  void parametersAreNamedAsPyTorchSequential() {
    Mlp m = net(threeLayer(), 1);
    Map<String, Tensor> p = m.parameters();
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
        List.copyOf(p.keySet()));
    assertArrayEquals(new int[] {7, 5}, p.get("0.weight").shape());
    assertArrayEquals(new int[] {7}, p.get("0.bias").shape());
    assertArrayEquals(new int[] {4, 7}, p.get("2.weight").shape());
    assertArrayEquals(new int[] {3, 4}, p.get("4.weight").shape());
    assertArrayEquals(new int[] {3}, p.get("4.bias").shape());
    assertSame(m.layer(1).w, p.get("2.weight").data(), "a live view, not a copy");
    assertEquals(p.keySet(), m.stateDict().keySet());
    Mlp linear = new Mlp(MlpConfig.linear(6, 2));
    assertEquals(List.of("0.weight"), List.copyOf(linear.parameters().keySet()));
  }

  @Test
  void loadStateDictRoundTripGivesBitIdenticalPredictions() {
    Mlp a = net(threeLayer(), 2), b = net(threeLayer(), 3);
    float[] x = inputs(9, 5, 4);
    assertFalse(java.util.Arrays.equals(a.predict(x, 9).data(), b.predict(x, 9).data()));
    Map<String, Tensor> copy = new LinkedHashMap<>();
    a.stateDict().forEach((k, t) -> copy.put(k, t.copy()));
    b.loadStateDict(copy);
    assertArrayEquals(a.predict(x, 9).data(), b.predict(x, 9).data());
    Mlp c = Mlp.fromMetadata(a.configMetadata());
    c.loadStateDict(a.stateDict());
    assertEquals(a.config(), c.config());
    assertArrayEquals(a.predict(x, 9).data(), c.predict(x, 9).data());
  }

  @Test
  void loadStateDictErrorsNameTheTensor() {
    Mlp m = net(threeLayer(), 5);
    float[] x = inputs(3, 5, 8);
    float[] before = m.predict(x, 3).data();
    Map<String, Tensor> s = new LinkedHashMap<>();
    net(threeLayer(), 9).stateDict().forEach((k, t) -> s.put(k, t.copy()));
    s.put("2.weight", Tensor.zeros(7, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.loadStateDict(s));
    assertEquals("tensor '2.weight': expected shape [4, 7], got [7, 4]", e.getMessage());
    s.put("2.weight", Tensor.zeros(4, 7));
    s.remove("4.bias");
    e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(s));
    assertEquals("missing tensor '4.bias'", e.getMessage());
    s.put("4.bias", Tensor.zeros(3));
    s.put("6.weight", Tensor.zeros(1, 3));
    e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(s));
    assertTrue(e.getMessage().startsWith("unexpected tensor '6.weight'"), e.getMessage());
    // every refused dict held other valid tensors before the bad one: none was copied
    assertArrayEquals(before, m.predict(x, 3).data(), "a refused dict changes nothing");
  }

  @Test
  void metadataRoundTripAndErrorsNameTheKey() {
    MlpConfig c = threeLayer();
    Map<String, String> md = c.metadata();
    assertEquals(MlpConfig.FORMAT, md.get("format"));
    assertEquals("hebb4j.mlp/1", md.get("format"));
    assertEquals("7,4", md.get("hidden"));
    assertEquals("relu", md.get("activation"));
    assertEquals("linear", md.get("output_activation"));
    assertEquals(c, MlpConfig.fromMetadata(md));
    assertEquals(MlpConfig.linear(3, 2), MlpConfig.fromMetadata(MlpConfig.linear(3, 2)
        .metadata()));
    String[][] bad = {
        {"format", null, "metadata key 'format' is missing"},
        {"format", "hebb4j.mlp/2", "metadata 'format': expected hebb4j.mlp/1, got 'hebb4j.mlp/2'"},
        {"input", "x", "metadata 'input': expected a positive integer, got 'x'"},
        {"hidden", "7,,4", "metadata 'hidden': expected a positive integer, got ''"},
        {"output", "0", "metadata 'output': expected a positive integer, got '0'"},
        {"activation", "gelu", "metadata 'activation': unknown activation 'gelu'"},
        {"output_activation", null, "metadata key 'output_activation' is missing"},
        {"bias", "yes", "metadata 'bias': expected true or false, got 'yes'"}};
    for (String[] b : bad) {
      Map<String, String> m = new LinkedHashMap<>(md);
      if (b[1] == null) {
        m.remove(b[0]);
      } else {
        m.put(b[0], b[1]);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Mlp.fromMetadata(m));
      assertTrue(e.getMessage().startsWith(b[2]), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
  }

  @Test
  void predictAndFeaturesEqualTheWorkspaceForwardPass() {
    Mlp m = net(threeLayer(), 6);
    float[] x = inputs(11, 5, 7);
    Mlp.Workspace ws = m.workspace(16);
    float[] out = ws.forward(K, x, 11);
    Tensor p = m.predict(x, 11);
    assertArrayEquals(new int[] {11, 3}, p.shape());
    assertArrayEquals(java.util.Arrays.copyOf(out, 33), p.data());
    Tensor f = m.features(x, 11, 1);
    assertArrayEquals(new int[] {11, 4}, f.shape());
    assertArrayEquals(java.util.Arrays.copyOf(ws.hPre(2), 44), f.data());
    assertThrows(IllegalArgumentException.class, () -> m.features(x, 11, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.predict(x, 12));
    assertEquals("x holds 55 values, 12 rows of 5 need 60", e.getMessage());
  }

  @Test
  void configChecksItsFields() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MlpConfig.builder().output(3).build());
    assertTrue(e.getMessage().contains("input"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> MlpConfig.builder().input(3).hidden(0).output(2).build());
    e = assertThrows(IllegalArgumentException.class,
        () -> MlpConfig.builder().input(100000).hidden(100000).output(2).build());
    assertEquals("MlpConfig layer 1 (100000 -> 100000) has more weights than a Java array holds",
        e.getMessage());
    MlpConfig c = threeLayer();
    Map<String, Tensor> p = new Mlp(c).parameters();
    assertEquals(p.keySet(), c.stateShapes().keySet());
    p.forEach((name, t) -> assertArrayEquals(t.shape(), c.stateShapes().get(name), name));
    assertEquals(7 * 5 + 7 + 4 * 7 + 4 + 3 * 4 + 3, c.parameterCount());
    assertArrayEquals(new int[] {5, 7, 4, 3}, c.sizes());
    assertEquals(3, c.depth());
    assertEquals(3, new Mlp(c).depth());
  }

  @Test
  void argmaxTakesTheFirstOfEqualMaxima() {
    float[] v = {0f, 3f, 1f, 3f, -1f};
    assertEquals(1, Rows.argmax(v, 0, 5));
    assertEquals(1, Rows.argmax(v, 2, 3));
    assertEquals(0, Rows.argmax(v, 4, 1));
    assertThrows(IllegalArgumentException.class, () -> Rows.argmax(v, 3, 3));
  }
}
