package org.hebb4j.nn;

import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;

/**
 * Multi-head self-attention without mask or dropout (spec/transformer.md#attention (T9)-(T11),
 * backward spec/transformer.md#attention-backward (T17)-(T19)): for each batch row's {@code T}
 * tokens, {@code q, k, v = x W^T + b}, head j takes columns {@code j dh .. (j+1) dh - 1},
 * {@code P = softmax(q_j k_j^T / sqrt(dh))} over keys, {@code o_j = P v_j}, heads concatenated,
 * {@code y = o Wo^T + bo}. Token rows are laid out {@code [B, T, dim]} row-major. The layer owns
 * its four {@link Dense} maps; per-batch state is in a {@link Buffers}.
 */
public final class Attention {

  /** Model width D. */
  public final int dim;
  /** Number of heads. */
  public final int heads;
  /** Query map Wq [dim, dim], bq [dim]. */
  public final Dense wq;
  /** Key map Wk [dim, dim], bk [dim]. */
  public final Dense wk;
  /** Value map Wv [dim, dim], bv [dim]. */
  public final Dense wv;
  /** Output map Wo [dim, dim], bo [dim]. */
  public final Dense wo;

  /**
   * Zero parameters (then {@link Dense#init} each map, or copy into them).
   * See spec/transformer.md#attention.
   *
   * @param dim the model width, at least 1
   * @param heads the number of heads, dividing dim
   * @throws IllegalArgumentException if heads does not divide dim
   */
  public Attention(int dim, int heads) {
    if (dim < 1 || heads < 1 || dim % heads != 0) {
      throw new IllegalArgumentException("heads " + heads + " does not divide width " + dim);
    }
    this.dim = dim;
    this.heads = heads;
    wq = new Dense(dim, dim, true, Activation.LINEAR);
    wk = new Dense(dim, dim, true, Activation.LINEAR);
    wv = new Dense(dim, dim, true, Activation.LINEAR);
    wo = new Dense(dim, dim, true, Activation.LINEAR);
  }

  /**
   * Buffers for up to {@code capacity} batch rows of {@code tokens} tokens each.
   * See spec/transformer.md#performance.
   *
   * @param capacity the largest batch, at least 1
   * @param tokens tokens per batch row, at least 1
   * @return new buffers
   * @throws IllegalArgumentException for a capacity or tokens below 1, or arrays too large
   */
  public Buffers buffers(int capacity, int tokens) {
    return new Buffers(capacity, tokens);
  }

  /** Per-batch state: q, k, v, o, the probabilities P and the gradients of the four maps. */
  public final class Buffers {
    final int capacity;
    final int tokens;
    /** Queries [B T, dim] of the last forward pass (the h_post of Wq). */
    public final float[] q;
    /** Keys [B T, dim]. */
    public final float[] k;
    /** Values [B T, dim]. */
    public final float[] v;
    /** Concatenated head outputs [B T, dim] (the h_pre of Wo). */
    public final float[] o;
    final float[] p;
    /** The softmax's exponents and exponentials [B, heads, T, T] (spec/kernels.md#exp). */
    final double[] e;
    final float[] dO;
    final float[] dq;
    final float[] dk;
    final float[] dv;
    final float[] ds;
    /** dL/dWq [dim, dim] of the last backward pass. */
    public final float[] dWq;
    /** dL/dbq [dim]. */
    public final float[] dbq;
    /** dL/dWk [dim, dim]. */
    public final float[] dWk;
    /** dL/dbk [dim]. */
    public final float[] dbk;
    /** dL/dWv [dim, dim]. */
    public final float[] dWv;
    /** dL/dbv [dim]. */
    public final float[] dbv;
    /** dL/dWo [dim, dim]. */
    public final float[] dWo;
    /** dL/dbo [dim]. */
    public final float[] dbo;

