package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ScalarKernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/** The classifier of Krotov and Hopfield, spec/krotov.md#classifier (KH5)-(KH8). */
class KrotovReadoutTest {

  static final Kernels K = KernelProvider.get();

  /** Non-negative features, as relu(I)^n gives. */
  static float[] features(Rng r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double u = r.uniformDouble();
      x[i] = (float) (u * u);
    }
    return x;
  }

  /** (KH6)-(KH7): the summed loss's gradient against central differences, for m = 6 and 3. */
  @Test
  void gradientMatchesFiniteDifferences() {
    int d = 6, c = 4, rows = 5;
    float[] h = features(new Rng(2), rows * d);
    int[] y = {0, 3, 1, 1, 2};
    for (KrotovReadout.Settings st : List.of(new KrotovReadout.Settings(1, 5, 1e-3, 0.8, 6),
        new KrotovReadout.Settings(1, 5, 1e-3, 1.7, 3))) {
      KrotovReadout r = new KrotovReadout(d, c, K, new Rng(1));
      float[] s0 = r.weights();
      for (int i = 0; i < s0.length; i++) { // away from 0, so tanh is not linear
        s0[i] *= 3;
      }
      r.setWeights(s0);
      float[] g = new float[c * d], out = new float[rows * c];
      double loss = r.gradient(h, rows, y, st, out, g);
      assertEquals(r.loss(h, rows, y, st), loss, 1e-5 * Math.max(1, loss), "the loss");
      double scale = 0;
      for (float v : g) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertTrue(scale > 1e-2, "a gradient worth checking: " + scale);
      float step = 1e-2f;
      for (int i = 0; i < s0.length; i++) {
        float[] plus = s0.clone(), minus = s0.clone();
        plus[i] += step;
        minus[i] -= step;
        r.setWeights(plus);
        double lp = r.loss(h, rows, y, st);
        r.setWeights(minus);
        double lm = r.loss(h, rows, y, st);
        assertEquals((lp - lm) / (2 * step), g[i], 2e-3 * scale, "m " + st.m() + " dS[" + i
            + "]");
      }
    }
  }

  /** (KH5)-(KH8) recomputed naively in double: orders, the loss gradient, Adam, the schedule. */
  @Test
  void fitGivesTheReferenceAdamSteps() {
    int d = 4, c = 3, n = 7, epochs = 3;
    float[] h = features(new Rng(3), n * d);
    int[] y = {0, 1, 2, 0, 1, 2, 2};
    KrotovReadout.Settings st = new KrotovReadout.Settings(epochs, 3, 0.05, 1.5, 6);
    KrotovReadout r = new KrotovReadout(d, c, K, new Rng(4));
    double[] s = new double[c * d], m = new double[c * d], v = new double[c * d];
    float[] s0 = r.weights();
    for (int i = 0; i < s.length; i++) {
      s[i] = s0[i];
    }
    Rng fit = new Rng(5);
    r.fit(h, n, y, st, fit, null);
    int t = 0;
    for (int e = 1; e <= epochs; e++) {
      int[] perm = {0, 1, 2, 3, 4, 5, 6};
      fit.derive("epoch" + e).shuffle(perm);
      double lr = 0.05 * (1 - (e - 1) / (double) epochs);
      for (int s1 = 0; s1 < n; s1 += 3) {
        double[] g = new double[c * d];
        for (int i = s1; i < Math.min(n, s1 + 3); i++) {
          int row = perm[i];
          for (int a = 0; a < c; a++) {
            double z = 0;
            for (int j = 0; j < d; j++) {
              z += s[a * d + j] * h[row * d + j];
            }
            double cv = Math.tanh(1.5 * z), diff = cv - (a == y[row] ? 1 : -1);
            double e5 = 6 * Math.pow(Math.abs(diff), 5) * Math.signum(diff) * (1 - cv * cv)
                * 1.5;
            for (int j = 0; j < d; j++) {
              g[a * d + j] += e5 * h[row * d + j];
            }
          }
        }
        t++;
        for (int i = 0; i < s.length; i++) {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
          double mh = m[i] / (1 - Math.pow(0.9, t)), vh = v[i] / (1 - Math.pow(0.999, t));
          s[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
        }
      }
    }
    assertEquals(9, r.step());
    float[] got = r.weights();
    for (int i = 0; i < s.length; i++) {
      assertEquals(s[i], got[i], 1e-4, "S[" + i + "]");
    }
  }

  /** A tiny end-to-end fit: two separable classes are learned; outputs are tanh-bounded. */
  @Test
  void learnsSeparableClasses() {
    int d = 8, n = 60;
    float[] h = new float[n * d];
    int[] y = new int[n];
    Rng r = new Rng(6);
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      for (int j = 0; j < d; j++) {
        boolean mine = (j < d / 2) == (y[i] == 0);
        h[i * d + j] = (float) ((mine ? 1.0 : 0.1) * r.uniformDouble());
      }
    }
    KrotovReadout kr = new KrotovReadout(d, 2, K, new Rng(7));
    KrotovReadout.Settings st = new KrotovReadout.Settings(30, 10, 0.05, 1.0, 6);
    double before = kr.loss(h, n, y, st);
    kr.fit(h, n, y, st, new Rng(8), null);
    assertTrue(kr.loss(h, n, y, st) < before / 4, "the loss falls");
    assertEquals(1.0, kr.accuracy(h, n, y), 1e-12);
    float[] out = new float[n * 2];
    kr.outputs(h, n, st.beta(), out);
    for (float o : out) {
      assertTrue(o > -1.0001f && o < 1.0001f, "tanh output " + o);
    }
  }

  /** The same bits with 1 and 2 threads and on the scalar kernels, from the same seed. */
  @Test
  void sameBitsForAnyThreadCount() {
    int d = 37, n = 50;
    float[] h = features(new Rng(9), n * d);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = (i * 7) % 5;
    }
    KrotovReadout.Settings st = new KrotovReadout.Settings(3, 16, 1e-2, 1.0, 6);
    float[] want = null;
    for (int threads = 1; threads <= 2; threads++) {
      try (Workers w = new Workers(threads)) {
        KrotovReadout kr = new KrotovReadout(d, 5, ThreadedKernels.of(K, w), new Rng(10));
        kr.fit(h, n, y, st, new Rng(11), null);
        if (want == null) {
          want = kr.weights();
        } else {
          assertArrayEquals(want, kr.weights(), threads + " threads");
        }
      }
    }
    KrotovReadout scalar = new KrotovReadout(d, 5, new ScalarKernels(), new Rng(10));
    scalar.fit(h, n, y, st, new Rng(11), null);
    assertArrayEquals(want, scalar.weights(), "scalar kernels");
  }

  /** Bad settings and inputs: one-line errors naming what is wrong; divergence names the step. */
  @Test
  void refusesBadInput() {
    assertThrows(IllegalArgumentException.class, () -> new KrotovReadout.Settings(0, 1, 1, 1, 6));
    assertThrows(IllegalArgumentException.class,
        () -> new KrotovReadout.Settings(1, 1, Double.NaN, 1, 6));
    assertThrows(IllegalArgumentException.class, () -> new KrotovReadout.Settings(1, 1, 1, 0, 6));
    assertThrows(IllegalArgumentException.class, () -> new KrotovReadout.Settings(1, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new KrotovReadout(0, 2, K, new Rng(1)));
    KrotovReadout kr = new KrotovReadout(3, 2, K, new Rng(1));
    KrotovReadout.Settings st = KrotovReadout.Settings.paper();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kr.fit(new float[6], 2, new int[] {0, 2}, st, new Rng(2), null));
    assertTrue(e.getMessage().contains("label 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> kr.fit(new float[5], 2, new int[] {0, 1}, st, new Rng(2), null));
    float[] bad = {1, Float.NaN, 0, 0, 1, 0};
    DivergedException d = assertThrows(DivergedException.class,
        () -> kr.fit(bad, 2, new int[] {0, 1}, st, new Rng(2), null));
    assertTrue(d.getMessage().contains("step 1") && d.getMessage().contains("krotov readout"),
        d.getMessage());
  }
}
