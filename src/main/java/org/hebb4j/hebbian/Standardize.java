package org.hebb4j.hebbian;

import org.hebb4j.kernel.Kernels;

/**
 * Per-sample standardisation (spec/hebbian-rules.md#standardize, (T1)):
 * {@code z = (x - mean) / sqrt(var + eps)} over all values of one sample, with the population
 * variance computed in two passes (spec/kernels.md#reductions (K6), (K7)).
 */
public final class Standardize {

  /** The eps hebb4j uses on the variance. */
  public static final float EPS = 1e-8f;

  private Standardize() {}

  /**
   * Standardises {@code len} values from {@code x[xOff..]} into {@code out[oOff..]} (may be the
   * same place). Returns false when the sample's mean or variance is not finite.
   * See spec/hebbian-rules.md#standardize.
   *
   * @param k kernels (mean and variance (K6), (K7))
   * @param len values in the sample
   * @param x input, the sample is [len] at {@code xOff}
   * @param xOff offset of the sample in x
   * @param out output, [len] written at {@code oOff}
   * @param oOff offset in out
   * @param eps added to the variance
   * @return false when the mean or variance is not finite
   */
  public static boolean sample(Kernels k, int len, float[] x, int xOff, float[] out, int oOff,
      float eps) {
    double mean = k.mean(len, x, xOff); // mean and variance in double: finite for finite input
    double var = k.variance(len, x, xOff);
    double inv = 1.0 / Math.sqrt(var + eps);
    for (int i = 0; i < len; i++) {
      out[oOff + i] = (float) ((x[xOff + i] - mean) * inv); // one rounding, no overflow
    }
    return Double.isFinite(mean) && Double.isFinite(var);
  }

  /**
   * Every sample of an [n, len] array, in place or into out. See spec/hebbian-rules.md#standardize.
   *
   * @param k kernels
   * @param n samples
   * @param len values per sample
   * @param x input [n, len]
   * @param out output [n, len] (may be x)
   * @param eps added to the variance
   */
  public static void all(Kernels k, int n, int len, float[] x, float[] out, float eps) {
    for (int i = 0; i < n; i++) {
      sample(k, len, x, i * len, out, i * len, eps);
    }
  }
}
