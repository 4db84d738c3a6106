package org.hebb4j.nn;

import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.AttentionLanes;
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
    /** What the attention core's forward pass keeps for its backward (spec/kernels.md#attention). */
    final AttentionLanes lanes;
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
      lanes = new AttentionLanes(capacity, tokens, heads, dim / heads);
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
    // (T10)-(T11) between the maps: the kernels' attention core (spec/kernels.md#attention)
    kern.attention(s1 - s0, t, heads, dh, scale, b.q, b.k, b.v, r0 * dim, b.p, b.e,
        s0 * heads * t * t, b.o, b.lanes);
    wo.forward(kern, r0, n, b.o, y, y);
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
    // (T18)-(T19) between the maps (spec/kernels.md#attention)
    kern.attentionBackward(s1 - s0, t, heads, dh, scale, b.q, b.k, b.v, b.dO, r0 * dim, b.p,
        s0 * heads * t * t, b.ds, s0 * t * t, b.dq, b.dk, b.dv, b.lanes);
    int x0 = r0 * dim;
    kern.gemmNN(n, dim, dim, 1f, b.dq, x0, wq.w, 0, 0f, dx, x0);
    kern.gemmNN(n, dim, dim, 1f, b.dk, x0, wk.w, 0, 1f, dx, x0);
    kern.gemmNN(n, dim, dim, 1f, b.dv, x0, wv.w, 0, 1f, dx, x0);
  }
}
