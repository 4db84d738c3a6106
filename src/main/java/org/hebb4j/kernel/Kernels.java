package org.hebb4j.kernel;

/**
 * Float32 numerical kernels, one interface with two implementations: {@link ScalarKernels} (the
 * reference, always present) and the Vector API kernels (package-private, obtained only from
 * {@link KernelProvider}, which loads them when it finds the Vector API module);
 * {@link ThreadedKernels} spreads either's GEMM over threads. Every method is specified in
 * {@code spec/kernels.md}; the anchor is cited on each method.
 *
 * <p>Arrays are row-major; {@code *Off} arguments are element offsets, {@code ld*} are leading
 * dimensions (row strides). No method allocates, so callers own every buffer.
 *
 * <p>Errors (spec/kernels.md#checks): every method checks its sizes, offsets, leading dimensions
 * and array lengths in O(1) before touching memory and throws {@link IllegalArgumentException}
 * naming the argument and the values, e.g. "gemm: lda 12 &lt; k 16" or "dot: x too short: needs
 * 5, has 4". Zero-size operations are legal and touch nothing (their arrays may be null).
 */
public interface Kernels {

  /**
   * The implementation's name.
   *
   * @return "scalar" or "vector"
   */
  String name();

  /**
   * The SIMD width.
   *
   * @return width in bits of the SIMD registers used, 0 for the scalar path
   */
  int vectorBitSize();

