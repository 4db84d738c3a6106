package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/** SoftHebb (spec/softhebb.md) and Krotov-Hopfield (spec/krotov.md) layers. */
class SoftHebbTest {

  static final Kernels K = KernelProvider.get();

  static SoftHebbConfig.Pool maxPool() {
    return new SoftHebbConfig.Pool(SoftHebbConfig.PoolKind.MAX, 4, 2, 1);
  }

  /** One block, 2 x 7 x 6 input, 5 channels, reflect padding 1, batch 3. */
  static SoftHebbConfig oneBlock() {
    return new SoftHebbConfig(2, 7, 6, List.of(new SoftHebbConfig.Block(5, 3, 1,
        PadMode.REFLECT, 0.7, 1.4, maxPool(), 0.05)), 3, 0.5, 1e-5, 0.1);
  }

  /** Two blocks (max then avg pool), 1 x 12 x 12 input, batch 4. */
  static SoftHebbConfig twoBlocks() {
    return new SoftHebbConfig(1, 12, 12, List.of(
        new SoftHebbConfig.Block(6, 5, 2, PadMode.REFLECT, 1.0, 0.7, maxPool(), 0.08),
        new SoftHebbConfig.Block(8, 3, 1, PadMode.ZEROS, 0.25, 1.0,
            new SoftHebbConfig.Pool(SoftHebbConfig.PoolKind.AVG, 2, 2, 0), 0.01)),
        4, 0.5, 1e-5, 0.1);
  }

