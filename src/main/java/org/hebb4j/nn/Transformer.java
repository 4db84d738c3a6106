package org.hebb4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * The SRE transformer of the test-vector contract (op {@code transformer_sre};
 * spec/transformer.md): the 32-d input row cut into tokens, token embedding plus learned
 * positions (T1), pre-LN blocks (or none) of multi-head self-attention and a feed-forward
 * (T2)-(T5), a final LN, the mean over tokens and a linear readout (T6)-(T7), with the backward
 * pass (T13)-(T20) written out on the kernels. The network holds the parameters; everything that
 * depends on the batch is in a {@link Workspace}, allocated once, so a training step allocates
 * nothing. Parameters are named as the contract names them (spec/transformer.md#shapes).
 */
public final class Transformer {

  private static final int D = TransformerConfig.D;
  /** Ranges of batch rows per thread of the pool (spec/transformer.md#performance). */
  static final int SPANS_PER_THREAD = 2;
  /** Token rows per range, at least. */
  static final int MIN_SPAN_ROWS = 32;
  /** Multiply-adds per job of the parameter gradients, about. */
  static final long REDUCTION_MACS = 1L << 21;
  /** Columns of dW per job, at least, when a job is a range of columns. */
  static final int MIN_COLUMNS = 32;
 

  /** One block's parameters (spec/transformer.md#forward (T2)-(T5)). */
  public static final class Block {
    /** LN before attention, or null with norm NONE. */
    public final LayerNorm ln1;
    /** The self-attention. */
    public final Attention attn;
    /** LN before the feed-forward, or null with norm NONE. */
    public final LayerNorm ln2;
    /** Feed-forward in: W1 [ffn, 32], b1 [ffn], with the block's activation. */
    public final Dense w1;
    /** Feed-forward out: W2 [32, ffn], b2 [32], linear. */
    public final Dense w2;

    Block(TransformerConfig c) {
      boolean pre = c.norm() == TransformerConfig.Norm.PRE;
      ln1 = pre ? new LayerNorm(D, LayerNorm.EPS) : null;
      attn = new Attention(D, c.heads());
      ln2 = pre ? new LayerNorm(D, LayerNorm.EPS) : null;
      w1 = new Dense(D, c.ffn(), true, c.act());
      w2 = new Dense(c.ffn(), D, true, Activation.LINEAR);
    }
  }

  private final TransformerConfig config;
  private final Dense embed;
  private final float[] pos;
  private final List<Block> blocks;
  private final LayerNorm lnf;
  private final Dense readout;

  /**
   * A network of zero parameters, layer norms at gamma = 1, beta = 0 (call {@link #init} or
   * {@link #loadStateDict}). See spec/transformer.md#shapes.
   *
   * @param config the architecture
   * @throws NullPointerException if config is null
   */
  public Transformer(TransformerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    embed = new Dense(config.tokenWidth(), D, true, Activation.LINEAR);
    pos = new float[config.tokens() * D];
    Block[] bs = new Block[config.blocks()];
    for (int l = 0; l < bs.length; l++) {
      bs[l] = new Block(config);
    }
    blocks = List.of(bs);
    lnf = config.norm() == TransformerConfig.Norm.PRE ? new LayerNorm(D, LayerNorm.EPS) : null;
    readout = new Dense(D, D, true, Activation.LINEAR);
  }

  /**
   * The architecture. See spec/transformer.md#config.
   *
   * @return the config
   */
  public TransformerConfig config() {
    return config;
  }

  /**
   * The token embedding E [32, F], e [32] (T1). See spec/transformer.md#forward.
   *
   * @return the live layer
   */
  public Dense embedding() {
    return embed;
  }

  /**
   * The learned positions P [tokens, 32] (T1), live. See spec/transformer.md#forward.
   *
   * @return the array
   */
  public float[] positions() {
    return pos;
  }

  /**
   * The blocks in order. See spec/transformer.md#forward.
   *
   * @return an unmodifiable list of the live blocks
   */
  public List<Block> blocks() {
    return blocks;
  }

  /**
   * The final layer norm (T6), or null with norm NONE. See spec/transformer.md#forward.
   *
   * @return the live layer norm or null
   */
  public LayerNorm finalNorm() {
    return lnf;
  }

  /**
   * The readout R [32, 32], r [32] (T7). See spec/transformer.md#forward.
   *
   * @return the live layer
   */
  public Dense readout() {
    return readout;
  }

  /**
   * Draws every parameter (spec/transformer.md#shapes): each Dense map by (E10) from
   * {@code r.derive(NAME)} with NAME its weight's name ("E", "b1.Wq", ..., "R"), P ~ N(0, 1/32)
   * from {@code r.derive("P")}, layer norms gamma = 1, beta = 0.
   *
   * @param r the network's stream
   * @throws NullPointerException if r is null
   */
  public void init(Rng r) {
    init(r, Conventions.HEBB4J);
  }

  /**
   * Draws every parameter under conventions {@code c} (spec/transformer.md#conventions), each
   * map from {@code r.derive(NAME)}, P from {@code r.derive("P")}, layer norms gamma = 1,
   * beta = 0. HEBB4J: every map by (E10), P ~ N(0, 1/32). TORCH: E, W1, W2 and R as
   * {@code nn.Linear} (E27); Wq, Wk, Wv as {@code nn.MultiheadAttention}'s {@code in_proj}
   * (xavier_uniform_ over the stacked [96, 32]: U(+-sqrt(6 / 128))) with bq, bk, bv = 0; Wo as
   * {@code nn.Linear} with bo = 0 (MultiheadAttention zeroes {@code out_proj.bias}); P as
   * {@code nn.Embedding}, N(0, 1).
   *
   * @param r the network's stream
   * @param c the conventions
   * @throws NullPointerException if r or c is null
   */
  public void init(Rng r, Conventions c) {
    Objects.requireNonNull(r, "rng");
    Objects.requireNonNull(c, "conventions");
    boolean torch = c == Conventions.TORCH;
    embed.init(r.derive("E"), c);
    r.derive("P").fillGaussian(pos, 0, pos.length, torch ? 1f : (float) (1.0 / Math.sqrt(D)));
    double xavier = Math.sqrt(6.0 / (D + 3 * D));
    for (int l = 0; l < blocks.size(); l++) {
      Block b = blocks.get(l);
      String p = "b" + (l + 1) + ".";
      if (b.ln1 != null) {
        b.ln1.reset();
        b.ln2.reset();
      }
      if (torch) {
        Dense[] in = {b.attn.wq, b.attn.wk, b.attn.wv};
        String[] names = {"Wq", "Wk", "Wv"};
        for (int i = 0; i < in.length; i++) {
          Dense.uniform(r.derive(p + names[i]), in[i].w, xavier);
          java.util.Arrays.fill(in[i].b, 0f);
        }
        b.attn.wo.init(r.derive(p + "Wo"), c);
        java.util.Arrays.fill(b.attn.wo.b, 0f);
      } else {
        b.attn.wq.init(r.derive(p + "Wq"));
        b.attn.wk.init(r.derive(p + "Wk"));
        b.attn.wv.init(r.derive(p + "Wv"));
        b.attn.wo.init(r.derive(p + "Wo"));
      }
      b.w1.init(r.derive(p + "W1"), c);
      b.w2.init(r.derive(p + "W2"), c);
    }
    if (lnf != null) {
      lnf.reset();
    }
    readout.init(r.derive("R"), c);
  }

  /**
   * The parameters as live views named as the contract names them (spec/transformer.md#shapes):
   * "E", "e", "P", per block "bL.ln1.g", "bL.ln1.b", "bL.Wq", "bL.bq", "bL.Wk", "bL.bk", "bL.Wv",
   * "bL.bv", "bL.Wo", "bL.bo", "bL.ln2.g", "bL.ln2.b", "bL.W1", "bL.b1", "bL.W2", "bL.b2" (no LN
   * entries with norm NONE), "lnf.g", "lnf.b", "R", "r".
   *
   * @return an unmodifiable map in that order
   */
  public Map<String, Tensor> parameters() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    int f = config.tokenWidth();
    m.put("E", Tensor.of(embed.w, D, f));
    m.put("e", Tensor.of(embed.b, D));
    m.put("P", Tensor.of(pos, config.tokens(), D));
    for (int l = 0; l < blocks.size(); l++) {
      Block b = blocks.get(l);
      String p = "b" + (l + 1) + ".";
      if (b.ln1 != null) {
        m.put(p + "ln1.g", Tensor.of(b.ln1.gamma, D));
        m.put(p + "ln1.b", Tensor.of(b.ln1.beta, D));
      }
      dense(m, p + "Wq", p + "bq", b.attn.wq);
      dense(m, p + "Wk", p + "bk", b.attn.wk);
      dense(m, p + "Wv", p + "bv", b.attn.wv);
      dense(m, p + "Wo", p + "bo", b.attn.wo);
      if (b.ln2 != null) {
        m.put(p + "ln2.g", Tensor.of(b.ln2.gamma, D));
        m.put(p + "ln2.b", Tensor.of(b.ln2.beta, D));
      }
      dense(m, p + "W1", p + "b1", b.w1);
      dense(m, p + "W2", p + "b2", b.w2);
    }
    if (lnf != null) {
      m.put("lnf.g", Tensor.of(lnf.gamma, D));
      m.put("lnf.b", Tensor.of(lnf.beta, D));
    }
    dense(m, "R", "r", readout);
    return Collections.unmodifiableMap(m);
  }

  private static void dense(Map<String, Tensor> m, String w, String b, Dense d) {
    m.put(w, Tensor.of(d.w, d.out, d.in));
    m.put(b, Tensor.of(d.b, d.out));
  }

  /**
   * The state to save: exactly {@link #parameters()} (no buffers). See
   * spec/transformer.md#shapes.
   *
   * @return an unmodifiable map of live views
   */
  public Map<String, Tensor> stateDict() {
    return parameters();
  }

  /**
   * Copies every tensor of {@code state} into the parameter of the same name; every name and
   * shape is checked before anything is copied. See spec/transformer.md#shapes.
   *
   * @param state tensors named as {@link #parameters()}
   * @throws IllegalArgumentException naming the tensor when one is missing, unexpected or of
   *     another shape
   */
  public void loadStateDict(Map<String, Tensor> state) {
    StateDicts.load("transformer", parameters(), state);
  }


  /**
   * Buffers for batches of up to {@code capacity} rows. See spec/transformer.md#performance.
   *
   * @param capacity the largest batch, at least 1
   * @return a new workspace
   * @throws IllegalArgumentException for capacity &lt; 1 or buffers beyond a Java array
   */
  public Workspace workspace(int capacity) {
    return new Workspace(capacity);
  }

  /** One block's batch buffers. */
  private final class BlockBuffers {
    final float[] hin;
    final float[] u;
    final LayerNorm.Buffers ln1;
    final Attention.Buffers attn;
    final float[] att;
    final float[] a;
    final float[] v;
    final LayerNorm.Buffers ln2;
    final float[] f;
    final float[] z;
    final float[] ffo;
    final float[] hout;
    final float[] dW1;
    final float[] db1;
    final float[] dW2;
    final float[] db2;
    /** dL/da: the gradient of the residual stream after the attention (Wo's output gradient). */
    final float[] da;
    /** dL/df: the gradient of W1's output (pre-activation). */
    final float[] dz;
    /** The gradient of W1's input v (LN2's output gradient). */
    final float[] dv;
    /** The gradient of the attention's input u (LN1's output gradient). */
    final float[] du;

    BlockBuffers(Block b, int capacity, float[] hin) {
      int n = capacity * config.tokens();
      this.hin = hin;
      ln1 = b.ln1 == null ? null : b.ln1.buffers(n);
      u = b.ln1 == null ? hin : new float[n * D];
      attn = b.attn.buffers(capacity, config.tokens());
      att = new float[n * D];
      a = new float[n * D];
      ln2 = b.ln2 == null ? null : b.ln2.buffers(n);
      v = b.ln2 == null ? a : new float[n * D];
      f = new float[n * config.ffn()];
      z = config.act() == Activation.LINEAR ? f : new float[n * config.ffn()];
      ffo = new float[n * D];
      hout = new float[n * D];
      dW1 = new float[b.w1.w.length];
      db1 = new float[b.w1.out];
      dW2 = new float[b.w2.w.length];
      db2 = new float[D];
      da = new float[n * D];
      dz = new float[n * config.ffn()];
      dv = new float[n * D];
      du = new float[n * D];
    }
  }

  /**
   * Per-batch buffers of the forward and backward passes and the gradient of every parameter
   * ({@link #gradients()}, named as {@link #parameters()}).
   */
  public final class Workspace {

    private final int capacity;
    private final float[] h0;
    private final BlockBuffers[] buf;
    private final LayerNorm.Buffers lnfBuf;
    private final float[] hf;
    private final float[] m;
    private final float[] out;
    private final float[] e;
    private final float[] dm;
    /**
     * dh[l]: the gradient of block l's input (dh[blocks]: of the last block's output, the final
     * LN's input).
     */
    private final float[][] dh;
    /** The gradient of the final LN's output (null with norm NONE). */
    private final float[] dhf;
    /** A layer norm's input gradient, per row range, before the residual sum. */
    private final float[] lndx;
    private final float[] dE;
    private final float[] de;
    private final float[] dP;
    private final float[] dR;
    private final float[] dr;
    private final Map<String, Tensor> grads;
    private final List<LinearMap> maps;
    private final float[] x;
    private int rows;
    // The split over threads (spec/transformer.md#performance): the kernels a range runs on,
    // batch rows per range, the number of ranges, and a layer norm scratch per range.
    private Kernels kc;
    private int span;
    private int spans;
    private boolean accumulate;
    private LayerNorm.Scratch[] scratch = new LayerNorm.Scratch[0];
    private final IntConsumer forwardSpan = this::forwardSpan;
    private final IntConsumer backwardSpan = this::backwardSpan;
    /** With several ranges: the parameter-gradient jobs, each map's dW cut into smaller jobs. */
    private final Runnable[] reductionParts;
    private final IntConsumer reduction;
    /**
     * On one range: block l's dW, db jobs (W2, W1, Wo, Wq, Wk, Wv), run inside the backward pass
     * as soon as their delta is computed, while delta and h_pre are still in cache; and the other
     * jobs, run after it.
     */
    private final Runnable[][] blockJobs;
    private final Runnable[] otherJobs;

    Workspace(int capacity) {
      int t = config.tokens();
      if (capacity < 1 || (long) capacity * t * Math.max(config.ffn(), D) > Integer.MAX_VALUE - 8
          || (long) capacity * t * t * config.heads() > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("transformer batch capacity must be at least 1 and "
            + "its buffers fit a Java array, got " + capacity);
      }
      this.capacity = capacity;
      int n = capacity * t;
      x = new float[capacity * D];
      h0 = new float[n * D];
      buf = new BlockBuffers[blocks.size()];
      float[] in = h0;
      for (int l = 0; l < buf.length; l++) {
        buf[l] = new BlockBuffers(blocks.get(l), capacity, in);
        in = buf[l].hout;
      }
      lnfBuf = lnf == null ? null : lnf.buffers(n);
      hf = lnf == null ? in : new float[n * D];
      m = new float[capacity * D];
      out = new float[capacity * D];
      e = new float[capacity * D];
      dm = new float[capacity * D];
      dh = new float[buf.length + 1][];
      dh[buf.length] = new float[n * D];
      for (int l = buf.length - 1; l >= 0; l--) {
        dh[l] = new float[n * D];
      }
      dhf = lnf == null ? null : new float[n * D];
      lndx = new float[n * D];
      dE = new float[embed.w.length];
      de = new float[D];
      dP = new float[pos.length];
      dR = new float[readout.w.length];
      dr = new float[D];
      grads = gradientMap();
      maps = linearMapList();
      reductionParts = reductionList(true);
      blockJobs = new Runnable[buf.length][];
      for (int l = 0; l < buf.length; l++) {
        blockJobs[l] = blockJobs(l);
      }
      List<Runnable> others = new ArrayList<>();
      otherParams(others, false);
      otherJobs = others.toArray(new Runnable[0]);
      Runnable[] red = reductionParts;
      reduction = i -> red[i].run();
    }

    private List<LinearMap> linearMapList() {
      List<LinearMap> l = new ArrayList<>();
      int t = config.tokens();
      l.add(new LinearMap("E", embed, x, h0, t, dE, de));
      for (int i = 0; i < buf.length; i++) {
        Block b = blocks.get(i);
        BlockBuffers bb = buf[i];
        Attention.Buffers ab = bb.attn;
        String p = "b" + (i + 1) + ".";
        l.add(new LinearMap(p + "Wq", b.attn.wq, bb.u, ab.q, t, ab.dWq, ab.dbq));
        l.add(new LinearMap(p + "Wk", b.attn.wk, bb.u, ab.k, t, ab.dWk, ab.dbk));
        l.add(new LinearMap(p + "Wv", b.attn.wv, bb.u, ab.v, t, ab.dWv, ab.dbv));
        l.add(new LinearMap(p + "Wo", b.attn.wo, ab.o, bb.att, t, ab.dWo, ab.dbo));
        l.add(new LinearMap(p + "W1", b.w1, bb.v, bb.f, t, bb.dW1, bb.db1));
        l.add(new LinearMap(p + "W2", b.w2, bb.z, bb.ffo, t, bb.dW2, bb.db2));
      }
      l.add(new LinearMap("R", readout, m, out, 1, dR, dr));
      return List.copyOf(l);
    }

    /**
     * Every linear map of the network with its input h_pre and output h_post from the last
     * forward pass, per token (spec/transformer.md#probe): E, per block Wq, Wk, Wv, Wo, W1, W2,
     * then R.
     *
     * @return an unmodifiable list, the same for every call (its arrays are this workspace's)
     */
    public List<LinearMap> linearMaps() {
      return maps;
    }

    private Map<String, Tensor> gradientMap() {
      Map<String, Tensor> g = new LinkedHashMap<>();
      g.put("E", Tensor.of(dE, D, config.tokenWidth()));
      g.put("e", Tensor.of(de, D));
      g.put("P", Tensor.of(dP, config.tokens(), D));
      int hf = config.ffn();
      for (int l = 0; l < buf.length; l++) {
        BlockBuffers b = buf[l];
        String p = "b" + (l + 1) + ".";
        if (b.ln1 != null) {
          g.put(p + "ln1.g", Tensor.of(b.ln1.dgamma, D));
          g.put(p + "ln1.b", Tensor.of(b.ln1.dbeta, D));
        }
        Attention.Buffers a = b.attn;
        g.put(p + "Wq", Tensor.of(a.dWq, D, D));
        g.put(p + "bq", Tensor.of(a.dbq, D));
        g.put(p + "Wk", Tensor.of(a.dWk, D, D));
        g.put(p + "bk", Tensor.of(a.dbk, D));
        g.put(p + "Wv", Tensor.of(a.dWv, D, D));
        g.put(p + "bv", Tensor.of(a.dbv, D));
        g.put(p + "Wo", Tensor.of(a.dWo, D, D));
        g.put(p + "bo", Tensor.of(a.dbo, D));
        if (b.ln2 != null) {
          g.put(p + "ln2.g", Tensor.of(b.ln2.dgamma, D));
          g.put(p + "ln2.b", Tensor.of(b.ln2.dbeta, D));
        }
        g.put(p + "W1", Tensor.of(b.dW1, hf, D));
        g.put(p + "b1", Tensor.of(b.db1, hf));
        g.put(p + "W2", Tensor.of(b.dW2, D, hf));
        g.put(p + "b2", Tensor.of(b.db2, D));
      }
      if (lnfBuf != null) {
        g.put("lnf.g", Tensor.of(lnfBuf.dgamma, D));
        g.put("lnf.b", Tensor.of(lnfBuf.dbeta, D));
      }
      g.put("R", Tensor.of(dR, D, D));
      g.put("r", Tensor.of(dr, D));
      return Collections.unmodifiableMap(g);
    }

    /**
     * The largest batch. See spec/transformer.md#performance.
     *
     * @return the capacity in rows
     */
    public int capacity() {
      return capacity;
    }

    /**
     * Rows of the last forward pass. See spec/transformer.md#performance.
     *
     * @return the batch rows B
     */
    public int rows() {
      return rows;
    }

    /**
     * The network this workspace belongs to. See spec/transformer.md.
     *
     * @return the network
     */
    public Transformer net() {
      return Transformer.this;
    }

    /**
     * The gradient of every parameter from the last {@link #backward}, live views named and
     * shaped as {@link Transformer#parameters()}. See spec/transformer.md#backward.
     *
     * @return an unmodifiable map
     */
    public Map<String, Tensor> gradients() {
      return grads;
    }

    /**
     * (T1)-(T7), in ranges of batch rows on the workers of {@code k} when it is a
     * {@link ThreadedKernels} (the same bits for any thread count). See
     * spec/transformer.md#forward and spec/transformer.md#performance.
     *
     * @param k the kernels
     * @param x inputs [rows, 32] (copied: the embedding's h_pre until the next call)
     * @param rows batch rows in [1, capacity()]
     * @return the output [rows, 32] (owned here, overwritten by the next call)
     * @throws IllegalArgumentException for rows outside [1, capacity()] or a short x
     */
    public float[] forward(Kernels k, float[] x, int rows) {
      if (rows < 1 || rows > capacity) {
        throw new IllegalArgumentException("batch of " + rows + " rows, capacity " + capacity);
      }
      if (x.length < (long) rows * D) {
        throw new IllegalArgumentException("x holds " + x.length + " values, " + rows
            + " rows of " + D + " need " + (long) rows * D);
      }
      System.arraycopy(x, 0, this.x, 0, rows * D);
      this.rows = rows;
      run(k, forwardSpan);
      return out;
    }

    /**
     * Splits the batch for kernels {@code k}: one range on one thread, else ranges of batch rows
     * (about {@link #SPANS_PER_THREAD} per thread of the pool, at least {@link #MIN_SPAN_ROWS}
     * token rows each), the layer norm scratch grown to them; then runs {@code body} on each.
     * Every row's result depends on its own batch row only, so the cut never changes the bits.
     */
    private void run(Kernels k, IntConsumer body) {
      Workers w = k instanceof ThreadedKernels ? ((ThreadedKernels) k).workers() : null;
      int threads = w == null ? 1 : w.threads();
      kc = w == null ? k : ((ThreadedKernels) k).base();
      int t = config.tokens();
      int minSpan = (MIN_SPAN_ROWS + t - 1) / t;
      span = threads == 1 ? rows
          : Math.max(minSpan, (rows + SPANS_PER_THREAD * threads - 1) / (SPANS_PER_THREAD * threads));
      span = Math.min(span, rows);
      spans = (rows + span - 1) / span;
      if (scratch.length < spans) {
        LayerNorm.Scratch[] s = new LayerNorm.Scratch[spans];
        for (int i = 0; i < spans; i++) {
          s[i] = new LayerNorm.Scratch(D);
        }
        scratch = s;
      }
      if (w == null || spans == 1) {
        for (int i = 0; i < spans; i++) {
          body.accept(i);
        }
      } else {
        w.run(spans, body);
      }
    }

    /** (T1)-(T7) for the batch rows of range {@code i}. */
    private void forwardSpan(int i) {
      Kernels k = kc;
      int t = config.tokens(), s0 = i * span, s1 = Math.min(rows, s0 + span);
      int r0 = s0 * t, n = (s1 - s0) * t;
      embed.forward(k, r0, n, this.x, h0, h0); // (T1) x as [N, F]
      // + P_t, P's rows added to each batch row's token rows; an axpy with alpha 1, fma(x, 1, y),
      // is the float sum y + x, and so is (K24)
      for (int sr = s0; sr < s1; sr++) {
        k.axpy(t * D, 1f, pos, 0, h0, sr * t * D);
      }
      for (int l = 0; l < buf.length; l++) {
        Block b = blocks.get(l);
        BlockBuffers bb = buf[l];
        if (b.ln1 != null) {
          b.ln1.forward(k, r0, n, bb.hin, bb.u, bb.ln1); // (T2)
        }
        b.attn.forward(k, s0, s1, bb.u, bb.att, bb.attn); // (T3)
        add(r0 * D, n * D, bb.att, bb.hin, bb.a);
        if (b.ln2 != null) {
          b.ln2.forward(k, r0, n, bb.a, bb.v, bb.ln2); // (T4)
        }
        b.w1.forward(k, r0, n, bb.v, bb.f, bb.z);
        b.w2.forward(k, r0, n, bb.z, bb.ffo, bb.ffo); // (T5)
        add(r0 * D, n * D, bb.ffo, bb.a, bb.hout);
      }
      float[] h = buf.length == 0 ? h0 : buf[buf.length - 1].hout;
      if (lnf != null) {
        lnf.forward(k, r0, n, h, hf, lnfBuf); // (T6)
      }
      Arrays.fill(m, s0 * D, s1 * D, 0f);
      for (int sr = s0; sr < s1; sr++) { // the sum of a batch row's token rows, in order (K24)
        k.addRows(t, D, hf, sr * t * D, D, m, sr * D);
      }
      k.scale((s1 - s0) * D, 1f / t, m, s0 * D);
      readout.forward(k, s0, s1 - s0, m, out, out); // (T7)
    }

    /**
     * The output of the last forward pass. See spec/transformer.md#forward.
     *
     * @return [rows(), 32] at the start of the array
     */
    public float[] output() {
      return out;
    }

    /**
     * Loss of the last forward pass against targets {@code y}, summed over its rows (T12); also
     * seeds the backward pass with e = scale * dloss/dout. See spec/transformer.md#loss.
     *
     * @param loss MSE or MSE_MEAN
     * @param y targets [rows(), 32]
     * @param scale the factor of the gradient (1/B for a batch mean)
     * @return the sum over rows, not the mean
     * @throws IllegalArgumentException for SOFTMAX_CE or a short y
     */
    public double loss(Loss loss, float[] y, float scale) {
      if (loss == Loss.SOFTMAX_CE) {
        throw new IllegalArgumentException("the SRE transformer takes loss mse or mse_mean, "
            + "not softmax_ce");
      }
      if (y == null || y.length < rows * D) {
        throw new IllegalArgumentException("y must hold " + rows * D + " targets");
      }
      return loss.sum(rows, D, out, y, null, scale, e);
    }

    /**
     * (T13)-(T20) from e set by {@link #loss}: fills every gradient of {@link #gradients()}.
     * See spec/transformer.md#backward.
     *
     * @param k the kernels
     * @param accumulate add to the gradients instead of overwriting them
     */
    public void backward(Kernels k, boolean accumulate) {
      backward(k, accumulate, null);
    }

    /**
     * {@link #backward(Kernels, boolean)}, also handing {@code sink} the gradient of every linear
     * map's output, in the order of the backward pass (R, then per block from the last W2, W1,
     * Wo, Wq, Wk, Wv, then E), once every activation gradient is computed
     * (spec/transformer.md#persample): map i of {@link #linearMaps()} receives dL/dy
     * [rows() rowsPerSample, out], to be read during the call only. The activations run in
     * ranges of batch rows and the parameter gradients as sums over rows, on the workers of
     * {@code k} when it is a {@link ThreadedKernels} (spec/transformer.md#performance).
     *
     * @param k the kernels
     * @param accumulate add to the gradients instead of overwriting them
     * @param sink receives each map's output gradient, or null
     */
    public void backward(Kernels k, boolean accumulate, OutputGradients sink) {
      this.accumulate = accumulate;
      run(k, backwardSpan); // every input gradient, range by range
      Workers w = k instanceof ThreadedKernels ? ((ThreadedKernels) k).workers() : null;
      if (w == null || spans == 1) { // the blocks' jobs ran inside backwardSpan
        for (int i = 0; i < otherJobs.length; i++) {
          otherJobs[i].run();
        }
      } else {
        w.run(reductionParts.length, reduction); // the sums over rows, each on one thread
      }
      if (sink != null) {
        tell(sink, maps.size() - 1, e);
        for (int l = buf.length - 1; l >= 0; l--) {
          BlockBuffers bb = buf[l];
          int map = 1 + 6 * l; // this block's Wq in linearMaps()
          tell(sink, map + 5, dh[l + 1]);
          tell(sink, map + 4, bb.dz);
          tell(sink, map + 3, bb.da);
          tell(sink, map, bb.attn.dq);
          tell(sink, map + 1, bb.attn.dk);
          tell(sink, map + 2, bb.attn.dv);
        }
        tell(sink, 0, dh[0]);
      }
    }

    /**
     * (T13)-(T20) without the parameter gradients for the batch rows of range {@code i}: the
     * gradient of every activation, which depends on its own batch row only. A layer norm's
     * dgamma and dbeta are computed here only when the range is the whole batch.
     */
    private void backwardSpan(int i) {
      Kernels k = kc;
      int t = config.tokens(), s0 = i * span, s1 = Math.min(rows, s0 + span);
      int r0 = s0 * t, n = (s1 - s0) * t, o = r0 * D, nd = n * D;
      boolean whole = spans == 1;
      LayerNorm.Scratch s = scratch[i];
      readout.backwardInput(k, s0, s1 - s0, e, dm); // (T13)
      // the mean's 1/t: on dm, once per batch row, before the copies to its tokens (the same
      // products as on every token's copy)
      k.scale((s1 - s0) * D, 1f / t, dm, s0 * D);
      float[] dtop = lnf == null ? dh[buf.length] : dhf;
      for (int r = r0; r < r0 + n; r++) {
        System.arraycopy(dm, (r / t) * D, dtop, r * D, D);
      }
      if (lnf != null) { // (T14)
        lnBackward(lnf, lnfBuf, k, r0, n, dhf, dh[buf.length], s, whole);
      }
      for (int l = buf.length - 1; l >= 0; l--) {
        Block b = blocks.get(l);
        BlockBuffers bb = buf[l];
        float[] dout = dh[l + 1];
        // (T15) feed-forward; dout is the gradient of hout
        b.w2.backwardInput(k, r0, n, dout, b.w1.act, bb.z, bb.dz); // dz through W1's act (K9b)
        if (whole) { // dW2 while dout and z are in cache
          blockJobs[l][0].run();
        }
        b.w1.backwardInput(k, r0, n, bb.dz, bb.dv);
        if (whole) { // dW1 while dz is in cache
          blockJobs[l][1].run();
        }
        if (b.ln2 != null) {
          lnBackward(b.ln2, bb.ln2, k, r0, n, bb.dv, lndx, s, whole);
          add(o, nd, lndx, dout, bb.da);
        } else {
          add(o, nd, bb.dv, dout, bb.da);
        }
        // (T16) attention
        b.attn.backwardInput(k, s0, s1, bb.da, bb.du, bb.attn);
        if (whole) { // dWo, dWq, dWk, dWv while their deltas are in cache
          for (int j = 2; j < 6; j++) {
            blockJobs[l][j].run();
          }
        }
        if (b.ln1 != null) {
          lnBackward(b.ln1, bb.ln1, k, r0, n, bb.du, lndx, s, whole);
          add(o, nd, lndx, bb.da, dh[l]);
        } else {
          add(o, nd, bb.du, bb.da, dh[l]);
        }
      }
    }

    /**
     * Block l's dW, db jobs as one product each, in the order W2, W1, Wo, Wq, Wk, Wv (run inside
     * the backward pass on one range).
     */
    private Runnable[] blockJobs(int l) {
      List<Runnable> j = new ArrayList<>();
      feedForwardParams(j, false, l);
      attentionParams(j, false, l);
      return j.toArray(new Runnable[0]);
    }

    /** A layer norm's dx for a row range; with the whole batch, its dgamma and dbeta too. */
    private void lnBackward(LayerNorm ln, LayerNorm.Buffers lb, Kernels k, int r0, int n,
        float[] dy, float[] dx, LayerNorm.Scratch s, boolean whole) {
      if (whole) {
        ln.backward(k, n, dy, dx, lb, accumulate);
      } else {
        ln.backwardInput(k, r0, n, dy, dx, lb, s);
      }
    }

    /**
     * The parameter gradients, each a sum over the batch's rows in row order, as independent
     * jobs, the largest first: each map's dW and db (with {@code cut}, dW in jobs of about
     * {@link #REDUCTION_MACS} multiply-adds, for the threads), dP, and each layer norm's dgamma
     * and dbeta when the batch was cut (else the layer norm's backward computed them).
     */
    private Runnable[] reductionList(boolean cut) {
      List<Runnable> l = new ArrayList<>();
      for (int i = buf.length - 1; i >= 0; i--) {
        feedForwardParams(l, cut, i);
      }
      for (int i = buf.length - 1; i >= 0; i--) {
        attentionParams(l, cut, i);
      }
      otherParams(l, cut);
      return l.toArray(new Runnable[0]);
    }

    /** Block i's W2 and W1 jobs, in that order. */
    private void feedForwardParams(List<Runnable> l, boolean cut, int i) {
      int t = config.tokens();
      Block b = blocks.get(i);
      BlockBuffers bb = buf[i];
      params(l, cut, b.w2, dh[i + 1], bb.z, bb.dW2, bb.db2, t);
      params(l, cut, b.w1, bb.dz, bb.v, bb.dW1, bb.db1, t);
    }

    /** Block i's Wo, Wq, Wk, Wv jobs, in that order. */
    private void attentionParams(List<Runnable> l, boolean cut, int i) {
      int t = config.tokens();
      Block b = blocks.get(i);
      BlockBuffers bb = buf[i];
      Attention.Buffers ab = bb.attn;
      params(l, cut, b.attn.wo, bb.da, ab.o, ab.dWo, ab.dbo, t);
      params(l, cut, b.attn.wq, ab.dq, bb.u, ab.dWq, ab.dbq, t);
      params(l, cut, b.attn.wk, ab.dk, bb.u, ab.dWk, ab.dbk, t);
      params(l, cut, b.attn.wv, ab.dv, bb.u, ab.dWv, ab.dbv, t);
    }

    /** The jobs outside the blocks' linear maps: E, R, dP and every layer norm's parameters. */
    private void otherParams(List<Runnable> l, boolean cut) {
      int t = config.tokens();
      params(l, cut, embed, dh[0], x, dE, de, t);
      params(l, cut, readout, e, m, dR, dr, 1);
      float[] d0 = dh[0];
      l.add(() -> { // (T20) dP
        if (!accumulate) {
          Arrays.fill(dP, 0f);
        }
        for (int p = 0; p < t; p++) { // token p's rows of every batch row, in order (K24)
          kc.addRows(rows, D, d0, p * D, t * D, dP, p * D);
        }
      });
      for (int i = buf.length - 1; i >= 0; i--) {
        Block b = blocks.get(i);
        BlockBuffers bb = buf[i];
        if (b.ln1 != null) {
          lnParams(l, b.ln2, bb.ln2, bb.dv, t);
          lnParams(l, b.ln1, bb.ln1, bb.du, t);
        }
      }
      if (lnf != null) {
        lnParams(l, lnf, lnfBuf, dhf, t);
      }
    }

    /**
     * dW, db of one map as one job, or with {@code cut} as jobs of about
     * {@link #REDUCTION_MACS} multiply-adds at full capacity: dW by ranges of its columns when it has {@code 2 MIN_COLUMNS} or more (each job then packs
     * only its own columns of hPre), else of its rows; db with the first job.
     */
    private void params(List<Runnable> l, boolean cut, Dense d, float[] delta, float[] hPre,
        float[] dW, float[] db, int rowsPerSample) {
      long macs = (long) d.out * d.in * capacity * rowsPerSample;
      int parts = cut ? (int) Math.max(1, macs / REDUCTION_MACS) : 1;
      boolean byColumns = d.in >= 2 * MIN_COLUMNS;
      int dim = byColumns ? d.in : d.out;
      int unit = byColumns ? MIN_COLUMNS : 4;
      parts = Math.min(parts, Math.max(1, dim / unit));
      int size = ((dim + parts - 1) / parts + unit - 1) / unit * unit;
      for (int p0 = 0; p0 < dim; p0 += size) {
        int from = p0, to = Math.min(dim, p0 + size);
        boolean first = p0 == 0;
        l.add(() -> {
          int n = rows * rowsPerSample;
          if (byColumns) {
            d.backwardWeights(kc, n, delta, hPre, dW, accumulate, 0, d.out, from, to);
          } else {
            d.backwardWeights(kc, n, delta, hPre, dW, accumulate, from, to, 0, d.in);
          }
          if (first && db != null) {
            d.backwardBias(kc, n, delta, db, accumulate, 0, d.out);
          }
        });
      }
    }

    /** A layer norm's dgamma, dbeta from its output gradient dy, unless the whole batch ran. */
    private void lnParams(List<Runnable> l, LayerNorm ln, LayerNorm.Buffers lb, float[] dy,
        int t) {
      l.add(() -> {
        if (spans > 1) {
          ln.paramGradients(kc, rows * t, dy, lb, accumulate);
        }
      });
    }
  }

  private static void tell(OutputGradients sink, int map, float[] dy) {
    if (sink != null) {
      sink.accept(map, dy);
    }
  }

  /**
   * Receives, during {@link Workspace#backward(Kernels, boolean, OutputGradients)}, the gradient
   * of a linear map's output per token row (spec/transformer.md#persample).
   */
  @FunctionalInterface
  public interface OutputGradients {
    /**
     * The gradient of map {@code map}'s output. See spec/transformer.md#persample.
     *
     * @param map the map's index in {@link Workspace#linearMaps()}
     * @param dy dL/dy [rows rowsPerSample, out] from index 0; read it during the call only
     */
    void accept(int map, float[] dy);
  }

  /**
   * The residual sum z = x + y in one pass (a copy of x and an axpy of y with alpha 1 before: the
   * same bits, spec/kernels.md#one-result).
   */
  private static void add(int from, int n, float[] x, float[] y, float[] z) {
    for (int i = from; i < from + n; i++) {
      z[i] = x[i] + y[i];
    }
  }

  /**
   * One linear map {@code y = x W^T + c} of the network with its buffers in a workspace
   * (spec/transformer.md#probe): the probe's h_pre and h_post, and the gradients.
   *
   * @param name the map's weight name: "E", "b1.Wq", ..., "b2.W2", "R"
   * @param layer the live map (its weights and bias)
   * @param hPre its input [rows, in] with rows = batch rowsPerSample, from the last forward pass
   * @param hPost its output [rows, out] from the last forward pass
   * @param rowsPerSample token rows per batch row: the tokens, or 1 for the readout R
   * @param dW the gradient of the weight [out, in] from the last backward pass
   * @param db the gradient of the bias [out]
   */
  public record LinearMap(String name, Dense layer, float[] hPre, float[] hPost,
      int rowsPerSample, float[] dW, float[] db) {}
}
