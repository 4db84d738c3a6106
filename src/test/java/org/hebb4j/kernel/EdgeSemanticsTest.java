package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.hebb4j.emergence.Probe;
import org.hebb4j.hebbian.Standardize;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/**
 * The edges of spec/kernels.md on every path (scalar, vector, threaded over each): the BLAS
 * semantics of GEMM for alpha = 0, beta = 0 and non-finite values (#gemm), and the reductions
 * (K5)-(K7), (K5a), (K5b) and the cosine (E17) exact to float32 rounding for any finite input,
 * swept over magnitudes 1e-44 .. 1e37 and mixed magnitudes (#reductions).
 */
class EdgeSemanticsTest {

  private static final MathContext MC = new MathContext(60);

  /** Runs {@code body} on every path: scalar, vector (when present), threaded over both. */
  private static void onEveryPath(Consumer<Kernels> body) {
    List<Kernels> bases = new ArrayList<>();
    bases.add(KernelProvider.scalar());
    KernelProvider.vector().ifPresent(bases::add);
    for (Kernels k : bases) {
      body.accept(k);
      try (Workers w = new Workers(2)) {
        body.accept(new ThreadedKernels(k, w));
      }
    }
  }

  /** Small (one tile), ragged (edge tiles) and large (blocked, threaded) shapes. */
  private static final int[][] SHAPES = {{3, 5, 4}, {1, 1, 1}, {37, 19, 23}, {260, 130, 140}};

