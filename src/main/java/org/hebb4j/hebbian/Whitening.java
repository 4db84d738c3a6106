package org.hebb4j.hebbian;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.linalg.Zca;
import org.hebb4j.parallel.Workers;

/**
 * The input whitening of a Hebbian CNN (spec/hebbcnn.md#preprocessing): per-image
 * standardisation (T1) over the C H W values of a raw image, then ZCA (Z1)-(Z3)
 * {@code x <- W (x - mean)} with the float32 {@code mean [d]} and symmetric {@code W [d, d]}.
 * A whitening is fitted once ({@link #fit}) and may be shared by several networks
 * ({@link HebbCnn#useWhitening}); its arrays are the tensors {@code whitening.mean} and
 * {@code whitening.weight} of spec/hebbcnn.md#state.
 */
public final class Whitening {

  private final int d;
  private final float[] mean;
  private final float[] matrix;

  private Whitening(int d, float[] mean, float[] matrix) {
    this.d = d;
    this.mean = mean;
    this.matrix = matrix;
  }

  /** A placeholder of dimension d (zeros), to be filled by a state dict. */
  static Whitening zeros(int d) {
    return new Whitening(d, new float[d], new float[Math.multiplyExact(d, d)]);
  }

  /**
   * Fits the whitening on {@code n} raw images: each image is standardised (T1) into a copy, then
   * the ZCA of the copies is computed with eps {@code eps} ({@link Zca#fit}). Results do not
   * depend on the number of threads. See spec/hebbcnn.md#zca.
   *
   * @param k kernels
   * @param workers threads for the covariance
   * @param images raw images [n, d] (not modified)
   * @param n number of images, at least 1
   * @param d values per image
   * @param eps ZCA eps (Z3), finite and >= 0
   * @return the fitted whitening
   * @throws IllegalArgumentException when {@code images} holds fewer than n d values, n, d or
   *     eps is out of range, or d x d is too large for an array
   * @throws ArithmeticException when an eigenvalue plus eps is not positive
   */
  public static Whitening fit(Kernels k, Workers workers, float[] images, int n, int d,
      double eps) {
    if (n < 1 || d < 1) {
      throw new IllegalArgumentException("whitening: need at least one image and one value, got n "
          + n + ", d " + d);
    }
    if ((long) d * d > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("whitening: a " + d + " x " + d
          + " ZCA matrix is too large for a Java array");
    }
    if (images.length < (long) n * d) {
      throw new IllegalArgumentException("whitening: images holds " + images.length
          + " values, fewer than n " + n + " x d " + d);
    }
    float[] x = new float[Math.multiplyExact(n, d)];
    Standardize.all(k, n, d, images, x, Standardize.EPS);
    Zca zca = Zca.fit(k, workers, x, n, d, eps);
    float[] m = new float[d];
    float[] w = new float[Math.multiplyExact(d, d)];
    for (int i = 0; i < d; i++) {
      m[i] = (float) zca.mean()[i];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) zca.matrix()[i];
    }
    return new Whitening(d, m, w);
  }

  /**
   * The number of values per image this whitening applies to (spec/hebbcnn.md#zca).
   *
   * @return the dimension d = C H W
   */
  public int dimension() {
    return d;
  }

  /**
   * The mean subtracted before whitening (spec/hebbcnn.md#zca).
   *
   * @return the column means of the standardised images, [d]; live, not copied
   */
  public float[] mean() {
    return mean;
  }

  /**
   * The whitening matrix, rounded to float32 (spec/hebbcnn.md#zca).
   *
   * @return the ZCA matrix W, row-major [d, d], symmetric; live, not copied
   */
  public float[] matrix() {
    return matrix;
  }

  /**
   * Whitens m images: {@code out_i = W (standardise(x_i) - mean)}, one GEMM for all m. Each
   * image's result does not depend on the others (GEMM rows are independent), so any grouping
   * of images gives the same bits. Allocates nothing.
   *
   * @param xc workspace of at least m d floats
   */
  void apply(Kernels k, float[] x, int xOff, int m, float[] xc, float[] out, int outOff) {
    for (int i = 0; i < m; i++) {
      Standardize.sample(k, d, x, xOff + i * d, xc, i * d, Standardize.EPS);
      for (int j = 0; j < d; j++) {
        xc[i * d + j] -= mean[j];
      }
    }
    k.gemmNT(m, d, d, 1f, xc, 0, matrix, 0, 0f, out, outOff); // [m, d] = Xc W^T (W symmetric)
  }
}