    Buffers(int capacity, int tokens) {
      if (capacity < 1 || tokens < 1) {
        throw new IllegalArgumentException("attention capacity and tokens must be at least 1, "
            + "got " + capacity + " and " + tokens);
      }
      long rows = (long) capacity * tokens;
      long probs = rows * tokens * heads;
      if (rows * dim > Integer.MAX_VALUE - 8 || probs > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("attention buffers of " + capacity + " x " + tokens
            + " tokens exceed a Java array");
      }
      this.capacity = capacity;
      this.tokens = tokens;
      int n = (int) rows * dim;
      q = new float[n];
      k = new float[n];
      v = new float[n];
      o = new float[n];
      p = new float[(int) probs];
      e = new double[(int) probs];
      dO = new float[n];
      dq = new float[n];
      dk = new float[n];
      dv = new float[n];
      ds = new float[(int) rows * tokens];
      dWq = new float[dim * dim];
      dbq = new float[dim];
      dWk = new float[dim * dim];
      dbk = new float[dim];
      dWv = new float[dim * dim];
      dbv = new float[dim];
      dWo = new float[dim * dim];
      dbo = new float[dim];
    }

    /**
     * Tokens per batch row. See spec/transformer.md#attention.
     *
     * @return T
     */
    public int tokens() {
      return tokens;
    }

    /**
     * The largest batch. See spec/transformer.md#performance.
     *
     * @return the capacity in batch rows
     */
    public int capacity() {
      return capacity;
    }
  }

  private static void checkBatch(int batch, Buffers b) {
    if (batch < 1 || batch > b.capacity) {
      throw new IllegalArgumentException("attention batch of " + batch + " rows, capacity "
          + b.capacity);
    }
  }

  /**
   * (T9)-(T11) for {@code batch} rows of {@code b.tokens()} tokens. {@code y} must not alias
   * {@code x}. See spec/transformer.md#attention.
   *
   * @param kern the kernels
   * @param batch batch rows in [1, b.capacity()]
   * @param x input [batch, T, dim]
   * @param y receives the output [batch, T, dim]
   * @param b this layer's buffers
   * @throws IllegalArgumentException for a batch outside [1, capacity]
   */
  public void forward(Kernels kern, int batch, float[] x, float[] y, Buffers b) {
    checkBatch(batch, b);
    forward(kern, 0, batch, x, y, b);
  }

  /**
   * (T9)-(T11) for batch rows [s0, s1) only, which depend on those rows of x alone: a batch cut
   * into ranges of batch rows has the bits of one call (spec/transformer.md#performance).
   */
  void forward(Kernels kern, int s0, int s1, float[] x, float[] y, Buffers b) {
    int t = b.tokens, r0 = s0 * t, n = (s1 - s0) * t, dh = dim / heads;
    wq.forward(kern, r0, n, x, b.q, b.q);
    wk.forward(kern, r0, n, x, b.k, b.k);
    wv.forward(kern, r0, n, x, b.v, b.v);
    float scale = (float) (1.0 / Math.sqrt(dh));
    for (int bi = s0; bi < s1; bi++) {
      for (int j = 0; j < heads; j++) {
        int off = bi * t * dim + j * dh, poff = (bi * heads + j) * t * t;
        productNT(t, t, dh, scale, b.q, off, b.k, off, dim, b.p, poff, t);
      }
    }
    softmaxRows(kern, s0 * heads * t, (s1 - s0) * heads * t, t, b.p, b.e);
    for (int bi = s0; bi < s1; bi++) {
      for (int j = 0; j < heads; j++) {
        int off = bi * t * dim + j * dh, poff = (bi * heads + j) * t * t;
        productNN(t, dh, t, 1f, b.p, poff, t, b.v, off, dim, b.o, off);
      }
    }
    wo.forward(kern, r0, n, b.o, y, y);
  }

