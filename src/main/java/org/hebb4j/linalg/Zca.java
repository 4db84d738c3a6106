package org.hebb4j.linalg;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;

/**
 * ZCA whitening (spec/hebbcnn.md#zca, equations (Z1)-(Z3)): with the column means {@code mean}
 * and the covariance {@code C = (1/n) Xc^T Xc} (divided by the number of SAMPLES n),
 * {@code W = U diag(1/sqrt(lambda + eps)) U^T} where {@code C = U diag(lambda) U^T}, and a sample
 * is whitened as {@code W (x - mean)}. W is symmetric and does not depend on the signs (or, for
 * repeated eigenvalues, the choice) of the eigenvectors.
 */
public final class Zca {

  private final int d;
  private final double[] mean;
  private final double[] w;
  private final double[] eigenvalues;
  private final float[] wf;
  private final float[] meanf;

  private Zca(int d, double[] mean, double[] w, double[] eigenvalues) {
    this.d = d;
    this.mean = mean;
    this.w = w;
    this.eigenvalues = eigenvalues;
    this.wf = new float[d * d];
    for (int i = 0; i < d * d; i++) {
      wf[i] = (float) w[i];
    }
    this.meanf = new float[d];
    for (int i = 0; i < d; i++) {
      meanf[i] = (float) mean[i];
    }
  }

  /**
   * Fits on the n x d row-major samples {@code x} (not modified). See spec/hebbcnn.md#zca.
   *
   * @param k kernels
   * @param workers threads (the result does not depend on their number)
   * @param x samples [n, d] (not modified)
   * @param n samples, at least 1
   * @param d features, at least 1
   * @param eps added to the eigenvalues, finite and >= 0
   * @return the whitening
   * @throws IllegalArgumentException when n, d or eps is out of range
   * @throws ArithmeticException when an eigenvalue plus eps is not positive
   */
  public static Zca fit(Kernels k, Workers workers, float[] x, int n, int d, double eps) {
    if (n < 1 || d < 1) {
      throw new IllegalArgumentException("zca: need at least one sample and one feature");
    }
    if (!(eps >= 0) || !Double.isFinite(eps)) {
      throw new IllegalArgumentException("zca: eps must be finite and >= 0, got " + eps);
    }
    double[] mean = Gram.means(x, n, d); // (Z1)
    float[] xc = java.util.Arrays.copyOf(x, n * d);
    Gram.center(xc, n, d, mean);
    double[] c = Gram.gram(k, workers, xc, n, d);
    for (int i = 0; i < d * d; i++) {
      c[i] /= n; // (Z2): divided by the number of samples
    }
    return fromCovariance(c, d, mean, eps);
  }

  /**
   * (Z3) from a covariance matrix already computed (double, d x d). See spec/hebbcnn.md#zca.
   *
   * @param c covariance [d, d]
   * @param d features
   * @param mean column means [d]
   * @param eps added to the eigenvalues
   * @return the whitening
   * @throws ArithmeticException when an eigenvalue plus eps is not positive
   */
  public static Zca fromCovariance(double[] c, int d, double[] mean, double eps) {
    SymmetricEigen eig = SymmetricEigen.of(c, d);
    for (double l : eig.values()) {
      if (!(l + eps > 0)) {
        throw new ArithmeticException("zca: eigenvalue " + l + " + eps " + eps
            + " is not positive (increase eps)");
      }
    }
    double[] w = eig.apply(l -> 1.0 / Math.sqrt(l + eps));
    return new Zca(d, mean, w, eig.values().clone());
  }

  /**
   * The number of features this whitening applies to (spec/hebbcnn.md#zca).
   *
   * @return the dimension d
   */
  public int dimension() {
    return d;
  }

  /**
   * Column means, double. See spec/hebbcnn.md#zca.
   *
   * @return the means [d]
   */
  public double[] mean() {
    return mean;
  }

  /**
   * W, row-major d x d, double. See spec/hebbcnn.md#zca.
   *
   * @return W [d, d]
   */
  public double[] matrix() {
    return w;
  }

  /**
   * Eigenvalues of the covariance, ascending. See spec/hebbcnn.md#zca.
   *
   * @return the d eigenvalues
   */
  public double[] eigenvalues() {
    return eigenvalues;
  }

  /**
   * Whitens n samples in place: {@code x_i <- W (x_i - mean)}, float32 (GEMM on blocks of
   * samples, each block written by one task only, so results do not depend on the thread count).
   * See spec/hebbcnn.md#zca.
   *
   * @param k kernels
   * @param workers threads (the result does not depend on their number)
   * @param x samples [n, d], whitened in place
   * @param n samples
   */
  public void apply(Kernels k, Workers workers, float[] x, int n) {
    final int block = 64;
    int blocks = (n + block - 1) / block;
    workers.run(blocks, b -> {
      int s0 = b * block, m = Math.min(block, n - s0);
      float[] xc = new float[m * d];
      for (int i = 0; i < m; i++) {
        int o = (s0 + i) * d;
        for (int j = 0; j < d; j++) {
          xc[i * d + j] = x[o + j] - meanf[j];
        }
      }
      // X_block <- Xc W^T (W symmetric)
      k.gemmNT(m, d, d, 1f, xc, 0, wf, 0, 0f, x, s0 * d);
    });
  }
}
