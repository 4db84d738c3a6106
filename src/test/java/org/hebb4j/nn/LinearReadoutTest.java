package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/** The linear softmax readout of spec/softhebb.md#readout. */
class LinearReadoutTest {

  static final Kernels K = KernelProvider.get();

  static float[] gaussian(Rng r, int n) {
    float[] x = new float[n];
    r.fillGaussian(x, 0, n, 1f);
    return x;
  }

  /** (R3) against central differences of the mean loss. */
  @Test
  void gradientMatchesFiniteDifferences() {
    int d = 6, c = 3, m = 5;
    LinearReadout r = new LinearReadout(d, c, K, new Rng(1));
    float[] x = gaussian(new Rng(2), m * d);
    int[] y = {0, 2, 1, 1, 0};
    float[] gw = new float[c * d], gb = new float[c], scores = new float[m * c];
    r.gradient(x, m, y, scores, gw, gb);
    float[] w = r.weights();
    float h = 1e-2f;
    for (int i = 0; i < w.length; i++) {
      float[] plus = w.clone(), minus = w.clone();
      plus[i] += h;
      minus[i] -= h;
      r.setWeights(plus);
      double lp = r.loss(x, m, y);
      r.setWeights(minus);
      double lm = r.loss(x, m, y);
      assertEquals((lp - lm) / (2 * h), gw[i], 2e-4, "dW[" + i + "]");
    }
    r.setWeights(w);
    // the bias gradient: the mean of softmax - onehot over the rows, from the scores
    double[] want = new double[c];
    float[] s = new float[m * c];
    r.scores(x, m, s);
    for (int i = 0; i < m; i++) {
      double mx = Double.NEGATIVE_INFINITY, z = 0;
      for (int j = 0; j < c; j++) {
        mx = Math.max(mx, s[i * c + j]);
      }
      for (int j = 0; j < c; j++) {
        z += Math.exp(s[i * c + j] - mx);
      }
      for (int j = 0; j < c; j++) {
        want[j] += (Math.exp(s[i * c + j] - mx) / z - (j == y[i] ? 1 : 0)) / m;
      }
    }
    for (int j = 0; j < c; j++) {
      assertEquals(want[j], gb[j], 1e-6, "db[" + j + "]");
    }
  }

