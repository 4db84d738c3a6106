package org.hebb4j.kernel;

/**
 * The reductions whose result must not overflow or underflow for any finite float32 input (sums
 * of squares, inner products for cosines, mean and variance; spec/kernels.md#reductions (K5)-(K7),
 * (K5a)). Every product of two floats is exact in double (24 + 24 significand bits, exponents far
 * inside double's range), and the products are summed in double in one fixed order: four partial
 * sums, element i going to sum i mod 4, combined as (s0 + s1) + (s2 + s3). Both kernel paths call
 * this one code, so their results are the same bits, for any thread count.
 */
final class Reductions {

  private Reductions() {}

  /** (K5) sum_i x_i^2 in double. */
  static double sumSquares(int n, float[] x, int xOff) {
    return dsdot(n, x, xOff, x, xOff);
  }

  /** (K5a) sum_i x_i y_i in double. */
  static double dsdot(int n, float[] x, int xOff, float[] y, int yOff) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i <= n - 4; i += 4) {
      s0 += (double) x[xOff + i] * y[yOff + i];
      s1 += (double) x[xOff + i + 1] * y[yOff + i + 1];
      s2 += (double) x[xOff + i + 2] * y[yOff + i + 2];
      s3 += (double) x[xOff + i + 3] * y[yOff + i + 3];
    }
    for (; i < n; i++) {
      s0 += (double) x[xOff + i] * y[yOff + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** (K6) the mean in double; NaN when n = 0. */
  static double mean(int n, float[] x, int xOff) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i <= n - 4; i += 4) {
      s0 += x[xOff + i];
      s1 += x[xOff + i + 1];
      s2 += x[xOff + i + 2];
      s3 += x[xOff + i + 3];
    }
    for (; i < n; i++) {
      s0 += x[xOff + i];
    }
    return ((s0 + s1) + (s2 + s3)) / n;
  }

  /** (K7) the population variance in double, two passes around the double mean. */
  static double variance(int n, float[] x, int xOff) {
    double mu = mean(n, x, xOff);
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i <= n - 4; i += 4) {
      double d0 = x[xOff + i] - mu, d1 = x[xOff + i + 1] - mu;
      double d2 = x[xOff + i + 2] - mu, d3 = x[xOff + i + 3] - mu;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < n; i++) {
      double d = x[xOff + i] - mu;
      s0 += d * d;
    }
    return ((s0 + s1) + (s2 + s3)) / n;
  }
}
