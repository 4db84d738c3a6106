package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.parallel.Workers;
import org.hebb4j.hebbian.HebbCnnConfig.Layer;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

class HebbCnnTest {

  static final Kernels K = KernelProvider.get();

  /** A small 3-layer network on 1x18x18 images: 8, 12, 16 channels, kernels 3. */
  static HebbCnnConfig small(boolean triangle, double keep, int burnIn, int k) {
    return HebbCnnConfig.builder(1, 18, 18)
        .layer(Layer.of(8, 3).withLr(0.05).withK(k))
        .layer(Layer.of(12, 3).withLr(0.05).withKeep(keep))
        .layer(Layer.of(16, 2).withLr(0.1).withKeep(keep))
        .rule(HebbRule.INSTAR).thetaRate(3.0).triangle(triangle).burnIn(burnIn).batch(10).build();
  }

  static float[] images(Rng r, int n, int len) {
    float[] x = new float[n * len];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.uniformFloat();
    }
    return x;
  }

  @Test
  void sparseWinnerUpdateEqualsTheExplicitRuleWithBinaryY() {
    for (boolean triangle : new boolean[] {false, true}) {
      for (int k : new int[] {1, 2}) {
        HebbCnnConfig cfg = small(triangle, triangle ? 0.2 : 1.0, 0, k); // 0.2: sparse path
        try (Workers wk = new Workers(2)) {
          HebbCnn net = new HebbCnn(cfg, K, wk, new Rng(5));
          float[] x = images(new Rng(6), 10, 324);
          net.train(x, 0, 10); // move away from the initial state
          float[][] before = new float[3][];
          for (int l = 0; l < 3; l++) {
            before[l] = net.weights(l).clone();
          }
          net.train(x, 0, 10);
          for (int l = 0; l < 3; l++) {
            Conv2dShape one = net.convShape(l);
            Conv2dShape s = new Conv2dShape(10, one.c(), one.h(), one.w(), one.o(), one.kh(),
                one.kw(), one.stride(), one.pad());
            // binary y from the recorded winners
            float[] y = new float[s.outputSize()];
            int p = s.positions(), o = s.o();
            for (int i = 0; i < 10; i++) {
              Competition.binary(o, p, cfg.layers().get(l).k(), net.winners(l),
                  i * p * cfg.layers().get(l).k(), y, i * o * p);
            }
            float[] dw = new float[s.weightSize()];
            HebbianRules.conv(K, HebbRule.INSTAR, s, net.input(l), y, before[l], dw,
                new float[s.colSize()]);
            float lr = (float) cfg.layers().get(l).lr();
            int q = s.patchSize();
            for (int c = 0; c < o; c++) {
              double ss = 0;
              double[] v = new double[q];
              float[] m = net.mask(l);
              for (int j = 0; j < q; j++) {
                v[j] = m != null && m[c * q + j] == 0f ? 0.0
                    : before[l][c * q + j] + lr * dw[c * q + j];
                ss += v[j] * v[j];
              }
              for (int j = 0; j < q; j++) {
                assertEquals(v[j] / Math.sqrt(ss), net.weights(l)[c * q + j], 2e-5,
                    "layer " + (l + 1) + " channel " + c);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void resultsAreBitIdenticalForAnyThreadCount() {
    bitIdentical(small(true, 0.3, 1, 1), false); // dense GEMM path
    bitIdentical(small(false, 0.1, 1, 2), false); // sparse pruned path, k = 2
    bitIdentical(padded(small(true, 0.3, 1, 1), 2), true); // whitening and padding
  }

  static void bitIdentical(HebbCnnConfig cfg, boolean whiten) {
    float[] x = images(new Rng(9), 10, 324);
    float[][] ref = null;
    for (int threads : new int[] {1, 2, 3}) {
      try (Workers wk = new Workers(threads)) {
        HebbCnn net = new HebbCnn(cfg, K, wk, new Rng(1));
        if (whiten) {
          net.fitWhitening(x, 10);
        }
        for (int b = 0; b < 4; b++) {
          net.train(x, 0, b == 3 ? 7 : 10);
        }
        net.infer(x, 0, 10);
        float[][] got = {net.weights(0), net.weights(1), net.weights(2), net.thresholds(2),
            net.output(2)};
        if (ref == null) {
          ref = new float[got.length][];
          for (int i = 0; i < got.length; i++) {
            ref[i] = got[i].clone();
          }
        } else {
          for (int i = 0; i < got.length; i++) {
            assertArrayEquals(ref[i], got[i], "threads " + threads + " array " + i);
          }
        }
      }
    }
  }

  @Test
  void pruningMaskIsFixedAndReapplied() {
    HebbCnnConfig cfg = small(true, 0.2, 0, 1);
    try (Workers wk = new Workers(1)) {
      HebbCnn net = new HebbCnn(cfg, K, wk, new Rng(3));
      assertEquals(null, net.mask(0));
      float[][] m0 = {null, net.mask(1).clone(), net.mask(2).clone()};
      float[] x = images(new Rng(4), 10, 324);
      for (int b = 0; b < 5; b++) {
        net.train(x, 0, 10);
      }
      for (int l = 1; l < 3; l++) {
        assertArrayEquals(m0[l], net.mask(l), "mask changed");
        float[] w = net.weights(l), m = net.mask(l);
        int q = net.convShape(l).patchSize();
        long kept = 0;
        for (int c = 0; c < net.convShape(l).o(); c++) {
          int filterKept = 0;
          for (int j = 0; j < q; j++) {
            if (m[c * q + j] == 0f) {
              assertEquals(0f, w[c * q + j], "pruned weight must stay 0");
            } else {
              filterKept++;
            }
          }
          assertTrue(filterKept >= 1, "every filter keeps a weight");
          kept += filterKept;
        }
        double frac = (double) kept / m.length;
        assertTrue(frac > 0.1 && frac < 0.35, "kept fraction " + frac);
      }
    }
  }

  @Test
  void filtersStayUnitNormAndBurnInFreezesWeightsNotThresholds() {
    HebbCnnConfig cfg = small(false, 1.0, 2, 1);
    try (Workers wk = new Workers(1)) {
      HebbCnn net = new HebbCnn(cfg, K, wk, new Rng(8));
      float[] w0 = net.weights(1).clone();
      float[] t0 = net.thresholds(1).clone();
      float[] x = images(new Rng(2), 10, 324);
      net.train(x, 0, 10);
      net.train(x, 0, 10);
      assertArrayEquals(w0, net.weights(1), "burn-in: no weight update");
      assertFalse(java.util.Arrays.equals(t0, net.thresholds(1)), "burn-in: thresholds adapt");
      net.train(x, 0, 10);
      assertFalse(java.util.Arrays.equals(w0, net.weights(1)), "after burn-in: learning");
      for (int l = 0; l < 3; l++) {
        int q = net.convShape(l).patchSize();
        for (int c = 0; c < net.convShape(l).o(); c++) {
          double ss = 0;
          for (int j = 0; j < q; j++) {
            ss += Math.pow(net.weights(l)[c * q + j], 2);
          }
          assertEquals(1.0, Math.sqrt(ss), 1e-5, "unit norm");
        }
      }
    }
  }

  @Test
  void inferenceFreezesThresholdsAndWeights() {
    HebbCnnConfig cfg = small(true, 1.0, 0, 1);
    try (Workers wk = new Workers(2)) {
      HebbCnn net = new HebbCnn(cfg, K, wk, new Rng(8));
      float[] x = images(new Rng(2), 10, 324);
      net.train(x, 0, 10);
      float[][] w = new float[3][], t = new float[3][];
      for (int l = 0; l < 3; l++) {
        w[l] = net.weights(l).clone();
        t[l] = net.thresholds(l).clone();
      }
      long step = net.step();
      float[] other = images(new Rng(77), 10, 324);
      net.infer(other, 0, 10);
      float[] out1 = net.output(2).clone();
      net.infer(other, 0, 10);
      assertArrayEquals(out1, net.output(2), "inference is a pure function");
      for (int l = 0; l < 3; l++) {
        assertArrayEquals(w[l], net.weights(l));
        assertArrayEquals(t[l], net.thresholds(l));
      }
      assertEquals(step, net.step());
    }
  }

  /**
   * The network's own code allocates nothing per batch (checked with the scalar kernels, whose
   * behaviour does not depend on JIT state; the Vector API kernels allocate only until C2 has
   * compiled them, which JMH's -prof gc shows on the benchmark).
   */
  @Test
  void steadyStateTrainingBatchAllocatesNothing() {
    steadyStateAllocation(KernelProvider.scalar(), small(true, 0.3, 0, 2), 1, false);
    steadyStateAllocation(KernelProvider.scalar(), small(false, 0.1, 0, 1), 1, false);
    steadyStateAllocation(KernelProvider.scalar(), padded(small(true, 0.3, 0, 2), 2), 1, true);
    steadyStateAllocation(KernelProvider.scalar(), padded(small(false, 0.1, 0, 1), 0), 1, true);
  }

  /** The same with two threads: neither the caller nor the pool's thread allocates. */
  @Test
  void steadyStateTrainingBatchAllocatesNothingOnAnyThread() {
    steadyStateAllocation(KernelProvider.scalar(), small(true, 0.3, 0, 2), 2, false);
    steadyStateAllocation(KernelProvider.scalar(), small(false, 0.1, 0, 1), 2, false);
    steadyStateAllocation(KernelProvider.scalar(), padded(small(true, 0.3, 0, 2), 2), 2, true);
  }

  /** The same network with input padding (and a ZCA eps for 10 images of 324 values). */
  static HebbCnnConfig padded(HebbCnnConfig cfg, int pad) {
    return cfg.toBuilder().pad(pad).zcaEps(1e-2).build();
  }

  static void steadyStateAllocation(Kernels kernels, HebbCnnConfig cfg, int threads,
      boolean whiten) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (Workers wk = new Workers(threads)) {
      HebbCnn net = new HebbCnn(cfg, kernels, wk, new Rng(3));
      float[] x = images(new Rng(4), 10, 324);
      if (whiten) {
        net.fitWhitening(x, 10);
      }
      for (int b = 0; b < 30; b++) {
        net.train(x, 0, 10);
        net.infer(x, 0, 10);
      }
      long[] ids = new long[threads];
      ids[0] = Thread.currentThread().getId();
      System.arraycopy(wk.threadIds(), 0, ids, 1, threads - 1);
      // A per-batch allocation shows in every window of 20 batches; a one-off (the JIT
      // materialising an object when it deoptimises a method) in one at most.
      long[] before = new long[threads], after = new long[threads], least = new long[threads];
      java.util.Arrays.fill(least, Long.MAX_VALUE);
      for (int window = 0; window < 10 && java.util.Arrays.stream(least).sum() != 0; window++) {
        for (int t = threads - 1; t >= 0; t--) { // the caller's counter last and, below, first
          before[t] = mx.getThreadAllocatedBytes(ids[t]);
        }
        for (int b = 0; b < 20; b++) {
          net.train(x, 0, 10);
          net.infer(x, 0, 9);
        }
        for (int t = 0; t < threads; t++) {
          after[t] = mx.getThreadAllocatedBytes(ids[t]);
        }
        for (int t = 0; t < threads; t++) {
          least[t] = Math.min(least[t], after[t] - before[t]);
        }
      }
      for (int t = 0; t < threads; t++) {
        assertEquals(0, least[t], "bytes allocated by 20 training batches on "
            + (t == 0 ? "the calling thread" : "worker " + t) + ", least of 3 windows");
      }
    }
  }

  @Test
  void nanOrOverflowStopsWithTheStepAndLayer() {
    try (Workers wk = new Workers(1)) {
      HebbCnn net = new HebbCnn(small(true, 1.0, 0, 1), K, wk, new Rng(3));
      float[] x = images(new Rng(4), 10, 324);
      net.train(x, 0, 10);
      x[5] = Float.NaN;
      DivergedException e = assertThrows(DivergedException.class, () -> net.train(x, 0, 10));
      assertTrue(e.getMessage().contains("step 2") && e.getMessage().contains("layer 1 input"),
          e.getMessage());
      HebbCnnConfig huge = HebbCnnConfig.builder(1, 18, 18).layer(Layer.of(8, 3).withLr(1e38))
          .layer(Layer.of(12, 3).withLr(1e38)).layer(Layer.of(16, 2).withLr(1e38))
          .rule(HebbRule.PLAIN).triangle(true).burnIn(0).batch(10).build();
      HebbCnn net2 = new HebbCnn(huge, K, wk, new Rng(3));
      float[] y = images(new Rng(4), 10, 324);
      DivergedException e2 = assertThrows(DivergedException.class, () -> net2.train(y, 0, 10));
      assertTrue(e2.getMessage().contains("step 1") && e2.getMessage().contains("layer 1 weights"),
          e2.getMessage());
    }
  }

  @Test
  void impossibleSettingsAreRejectedWithOneLine() {
    HebbCnnConfig.Builder ok = HebbCnnConfig.builder(1, 14, 14).layer(Layer.of(4, 3));
    String[] msgs = {
        assertThrows(IllegalArgumentException.class, () -> Layer.of(4, 3).withK(5)).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> Layer.of(4, 3).withKeep(0))
            .getMessage(),
        assertThrows(IllegalArgumentException.class, () -> Layer.of(4, 3).withLr(-0.1))
            .getMessage(),
        assertThrows(IllegalArgumentException.class, () -> ok.batch(0).build()).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> HebbCnnConfig.builder(1, 6, 6)
            .layer(Layer.of(4, 5)).layer(Layer.of(4, 3)).build()).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> HebbCnnConfig.builder(1, 6, 6)
            .build()).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> HebbCnnConfig.builder(1, 14, 14)
            .layer(Layer.of(4, 3)).pad(-1).build()).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> HebbCnnConfig.builder(1, 14, 14)
            .layer(Layer.of(4, 3)).zcaEps(Double.NaN).build()).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> HebbCnnConfig.builder(1, 14, 14)
            .layer(Layer.of(4, 3)).rule(null).build()).getMessage(),
        assertThrows(IllegalArgumentException.class, () -> HebbCnnConfig.Variant.parse("both"))
            .getMessage()};
    String[] expected = {"k = 5", "keep", "learning rate", "batch",
        "layer 2: kernel 3 does not fit its 1x1 input", "at least one layer", "padding",
        "ZCA eps", "rule", "unknown variant 'both'"};
    for (int i = 0; i < msgs.length; i++) {
      assertEquals(1, msgs[i].lines().count(), msgs[i]);
      assertTrue(msgs[i].contains(expected[i]), msgs[i] + " should name " + expected[i]);
    }
  }

  @Test
  void paperPresetHasThePapersLayersAndVariantSwitches() {
    HebbCnnConfig c = HebbCnnConfig.paper(1, 28, 28, HebbCnnConfig.Variant.TRIANGLE_PRUNING);
    assertEquals(List.of(Layer.of(100, 5), Layer.of(196, 3).withKeep(0.01),
        Layer.of(400, 3).withLr(1e-3).withKeep(0.01)), c.layers());
    assertTrue(c.triangle());
    assertEquals(200, c.burnIn());
    assertEquals(100, c.batch());
    HebbCnnConfig plain = HebbCnnConfig.paper(1, 28, 28, HebbCnnConfig.Variant.PLAIN);
    assertFalse(plain.triangle());
    assertEquals(1.0, plain.layers().get(2).keep());
    assertEquals(2, c.pad(), "28 x 28 padded to the paper's 32 x 32");
    assertEquals(0, HebbCnnConfig.paper(3, 32, 32, HebbCnnConfig.Variant.PLAIN).pad());
    assertEquals(c, c.toBuilder().build());
    assertEquals(0, c.toBuilder().pad(0).build().pad());
  }

  @Test
  void quadrantsCoverOddMapsWithOverlapAndCollapseSizeOne() {
    float[] map = {1, 2, 3, 4, 5, 6, 7, 8, 9}; // one channel, 3 x 3
    float[] q = new float[4];
    HebbCnn.quadrants(map, 0, 1, 3, 3, q, 0);
    // rows [0,2) and [1,3), columns likewise
    assertEquals((1 + 2 + 4 + 5) / 4f, q[0]);
    assertEquals((2 + 3 + 5 + 6) / 4f, q[1]);
    assertEquals((4 + 5 + 7 + 8) / 4f, q[2]);
    assertEquals((5 + 6 + 8 + 9) / 4f, q[3]);
    float[] one = new float[2];
    HebbCnn.quadrants(new float[] {3, 7}, 0, 2, 1, 1, one, 0);
    assertEquals(3f, one[0]);
    assertEquals(7f, one[1]);
  }
}
