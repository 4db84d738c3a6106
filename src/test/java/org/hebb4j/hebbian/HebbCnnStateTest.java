package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.hebbian.HebbCnnConfig.Layer;
import org.hebb4j.io.FormatException;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.linalg.Zca;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model's whitening, features, state dict and metadata (spec/hebbcnn.md#state). */
class HebbCnnStateTest {

  static final Kernels K = KernelProvider.get();

  /** 1 x 12 x 12 images padded by 1; layer 2 pruned on the sparse path, layer 3 on the dense. */
  static HebbCnnConfig config() {
    return HebbCnnConfig.builder(1, 12, 12).pad(1)
        .layer(Layer.of(6, 3).withLr(0.05).withK(2))
        .layer(Layer.of(8, 2).withLr(0.05).withKeep(0.2))
        .layer(Layer.of(10, 2).withLr(0.1).withKeep(0.5).withPool(1))
        .triangle(true).burnIn(1).batch(8).zcaEps(1e-2).build();
  }

  static float[] images(long seed, int n) {
    return HebbCnnTest.images(new Rng(seed), n, 144);
  }

  static HebbCnn trained(Workers wk) {
    HebbCnn net = new HebbCnn(config(), K, wk, new Rng(7));
    float[] x = images(1, 40);
    net.fitWhitening(x, 40);
    for (int s = 0; s < 40; s += 8) {
      net.train(x, s * 144, 8);
    }
    return net;
  }

