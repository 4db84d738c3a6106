package org.hebb4j.kernel;

/**
 * The reductions whose result must not overflow or underflow for any finite float32 input (sums
 * of squares, inner products for cosines, mean and variance; spec/kernels.md#reductions (K5)-(K7),
 * (K5a)). Every product of two floats is exact in double (24 + 24 significand bits, exponents far
 * inside double's range), and the terms are summed in double in one fixed order
 * (spec/kernels.md#reduction-order): eight partial sums, term i going to sum {@code i mod 8},
 * combined as ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)). The vector path computes the
 * same partial sums in lanes ({@code VectorKernels}), so both paths give the same bits, for any
 * thread count and vector width.
 */
final class Reductions {

  private Reductions() {}

  /**
   * The virtual width of the float32 reductions dot (K1) and sum (K4)
   * (spec/kernels.md#one-result): term i goes to partial sum {@code i mod WIDTH}, whatever the
   * real vector width (4, 8 or 16 lanes hold it in 8, 4 or 2 vectors).
   */
  static final int WIDTH = 32;

  /** Per-thread partial sums of the float32 reductions, zeroed by {@link #partials()}. */
  private static final ThreadLocal<float[]> PARTIALS =
      ThreadLocal.withInitial(() -> new float[WIDTH]);

  /** This thread's {@link #WIDTH} partial sums, all +0. */
  static float[] partials() {
    float[] p = PARTIALS.get();
    java.util.Arrays.fill(p, 0f);
    return p;
  }

  /**
   * Continues (K1) from term {@code i} (a multiple of {@link #WIDTH}) with partial sums p:
   * {@code p[r] = fma(x_i, y_i, p[r])} for the terms i = r mod WIDTH in increasing i, then
   * {@link #combine(float[])}.
   */
  static float dotFrom(int i, int n, float[] x, int xOff, float[] y, int yOff, float[] p) {
    for (; i <= n - WIDTH; i += WIDTH) {
      int a = xOff + i, b = yOff + i;
      for (int r = 0; r < WIDTH; r++) {
        p[r] = Math.fma(x[a + r], y[b + r], p[r]);
      }
    }
    for (int r = 0; i + r < n; r++) {
      p[r] = Math.fma(x[xOff + i + r], y[yOff + i + r], p[r]);
    }
    return combine(p);
  }

  /** Continues (K4) from term {@code i} (a multiple of {@link #WIDTH}), as {@link #dotFrom}. */
  static float sumFrom(int i, int n, float[] x, int xOff, float[] p) {
    for (; i <= n - WIDTH; i += WIDTH) {
      int a = xOff + i;
      for (int r = 0; r < WIDTH; r++) {
        p[r] += x[a + r];
      }
    }
    for (int r = 0; i + r < n; r++) {
      p[r] += x[xOff + i + r];
    }
    return combine(p);
  }

  /**
   * The fixed tree of the float32 reductions: {@code p[r] += p[r + h]} for r &lt; h, h = 16, 8, 4,
   * 2, 1; returns p[0] (p is consumed).
   */
  static float combine(float[] p) {
    for (int h = WIDTH / 2; h >= 1; h >>= 1) {
      for (int r = 0; r < h; r++) {
        p[r] += p[r + h];
      }
    }
    return p[0];
  }

  /** The fixed combination of the eight partial sums. */
  static double combine(double s0, double s1, double s2, double s3, double s4, double s5,
      double s6, double s7) {
    return ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
  }

  /** (K5) sum_i x_i^2 in double. */
  static double sumSquares(int n, float[] x, int xOff) {
    return dsdot(n, x, xOff, x, xOff);
  }