  /**
   * Softmax of the {@code rows} rows of p (width n) from row {@code row0} in place: the row
   * maximum subtracted in double, exp as StrictMath.exp (the kernels' (K21), one call for all
   * rows: fdlibm in vector lanes on the vector path, the same bits), the sum in double in row
   * order, each exp rounded to float and scaled by 1 / sum. e is scratch at the same places.
   */
  private static void softmaxRows(Kernels kern, int row0, int rows, int n, float[] p,
      double[] e) {
    int start = row0 * n, len = start + rows * n;
    for (int off = start; off < len; off += n) {
      float m = p[off];
      for (int i = 1; i < n; i++) {
        m = Math.max(m, p[off + i]);
      }
      for (int i = 0; i < n; i++) {
        e[off + i] = (double) p[off + i] - m;
      }
    }
    kern.exp(len - start, e, start, e, start);
    for (int off = start; off < len; off += n) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += e[off + i];
      }
      double inv = 1.0 / s;
      for (int i = 0; i < n; i++) {
        p[off + i] = (float) ((float) e[off + i] * inv);
      }
    }
  }

  /**
   * (T17)-(T19) from dy of the last {@link #forward} on input {@code x}: dx and the gradients of
   * the four maps in {@code b} (added to them with {@code accumulate}). {@code dx} must alias
   * neither {@code dy} nor {@code x}. See spec/transformer.md#attention-backward.
   *
   * @param kern the kernels
   * @param batch batch rows of the last forward pass
   * @param x the forward pass's input [batch, T, dim]
   * @param dy dL/dy [batch, T, dim]
   * @param dx receives dL/dx [batch, T, dim]
   * @param b this layer's buffers
   * @param accumulate add to the parameter gradients instead of overwriting them
   * @throws IllegalArgumentException for a batch outside [1, capacity]
   */
  public void backward(Kernels kern, int batch, float[] x, float[] dy, float[] dx, Buffers b,
      boolean accumulate) {
    checkBatch(batch, b);
    int n = batch * b.tokens;
    wo.backwardParams(kern, n, dy, b.o, b.dWo, b.dbo, accumulate);
    backwardInput(kern, 0, batch, dy, dx, b);
    wq.backwardParams(kern, n, b.dq, x, b.dWq, b.dbq, accumulate);
    wk.backwardParams(kern, n, b.dk, x, b.dWk, b.dbk, accumulate);
    wv.backwardParams(kern, n, b.dv, x, b.dWv, b.dbv, accumulate);
  }

  /**
   * (T17)-(T19) without the parameter gradients, for batch rows [s0, s1) only: dO, dq, dk, dv
   * and dx of those rows, which depend on those rows alone (spec/transformer.md#performance).
   * {@code dx} must alias neither {@code dy} nor the buffers.
   */
  void backwardInput(Kernels kern, int s0, int s1, float[] dy, float[] dx, Buffers b) {
    int t = b.tokens, r0 = s0 * t, n = (s1 - s0) * t, dh = dim / heads;
    wo.backwardInput(kern, r0, n, dy, b.dO);
    float scale = (float) (1.0 / Math.sqrt(dh));
    float[] ds = b.ds;
    for (int bi = s0; bi < s1; bi++) {
      int so = bi * t * t; // this batch row's dS scratch
      for (int j = 0; j < heads; j++) {
        int off = bi * t * dim + j * dh, poff = (bi * heads + j) * t * t;
        // dP = do_j v_j^T; dv_j = P^T do_j
        productNT(t, t, dh, 1f, b.dO, off, b.v, off, dim, ds, so, t);
        productTN(t, dh, t, 1f, b.p, poff, t, b.dO, off, dim, b.dv, off);
        // dS = P * (dP - rowsum(dP * P))
        for (int r = 0; r < t; r++) {
          double dot = kern.dsdot(t, ds, so + r * t, b.p, poff + r * t);
          for (int c = 0; c < t; c++) {
            ds[so + r * t + c] = (float) (b.p[poff + r * t + c] * (ds[so + r * t + c] - dot));
          }
        }
        productNN(t, dh, t, scale, ds, so, t, b.k, off, dim, b.dq, off);
        productTN(t, dh, t, scale, ds, so, t, b.q, off, dim, b.dk, off);
      }
    }
    int x0 = r0 * dim;
    kern.gemmNN(n, dim, dim, 1f, b.dq, x0, wq.w, 0, 0f, dx, x0);
    kern.gemmNN(n, dim, dim, 1f, b.dk, x0, wk.w, 0, 1f, dx, x0);
    kern.gemmNN(n, dim, dim, 1f, b.dv, x0, wv.w, 0, 1f, dx, x0);
  }

  // The per-(batch row, head) products are T x T x dh (4 x 4 x 8 at the defaults): called as
  // GEMMs, 6 of them per (b, j) and 6144 per training step, the calls' checks and packing (B
  // padded to a 16- or 32-wide panel) cost more than the arithmetic, about a third of the step
  // (BENCHMARKS.md, the transformer step). Written out here, each element is the GEMM's
  // (spec/kernels.md#one-result (K11)): the fma chain over the inner index p from 0 (+0), then
  // times alpha when alpha != 1, so the bits are those of kern.gemm on either kernel path. Two
  // rows by four columns of C are computed together, eight chains in registers side by side:
  // one chain after another waits on the fma latency at every step.

  // One method per layout, its strides written out (a single method with the four strides as
  // arguments was too big to inline and indexed every load through two multiplications); the
  // rows and columns the 2 x 4 blocks leave go through chain().

  /** c = alpha a b^T: a [m, k] at aOff, b [n, k] at bOff, row stride ld; c row stride ldc. */
  private static void productNT(int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
      int bOff, int ld, float[] c, int cOff, int ldc) {
    int r = 0;
    for (; r + 2 <= m; r += 2) {
      int a0 = aOff + r * ld, a1 = a0 + ld, c0 = cOff + r * ldc, c1 = c0 + ldc;
      int col = 0;
      for (; col + 4 <= n; col += 4) {
        int b0 = bOff + col * ld, b1 = b0 + ld, b2 = b1 + ld, b3 = b2 + ld;
        float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
        for (int p = 0; p < k; p++) {
          float x0 = a[a0 + p], x1 = a[a1 + p];
          float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
          s00 = Math.fma(x0, y0, s00);
          s01 = Math.fma(x0, y1, s01);
          s02 = Math.fma(x0, y2, s02);
          s03 = Math.fma(x0, y3, s03);
          s10 = Math.fma(x1, y0, s10);
          s11 = Math.fma(x1, y1, s11);
          s12 = Math.fma(x1, y2, s12);
          s13 = Math.fma(x1, y3, s13);
        }
        store(alpha, c, c0 + col, s00, s01, s02, s03);
        store(alpha, c, c1 + col, s10, s11, s12, s13);
      }
      for (; col < n; col++) {
        c[c0 + col] = chain(k, alpha, a, a0, 1, b, bOff + col * ld, 1);
        c[c1 + col] = chain(k, alpha, a, a1, 1, b, bOff + col * ld, 1);
      }
    }
    for (; r < m; r++) {
      for (int col = 0; col < n; col++) {
        c[cOff + r * ldc + col] = chain(k, alpha, a, aOff + r * ld, 1, b, bOff + col * ld, 1);
      }
    }
  }

  /** c = alpha a b: a [m, k] at aOff (row stride lda), b [k, n] at bOff and c, row stride ld. */
  private static void productNN(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ld, float[] c, int cOff) {
    int r = 0;
    for (; r + 2 <= m; r += 2) {
      int a0 = aOff + r * lda, a1 = a0 + lda, c0 = cOff + r * ld, c1 = c0 + ld;
      int col = 0;
      for (; col + 4 <= n; col += 4) {
        float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
        for (int p = 0, bi = bOff + col; p < k; p++, bi += ld) {
          float x0 = a[a0 + p], x1 = a[a1 + p];
          float y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
          s00 = Math.fma(x0, y0, s00);
          s01 = Math.fma(x0, y1, s01);
          s02 = Math.fma(x0, y2, s02);
          s03 = Math.fma(x0, y3, s03);
          s10 = Math.fma(x1, y0, s10);
          s11 = Math.fma(x1, y1, s11);
          s12 = Math.fma(x1, y2, s12);
          s13 = Math.fma(x1, y3, s13);
        }
        store(alpha, c, c0 + col, s00, s01, s02, s03);
        store(alpha, c, c1 + col, s10, s11, s12, s13);
      }
      for (; col < n; col++) {
        c[c0 + col] = chain(k, alpha, a, a0, 1, b, bOff + col, ld);
        c[c1 + col] = chain(k, alpha, a, a1, 1, b, bOff + col, ld);
      }
    }
    for (; r < m; r++) {
      for (int col = 0; col < n; col++) {
        c[cOff + r * ld + col] = chain(k, alpha, a, aOff + r * lda, 1, b, bOff + col, ld);
      }
    }
  }

  /** c = alpha a^T b: a [k, m] at aOff (row stride lda), b [k, n] at bOff and c, row stride ld. */
  private static void productTN(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ld, float[] c, int cOff) {
    int r = 0;
    for (; r + 2 <= m; r += 2) {
      int c0 = cOff + r * ld, c1 = c0 + ld;
      int col = 0;
      for (; col + 4 <= n; col += 4) {
        float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
        for (int p = 0, ai = aOff + r, bi = bOff + col; p < k; p++, ai += lda, bi += ld) {
          float x0 = a[ai], x1 = a[ai + 1];
          float y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
          s00 = Math.fma(x0, y0, s00);
          s01 = Math.fma(x0, y1, s01);
          s02 = Math.fma(x0, y2, s02);
          s03 = Math.fma(x0, y3, s03);
          s10 = Math.fma(x1, y0, s10);
          s11 = Math.fma(x1, y1, s11);
          s12 = Math.fma(x1, y2, s12);
          s13 = Math.fma(x1, y3, s13);
        }
        store(alpha, c, c0 + col, s00, s01, s02, s03);
        store(alpha, c, c1 + col, s10, s11, s12, s13);
      }
      for (; col < n; col++) {
        c[c0 + col] = chain(k, alpha, a, aOff + r, lda, b, bOff + col, ld);
        c[c1 + col] = chain(k, alpha, a, aOff + r + 1, lda, b, bOff + col, ld);
      }
    }
    for (; r < m; r++) {
      for (int col = 0; col < n; col++) {
        c[cOff + r * ld + col] = chain(k, alpha, a, aOff + r, lda, b, bOff + col, ld);
      }
    }
  }

  /** c[i .. i + 3] = the four sums, each times alpha unless alpha is 1 (the GEMM's store). */
  private static void store(float alpha, float[] c, int i, float s0, float s1, float s2,
      float s3) {
    c[i] = scaled(alpha, s0);
    c[i + 1] = scaled(alpha, s1);
    c[i + 2] = scaled(alpha, s2);
    c[i + 3] = scaled(alpha, s3);
  }

  /** One element: alpha (times) the fma chain over p of a[ai + p ap] b[bi + p bp]. */
  private static float chain(int k, float alpha, float[] a, int ai, int ap, float[] b, int bi,
      int bp) {
    float s = 0f;
    for (int p = 0; p < k; p++) {
      s = Math.fma(a[ai + p * ap], b[bi + p * bp], s);
    }
    return scaled(alpha, s);
  }

  /** alpha s, or s itself for alpha 1 (the GEMM's store, (K11)). */
  private static float scaled(float alpha, float s) {
    return alpha == 1f ? s : alpha * s;
  }
}