  static float[] images(Rng r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.uniformFloat();
    }
    return x;
  }

  /** The contract's rule (SH1)-(SH6), computed naively in double from the equations. */
  @Test
  void fastTrainingStepGivesTheExplicitRule() {
    explicitRule(oneBlock(), null);
  }

  /** A partial batch (3 of 5 images) on two threads: the batch-wide panels of the fast path. */
  @Test
  void partialBatchOnThreadsGivesTheExplicitRule() {
    try (Workers wk = new Workers(2)) {
      explicitRule(oneBlock().withBatch(5), wk);
    }
  }

  private static void explicitRule(SoftHebbConfig cfg, Workers wk) {
    SoftHebbNet net = wk == null ? new SoftHebbNet(cfg, K, new Rng(5))
        : new SoftHebbNet(cfg, ThreadedKernels.of(K, wk), wk, new Rng(5));
    int n = 3, c = 2, h = 7, wd = 6, o = 5, kk = 3, p = 1;
    float[] x = images(new Rng(6), n * c * h * wd);
    float[] w0 = net.weights(0);
    net.train(x, 0, n);
    float[] w1 = net.weights(0);
    // (SH1) batch statistics
    double[][][][] xn = new double[n][c][h][wd];
    for (int ch = 0; ch < c; ch++) {
      double s = 0, ss = 0;
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < h; r++) {
          for (int q = 0; q < wd; q++) {
            s += x[((i * c + ch) * h + r) * wd + q];
          }
        }
      }
      double mean = s / (n * h * wd);
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < h; r++) {
          for (int q = 0; q < wd; q++) {
            double d = x[((i * c + ch) * h + r) * wd + q] - mean;
            ss += d * d;
          }
        }
      }
      double sd = Math.sqrt(ss / (n * h * wd) + 1e-5);
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < h; r++) {
          for (int q = 0; q < wd; q++) {
            xn[i][ch][r][q] = (x[((i * c + ch) * h + r) * wd + q] - mean) / sd;
          }
        }
      }
      assertEquals(0.1 * mean, net.runningStats(0)[0][ch], 1e-6);
      assertEquals(0.9 + 0.1 * ss / (n * h * wd - 1), net.runningStats(0)[1][ch], 1e-6);
    }
    // (SH2)-(SH5)
    int oh = h + 2 * p - kk + 1, ow = wd + 2 * p - kk + 1, len = c * kk * kk;
    double[] dw = new double[o * len];
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < oh; r++) {
        for (int q = 0; q < ow; q++) {
          double[] patch = new double[len];
          for (int ch = 0; ch < c; ch++) {
            for (int a = 0; a < kk; a++) {
              for (int b = 0; b < kk; b++) {
                int rr = reflect(r - p + a, h), qq = reflect(q - p + b, wd);
                patch[(ch * kk + a) * kk + b] = xn[i][ch][rr][qq];
              }
            }
          }
          double[] u = new double[o];
          int win = 0;
          for (int oc = 0; oc < o; oc++) {
            for (int j = 0; j < len; j++) {
              u[oc] += w0[oc * len + j] * patch[j];
            }
            if (u[oc] > u[win]) {
              win = oc;
            }
          }
          double z = 0;
          for (int oc = 0; oc < o; oc++) {
            z += Math.exp(0.7 * (u[oc] - u[win]));
          }
          for (int oc = 0; oc < o; oc++) {
            double y = Math.exp(0.7 * (u[oc] - u[win])) / z * (oc == win ? 1 : -1);
            for (int j = 0; j < len; j++) {
              dw[oc * len + j] += y * (patch[j] - u[oc] * w0[oc * len + j]);
            }
          }
        }
      }
    }
    double max = 0;
    for (double v : dw) {
      max = Math.max(max, Math.abs(v));
    }
    for (int oc = 0; oc < o; oc++) {
      double ss = 0;
      for (int j = 0; j < len; j++) {
        ss += (double) w0[oc * len + j] * w0[oc * len + j];
      }
      double rate = 0.05 * Math.pow(Math.abs(Math.sqrt(ss) - 1) + 1e-10, 0.5);
      for (int j = 0; j < len; j++) {
        double want = w0[oc * len + j] + rate * dw[oc * len + j] / (max + 1e-30);
        double step = Math.abs(want - w0[oc * len + j]);
        assertEquals(want, w1[oc * len + j], 1e-4 * step + 1e-6 * Math.abs(want),
            "channel " + oc + " weight " + j);
      }
    }
  }

  /** {@link PortableMath} against StrictMath: at most 2 ulp, the same special values. */
  @Test
  void portableExpAndLogAreWithinTwoUlp() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      double x = i % 2 == 0 ? r.nextDouble(-745, 709.7) : r.nextDouble(-40, 5);
      double want = StrictMath.exp(x);
      assertEquals(want, PortableMath.exp(x), 2 * Math.ulp(want), "exp(" + x + ")");
      double v = i % 2 == 0 ? StrictMath.exp(r.nextDouble(-744, 709)) : r.nextDouble(0.5, 2);
      double lw = StrictMath.log(v);
      assertEquals(lw, PortableMath.log(v), 2 * Math.ulp(lw), "log(" + v + ")");
    }
    double[] x = {0, -0.0, -745.14, -746, 709.79, Double.NaN, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY, -720};
    for (double v : x) {
      assertEquals(StrictMath.exp(v), PortableMath.exp(v), "exp(" + v + ")");
    }
    double[] l = {0, 1, 2, Double.MIN_VALUE, 1e-310, Double.MAX_VALUE, -1, Double.NaN,
        Double.POSITIVE_INFINITY};
    for (double v : l) {
      assertEquals(StrictMath.log(v), PortableMath.log(v), "log(" + v + ")");
    }
    assertEquals(0.0, PortableMath.pow(0, 0.7));
    assertEquals(8.0, PortableMath.pow(4, 1.5), 8 * 4e-16 * 1.5 * Math.log(4));
  }

  static int reflect(int i, int n) {
    return i < 0 ? -i : i > n - 1 ? 2 * (n - 1) - i : i;
  }

  /** (KH1)-(KH4) computed naively in double from the equations. */
  @Test
  void krotovStepGivesTheExplicitRule() {
    KrotovConfig cfg = new KrotovConfig(7, 6, 3.0, 3, 0.4, 0.02, 4, 5);
    KrotovLayer layer = new KrotovLayer(cfg, K, new Rng(2));
    float[] v = images(new Rng(3), 5 * 7 + 7);
    float[] w0 = layer.weights();
    layer.train(v, 7, 5, cfg.epsilon(1));
    float[] w1 = layer.weights();
    double[] ds = new double[6 * 7];
    for (int s = 0; s < 5; s++) {
      double[] cur = new double[6];
      Integer[] order = new Integer[6];
      for (int o = 0; o < 6; o++) {
        order[o] = o;
        for (int i = 0; i < 7; i++) {
          double wv = w0[o * 7 + i];
          cur[o] += Math.signum(wv) * Math.pow(Math.abs(wv), 2) * v[7 + s * 7 + i];
        }
      }
      java.util.Arrays.sort(order, (a, b) -> cur[a] != cur[b] ? Double.compare(cur[b], cur[a])
          : Integer.compare(a, b));
      for (int o = 0; o < 6; o++) {
        double g = o == order[0] ? 1 : o == order[2] ? -0.4 : 0;
        for (int i = 0; i < 7; i++) {
          ds[o * 7 + i] += g * v[7 + s * 7 + i] - g * cur[o] * w0[o * 7 + i];
        }
      }
    }
    double max = 0;
    for (double d : ds) {
      max = Math.max(max, Math.abs(d));
    }
    double eps = 0.02 * (1 - 1 / 4.0);
    assertEquals(0.015, eps, 1e-15);
    for (int j = 0; j < ds.length; j++) {
      double want = w0[j] + eps * ds[j] / max;
      assertEquals(want, w1[j], 1e-4 * eps + 1e-6 * Math.abs(want), "weight " + j);
    }
  }

  @Test
  void bitIdenticalForOneAndTwoThreads() {
    float[] x = images(new Rng(9), 4 * 144);
    float[][] ref = null;
    for (int threads : new int[] {1, 2}) {
      try (Workers wk = new Workers(threads)) {
        Kernels k = ThreadedKernels.of(K, wk);
        SoftHebbNet net = new SoftHebbNet(twoBlocks(), k, new Rng(1));
        for (int b = 0; b < 3; b++) {
          net.train(x, 0, b == 2 ? 3 : 4);
        }
        float[] f = new float[4 * net.featureSize()];
        net.features(x, 0, 4, f, 0);
        KrotovLayer kl = new KrotovLayer(new KrotovConfig(144, 40, 3.0, 7, 0.4, 0.02, 2, 4), k,
            new Rng(2));
        kl.train(x, 0, 4, 0.02);
        float[][] got = {net.weights(0), net.weights(1), f, kl.weights()};
        if (ref == null) {
          ref = got;
        } else {
          for (int i = 0; i < got.length; i++) {
            assertArrayEquals(ref[i], got[i], "threads " + threads + " array " + i);
          }
        }
      }
    }
  }

  /** On the scalar kernels, as HebbCnnTest (the Vector API boxes outside compiled code). */
  @Test
  void trainingBatchAllocatesNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Kernels scalar = KernelProvider.scalar();
    SoftHebbNet net = new SoftHebbNet(twoBlocks(), scalar, new Rng(3));
    KrotovLayer kl = new KrotovLayer(new KrotovConfig(144, 30, 4.5, 4, 0.4, 0.02, 2, 4), scalar,
        new Rng(2));
    float[] x = images(new Rng(4), 4 * 144);
    for (int b = 0; b < 200; b++) { // warm up: the JIT compiles every path
      net.train(x, 0, 4);
      kl.train(x, 0, 4, 0.01);
    }
    // a per-batch allocation shows in every window; a one-off (a JIT deoptimisation) in one
    long least = Long.MAX_VALUE;
    for (int window = 0; window < 4 && least != 0; window++) {
      long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
      for (int b = 0; b < 20; b++) {
        net.train(x, 0, 4);
        kl.train(x, 0, 4, 0.01);
      }
      long after = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
      least = Math.min(least, after - before);
    }
    assertEquals(0, least, "bytes allocated by 20 training batches, least of the windows");
    List<SoftHebbNet.BlockStats> st = net.stats();
    assertEquals(2, st.size());
    assertTrue(st.get(0).winnerEntropy() > 0 && st.get(0).winnerEntropy() <= Math.log(6)
        / Math.log(2) + 1e-9);
    assertTrue(st.get(1).rateMean() > 0);
  }

  @Test
  void paperPresetsHaveThePaperShapes() {
    SoftHebbConfig c = SoftHebbConfig.cifar10();
    assertArrayEquals(new int[] {1536, 4, 4}, c.outputShape(2));
    assertArrayEquals(new int[] {96, 16, 16}, c.outputShape(0));
    SoftHebbConfig f = SoftHebbConfig.fashionMnist();
    assertArrayEquals(new int[] {1536, 3, 3}, f.outputShape(2));
    assertEquals(10, f.batch());
    assertEquals(0.08, f.blocks().get(0).lr());
    KrotovConfig kc = KrotovConfig.paper(784, 10);
    assertEquals(2000, kc.units());
    assertEquals(7, kc.k());
    assertEquals(0.0, kc.epsilon(9) - 0.002, 1e-15);
  }

  @Test
  void badSettingsAreOneLineErrors() {
    List<Runnable> bad = List.of(
        () -> new SoftHebbConfig.Block(1, 3, 1, PadMode.REFLECT, 1, 1, maxPool(), 0.1),
        () -> new SoftHebbConfig.Block(4, 3, 1, PadMode.REFLECT, 0, 1, maxPool(), 0.1),
        () -> new SoftHebbConfig.Block(4, 3, 1, PadMode.REFLECT, 1, Double.NaN, maxPool(), 0.1),
        () -> new SoftHebbConfig.Block(4, 3, 1, PadMode.REFLECT, 1, 1, maxPool(), -1),
        () -> new SoftHebbConfig.Pool(SoftHebbConfig.PoolKind.MAX, 4, 2, 3),
        () -> new SoftHebbConfig.Pool(SoftHebbConfig.PoolKind.AVG, 2, 2, 1),
        () -> SoftHebbConfig.paper(1, 4, 4),
        () -> oneBlock().withBatch(0),
        () -> new SoftHebbConfig(1, 2, 2, List.of(new SoftHebbConfig.Block(4, 1, 2,
            PadMode.REFLECT, 1, 1, new SoftHebbConfig.Pool(SoftHebbConfig.PoolKind.AVG, 1, 1,
            0), 0.1)), 1, 0.5, 1e-5, 0.1),
        () -> new KrotovConfig(784, 100, 3, 1, 0.4, 0.02, 1, 100),
        () -> new KrotovConfig(784, 100, 0.5, 2, 0.4, 0.02, 1, 100),
        () -> new KrotovConfig(784, 100, 3, 2, 0.4, 0.02, 0, 100),
        () -> PadMode.parse("circular"),
        () -> new SoftHebbNet(oneBlock(), K, new Rng(1)).train(new float[84 * 3], 0, 4),
        () -> new SoftHebbNet(oneBlock(), K, new Rng(1)).train(new float[10], 0, 1),
        () -> new KrotovLayer(new KrotovConfig(4, 3, 2, 2, 0.4, 0.1, 1, 2), K, new Rng(1))
            .train(new float[8], 4, 2, 0.1),
        () -> new BatchNorm2d(2, 1e-5, 0.1).train(1, 1, new float[2], new float[2]));
    for (Runnable r : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertFalse(e.getMessage().isBlank());
    }
  }

  @Test
  void divergenceNamesTheStepAndBlock() {
    SoftHebbNet net = new SoftHebbNet(oneBlock(), K, new Rng(1));
    float[] w = net.weights(0);
    float[] x = images(new Rng(2), 3 * 84);
    x[5] = Float.NaN;
    org.hebb4j.nn.DivergedException e = assertThrows(org.hebb4j.nn.DivergedException.class,
        () -> net.train(x, 0, 3));
    assertTrue(e.getMessage().contains("step 1") && e.getMessage().contains("block 1"),
        e.getMessage());
    assertEquals(w.length, net.filterShape(0)[0] * 18);
  }
}