  /** (R1)-(R5) without dropout, recomputed naively in double: orders, Adam, the schedule. */
  @Test
  void fitGivesTheReferenceAdamSteps() {
    int d = 4, c = 3, n = 7, epochs = 3;
    float[] x = gaussian(new Rng(3), n * d);
    int[] y = {0, 1, 2, 0, 1, 2, 2};
    LinearReadout r = new LinearReadout(d, c, K, new Rng(4));
    double[] w = new double[c * d], b = new double[c];
    float[] w0 = r.weights(), b0 = r.bias();
    for (int i = 0; i < w.length; i++) {
      w[i] = w0[i];
    }
    for (int i = 0; i < c; i++) {
      b[i] = b0[i];
    }
    LinearReadout.Settings s = new LinearReadout.Settings(epochs, 3, 0.05, 0,
        new double[] {0.34, 0.67}, 0.5);
    r.fit(x, n, y, s, new Rng(5), null);
    double[] mw = new double[w.length], vw = new double[w.length];
    double[] mb = new double[c], vb = new double[c];
    int t = 0;
    for (int e = 1; e <= epochs; e++) {
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      new Rng(5).derive("epoch" + e).shuffle(perm);
      double lr = 0.05 * (e >= 2 ? 0.5 : 1) * (e >= 3 ? 0.5 : 1); // floor(3 * 0.34) = 1, 2
      assertEquals(lr, s.lrAt(e - 1), 1e-15);
      for (int s0 = 0; s0 < n; s0 += 3) {
        int m = Math.min(3, n - s0);
        double[] gw = new double[w.length], gb = new double[c];
        for (int i = 0; i < m; i++) {
          int row = perm[s0 + i];
          double[] z = new double[c];
          double mx = Double.NEGATIVE_INFINITY, sum = 0;
          for (int j = 0; j < c; j++) {
            z[j] = b[j];
            for (int f = 0; f < d; f++) {
              z[j] += w[j * d + f] * x[row * d + f];
            }
            mx = Math.max(mx, z[j]);
          }
          for (int j = 0; j < c; j++) {
            sum += Math.exp(z[j] - mx);
          }
          for (int j = 0; j < c; j++) {
            double g = (Math.exp(z[j] - mx) / sum - (j == y[row] ? 1 : 0)) / m;
            gb[j] += g;
            for (int f = 0; f < d; f++) {
              gw[j * d + f] += g * x[row * d + f];
            }
          }
        }
        t++;
        step(w, gw, mw, vw, lr, t);
        step(b, gb, mb, vb, lr, t);
      }
    }
    float[] w1 = r.weights(), b1 = r.bias();
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i], w1[i], 1e-5, "W[" + i + "]");
    }
    for (int i = 0; i < c; i++) {
      assertEquals(b[i], b1[i], 1e-5, "b[" + i + "]");
    }
    assertEquals(9, r.step());
  }

  private static void step(double[] p, double[] g, double[] m, double[] v, double lr, int t) {
    for (int i = 0; i < p.length; i++) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      double mh = m[i] / (1 - Math.pow(0.9, t)), vh = v[i] / (1 - Math.pow(0.999, t));
      p[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
    }
  }

  /** Separable classes are learnt; dropout 0.5 gives the same bits for 1 and 2 threads. */
  @Test
  void learnsSeparableClassesWithTheSameBitsOnAnyThreads() {
    int d = 130, c = 4, n = 400;
    Rng r = new Rng(6);
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % c;
      for (int f = 0; f < d; f++) {
        x[i * d + f] = 0.3f * r.gaussianFloat() + (f % c == y[i] ? 1f : 0f);
      }
    }
    LinearReadout.Settings s = new LinearReadout.Settings(4, 16, 1e-2, 0.5,
        LinearReadout.Settings.paper().milestones(), 0.5);
    float[] ref = null;
    for (int threads : new int[] {1, 2}) {
      try (Workers wk = new Workers(threads)) {
        LinearReadout lr = new LinearReadout(d, c, ThreadedKernels.of(K, wk), new Rng(7));
        int[] epochs = {0};
        lr.fit(x, n, y, s, new Rng(8), e -> epochs[0] = e);
        assertEquals(4, epochs[0]);
        assertEquals(1.0, lr.accuracy(x, n, y));
        if (ref == null) {
          ref = lr.weights();
        } else {
          assertArrayEquals(ref, lr.weights());
        }
      }
    }
  }

  @Test
  void paperScheduleHalvesAtThePublishedEpochs() {
    LinearReadout.Settings s = LinearReadout.Settings.paper();
    assertEquals(1e-3, s.lrAt(9));
    assertEquals(5e-4, s.lrAt(10));
    assertEquals(2.5e-4, s.lrAt(17));
    assertEquals(1e-3 / 128, s.lrAt(45), 1e-18);
    assertEquals(1e-3 / 128, s.lrAt(49), 1e-18);
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    LinearReadout r = new LinearReadout(3, 2, K, new Rng(1));
    LinearReadout.Settings s = LinearReadout.Settings.paper().withEpochs(1);
    List<Runnable> bad = List.of(
        () -> new LinearReadout(0, 2, K, new Rng(1)),
        () -> new LinearReadout(3, 1, K, new Rng(1)),
        () -> s.withEpochs(0),
        () -> new LinearReadout.Settings(1, 64, Double.NaN, 0.5, new double[0], 0.5),
        () -> new LinearReadout.Settings(1, 64, 1e-3, 1, new double[0], 0.5),
        () -> new LinearReadout.Settings(1, 64, 1e-3, 0.5, new double[] {1.5}, 0.5),
        () -> r.fit(new float[6], 2, new int[] {0, 2}, s, new Rng(1), null),
        () -> r.fit(new float[5], 2, new int[] {0, 1}, s, new Rng(1), null),
        () -> r.fit(new float[6], 0, new int[0], s, new Rng(1), null),
        () -> r.scores(new float[6], 2, new float[3]));
    for (Runnable b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::run);
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    float[] nan = {1, 0, Float.NaN, 0, 1, 1};
    DivergedException e = assertThrows(DivergedException.class,
        () -> r.fit(nan, 2, new int[] {0, 1}, s, new Rng(1), null));
    assertTrue(e.getMessage().contains("at step ") && e.getMessage().contains("linear readout"),
        e.getMessage());
  }
}