  /** (K5a) sum_i x_i y_i in double. */
  static double dsdot(int n, float[] x, int xOff, float[] y, int yOff) {
    return dsdotFrom(0, n, x, xOff, y, yOff, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** Continues (K5a) from term {@code i} (a multiple of 8) with partial sums s0..s7. */
  static double dsdotFrom(int i, int n, float[] x, int xOff, float[] y, int yOff, double s0,
      double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
    for (; i <= n - 8; i += 8) {
      int a = xOff + i, b = yOff + i;
      s0 += (double) x[a] * y[b];
      s1 += (double) x[a + 1] * y[b + 1];
      s2 += (double) x[a + 2] * y[b + 2];
      s3 += (double) x[a + 3] * y[b + 3];
      s4 += (double) x[a + 4] * y[b + 4];
      s5 += (double) x[a + 5] * y[b + 5];
      s6 += (double) x[a + 6] * y[b + 6];
      s7 += (double) x[a + 7] * y[b + 7];
    }
    int a = xOff + i, b = yOff + i, r = n - i; // the last r < 8 terms, to s0 .. s(r-1)
    s0 += r > 0 ? (double) x[a] * y[b] : 0;
    s1 += r > 1 ? (double) x[a + 1] * y[b + 1] : 0;
    s2 += r > 2 ? (double) x[a + 2] * y[b + 2] : 0;
    s3 += r > 3 ? (double) x[a + 3] * y[b + 3] : 0;
    s4 += r > 4 ? (double) x[a + 4] * y[b + 4] : 0;
    s5 += r > 5 ? (double) x[a + 5] * y[b + 5] : 0;
    s6 += r > 6 ? (double) x[a + 6] * y[b + 6] : 0;
    return combine(s0, s1, s2, s3, s4, s5, s6, s7);
  }

  /** (K6) the mean in double; NaN when n = 0. */
  static double mean(int n, float[] x, int xOff) {
    return sumFrom(0, n, x, xOff, 0, 0, 0, 0, 0, 0, 0, 0) / n;
  }

  /** Continues sum_i x_i in double from term {@code i} (a multiple of 8). */
  static double sumFrom(int i, int n, float[] x, int xOff, double s0, double s1, double s2,
      double s3, double s4, double s5, double s6, double s7) {
    for (; i <= n - 8; i += 8) {
      int a = xOff + i;
      s0 += x[a];
      s1 += x[a + 1];
      s2 += x[a + 2];
      s3 += x[a + 3];
      s4 += x[a + 4];
      s5 += x[a + 5];
      s6 += x[a + 6];
      s7 += x[a + 7];
    }
    int a = xOff + i, r = n - i;
    s0 += r > 0 ? x[a] : 0;
    s1 += r > 1 ? x[a + 1] : 0;
    s2 += r > 2 ? x[a + 2] : 0;
    s3 += r > 3 ? x[a + 3] : 0;
    s4 += r > 4 ? x[a + 4] : 0;
    s5 += r > 5 ? x[a + 5] : 0;
    s6 += r > 6 ? x[a + 6] : 0;
    return combine(s0, s1, s2, s3, s4, s5, s6, s7);
  }

  /** (K7) the population variance in double, two passes around the double mean. */
  static double variance(int n, float[] x, int xOff) {
    return deviationsFrom(0, n, x, xOff, mean(n, x, xOff), 0, 0, 0, 0, 0, 0, 0, 0) / n;
  }

  /** Continues sum_i (x_i - mu)^2 in double from term {@code i} (a multiple of 8). */
  static double deviationsFrom(int i, int n, float[] x, int xOff, double mu, double s0,
      double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
    for (; i <= n - 8; i += 8) {
      int a = xOff + i;
      s0 += sq(x[a] - mu);
      s1 += sq(x[a + 1] - mu);
      s2 += sq(x[a + 2] - mu);
      s3 += sq(x[a + 3] - mu);
      s4 += sq(x[a + 4] - mu);
      s5 += sq(x[a + 5] - mu);
      s6 += sq(x[a + 6] - mu);
      s7 += sq(x[a + 7] - mu);
    }
    int a = xOff + i, r = n - i;
    s0 += r > 0 ? sq(x[a] - mu) : 0;
    s1 += r > 1 ? sq(x[a + 1] - mu) : 0;
    s2 += r > 2 ? sq(x[a + 2] - mu) : 0;
    s3 += r > 3 ? sq(x[a + 3] - mu) : 0;
    s4 += r > 4 ? sq(x[a + 4] - mu) : 0;
    s5 += r > 5 ? sq(x[a + 5] - mu) : 0;
    s6 += r > 6 ? sq(x[a + 6] - mu) : 0;
    return combine(s0, s1, s2, s3, s4, s5, s6, s7);
  }

  private static double sq(double d) {
    return d * d;
  }
}