  static Map<String, Tensor> deepCopy(Map<String, Tensor> state) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    state.forEach((name, t) -> m.put(name, t.copy()));
    return m;
  }

  static void assertSameFeatures(HebbCnn.Features a, HebbCnn.Features b) {
    assertEquals(a.quadrants().size(), b.quadrants().size());
    for (int l = 0; l < a.quadrants().size(); l++) {
      assertArrayEquals(a.quadrants().get(l).shape(), b.quadrants().get(l).shape());
      assertArrayEquals(a.quadrants().get(l).data(), b.quadrants().get(l).data(), "layer " + l);
    }
    assertArrayEquals(a.last().shape(), b.last().shape());
    assertArrayEquals(a.last().data(), b.last().data(), "last layer");
  }

  @Test
  void savesToSafetensorsAndLoadsBitIdentical(@TempDir Path dir) throws IOException {
    try (Workers wk = new Workers(2)) {
      HebbCnn net = trained(wk);
      Path file = dir.resolve("net.safetensors");
      net.save(file);
      HebbCnn back = HebbCnn.load(file, K, wk);
      assertEquals(net.config(), back.config());
      float[] other = images(3, 13);
      assertSameFeatures(net.features(other, 0, 13), back.features(other, 0, 13));
      // a file whose tensors do not match its metadata is refused with one line naming it
      Map<String, Tensor> state = new LinkedHashMap<>(net.stateDict());
      state.remove("layers.0.theta");
      Path bad = dir.resolve("bad.safetensors");
      SafeTensors.write(bad, state, net.configMetadata());
      FormatException e = assertThrows(FormatException.class, () -> HebbCnn.load(bad, K, wk));
      assertTrue(e.getMessage().startsWith(bad + ": ") && e.getMessage().contains("layers.0.theta")
          && !e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void savedAndReloadedModelComputesBitIdenticalFeaturesAndKeepsLearningIdentically() {
    try (Workers wk = new Workers(2)) {
      HebbCnn net = trained(wk);
      Map<String, Tensor> state = deepCopy(net.stateDict());
      Map<String, String> meta = new LinkedHashMap<>(net.configMetadata());
      HebbCnn back = HebbCnn.fromMetadata(meta, K, wk);
      back.loadStateDict(state);
      assertEquals(net.config(), back.config());
      assertEquals(net.step(), back.step());
      float[] other = images(2, 21);
      assertSameFeatures(net.features(other, 0, 21), back.features(other, 0, 21));
      // masks and the sparse path were restored: one more batch gives the same weights
      net.train(other, 0, 8);
      back.train(other, 0, 8);
      for (int l = 0; l < net.layers(); l++) {
        assertArrayEquals(net.weights(l), back.weights(l), "layer " + l);
        assertArrayEquals(net.thresholds(l), back.thresholds(l), "layer " + l);
      }
    }
  }

  @Test
  void whiteningInTheModelEqualsWhiteningThePaddedDataSetFirst() {
    try (Workers wk = new Workers(2)) {
      float[] x = images(3, 30);
      HebbCnn net = new HebbCnn(config(), K, wk, new Rng(7));
      net.fitWhitening(x, 30);
      // the experiment's former pipeline: standardise, ZCA over the set, pad, raw network
      float[] z = new float[x.length];
      Standardize.all(K, 30, 144, x, z, Standardize.EPS);
      Zca zca = Zca.fit(K, wk, z, 30, 144, 1e-2);
      zca.apply(K, wk, z, 30);
      float[] padded = new float[30 * 196];
      for (int i = 0; i < 30; i++) {
        for (int r = 0; r < 12; r++) {
          System.arraycopy(z, i * 144 + r * 12, padded, i * 196 + (r + 1) * 14 + 1, 12);
        }
      }
      HebbCnn raw = new HebbCnn(rawConfig(), K, wk, new Rng(7)); // same weights and masks
      assertSameFeatures(net.features(x, 0, 30), raw.features(padded, 0, 30));
    }
  }

  /** The network of {@link #config()} on already padded 14 x 14 inputs, without padding. */
  static HebbCnnConfig rawConfig() {
    HebbCnnConfig c = config();
    return HebbCnnConfig.builder(1, 14, 14).layers(c.layers()).triangle(true).burnIn(1).batch(8)
        .zcaEps(1e-2).build();
  }

  @Test
  void stateNamesShapesAndLiveViews() {
    try (Workers wk = new Workers(1)) {
      HebbCnn net = new HebbCnn(config(), K, wk, new Rng(7));
      assertEquals(List.of("layers.0.weight", "layers.0.theta", "layers.1.weight",
          "layers.1.theta", "layers.1.mask", "layers.2.weight", "layers.2.theta",
          "layers.2.mask"), List.copyOf(net.stateDict().keySet()), "no whitening yet");
      net.fitWhitening(images(1, 20), 20);
      Map<String, Tensor> s = net.stateDict();
      assertEquals(List.of("whitening.mean", "whitening.weight", "layers.0.weight",
          "layers.0.theta", "layers.1.weight", "layers.1.theta", "layers.1.mask",
          "layers.2.weight", "layers.2.theta", "layers.2.mask"), List.copyOf(s.keySet()));
      assertArrayEquals(new int[] {144}, s.get("whitening.mean").shape());
      assertArrayEquals(new int[] {144, 144}, s.get("whitening.weight").shape());
      assertArrayEquals(new int[] {6, 1, 3, 3}, s.get("layers.0.weight").shape());
      assertArrayEquals(new int[] {8, 6, 2, 2}, s.get("layers.1.weight").shape());
      assertArrayEquals(new int[] {8, 6, 2, 2}, s.get("layers.1.mask").shape());
      assertArrayEquals(new int[] {10}, s.get("layers.2.theta").shape());
      assertEquals(List.of("layers.0.weight", "layers.1.weight", "layers.2.weight"),
          List.copyOf(net.parameters().keySet()));
      assertEquals(List.of("whitening.mean", "whitening.weight", "layers.0.theta",
          "layers.1.theta", "layers.1.mask", "layers.2.theta", "layers.2.mask"),
          List.copyOf(net.buffers().keySet()));
      assertSame(net.weights(1), net.parameters().get("layers.1.weight").data(), "live view");
      assertSame(net.thresholds(2), s.get("layers.2.theta").data(), "live view");
      assertSame(net.whitening().matrix(), s.get("whitening.weight").data(), "live view");
      HebbCnn.Features f = net.features(images(4, 11), 0, 11); // 14x14 -> 6x6 -> 2x2 -> 1x1
      assertArrayEquals(new int[] {11, 6, 2, 2}, f.quadrants().get(0).shape());
      assertArrayEquals(new int[] {11, 8, 2, 2}, f.quadrants().get(1).shape());
      assertArrayEquals(new int[] {11, 10, 1, 1}, f.quadrants().get(2).shape());
      assertArrayEquals(new int[] {11, 10, 1, 1}, f.last().shape());
      String msg = assertThrows(IllegalArgumentException.class,
          () -> net.features(new float[144 * 3], 144, 3)).getMessage();
      assertTrue(msg.contains("3 images of 144 values at offset 144"), msg);
      msg = assertThrows(IllegalArgumentException.class,
          () -> net.train(new float[144 * 9], 0, 9)).getMessage();
      assertTrue(msg.contains("batch of 9 images; the network holds 1..8"), msg);
      Map<String, String> meta = net.configMetadata();
      assertEquals(HebbCnn.FORMAT, meta.get("format"));
      assertEquals("zca", meta.get("whitening"));
      assertEquals("0.2", meta.get("layers.1.keep"));
      assertEquals("1", meta.get("pad"));
    }
  }

  @Test
  void loadStateDictRefusesWrongStatesWithOneLineAndChangesNothing() {
    try (Workers wk = new Workers(1)) {
      HebbCnn net = trained(wk);
      float[] w0 = net.weights(1).clone();
      Map<String, Tensor> good = deepCopy(net.stateDict());
      Map<String, Tensor> missing = new LinkedHashMap<>(good);
      missing.remove("layers.1.theta");
      Map<String, Tensor> extra = new LinkedHashMap<>(good);
      extra.put("layers.9.weight", Tensor.zeros(1));
      Map<String, Tensor> shape = new LinkedHashMap<>(good);
      shape.put("layers.0.weight", Tensor.zeros(6, 1, 2, 2));
      Map<String, Tensor> nan = deepCopy(good);
      nan.get("layers.2.theta").data()[3] = Float.NaN;
      Map<String, Tensor> halfMask = deepCopy(good);
      halfMask.get("layers.1.mask").data()[0] = 0.5f;
      Map<String, Tensor> prunedWeight = deepCopy(good);
      float[] m = prunedWeight.get("layers.2.mask").data();
      int zero = 0;
      while (m[zero] != 0f) {
        zero++;
      }
      prunedWeight.get("layers.2.weight").data()[zero] = 0.25f;
      Object[][] cases = {
          {missing, "missing tensor 'layers.1.theta'"},
          {extra, "unexpected tensor 'layers.9.weight'"},
          {shape, "tensor 'layers.0.weight' has shape [6, 1, 2, 2], expected [6, 1, 3, 3]"},
          {nan, "'layers.2.theta' holds a non-finite value at index 3"},
          {halfMask, "'layers.1.mask' holds 0.5"},
          {prunedWeight, "'layers.2.weight' is 0.25 at index " + zero},
      };
      for (Object[] c : cases) {
        @SuppressWarnings("unchecked")
        Map<String, Tensor> st = (Map<String, Tensor>) c[0];
        String msg = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(st))
            .getMessage();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.startsWith("state dict: ") && msg.contains((String) c[1]), msg);
        assertArrayEquals(w0, net.weights(1), "a refused state changes nothing");
      }
      HebbCnn fresh = new HebbCnn(config(), K, wk, new Rng(7)); // no whitening: refused
      String msg = assertThrows(IllegalArgumentException.class, () -> fresh.loadStateDict(good))
          .getMessage();
      assertTrue(msg.contains("unexpected tensor 'whitening.mean'"), msg);
    }
  }

  @Test
  void fromMetadataNamesTheMissingOrBadKey() {
    try (Workers wk = new Workers(1)) {
      Map<String, String> meta = trained(wk).configMetadata();
      Object[][] cases = {
          {"batch", null, "metadata: missing key 'batch'"},
          {"layers.0.kernel", "five", "metadata: 'layers.0.kernel' = 'five' is not an integer"},
          {"format", "hebb4j.mlp/1", "format 'hebb4j.mlp/1' is not hebb4j.hebbcnn/1"},
          {"rule", "hebb", "'rule' = 'hebb' is not plain, instar or oja"},
          {"triangle", "yes", "'triangle' = 'yes' is not true or false"},
          {"whitening", "pca", "whitening must be zca or none, got 'pca'"},
          {"layers.1.k", "99", "metadata: k = 99 winners is impossible with 8 channels"},
          {"layers", "0", "layers must be in [1, 1000]"},
          {"step", "-3", "'step' = '-3' is not a count >= 0"},
          {"zca_eps", "NaN", "metadata: ZCA eps must be finite"},
          {"height", "60000", "metadata: the network needs at least"}, // a lying header
      };
      for (Object[] c : cases) {
        Map<String, String> bad = new LinkedHashMap<>(meta);
        if (c[1] == null) {
          bad.remove((String) c[0]);
        } else {
          bad.put((String) c[0], (String) c[1]);
        }
        String msg = assertThrows(IllegalArgumentException.class,
            () -> HebbCnn.fromMetadata(bad, K, wk)).getMessage();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains((String) c[2]), msg + " should contain " + c[2]);
      }
    }
  }
}
