package org.hebb4j.kernel;

/**
 * Float32 numerical kernels, one interface with two implementations: {@link ScalarKernels} (the
 * reference, always present) and {@code org.hebb4j.kernel.vector.VectorKernels} (Vector API, loaded
 * only when {@link KernelProvider} finds the module). Every method is specified in
 * {@code spec/kernels.md}; the anchor is cited on each method.
 *
 * <p>Arrays are row-major; {@code off} arguments are element offsets, {@code ld*} are leading
 * dimensions (row strides). No method allocates, so callers own every buffer.
 */
public interface Kernels {

  /** "scalar" or "vector". */
  String name();

  /** Width in bits of the SIMD registers used, 0 for the scalar path. */
  int vectorBitSize();

  /** spec/kernels.md#dot (K1): sum_i x_i y_i. */
  float dot(int n, float[] x, int xOff, float[] y, int yOff);

  /** spec/kernels.md#axpy (K2): y_i += alpha x_i. */
  void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

  /** spec/kernels.md#scale (K3): x_i *= alpha. */
  void scale(int n, float alpha, float[] x, int xOff);

  /** spec/kernels.md#reductions (K4): sum_i x_i. */
  float sum(int n, float[] x, int xOff);

  /** spec/kernels.md#reductions (K5): sum_i x_i^2. */
  float sumSquares(int n, float[] x, int xOff);

  /** spec/kernels.md#reductions (K6): (1/n) sum_i x_i. */
  default float mean(int n, float[] x, int xOff) {
    return sum(n, x, xOff) / n;
  }

  /** spec/kernels.md#reductions (K7): population variance, two passes around the mean. */
  float variance(int n, float[] x, int xOff);

  /** spec/kernels.md#activations (K8): z_i = act(a_i). {@code z} may alias {@code a}. */
  void activate(Activation act, int n, float[] a, int aOff, float[] z, int zOff);

  /**
   * spec/kernels.md#activations (K9): da_i = dz_i * act'(a_i), with {@code a} the pre-activation.
   * {@code da} may alias {@code dz}.
   */
  void activateBackward(Activation act, int n, float[] a, int aOff, float[] dz, int dzOff,
      float[] da, int daOff);

  /**
   * spec/kernels.md#activations (K9b): da_i = dz_i * act'(a_i) computed from the activation
   * {@code z = act(a)} instead of a, which saves recomputing tanh or the sigmoid. When z came from
   * {@link #activate} of the same kernels, the bits are those of (K9). {@code da} may alias
   * {@code dz}.
   */
  void activateBackwardFromOutput(Activation act, int n, float[] z, int zOff, float[] dz,
      int dzOff, float[] da, int daOff);

  /** spec/kernels.md#outer (K10): A[i][j] += alpha x_i y_j for an m x n block of A (stride lda). */
  void outerAcc(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff,
      float[] a, int aOff, int lda);

  /**
   * spec/kernels.md#gemm (K11): C = alpha op(A) op(B) + beta C, with op(A) m x k, op(B) k x n and
   * C m x n. op(X) is X or X^T. As in BLAS, beta == 0 means C is written without being read.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);

  /**
   * spec/kernels.md#gemm (K11) on contiguous row-major matrices: C = alpha A B + beta C with A
   * [m, k] at {@code aOff}, B [k, n] at {@code bOff}, C [m, n] at {@code cOff}.
   */
  default void gemmNN(int m, int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff,
      float beta, float[] c, int cOff) {
    Check.gemm("gemmNN", false, false, m, n, k, a, aOff, ld(k), b, bOff, ld(n), c, cOff, ld(n));
    gemm(false, false, m, n, k, alpha, a, aOff, ld(k), b, bOff, ld(n), beta, c, cOff, ld(n));
  }

  /** {@code gemmNN} with every offset 0. */
  default void gemmNN(int m, int n, int k, float alpha, float[] a, float[] b, float beta,
      float[] c) {
    gemmNN(m, n, k, alpha, a, 0, b, 0, beta, c, 0);
  }