  private static float[] uniform(Rng r, int n, float lo, float hi) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * r.uniformFloat();
    }
    return x;
  }

  private static float[] filled(int n, float v) {
    float[] x = new float[n];
    java.util.Arrays.fill(x, v);
    return x;
  }

  @Test
  void gemmAlphaZeroReadsNeitherANorB() {
    onEveryPath(kk -> {
      Rng r = new Rng(1);
      for (int[] s : SHAPES) {
        int m = s[0], n = s[1], k = s[2];
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
          float[] a = filled(m * k, Float.NaN), b = filled(k * n, Float.POSITIVE_INFINITY);
          float[] c0 = uniform(r, m * n, -1, 1);
          for (float beta : new float[] {0f, 1f, 0.5f, -2f}) {
            float[] c = c0.clone();
            kk.gemm(ta, tb, m, n, k, 0f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
            float[] want = new float[m * n];
            for (int i = 0; i < want.length; i++) {
              want[i] = beta == 0f ? 0f : beta * c0[i];
            }
            assertArrayEquals(want, c, kk.name() + " alpha=0 beta=" + beta + " " + m + "x" + n
                + "x" + k + " ta=" + ta + " tb=" + tb);
          }
          // beta = 0 with NaN in C and alpha = 0: C is zeroed without being read
          float[] c = filled(m * n, Float.NaN);
          kk.gemm(ta, tb, m, n, k, 0f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
          assertArrayEquals(new float[m * n], c, kk.name() + " alpha=0 beta=0 NaN in C");
        }
      }
      // k = 0: C <- beta C, A and B (empty) may be null
      float[] c = {1f, Float.NaN, 3f, 4f};
      kk.gemm(false, false, 2, 2, 0, 1f, null, 0, 1, null, 0, 2, 2f, c, 0, 2);
      assertArrayEquals(new float[] {2f, Float.NaN, 6f, 8f}, c, kk.name() + " k=0");
      kk.gemm(false, false, 2, 2, 0, 1f, null, 0, 1, null, 0, 2, 0f, c, 0, 2);
      assertArrayEquals(new float[4], c, kk.name() + " k=0 beta=0");
    });
  }

  @Test
  void gemmBetaZeroDoesNotReadCAndNonFiniteValuesPropagate() {
    onEveryPath(kk -> {
      Rng r = new Rng(2);
      for (int[] s : SHAPES) {
        int m = s[0], n = s[1], k = s[2];
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
          int lda = ta ? m : k, ldb = tb ? k : n;
          float[] a = uniform(r, m * k, 0.5f, 1f), b = uniform(r, k * n, 0.5f, 1f);
          String where = kk.name() + " " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb;
          float[] ref = new float[m * n];
          kk.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, ref, 0, n);
          float[] c = filled(m * n, Float.NaN);
          kk.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
          assertArrayEquals(ref, c, where + ": beta=0 must not read C");
          for (float v : c) {
            assertTrue(Float.isFinite(v), where);
          }
          // beta != 0: a NaN in C reaches exactly its own element
          c = new float[m * n];
          c[m * n / 2] = Float.NaN;
          kk.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 1f, c, 0, n);
          for (int e = 0; e < c.length; e++) {
            assertEquals(e == m * n / 2, Float.isNaN(c[e]), where + " NaN in C, element " + e);
          }
          // +inf at op(A)(i0, p0) makes row i0 +inf (B > 0); NaN at op(A)(i1, p1) makes row i1 NaN
          int i0 = 0, i1 = m - 1, p0 = k / 2, p1 = k - 1;
          float[] ai = a.clone();
          ai[ta ? p0 * lda + i0 : i0 * lda + p0] = Float.POSITIVE_INFINITY;
          if (i1 != i0) {
            ai[ta ? p1 * lda + i1 : i1 * lda + p1] = Float.NaN;
          }
          c = new float[m * n];
          kk.gemm(ta, tb, m, n, k, -1f, ai, 0, lda, b, 0, ldb, 0f, c, 0, n);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              float v = c[i * n + j];
              String at = where + " inf/NaN propagation at (" + i + "," + j + ")";
              if (i == i0) {
                assertEquals(Float.NEGATIVE_INFINITY, v, at);
              } else if (i == i1) {
                assertTrue(Float.isNaN(v), at);
              } else {
                assertTrue(Float.isFinite(v), at);
              }
            }
          }
        }
      }
    });
  }

  // ---- reductions and the cosine

  private static BigDecimal exactDot(float[] x, float[] y) {
    BigDecimal s = BigDecimal.ZERO;
    for (int i = 0; i < x.length; i++) {
      s = s.add(new BigDecimal(x[i]).multiply(new BigDecimal(y[i])));
    }
    return s;
  }

  private static double exactCos(float[] g, float[] h) {
    BigDecimal gg = exactDot(g, g), hh = exactDot(h, h);
    return exactDot(g, h).divide(gg.multiply(hh).sqrt(MC), MC).doubleValue();
  }

  /** (1/n) sum (x_i - S/n)^2 = sum (n x_i - S)^2 / n^3, exact up to the last division. */
  private static double exactVariance(float[] x) {
    BigDecimal n = BigDecimal.valueOf(x.length), s = BigDecimal.ZERO, ss = BigDecimal.ZERO;
    for (float v : x) {
      s = s.add(new BigDecimal(v));
    }
    for (float v : x) {
      BigDecimal d = new BigDecimal(v).multiply(n).subtract(s);
      ss = ss.add(d.multiply(d));
    }
    return ss.divide(n.pow(3), MC).doubleValue();
  }

  private static float[] scaled(float[] x, double s) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) (x[i] * s);
    }
    return y;
  }

  /** Checks nrm2, sumSquares, variance, mean and the cosine of (g, h) against exact values. */
  private static void checkExact(Kernels k, float[] g, float[] h, String where) {
    int n = g.length;
    BigDecimal gg = exactDot(g, g);
    float nrm = gg.sqrt(MC).floatValue();
    float got = k.nrm2(n, g, 0);
    // the correctly rounded float, or its neighbour when the exact norm is a hair from a midpoint
    assertTrue(Math.abs(got - gg.sqrt(MC).doubleValue()) <= 0.5 * Math.ulp(nrm) * (1 + 1e-9),
        where + " nrm2 " + got + " exact " + nrm);
    assertEquals(gg.doubleValue(), k.sumSquares(n, g, 0), 1e-13 * gg.doubleValue(),
        where + " sumSquares");
    double var = exactVariance(g), gotVar = k.variance(n, g, 0);
    assertEquals(var, gotVar, 1e-12 * var, where + " variance");
    if (allZero(g) || allZero(h)) {
      assertEquals(0.0, Probe.cosine(k, n, g, 0, h, 0), where + " cosine with a zero vector");
      return;
    }
    double cos = exactCos(g, h), gotCos = Probe.cosine(k, n, g, 0, h, 0);
    assertEquals(cos, gotCos, 1e-13, where + " cosine");
    assertEquals((float) cos, (float) gotCos, Math.ulp((float) cos), where + " cosine as float");
  }

  @Test
  void reductionsAndCosineExactOverEveryMagnitude() {
    onEveryPath(k -> {
      Rng r = new Rng(3);
      for (int n : new int[] {1, 3, 4, 7, 16, 17, 100}) {
        float[] g = uniform(r, n, -1, 1), h = uniform(r, n, -1, 1);
        h[0] += 0.5f * g[0]; // not orthogonal
        for (int e = -44; e <= 37; e++) { // 1e-44 is subnormal, 1e37 near the float maximum
          double s = Math.pow(10, e);
          float[] gs = scaled(g, s), hs = scaled(h, s);
          if (!allZero(gs) && !allZero(hs)) {
            checkExact(k, gs, hs, k.name() + " n=" + n + " scale 1e" + e);
          }
          // mixed: one vector huge, the other tiny, and one vector mixing both in its values
          float[] tiny = scaled(h, Math.pow(10, -30 - (e + 44) % 10));
          checkExact(k, scaled(g, 1e30), tiny, k.name() + " n=" + n + " mixed 1e30 / tiny");
          float[] both = gs.clone();
          both[0] = (float) (g[0] * 1e30);
          both[n - 1] = (float) (g[n - 1] * 1e-30);
          checkExact(k, both, hs, k.name() + " n=" + n + " mixed values at 1e" + e);
        }
      }
    });
  }

  private static boolean allZero(float[] x) {
    for (float v : x) {
      if (v != 0f) {
        return false;
      }
    }
    return true;
  }

  @Test
  void cosineOfScaledVectorsIsTheCosineAtScaleOne() {
    onEveryPath(k -> {
      Rng r = new Rng(4);
      int n = 50;
      float[] g = uniform(r, n, -1, 1), h = uniform(r, n, -1, 1), g2 = scaled(g, 2);
      double ref = Probe.cosine(k, n, g, 0, h, 0);
      for (int e = -100; e <= 100; e++) { // 2^-100 ~ 8e-31 .. 2^100 ~ 1.3e30: exact scalings
        float[] gs = scaled(g, Math.scalb(1.0, e)), hs = scaled(h, Math.scalb(1.0, -e / 2));
        assertEquals(ref, Probe.cosine(k, n, gs, 0, hs, 0), k.name() + " scale 2^" + e);
        assertEquals(1f, (float) Probe.cosine(k, n, gs, 0, scaled(g2, Math.scalb(1.0, e)), 0),
            k.name() + " parallel at 2^" + e);
      }
      float[] big = scaled(g, 1e20), tiny = scaled(g, 1e-25);
      assertEquals(1.0, Probe.cosine(k, n, big, 0, scaled(big, 3), 0), 1e-7, "1e20 parallel");
      assertEquals(1f, (float) Probe.cosine(k, n, big, 0, big, 0), "1e20 with itself");
      assertEquals(1f, (float) Probe.cosine(k, n, tiny, 0, tiny, 0), "1e-25 with itself");
      assertEquals((float) ref, (float) Probe.cosine(k, n, scaled(g, 1e-25), 0,
          scaled(h, 1e-25), 0), 2 * Math.ulp((float) ref), "1e-25 as at scale 1");
      assertEquals(0.0, Probe.cosine(k, n, new float[n], 0, h, 0), "zero vector");
      float[] nan = g.clone();
      nan[3] = Float.NaN;
      assertTrue(Double.isNaN(Probe.cosine(k, n, nan, 0, h, 0)), "NaN propagates");
    });
  }

  @Test
  void standardizeHugeOffsetsAndConstants() {
    onEveryPath(k -> {
      float[] x = {1e30f, 1e30f, 1e30f, 1e30f, 1e30f}, z = new float[5];
      assertTrue(Standardize.sample(k, 5, x, 0, z, 0, Standardize.EPS));
      assertArrayEquals(new float[5], z, k.name() + " constant 1e30");
      float[] y = {1e8f - 8f, 1e8f + 8f}; // float spacing 8 at 1e8: the mean is not a float
      assertTrue(Standardize.sample(k, 2, y, 0, z, 0, 0f));
      assertArrayEquals(new float[] {-1f, 1f}, new float[] {z[0], z[1]}, k.name() + " 1e8");
      float[] w = {-3e38f, 3e38f, -3e38f, 3e38f};
      assertTrue(Standardize.sample(k, 4, w, 0, z, 0, 0f));
      assertArrayEquals(new float[] {-1f, 1f, -1f, 1f}, java.util.Arrays.copyOf(z, 4),
          k.name() + " near the float maximum");
    });
  }
}
