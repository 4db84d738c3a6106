package org.hebb4j.linalg;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;

/**
 * Column means and the centred Gram matrix {@code G = Xc^T Xc} of a tall float32 data matrix X
 * (n samples x d features, row-major), accumulated in double (spec/hebbcnn.md#gram, (L1)).
 *
 * <p>The product is formed with the kernels' float32 GEMM on blocks of {@value #SAMPLE_BLOCK}
 * samples, each block's product being added into the double accumulator, so rounding error grows
 * with the block size, not with n. Work is split into fixed blocks of output rows, and every
 * output element sums the sample blocks in the same order, so the result does not depend on the
 * number of threads.
 */
public final class Gram {

  static final int SAMPLE_BLOCK = 256;
  static final int ROW_BLOCK = 64;

  private Gram() {}

  /**
   * Column means of X in double, summed in sample order. See spec/hebbcnn.md#gram.
   *
   * @param x samples [n, d]
   * @param n samples
   * @param d features
   * @return the means [d]
   */
  public static double[] means(float[] x, int n, int d) {
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      int o = i * d;
      for (int j = 0; j < d; j++) {
        mean[j] += x[o + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    return mean;
  }

  /**
   * Subtracts {@code mean} (rounded to float) from every row of X, in place.
   * See spec/hebbcnn.md#gram.
   *
   * @param x samples [n, d], centred in place
   * @param n samples
   * @param d features
   * @param mean column means [d]
   */
  public static void center(float[] x, int n, int d, double[] mean) {
    float[] m = new float[d];
    for (int j = 0; j < d; j++) {
      m[j] = (float) mean[j];
    }
    for (int i = 0; i < n; i++) {
      int o = i * d;
      for (int j = 0; j < d; j++) {
        x[o + j] -= m[j];
      }
    }
  }

  /**
   * G = X^T X (d x d, double) for an already centred X. See spec/hebbcnn.md#gram.
   *
   * @param k kernels
   * @param workers threads (the result does not depend on their number)
   * @param x centred samples [n, d]
   * @param n samples
   * @param d features
   * @return G [d, d]
   */
  public static double[] gram(Kernels k, Workers workers, float[] x, int n, int d) {
    double[] g = new double[d * d];
    int rowBlocks = (d + ROW_BLOCK - 1) / ROW_BLOCK;
    workers.run(rowBlocks, rb -> {
      int r0 = rb * ROW_BLOCK, rows = Math.min(ROW_BLOCK, d - r0);
      float[] tmp = new float[rows * d];
      for (int s0 = 0; s0 < n; s0 += SAMPLE_BLOCK) {
        int m = Math.min(SAMPLE_BLOCK, n - s0);
        // tmp = X[s0:s0+m, r0:r0+rows]^T X[s0:s0+m, :]
        k.gemm(true, false, rows, d, m, 1f, x, s0 * d + r0, d, x, s0 * d, d, 0f, tmp, 0, d);
        for (int r = 0; r < rows; r++) {
          int go = (r0 + r) * d, to = r * d;
          for (int c = 0; c < d; c++) {
            g[go + c] += tmp[to + c];
          }
        }
      }
    });
    return g;
  }
}