  /**
   * spec/kernels.md#gemm (K11) on contiguous row-major matrices: C = alpha A B^T + beta C with A
   * [m, k] at {@code aOff}, B [n, k] at {@code bOff}, C [m, n] at {@code cOff} (a dense layer's
   * forward pass, x W^T).
   */
  default void gemmNT(int m, int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff,
      float beta, float[] c, int cOff) {
    Check.gemm("gemmNT", false, true, m, n, k, a, aOff, ld(k), b, bOff, ld(k), c, cOff, ld(n));
    gemm(false, true, m, n, k, alpha, a, aOff, ld(k), b, bOff, ld(k), beta, c, cOff, ld(n));
  }

  /** {@code gemmNT} with every offset 0. */
  default void gemmNT(int m, int n, int k, float alpha, float[] a, float[] b, float beta,
      float[] c) {
    gemmNT(m, n, k, alpha, a, 0, b, 0, beta, c, 0);
  }

  /**
   * spec/kernels.md#gemm (K11) on contiguous row-major matrices: C = alpha A^T B + beta C with A
   * [k, m] at {@code aOff}, B [k, n] at {@code bOff}, C [m, n] at {@code cOff} (a weight gradient
   * or Hebbian term, delta^T h).
   */
  default void gemmTN(int m, int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff,
      float beta, float[] c, int cOff) {
    Check.gemm("gemmTN", true, false, m, n, k, a, aOff, ld(m), b, bOff, ld(n), c, cOff, ld(n));
    gemm(true, false, m, n, k, alpha, a, aOff, ld(m), b, bOff, ld(n), beta, c, cOff, ld(n));
  }

  /** {@code gemmTN} with every offset 0. */
  default void gemmTN(int m, int n, int k, float alpha, float[] a, float[] b, float beta,
      float[] c) {
    gemmTN(m, n, k, alpha, a, 0, b, 0, beta, c, 0);
  }

  /** A contiguous matrix's leading dimension: its columns, at least 1 (BLAS). */
  private static int ld(int cols) {
    return Math.max(1, cols);
  }

  /**
   * spec/kernels.md#conv2d (K12): y = conv(x, w) + b over the whole batch, NCHW. {@code b} may be
   * null. {@code col} is a workspace of at least {@link Conv2dShape#colSize()} floats.
   */
  default void conv2dForward(Conv2dShape s, float[] x, float[] w, float[] b, float[] y,
      float[] col) {
    Conv2d.forward(this, s, x, w, b, y, col);
  }

  /** spec/kernels.md#conv2d (K13): dx = d(sum dy*y)/dx (overwrites dx). */
  default void conv2dBackwardData(Conv2dShape s, float[] dy, float[] w, float[] dx, float[] col) {
    Conv2d.backwardData(this, s, dy, w, dx, col);
  }

  /** spec/kernels.md#conv2d (K14): dw = d(sum dy*y)/dw (overwrites dw). */
  default void conv2dBackwardWeights(Conv2dShape s, float[] x, float[] dy, float[] dw,
      float[] col) {
    Conv2d.backwardWeights(this, s, x, dy, dw, col);
  }

  /** spec/kernels.md#conv2d (K15): db_o = sum over n and positions of dy (overwrites db). */
  default void conv2dBackwardBias(Conv2dShape s, float[] dy, float[] db) {
    Conv2d.backwardBias(this, s, dy, db);
  }

  /** spec/kernels.md#avgpool2d (K16): mean over each size x size window, no padding. */
  void avgPool2dForward(Pool2dShape s, float[] x, float[] y);

  /** spec/kernels.md#avgpool2d (K17): dx = dy spread evenly over each window (overwrites dx). */
  void avgPool2dBackward(Pool2dShape s, float[] dy, float[] dx);
}