  /**
   * spec/kernels.md#dot (K1): sum_i x_i y_i over i &lt; n.
   *
   * @param n length, &gt;= 0
   * @param x first vector, n floats from {@code xOff}
   * @param xOff offset of x_0
   * @param y second vector, n floats from {@code yOff}
   * @param yOff offset of y_0
   * @return the dot product (0 for n = 0)
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  float dot(int n, float[] x, int xOff, float[] y, int yOff);

  /**
   * spec/kernels.md#axpy (K2): y_i += alpha x_i for i &lt; n.
   *
   * @param n length, &gt;= 0
   * @param alpha scale of x
   * @param x n floats from {@code xOff}
   * @param xOff offset of x_0
   * @param y n floats from {@code yOff}, updated in place
   * @param yOff offset of y_0
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

  /**
   * spec/kernels.md#scale (K3): x_i *= alpha for i &lt; n.
   *
   * @param n length, &gt;= 0
   * @param alpha the factor
   * @param x n floats from {@code xOff}, scaled in place
   * @param xOff offset of x_0
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  void scale(int n, float alpha, float[] x, int xOff);

  /**
   * spec/kernels.md#sum-of-rows (K24): y_j += A[i][j] for every row i &lt; m in increasing order,
   * j &lt; n: each y_j the float sum of its column added row after row, the bits of m calls
   * {@code axpy(n, 1, A row i, y)} (a bias gradient: y = db, A = delta [m, n]).
   *
   * @param m rows of A, &gt;= 0
   * @param n columns of A and length of y, &gt;= 0
   * @param a A, element [i][j] at a[aOff + i lda + j]
   * @param aOff offset of A[0][0]
   * @param lda leading dimension of A, &gt;= max(1, n)
   * @param y n floats from {@code yOff}, added to
   * @param yOff offset of y_0
   * @throws IllegalArgumentException on a bad size, offset, leading dimension or array
   *     (spec/kernels.md#checks)
   */
  default void addRows(int m, int n, float[] a, int aOff, int lda, float[] y, int yOff) {
    Check.addRows(m, n, a, aOff, lda, y, yOff);
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda;
      for (int j = 0; j < n; j++) {
        y[yOff + j] += a[ai + j];
      }
    }
  }

  /**
   * spec/kernels.md#reductions (K4): sum_i x_i over i &lt; n.
   *
   * @param n length, &gt;= 0
   * @param x n floats from {@code xOff}
   * @param xOff offset of x_0
   * @return the sum (0 for n = 0)
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  float sum(int n, float[] x, int xOff);

  /**
   * spec/kernels.md#reductions (K5): sum_i x_i^2 over i &lt; n, squares and sum in double (no
   * overflow or underflow for any finite input; the same bits on both paths).
   *
   * @param n length, &gt;= 0
   * @param x n floats from {@code xOff}
   * @param xOff offset of x_0
   * @return the sum of squares in double (0 for n = 0)
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  double sumSquares(int n, float[] x, int xOff);

  /**
   * spec/kernels.md#reductions (K5a): the BLAS {@code dsdot}, sum_i x_i y_i with every product
   * and the sum in double: no overflow or underflow for any finite float32 input, the same bits
   * on both paths and for any thread count.
   *
   * @param n length, &gt;= 0
   * @param x n floats from {@code xOff}
   * @param xOff offset of x_0
   * @param y n floats from {@code yOff}
   * @param yOff offset of y_0
   * @return the inner product in double (0 for n = 0)
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  double dsdot(int n, float[] x, int xOff, float[] y, int yOff);

  /**
   * spec/kernels.md#exp (K21): {@code y_i = StrictMath.exp(x_i)} in double, the bits of fdlibm's
   * e_exp.c (the JDK's {@code StrictMath.exp}) on both paths, for every input. {@code y} may
   * alias {@code x} at the same offset.
   *
   * @param n length, &gt;= 0
   * @param x n doubles from {@code xOff}
   * @param xOff offset of x_0
   * @param y receives n doubles from {@code yOff}
   * @param yOff offset of y_0
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  default void exp(int n, double[] x, int xOff, double[] y, int yOff) {
    Check.exp(n, x, xOff, y, yOff);
    for (int i = 0; i < n; i++) {
      y[yOff + i] = StrictMath.exp(x[xOff + i]);
    }
  }

  /**
   * spec/kernels.md#reductions (K5b): the BLAS {@code nrm2}, the Euclidean norm sqrt(sumsq(x)),
   * correctly rounded to float32 up to the double error of (K5): exact to float32 rounding for
   * any finite input, never overflowing or underflowing in the squares.
   *
   * @param n length, &gt;= 0
   * @param x n floats from {@code xOff}
   * @param xOff offset of x_0
   * @return ||x||_2 (0 for n = 0)
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  default float nrm2(int n, float[] x, int xOff) {
    return (float) Math.sqrt(sumSquares(n, x, xOff));
  }

  /**
   * spec/kernels.md#reductions (K6): (1/n) sum_i x_i, summed in double (the same bits on both
   * paths).
   *
   * @param n length, &gt;= 0
   * @param x n floats from {@code xOff}
   * @param xOff offset of x_0
   * @return the mean in double (NaN for n = 0)
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  default double mean(int n, float[] x, int xOff) {
    Check.vector("mean", n, "x", x, xOff);
    return Reductions.mean(n, x, xOff);
  }

  /**
   * spec/kernels.md#reductions (K7): population variance, two passes around the mean, in double
   * (no overflow or underflow for any finite input; the same bits on both paths).
   *
   * @param n length, &gt;= 0
   * @param x n floats from {@code xOff}
   * @param xOff offset of x_0
   * @return (1/n) sum_i (x_i - mean)^2 (NaN for n = 0)
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  double variance(int n, float[] x, int xOff);

  /**
   * spec/kernels.md#activations (K8): z_i = act(a_i). {@code z} may alias {@code a}.
   *
   * @param act the activation
   * @param n length, &gt;= 0
   * @param a pre-activations, n floats from {@code aOff}
   * @param aOff offset of a_0
   * @param z activations, n floats from {@code zOff}, overwritten
   * @param zOff offset of z_0
   * @throws IllegalArgumentException on a null act or a bad size, offset or array
   *     (spec/kernels.md#checks)
   */
  void activate(Activation act, int n, float[] a, int aOff, float[] z, int zOff);

  /**
   * spec/kernels.md#activations (K9): da_i = dz_i * act'(a_i), with {@code a} the pre-activation.
   * {@code da} may alias {@code dz}.
   *
   * @param act the activation
   * @param n length, &gt;= 0
   * @param a pre-activations, n floats from {@code aOff}
   * @param aOff offset of a_0
   * @param dz upstream gradient, n floats from {@code dzOff}
   * @param dzOff offset of dz_0
   * @param da gradient with respect to a, n floats from {@code daOff}, overwritten
   * @param daOff offset of da_0
   * @throws IllegalArgumentException on a null act or a bad size, offset or array
   *     (spec/kernels.md#checks)
   */
  void activateBackward(Activation act, int n, float[] a, int aOff, float[] dz, int dzOff,
      float[] da, int daOff);

  /**
   * spec/kernels.md#activations (K9b): da_i = dz_i * act'(a_i) computed from the activation
   * {@code z = act(a)} instead of a, which saves recomputing tanh or the sigmoid. When z came from
   * {@link #activate} of the same kernels, the bits are those of (K9). {@code da} may alias
   * {@code dz}.
   *
   * @param act the activation
   * @param n length, &gt;= 0
   * @param z activations act(a), n floats from {@code zOff}
   * @param zOff offset of z_0
   * @param dz upstream gradient, n floats from {@code dzOff}
   * @param dzOff offset of dz_0
   * @param da gradient with respect to a, n floats from {@code daOff}, overwritten
   * @param daOff offset of da_0
   * @throws IllegalArgumentException on a null act or a bad size, offset or array
   *     (spec/kernels.md#checks)
   */
  void activateBackwardFromOutput(Activation act, int n, float[] z, int zOff, float[] dz,
      int dzOff, float[] da, int daOff);

  /**
   * spec/kernels.md#layer-norm (K19), the layer norm of spec/transformer.md#layer-norm (T8) over
   * each of {@code rows} rows of width {@code dim} (row r at {@code r dim}): the row's mean and
   * variance in double (K6)-(K7), {@code rstd[r] = 1 / sqrt(var + eps)} in double,
   * {@code xhat = (float) ((x - mean) rstd[r])}, {@code y = fma(xhat, gamma, beta)}. {@code y} may
   * alias {@code x}.
   *
   * @param rows rows, &gt;= 0
   * @param dim row width, &gt;= 1
   * @param eps added to the variance
   * @param x input [rows, dim]
   * @param gamma scale [dim]
   * @param beta shift [dim]
   * @param xhat receives the normalised rows [rows, dim]
   * @param rstd receives 1/s per row [rows]
   * @param y receives the output [rows, dim]
   * @throws IllegalArgumentException on a bad size or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void layerNorm(int rows, int dim, float eps, float[] x, float[] gamma, float[] beta,
      float[] xhat, double[] rstd, float[] y) {
    Check.layerNorm("layerNorm", rows, dim, x, "x", gamma, beta, xhat, rstd, y, "y");
    LayerNormRows.forward(0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
  }

  /**
   * spec/kernels.md#layer-norm (K19) on rows [row0, row0 + rows) only: row r of x, xhat and y at
   * {@code r dim}, its 1/s at {@code rstd[r]}; nothing else is read or written. Each row depends
   * on itself alone, so a batch cut into row ranges has the bits of one
   * {@link #layerNorm(int, int, float, float[], float[], float[], float[], double[], float[])}
   * call. {@code y} may alias {@code x}.
   *
   * @param row0 the first row, &gt;= 0
   * @param rows rows from row0, &gt;= 0
   * @param dim row width, &gt;= 1
   * @param eps added to the variance
   * @param x input [row0 + rows, dim]
   * @param gamma scale [dim]
   * @param beta shift [dim]
   * @param xhat receives those rows of the normalised rows [row0 + rows, dim]
   * @param rstd receives 1/s of those rows [row0 + rows]
   * @param y receives those rows of the output [row0 + rows, dim]
   * @throws IllegalArgumentException on a bad size or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void layerNorm(int row0, int rows, int dim, float eps, float[] x, float[] gamma,
      float[] beta, float[] xhat, double[] rstd, float[] y) {
    Check.layerNormRows("layerNorm", row0, rows, dim, x, "x", gamma, beta, xhat, rstd, y, "y");
    LayerNormRows.forward(row0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
  }

  /**
   * spec/kernels.md#layer-norm (K20), the backward pass of spec/transformer.md#layer-norm-backward
   * (T14) from {@code dy} and the {@code xhat}, {@code rstd} of {@link #layerNorm}: per row r in
   * order, {@code dgamma = fma(dy, xhat, dgamma)}, {@code dbeta += dy}, {@code dxhat = dy gamma}
   * (float), the means m1 of dxhat and m2 of dxhat xhat in double, and
   * {@code dx = (float) ((dxhat - m1 - xhat m2) rstd[r])}. dgamma and dbeta are added to (the
   * caller clears them). {@code dx} may alias {@code dy}.
   *
   * @param rows rows, &gt;= 0
   * @param dim row width, &gt;= 1
   * @param dy dL/dy [rows, dim]
   * @param xhat the forward pass's normalised rows [rows, dim]
   * @param rstd the forward pass's 1/s per row [rows]
   * @param gamma scale [dim]
   * @param dgamma dL/dgamma [dim], added to
   * @param dbeta dL/dbeta [dim], added to
   * @param dxhat scratch of at least dim floats
   * @param dx receives dL/dx [rows, dim]
   * @throws IllegalArgumentException on a bad size or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void layerNormBackward(int rows, int dim, float[] dy, float[] xhat, double[] rstd,
      float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    Check.layerNormBackward(rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
    LayerNormRows.backward(0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
  }

  /**
   * spec/kernels.md#layer-norm (K20) on rows [row0, row0 + rows) only (row r of dy, xhat and dx
   * at {@code r dim}, its 1/s at {@code rstd[r]}), those rows' terms added to dgamma and dbeta in
   * row order. Each row's dx depends on itself alone, so a batch cut into row ranges has the dx
   * of one
   * {@link #layerNormBackward(int, int, float[], float[], double[], float[], float[], float[],
   * float[], float[])} call. {@code dx} may alias {@code dy}.
   *
   * @param row0 the first row, &gt;= 0
   * @param rows rows from row0, &gt;= 0
   * @param dim row width, &gt;= 1
   * @param dy dL/dy [row0 + rows, dim]
   * @param xhat the forward pass's normalised rows [row0 + rows, dim]
   * @param rstd the forward pass's 1/s per row [row0 + rows]
   * @param gamma scale [dim]
   * @param dgamma dL/dgamma [dim], added to
   * @param dbeta dL/dbeta [dim], added to
   * @param dxhat scratch of at least dim floats
   * @param dx receives those rows of dL/dx [row0 + rows, dim]
   * @throws IllegalArgumentException on a bad size or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void layerNormBackward(int row0, int rows, int dim, float[] dy, float[] xhat,
      double[] rstd, float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    Check.layerNormBackwardRows(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
    LayerNormRows.backward(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
  }

  /**
   * spec/kernels.md#layer-norm (K20)'s parameter gradients alone: per row r in order,
   * {@code dgamma = fma(dy, xhat, dgamma)}, {@code dbeta += dy} (float), the dgamma and dbeta
   * of
   * {@link #layerNormBackward(int, int, float[], float[], double[], float[], float[], float[],
   * float[], float[])} over the same rows, without dx (for a batch whose dx was computed by
   * ranges of rows).
   *
   * @param rows rows, &gt;= 0
   * @param dim row width, &gt;= 1
   * @param dy dL/dy [rows, dim]
   * @param xhat the forward pass's normalised rows [rows, dim]
   * @param dgamma dL/dgamma [dim], added to
   * @param dbeta dL/dbeta [dim], added to
   * @throws IllegalArgumentException on a bad size or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void layerNormParamGradients(int rows, int dim, float[] dy, float[] xhat,
      float[] dgamma, float[] dbeta) {
    Check.layerNormParamGradients(rows, dim, dy, xhat, dgamma, dbeta);
    LayerNormRows.paramGradients(rows, dim, dy, xhat, dgamma, dbeta);
  }

  /**
   * spec/kernels.md#attention (K22), the core of the multi-head attention of
   * spec/transformer.md#attention (T10)-(T11) between its linear maps, for {@code batch} rows of
   * {@code tokens} tokens: for each batch row b and head j (columns {@code j dh .. (j+1) dh - 1}
   * of q, k, v, o, row stride {@code heads dh}), {@code S = alpha q_j k_j^T}, the row softmax
   * {@code P} (maximum subtracted in double, (K21), the sum in double, each exp rounded to float
   * and scaled by 1 / sum) and {@code o_j = P v_j}, every product element the fma chain of
   * (K11) from +0. q, k, v and o are [batch, tokens, heads dh] from {@code xOff}; p and e are
   * [batch, heads, tokens, tokens] from {@code pOff}.
   *
   * @param batch batch rows, &gt;= 0
   * @param tokens tokens per batch row, &gt;= 1
   * @param heads heads, &gt;= 1
   * @param dh columns per head, &gt;= 1
   * @param alpha the scale of the scores, 1 / sqrt(dh) in the transformer
   * @param q queries
   * @param k keys
   * @param v values
   * @param xOff offset of the first batch row in q, k, v and o
   * @param p receives the probabilities P
   * @param e scratch of P's size (doubles), its contents afterwards unspecified
   * @param pOff offset of the first batch row in p and e
   * @param o receives the heads' outputs, concatenated
   * @throws IllegalArgumentException on a bad size or offset or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void attention(int batch, int tokens, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o) {
    AttentionCore.check(batch, tokens, heads, dh, q, k, v, xOff, p, e, pOff, o);
    AttentionCore.forward(this, 0, batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o);
  }

  /**
   * spec/kernels.md#attention (K23), the backward pass of {@link #attention} (the core of
   * spec/transformer.md#attention-backward (T18)-(T19)) from dO = dL/do: per batch row and head,
   * {@code dP = dO_j v_j^T}, {@code dv_j = P^T dO_j}, {@code dS = P (dP - rowsum(dP P))} (the
   * row sum (K5a) in double, each element rounded to float once), {@code dq_j = alpha dS k_j},
   * {@code dk_j = alpha dS^T q_j}. q, k, v, dO, dq, dk, dv are [batch, tokens, heads dh] from
   * {@code xOff}; p is [batch, heads, tokens, tokens] from {@code pOff}; ds is scratch.
   *
   * @param batch batch rows, &gt;= 0
   * @param tokens tokens per batch row, &gt;= 1
   * @param heads heads, &gt;= 1
   * @param dh columns per head, &gt;= 1
   * @param alpha the scale of the scores in the forward pass
   * @param q queries
   * @param k keys
   * @param v values
   * @param dO dL/do
   * @param xOff offset of the first batch row in q, k, v, dO, dq, dk and dv
   * @param p the forward pass's probabilities
   * @param pOff offset of the first batch row in p
   * @param ds scratch of [batch, tokens, tokens] floats from {@code dsOff}, its contents
   *     afterwards unspecified
   * @param dsOff offset of the first batch row in ds
   * @param dq receives dL/dq
   * @param dk receives dL/dk
   * @param dv receives dL/dv
   * @throws IllegalArgumentException on a bad size or offset or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void attentionBackward(int batch, int tokens, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv) {
    AttentionCore.checkBackward(batch, tokens, heads, dh, q, k, v, dO, xOff, p, pOff, ds, dsOff,
        dq, dk, dv);
    AttentionCore.backward(this, 0, batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p, pOff,
        ds, dsOff, dq, dk, dv);
  }

  /**
   * {@link #attention(int, int, int, int, float, float[], float[], float[], int, float[],
   * double[], int, float[])}, the same bits, recording in {@code lanes} (one per layer and its
   * arrays) the batch rows it computed and, on the vector path, keeping its lane-major q, k, v
   * and P there for {@link #attentionBackward(int, int, int, int, float, float[], float[],
   * float[], float[], int, float[], int, float[], int, float[], float[], float[],
   * AttentionLanes)} (spec/kernels.md#attention). xOff and pOff must start the same batch row
   * (a whole number of rows of q and of p).
   *
   * @param batch batch rows, &gt;= 0
   * @param tokens tokens per batch row, &gt;= 1
   * @param heads heads, &gt;= 1
   * @param dh columns per head, &gt;= 1
   * @param alpha the scale of the scores
   * @param q queries
   * @param k keys
   * @param v values
   * @param xOff offset of the first batch row in q, k, v and o
   * @param p receives the probabilities P
   * @param e scratch of P's size (doubles)
   * @param pOff offset of the first batch row in p and e
   * @param o receives the heads' outputs, concatenated
   * @param lanes the layer's lanes, of this shape
   * @throws IllegalArgumentException on a bad size or offset, a short or null array, or lanes
   *     of another shape or too small (spec/kernels.md#checks)
   */
  default void attention(int batch, int tokens, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o,
      AttentionLanes lanes) {
    AttentionCore.check(batch, tokens, heads, dh, q, k, v, xOff, p, e, pOff, o);
    int first = AttentionCore.lanes("attention", lanes).firstRow("attention", batch, tokens,
        heads, dh, xOff, pOff);
    AttentionCore.forward(this, 0, batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o);
    java.util.Arrays.fill(lanes.mark, first, first + batch, -1);
  }

  /**
   * {@link #attentionBackward(int, int, int, int, float, float[], float[], float[], float[],
   * int, float[], int, float[], int, float[], float[], float[])} after {@link #attention(int,
   * int, int, int, float, float[], float[], float[], int, float[], double[], int, float[],
   * AttentionLanes)} with the same lanes, q, k, v and p (the vector path takes them from the
   * lanes where the forward pass left them), the same bits (spec/kernels.md#attention).
   *
   * @param batch batch rows, &gt;= 0
   * @param tokens tokens per batch row, &gt;= 1
   * @param heads heads, &gt;= 1
   * @param dh columns per head, &gt;= 1
   * @param alpha the scale of the scores in the forward pass
   * @param q queries of the forward pass
   * @param k keys of the forward pass
   * @param v values of the forward pass
   * @param dO dL/do
   * @param xOff offset of the first batch row in q, k, v, dO, dq, dk and dv
   * @param p the forward pass's probabilities
   * @param pOff offset of the first batch row in p
   * @param ds scratch of [batch, tokens, tokens] floats from {@code dsOff}
   * @param dsOff offset of the first batch row in ds
   * @param dq receives dL/dq
   * @param dk receives dL/dk
   * @param dv receives dL/dv
   * @param lanes the lanes of the forward pass
   * @throws IllegalArgumentException on a bad size or offset, a short or null array, lanes of
   *     another shape or too small, or a batch row the lanes' forward pass did not compute
   *     (spec/kernels.md#checks)
   */
  default void attentionBackward(int batch, int tokens, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv, AttentionLanes lanes) {
    AttentionCore.checkBackward(batch, tokens, heads, dh, q, k, v, dO, xOff, p, pOff, ds, dsOff,
        dq, dk, dv);
    String op = "attentionBackward";
    AttentionLanes l = AttentionCore.lanes(op, lanes);
    l.requireForward(op, l.firstRow(op, batch, tokens, heads, dh, xOff, pOff), batch);
    AttentionCore.backward(this, 0, batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p, pOff,
        ds, dsOff, dq, dk, dv);
  }

  /**
   * spec/kernels.md#outer (K10): A[i][j] += alpha x_i y_j for an m x n block of A (stride lda).
   *
   * @param m rows, &gt;= 0
   * @param n columns, &gt;= 0
   * @param alpha scale
   * @param x m floats from {@code xOff}
   * @param xOff offset of x_0
   * @param y n floats from {@code yOff}
   * @param yOff offset of y_0
   * @param a the block, A[i][j] at a[aOff + i lda + j], updated in place
   * @param aOff offset of A[0][0]
   * @param lda leading dimension of A, &gt;= max(1, n)
   * @throws IllegalArgumentException on a bad size, offset, leading dimension or array
   *     (spec/kernels.md#checks)
   */
  void outerAcc(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff,
      float[] a, int aOff, int lda);

  /**
   * spec/kernels.md#gemm (K11): C = alpha op(A) op(B) + beta C, with op(A) m x k, op(B) k x n and
   * C m x n. op(X) is X or X^T. As in BLAS, beta == 0 means C is written without being read.
   * For contiguous matrices, {@link #gemmNN}, {@link #gemmNT} and {@link #gemmTN} read better.
   *
   * @param transA whether op(A) = A^T (A stored k x m) rather than A (stored m x k)
   * @param transB whether op(B) = B^T (B stored n x k) rather than B (stored k x n)
   * @param m rows of op(A) and C, &gt;= 0
   * @param n columns of op(B) and C, &gt;= 0
   * @param k columns of op(A), rows of op(B), &gt;= 0
   * @param alpha scale of the product
   * @param a A, element [r][c] at a[aOff + r lda + c]
   * @param aOff offset of A[0][0]
   * @param lda leading dimension of A, &gt;= max(1, transA ? m : k)
   * @param b B, element [r][c] at b[bOff + r ldb + c]
   * @param bOff offset of B[0][0]
   * @param ldb leading dimension of B, &gt;= max(1, transB ? k : n)
   * @param beta scale of C's old values (0: C is not read)
   * @param c C, element [i][j] at c[cOff + i ldc + j], updated in place
   * @param cOff offset of C[0][0]
   * @param ldc leading dimension of C, &gt;= max(1, n)
   * @throws IllegalArgumentException on a bad size, offset, leading dimension or array, e.g.
   *     "gemm: lda 12 &lt; k 16" (spec/kernels.md#checks)
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);

  /**
   * spec/kernels.md#gemm (K11) on contiguous row-major matrices: C = alpha A B + beta C with A
   * [m, k] at {@code aOff}, B [k, n] at {@code bOff}, C [m, n] at {@code cOff}.
   *
   * @param m rows of C, &gt;= 0
   * @param n columns of C, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param alpha scale of the product
   * @param a A, contiguous from {@code aOff}
   * @param aOff offset of A[0][0]
   * @param b B, contiguous from {@code bOff}
   * @param bOff offset of B[0][0]
   * @param beta scale of C's old values (0: C is not read)
   * @param c C [m, n], contiguous from {@code cOff}, updated in place
   * @param cOff offset of C[0][0]
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  default void gemmNN(int m, int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff,
      float beta, float[] c, int cOff) {
    Check.gemm("gemmNN", false, false, m, n, k, a, aOff, ld(k), b, bOff, ld(n), c, cOff, ld(n));
    gemm(false, false, m, n, k, alpha, a, aOff, ld(k), b, bOff, ld(n), beta, c, cOff, ld(n));
  }

  /**
   * {@code gemmNN} with every offset 0.
   *
   * @param m rows of C, &gt;= 0
   * @param n columns of C, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param alpha scale of the product
   * @param a A at offset 0
   * @param b B at offset 0
   * @param beta scale of C's old values (0: C is not read)
   * @param c C [m, n] at offset 0, updated in place
   * @throws IllegalArgumentException on a bad size or array (spec/kernels.md#checks)
   */
  default void gemmNN(int m, int n, int k, float alpha, float[] a, float[] b, float beta,
      float[] c) {
    gemmNN(m, n, k, alpha, a, 0, b, 0, beta, c, 0);
  }

  /**
   * spec/kernels.md#gemm (K11) on contiguous row-major matrices: C = alpha A B^T + beta C with A
   * [m, k] at {@code aOff}, B [n, k] at {@code bOff}, C [m, n] at {@code cOff} (a dense layer's
   * forward pass, x W^T).
   *
   * @param m rows of C, &gt;= 0
   * @param n columns of C, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param alpha scale of the product
   * @param a A, contiguous from {@code aOff}
   * @param aOff offset of A[0][0]
   * @param b B, contiguous from {@code bOff}
   * @param bOff offset of B[0][0]
   * @param beta scale of C's old values (0: C is not read)
   * @param c C [m, n], contiguous from {@code cOff}, updated in place
   * @param cOff offset of C[0][0]
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  default void gemmNT(int m, int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff,
      float beta, float[] c, int cOff) {
    Check.gemm("gemmNT", false, true, m, n, k, a, aOff, ld(k), b, bOff, ld(k), c, cOff, ld(n));
    gemm(false, true, m, n, k, alpha, a, aOff, ld(k), b, bOff, ld(k), beta, c, cOff, ld(n));
  }

  /**
   * spec/kernels.md#gemm (K11) with a bias row: C = A B^T + 1 (row of biases on every row of C),
   * with A [m, k] at {@code aOff}, B [n, k] at {@code bOff}, the n biases at {@code biasOff} and C
   * [m, n] at {@code cOff} (a dense layer's forward pass, x W^T + b). The bits are those of C =
   * bias on every row followed by {@code gemmNT(m, n, k, 1, a, aOff, b, bOff, 1, c, cOff)}, which
   * is what this default does; a kernel may add the bias at the store instead of writing and
   * reading C once more (spec/kernels.md#one-result).
   *
   * @param m rows of C, &gt;= 0
   * @param n columns of C and biases, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param a A, contiguous from {@code aOff}
   * @param aOff offset of A[0][0]
   * @param b B, contiguous from {@code bOff}
   * @param bOff offset of B[0][0]
   * @param bias the n biases from {@code biasOff}
   * @param biasOff offset of the first bias
   * @param c C [m, n], contiguous from {@code cOff}, overwritten
   * @param cOff offset of C[0][0]
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  default void gemmNTBias(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] bias, int biasOff, float[] c, int cOff) {
    Check.gemm("gemmNTBias", false, true, m, n, k, a, aOff, ld(k), b, bOff, ld(k), c, cOff,
        ld(n));
    Check.vector("gemmNTBias", n, "bias", bias, biasOff);
    for (int r = 0; r < m; r++) {
      System.arraycopy(bias, biasOff, c, cOff + r * n, n);
    }
    gemmNT(m, n, k, 1f, a, aOff, b, bOff, 1f, c, cOff);
  }

  /**
   * spec/kernels.md#gemm (K11) then spec/kernels.md#activations (K9b): C = (A B) * act'(a) with
   * the derivative taken from {@code z = act(a)}, A [m, k] at {@code aOff}, B [k, n] at
   * {@code bOff}, z and C [m, n] at {@code zOff} and {@code cOff}, all contiguous (a dense layer's
   * input gradient carried through the activation of the layer below, whose output z is this
   * layer's input). The bits are those of {@code gemmNN(m, n, k, 1, a, aOff, b, bOff, 0, c, cOff)}
   * followed by {@code activateBackwardFromOutput(act, m n, z, zOff, c, cOff, c, cOff)}, which is
   * what this default does; a kernel may apply the derivative to rows of C right after computing
   * them instead of in a pass over C and z after the product (spec/kernels.md#one-result). z must
   * not overlap A, B or C.
   *
   * @param act the activation of the layer below
   * @param m rows of C, &gt;= 0
   * @param n columns of C, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param a A, contiguous from {@code aOff}
   * @param aOff offset of A[0][0]
   * @param b B, contiguous from {@code bOff}
   * @param bOff offset of B[0][0]
   * @param z the activations act(a) [m, n], contiguous from {@code zOff}
   * @param zOff offset of z[0][0]
   * @param c C [m, n], contiguous from {@code cOff}, overwritten (not read)
   * @param cOff offset of C[0][0]
   * @throws IllegalArgumentException on a null act or a bad size, offset or array
   *     (spec/kernels.md#checks)
   */
  default void gemmNNBackwardFromOutput(Activation act, int m, int n, int k, float[] a, int aOff,
      float[] b, int bOff, float[] z, int zOff, float[] c, int cOff) {
    Check.gemm("gemmNNBackwardFromOutput", false, false, m, n, k, a, aOff, ld(k), b, bOff, ld(n),
        c, cOff, ld(n));
    Check.backward("gemmNNBackwardFromOutput", act, m * n, "z", z, zOff, c, cOff, c, cOff);
    gemmNN(m, n, k, 1f, a, aOff, b, bOff, 0f, c, cOff);
    activateBackwardFromOutput(act, m * n, z, zOff, c, cOff, c, cOff);
  }

  /**
   * {@code gemmNT} with every offset 0.
   *
   * @param m rows of C, &gt;= 0
   * @param n columns of C, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param alpha scale of the product
   * @param a A at offset 0
   * @param b B at offset 0
   * @param beta scale of C's old values (0: C is not read)
   * @param c C [m, n] at offset 0, updated in place
   * @throws IllegalArgumentException on a bad size or array (spec/kernels.md#checks)
   */
  default void gemmNT(int m, int n, int k, float alpha, float[] a, float[] b, float beta,
      float[] c) {
    gemmNT(m, n, k, alpha, a, 0, b, 0, beta, c, 0);
  }

  /**
   * spec/kernels.md#gemm (K11) on contiguous row-major matrices: C = alpha A^T B + beta C with A
   * [k, m] at {@code aOff}, B [k, n] at {@code bOff}, C [m, n] at {@code cOff} (a weight gradient
   * or Hebbian term, delta^T h).
   *
   * @param m rows of C, &gt;= 0
   * @param n columns of C, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param alpha scale of the product
   * @param a A, contiguous from {@code aOff}
   * @param aOff offset of A[0][0]
   * @param b B, contiguous from {@code bOff}
   * @param bOff offset of B[0][0]
   * @param beta scale of C's old values (0: C is not read)
   * @param c C [m, n], contiguous from {@code cOff}, updated in place
   * @param cOff offset of C[0][0]
   * @throws IllegalArgumentException on a bad size, offset or array (spec/kernels.md#checks)
   */
  default void gemmTN(int m, int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff,
      float beta, float[] c, int cOff) {
    Check.gemm("gemmTN", true, false, m, n, k, a, aOff, ld(m), b, bOff, ld(n), c, cOff, ld(n));
    gemm(true, false, m, n, k, alpha, a, aOff, ld(m), b, bOff, ld(n), beta, c, cOff, ld(n));
  }

  /**
   * {@code gemmTN} with every offset 0.
   *
   * @param m rows of C, &gt;= 0
   * @param n columns of C, &gt;= 0
   * @param k length of the inner dimension, &gt;= 0
   * @param alpha scale of the product
   * @param a A at offset 0
   * @param b B at offset 0
   * @param beta scale of C's old values (0: C is not read)
   * @param c C [m, n] at offset 0, updated in place
   * @throws IllegalArgumentException on a bad size or array (spec/kernels.md#checks)
   */
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
   *
   * @param s the geometry
   * @param x input [n, c, h, w]
   * @param w weights [o, c, kh, kw]
   * @param b bias [o], or null for none
   * @param y output [n, o, oh, ow], overwritten
   * @param col workspace, {@link Conv2dShape#colSize()} floats
   * @throws IllegalArgumentException on a null shape or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void conv2dForward(Conv2dShape s, float[] x, float[] w, float[] b, float[] y,
      float[] col) {
    Conv2d.forward(this, s, x, w, b, y, col);
  }

  /**
   * spec/kernels.md#conv2d (K13): dx = d(sum dy*y)/dx (overwrites dx).
   *
   * @param s the geometry
   * @param dy output gradient [n, o, oh, ow]
   * @param w weights [o, c, kh, kw]
   * @param dx input gradient [n, c, h, w], overwritten
   * @param col workspace, {@link Conv2dShape#colSize()} floats
   * @throws IllegalArgumentException on a null shape or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void conv2dBackwardData(Conv2dShape s, float[] dy, float[] w, float[] dx, float[] col) {
    Conv2d.backwardData(this, s, dy, w, dx, col);
  }

  /**
   * spec/kernels.md#conv2d (K14): dw = d(sum dy*y)/dw (overwrites dw).
   *
   * @param s the geometry
   * @param x input [n, c, h, w]
   * @param dy output gradient [n, o, oh, ow]
   * @param dw weight gradient [o, c, kh, kw], overwritten
   * @param col workspace, {@link Conv2dShape#colSize()} floats
   * @throws IllegalArgumentException on a null shape or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void conv2dBackwardWeights(Conv2dShape s, float[] x, float[] dy, float[] dw,
      float[] col) {
    Conv2d.backwardWeights(this, s, x, dy, dw, col);
  }

  /**
   * spec/kernels.md#conv2d (K15): db_o = sum over n and positions of dy (overwrites db).
   *
   * @param s the geometry
   * @param dy output gradient [n, o, oh, ow]
   * @param db bias gradient [o], overwritten
   * @throws IllegalArgumentException on a null shape or a short or null array
   *     (spec/kernels.md#checks)
   */
  default void conv2dBackwardBias(Conv2dShape s, float[] dy, float[] db) {
    Conv2d.backwardBias(this, s, dy, db);
  }

  /**
   * spec/kernels.md#avgpool2d (K16): mean over each size x size window, no padding.
   *
   * @param s the geometry
   * @param x input [n, c, h, w]
   * @param y output [n, c, oh, ow], overwritten
   * @throws IllegalArgumentException on a null shape or a short or null array
   *     (spec/kernels.md#checks)
   */
  void avgPool2dForward(Pool2dShape s, float[] x, float[] y);

  /**
   * spec/kernels.md#avgpool2d (K17): dx = dy spread evenly over each window (overwrites dx).
   *
   * @param s the geometry
   * @param dy output gradient [n, c, oh, ow]
   * @param dx input gradient [n, c, h, w], overwritten
   * @throws IllegalArgumentException on a null shape or a short or null array
   *     (spec/kernels.md#checks)
   */
  void avgPool2dBackward(Pool2dShape s, float[] dy, float[] dx);
}
