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
      dO = new float[n];
      dq = new float[n];
      dk = new float[n];
      dv = new float[n];
      ds = new float[tokens * tokens];
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
    int t = b.tokens, n = batch * t, dh = dim / heads;
    wq.forward(kern, n, x, b.q, b.q);
    wk.forward(kern, n, x, b.k, b.k);
    wv.forward(kern, n, x, b.v, b.v);
    float scale = (float) (1.0 / Math.sqrt(dh));
    for (int bi = 0; bi < batch; bi++) {
      for (int j = 0; j < heads; j++) {
        int off = bi * t * dim + j * dh, poff = (bi * heads + j) * t * t;
        kern.gemm(false, true, t, t, dh, scale, b.q, off, dim, b.k, off, dim, 0f, b.p, poff, t);
        for (int r = 0; r < t; r++) {
          softmaxRow(b.p, poff + r * t, t);
        }
        kern.gemm(false, false, t, dh, t, 1f, b.p, poff, t, b.v, off, dim, 0f, b.o, off, dim);
      }
    }
    wo.forward(kern, n, b.o, y, y);
  }

  /** Softmax of p[off .. off + n - 1] in place: max subtracted, StrictMath.exp, double sum. */
  private static void softmaxRow(float[] p, int off, int n) {
    float m = p[off];
    for (int i = 1; i < n; i++) {
      m = Math.max(m, p[off + i]);
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      double e = StrictMath.exp((double) p[off + i] - m);
      p[off + i] = (float) e;
      s += e;
    }
    double inv = 1.0 / s;
    for (int i = 0; i < n; i++) {
      p[off + i] = (float) (p[off + i] * inv);
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
    int t = b.tokens, n = batch * t, dh = dim / heads;
    wo.backwardParams(kern, n, dy, b.o, b.dWo, b.dbo, accumulate);
    wo.backwardInput(kern, n, dy, b.dO);
    float scale = (float) (1.0 / Math.sqrt(dh));
    float[] ds = b.ds;
    for (int bi = 0; bi < batch; bi++) {
      for (int j = 0; j < heads; j++) {
        int off = bi * t * dim + j * dh, poff = (bi * heads + j) * t * t;
        // dP = do_j v_j^T; dv_j = P^T do_j
        kern.gemm(false, true, t, t, dh, 1f, b.dO, off, dim, b.v, off, dim, 0f, ds, 0, t);
        kern.gemm(true, false, t, dh, t, 1f, b.p, poff, t, b.dO, off, dim, 0f, b.dv, off, dim);
        // dS = P * (dP - rowsum(dP * P))
        for (int r = 0; r < t; r++) {
          double dot = kern.dsdot(t, ds, r * t, b.p, poff + r * t);
          for (int c = 0; c < t; c++) {
            ds[r * t + c] = (float) (b.p[poff + r * t + c] * (ds[r * t + c] - dot));
          }
        }
        kern.gemm(false, false, t, dh, t, scale, ds, 0, t, b.k, off, dim, 0f, b.dq, off, dim);
        kern.gemm(true, false, t, dh, t, scale, ds, 0, t, b.q, off, dim, 0f, b.dk, off, dim);
      }
    }
    wq.backwardParams(kern, n, b.dq, x, b.dWq, b.dbq, accumulate);
    wk.backwardParams(kern, n, b.dk, x, b.dWk, b.dbk, accumulate);
    wv.backwardParams(kern, n, b.dv, x, b.dWv, b.dbv, accumulate);
    kern.gemmNN(n, dim, dim, 1f, b.dq, 0, wq.w, 0, 0f, dx, 0);
    kern.gemmNN(n, dim, dim, 1f, b.dk, 0, wk.w, 0, 1f, dx, 0);
    kern.gemmNN(n, dim, dim, 1f, b.dv, 0, wv.w, 0, 1f, dx, 0);
  }
}
