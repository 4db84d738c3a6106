package org.hebb4j.hebbian;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * A Hebbian convolutional network (spec/hebbcnn.md#network): for every layer, per-sample
 * standardisation of its input (T1), convolution without bias (K12, im2col + GEMM), k-WTA on
 * {@code u - theta} giving the binary plasticity signal (C1)-(C2), the triangle (C3) or binary
 * output, average pooling, and, when training, the Hebbian update (H5) from the binary signal
 * followed by the pruning mask (N2) and per-filter L2 normalisation (N1), then the homeostatic
 * thresholds (C4).
 *
 * <p>All workspaces are allocated in the constructor for {@link HebbCnnConfig#batch()} images;
 * {@link #train} and {@link #infer} allocate nothing. Work is split into tasks that depend only
 * on the problem (groups of {@value #IMAGES_PER_TASK} images for the forward pass, groups of
 * {@value #CHANNELS_PER_TASK} output channels for the update), every task writes its own memory,
 * and every sum runs in a fixed order, so results are bit-identical for any number of threads.
 */
public final class HebbCnn {

  static final int IMAGES_PER_TASK = 4;
  static final int CHANNELS_PER_TASK = 4;
  /** Pruned layers keeping at most this fraction use {@link SparseConv} instead of GEMM. */
  static final double SPARSE_KEEP = 0.25;

  private final HebbCnnConfig config;
  private final Kernels k;
  private final Workers workers;
  private final int layers;
  private final int capacity;

  // geometry per layer
  private final Conv2dShape[] conv; // n = 1: one image
  private final int[] inSize;       // C*H*W of the layer input
  private final int[] ph;           // pooled height
  private final int[] pw;           // pooled width
  private final int[] outSize;      // O*PH*PW

  // parameters and state
  private final float[][] w;
  private final float[][] mask;     // null when nothing is pruned
  private final SparseConv[] sparse; // non-null for strongly pruned layers
  private final float[][] theta;
  private final float[] lr;
  private final int[] kw;           // winners per position

  // per-batch buffers
  private final float[][] in;       // standardised inputs [batch, C, H, W]
  private final float[][] rows;     // dense layers: input patches [batch, positions, Q] (im2row)
  private final int[][] win;        // winners [batch, positions, k]
  private final float[][] pooled;   // outputs [batch, O, PH, PW]
  private final int[] badLayer;     // per image: first layer with a non-finite input, 0 if none
  private final float[][] dw;       // [O, Q]
  private final long[][] batchWins; // per layer and channel, this batch
  private final int[][] bucket;     // per layer: (image * positions + pos) grouped by winner
  private final int[][] bucketStart; // per layer: channel c's entries [start[c], start[c+1])

  // per-task workspaces
  private final Workspace[] ws;

  // statistics since resetStats()
  private final long[][] statWins;
  private final long[] statSamples;

  private long step;                // training batches seen
  private float[] curImages;
  private int curN;
  private int curLayer;
  private final IntConsumer forwardTask = this::forwardTask;
  private final IntConsumer updateTask = this::updateTask;

  private static final class Workspace {
    final float[] uAll;
    final float[] u;
    final float[] z;
    final float[] sum;
    final float[] ext;

    Workspace(int uAllSize, int outSize, int positions, int extSize) {
      uAll = new float[uAllSize];
      u = new float[outSize];
      z = new float[outSize];
      sum = new float[positions];
      ext = new float[extSize];
    }
  }

  /**
   * Builds the network and draws its initial weights and pruning masks from {@code rng}: streams
   * {@code init/layerL} (weights, 0.01 N(0,1)) and {@code prune/layerL} (masks), see
   * spec/hebbcnn.md#rng.
   */
  public HebbCnn(HebbCnnConfig config, Kernels k, Workers workers, Rng rng) {
    this.config = config;
    this.k = k;
    this.workers = workers;
    this.layers = config.layers().size();
    this.capacity = config.batch();
    conv = new Conv2dShape[layers];
    inSize = new int[layers];
    ph = new int[layers];
    pw = new int[layers];
    outSize = new int[layers];
    w = new float[layers][];
    mask = new float[layers][];
    sparse = new SparseConv[layers];
    theta = new float[layers][];
    lr = new float[layers];
    kw = new int[layers];
    in = new float[layers][];
    rows = new float[layers][];
    win = new int[layers][];
    pooled = new float[layers][];
    dw = new float[layers][];
    batchWins = new long[layers][];
    bucket = new int[layers][];
    bucketStart = new int[layers][];
    statWins = new long[layers][];
    statSamples = new long[layers];
    badLayer = new int[capacity];
    int c = config.inChannels(), h = config.height(), wd = config.width();
    int maxUAll = 0, maxOut = 1, maxPos = 1, maxExt = 0;
    for (int l = 0; l < layers; l++) {
      HebbCnnConfig.Layer ly = config.layers().get(l);
      Conv2dShape s = new Conv2dShape(1, c, h, wd, ly.channels(), ly.kernel(), ly.kernel(),
          ly.stride(), ly.padding());
      conv[l] = s;
      inSize[l] = c * h * wd;
      ph[l] = s.oh() / ly.pool();
      pw[l] = s.ow() / ly.pool();
      outSize[l] = ly.channels() * ph[l] * pw[l];
      int o = ly.channels(), q = s.patchSize(), p = s.positions();
      kw[l] = ly.k();
      lr[l] = (float) ly.lr();
      theta[l] = new float[o];
      w[l] = new float[o * q];
      dw[l] = new float[o * q];
      in[l] = new float[Math.multiplyExact(capacity, inSize[l])];
      win[l] = new int[Math.multiplyExact(capacity, p * ly.k())];
      pooled[l] = new float[Math.multiplyExact(capacity, outSize[l])];
      batchWins[l] = new long[o];
      bucket[l] = new int[win[l].length];
      bucketStart[l] = new int[o + 1];
      statWins[l] = new long[o];
      maxOut = Math.max(maxOut, o * p);
      maxPos = Math.max(maxPos, p);
      initLayer(l, ly, rng);
      if (mask[l] != null && ly.keep() <= SPARSE_KEEP) {
        sparse[l] = new SparseConv(s, mask[l]);
        maxExt = Math.max(maxExt, sparse[l].scratchSize());
      } else {
        rows[l] = new float[Math.multiplyExact(capacity, Math.multiplyExact(p, q))];
        maxUAll = Math.max(maxUAll, Math.multiplyExact(o, IMAGES_PER_TASK * p));
      }
      c = o;
      h = ph[l];
      wd = pw[l];
    }
    ws = new Workspace[(capacity + IMAGES_PER_TASK - 1) / IMAGES_PER_TASK];
    for (int t = 0; t < ws.length; t++) {
      ws[t] = new Workspace(maxUAll, maxOut, maxPos, maxExt);
    }
  }

  /** (N3) w = 0.01 N(0,1), then the mask (N2), then (N1). */
  private void initLayer(int l, HebbCnnConfig.Layer ly, Rng rng) {
    String name = "layer" + (l + 1);
    Rng init = rng.derive("init").derive(name);
    init.fillGaussian(w[l], 0, w[l].length, 0.01f);
    int o = ly.channels(), q = conv[l].patchSize();
    if (ly.keep() < 1.0) {
      Rng pr = rng.derive("prune").derive(name);
      float[] m = new float[o * q];
      float keep = (float) ly.keep();
      for (int oc = 0; oc < o; oc++) {
        int kept = 0;
        for (int j = 0; j < q; j++) {
          if (pr.uniformFloat() < keep) {
            m[oc * q + j] = 1f;
            kept++;
          }
        }
        if (kept == 0) { // never leave a filter without weights
          m[oc * q + pr.nextInt(q)] = 1f;
        }
      }
      mask[l] = m;
    }
    for (int oc = 0; oc < o; oc++) {
      applyMaskAndNormalize(l, oc);
    }
  }

  /** (N2) w_o *= mask_o, then (N1) w_o /= ||w_o|| (left as is when the norm is 0). */
  private void applyMaskAndNormalize(int l, int oc) {
    int q = conv[l].patchSize(), off = oc * q;
    float[] wl = w[l];
    float[] m = mask[l];
    if (m != null) {
      for (int j = 0; j < q; j++) {
        if (m[off + j] == 0f) {
          wl[off + j] = 0f;
        }
      }
    }
    double ss = 0;
    for (int j = 0; j < q; j++) {
      ss += (double) wl[off + j] * wl[off + j];
    }
    if (ss > 0) {
      float inv = (float) (1.0 / Math.sqrt(ss));
      for (int j = 0; j < q; j++) {
        wl[off + j] *= inv;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // public API

  public HebbCnnConfig config() {
    return config;
  }

  public int layers() {
    return layers;
  }

  /** Training batches seen so far. */
  public long step() {
    return step;
  }

  /**
   * One training batch (spec/hebbcnn.md#training): forward pass of the {@code n} images of
   * {@code images} ([n, C, H, W], n <= batch) with the current weights and thresholds; then,
   * after the burn-in, the Hebbian update of every layer; then the thresholds. Allocates nothing.
   *
   * @throws DivergedException when an input, weight or threshold becomes NaN or infinite
   */
  public void train(float[] images, int n) {
    checkN(n);
    step++;
    forward(images, n);
    boolean learn = step > config.burnIn();
    for (int l = 0; l < layers; l++) {
      countWins(l, n);
      if (learn && lr[l] > 0f) {
        curLayer = l;
        curN = n;
        int tasks = (config.layers().get(l).channels() + CHANNELS_PER_TASK - 1)
            / CHANNELS_PER_TASK;
        workers.run(tasks, updateTask);
        if (!allFinite(w[l])) {
          throw DivergedException.at(step, "layer " + (l + 1) + " weights");
        }
      }
      HebbCnnConfig.Layer ly = config.layers().get(l);
      Competition.updateThresholds(ly.channels(), ly.k(), config.thetaRate(), batchWins[l],
          (long) n * conv[l].positions(), theta[l]);
      if (!allFinite(theta[l])) {
        throw DivergedException.at(step, "layer " + (l + 1) + " thresholds");
      }
    }
  }

  /**
   * Forward pass only, with weights and thresholds frozen (feature collection): nothing in the
   * network changes. Outputs are in {@link #output(int)}.
   */
  public void infer(float[] images, int n) {
    checkN(n);
    forward(images, n);
  }

  /** Layer l's pooled output for the last batch, [batch, O, PH, PW] (first n images valid). */
  public float[] output(int l) {
    return pooled[l];
  }

  /** Layer l's standardised input for the last batch, [batch, C, H, W]. */
  public float[] input(int l) {
    return in[l];
  }

  /** Geometry of layer l's convolution for one image. */
  public Conv2dShape convShape(int l) {
    return conv[l];
  }

  /** {O, PH, PW} of layer l's pooled output. */
  public int[] outputShape(int l) {
    return new int[] {config.layers().get(l).channels(), ph[l], pw[l]};
  }

  /** {C, KH, KW} of one filter of layer l. */
  public int[] filterShape(int l) {
    return new int[] {conv[l].c(), conv[l].kh(), conv[l].kw()};
  }

  /** The weights of layer l, [O, C, KH, KW]; live, not copied. */
  public float[] weights(int l) {
    return w[l];
  }

  /** The pruning mask of layer l (1 kept, 0 pruned), or null when nothing is pruned. */
  public float[] mask(int l) {
    return mask[l];
  }

  /** The thresholds of layer l; live, not copied. */
  public float[] thresholds(int l) {
    return theta[l];
  }

  /** Winner indices of layer l for the last batch, [batch, positions, k] (-1: no winner). */
  public int[] winners(int l) {
    return win[l];
  }

  /** Wins per channel of layer l, summed over training batches since {@link #resetStats}. */
  public long[] statWins(int l) {
    return statWins[l];
  }

  /** Positions (images x positions) of layer l seen in training since {@link #resetStats}. */
  public long statSamples(int l) {
    return statSamples[l];
  }

  public void resetStats() {
    for (int l = 0; l < layers; l++) {
      Arrays.fill(statWins[l], 0);
      statSamples[l] = 0;
    }
  }

  // ------------------------------------------------------------------------------------------
  // forward

  private void checkN(int n) {
    if (n < 1 || n > capacity) {
      throw new IllegalArgumentException("batch of " + n + " images; the network holds 1.."
          + capacity);
    }
  }

  private void forward(float[] images, int n) {
    if (images.length < (long) n * inSize[0]) {
      throw new IllegalArgumentException("images array too short for " + n + " images");
    }
    curImages = images;
    curN = n;
    Arrays.fill(badLayer, 0, n, 0);
    workers.run((n + IMAGES_PER_TASK - 1) / IMAGES_PER_TASK, forwardTask);
    curImages = null;
    for (int i = 0; i < n; i++) {
      if (badLayer[i] != 0) {
        throw DivergedException.at(step, "layer " + badLayer[i] + " input (image " + i
            + " of the batch)");
      }
    }
  }

  /** The images of task t, layer after layer (one GEMM per layer for all of them). */
  private void forwardTask(int t) {
    Workspace s = ws[t];
    int i0 = t * IMAGES_PER_TASK, i1 = Math.min(curN, i0 + IMAGES_PER_TASK), m = i1 - i0;
    for (int l = 0; l < layers; l++) {
      float[] src = l == 0 ? curImages : pooled[l - 1];
      int len = inSize[l];
      Conv2dShape cs = conv[l];
      int o = cs.o(), p = cs.positions(), q = cs.patchSize(), kk = kw[l];
      for (int i = i0; i < i1; i++) {
        // (T1) per-sample standardisation of the layer input (NaN propagates; reported later)
        if (!Standardize.sample(k, len, src, i * len, in[l], i * len, Standardize.EPS)
            && badLayer[i] == 0) {
          badLayer[i] = l + 1;
        }
        if (sparse[l] == null) {
          Patches.im2row(cs, in[l], i * len, rows[l], i * p * q); // (K18), transposed
        }
      }
      if (sparse[l] == null) {
        // (K12) u = W col for the task's images at once: [o, m p] = W [o, q] x rows^T [q, m p]
        k.gemm(false, true, o, m * p, q, 1f, w[l], 0, q, rows[l], i0 * p * q, q, 0f, s.uAll, 0,
            m * p);
      }
      for (int i = i0; i < i1; i++) {
        if (sparse[l] != null) {
          sparse[l].forward(w[l], in[l], i * len, s.u, s.ext); // kept taps only
        } else {
          int g = (i - i0) * p;
          for (int c = 0; c < o; c++) {
            System.arraycopy(s.uAll, c * m * p + g, s.u, c * p, p);
          }
        }
        // (C1) winners, (C2)/(C3) output, pooling
        Competition.winners(o, p, kk, s.u, 0, theta[l], win[l], i * p * kk, s.sum);
        if (config.triangle()) {
          Competition.triangle(o, p, s.u, 0, theta[l], s.z, 0, s.sum);
        } else {
          Competition.binary(o, p, kk, win[l], i * p * kk, s.z, 0);
        }
        pool(l, s.z, pooled[l], i * outSize[l]);
      }
    }
  }

  /** Average pooling (K16) with window = stride = pool, one image. */
  private void pool(int l, float[] z, float[] out, int off) {
    int size = config.layers().get(l).pool();
    int oh = conv[l].oh(), ow = conv[l].ow(), p = oh * ow, o = conv[l].o();
    int h2 = ph[l], w2 = pw[l];
    float inv = 1f / (size * size);
    for (int c = 0; c < o; c++) {
      int zb = c * p, ob = off + c * h2 * w2;
      for (int a = 0; a < h2; a++) {
        for (int b = 0; b < w2; b++) {
          float acc = 0f;
          for (int u = 0; u < size; u++) {
            int row = zb + (a * size + u) * ow + b * size;
            for (int v = 0; v < size; v++) {
              acc += z[row + v];
            }
          }
          out[ob + a * w2 + b] = acc * inv;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // learning

  private void countWins(int l, int n) {
    long[] cnt = batchWins[l];
    Arrays.fill(cnt, 0);
    int[] wl = win[l];
    int total = n * conv[l].positions() * kw[l];
    for (int t = 0; t < total; t++) {
      int c = wl[t];
      if (c >= 0) {
        cnt[c]++;
      }
    }
    long[] st = statWins[l];
    for (int c = 0; c < cnt.length; c++) {
      st[c] += cnt[c];
    }
    statSamples[l] += (long) n * conv[l].positions();
    // group the (image, position) pairs by winning channel, keeping their order (counting sort)
    int[] start = bucketStart[l], b = bucket[l];
    start[0] = 0;
    for (int c = 0; c < cnt.length; c++) {
      start[c + 1] = start[c] + (int) cnt[c];
    }
    int kk = kw[l];
    for (int t = 0; t < total; t++) {
      int c = wl[t];
      if (c >= 0) {
        b[start[c]++] = t / kk; // image * positions + pos
      }
    }
    for (int c = cnt.length; c > 0; c--) { // restore the starts
      start[c] = start[c - 1];
    }
    start[0] = 0;
  }

  /**
   * (H5) with the binary plasticity signal of (C2): for the channels of this task,
   * {@code dw_o = sum over the (image, position) pairs o won of the input patch there}, minus
   * {@code wins_o w_o} for instar and Oja (y^2 = y); then {@code w_o += lr dw_o}, (N2), (N1).
   * Images and positions are visited in order, so the sums do not depend on threads.
   */
  private void updateTask(int t) {
    int l = curLayer, n = curN;
    Conv2dShape cs = conv[l];
    int o = cs.o(), q = cs.patchSize(), p = cs.positions(), len = inSize[l];
    int o0 = t * CHANNELS_PER_TASK, o1 = Math.min(o, o0 + CHANNELS_PER_TASK);
    float[] d = dw[l], wl = w[l], x = in[l];
    int[] b = bucket[l], start = bucketStart[l];
    SparseConv sp = sparse[l];
    Arrays.fill(d, o0 * q, o1 * q, 0f);
    for (int c = o0; c < o1; c++) {
      for (int e = start[c]; e < start[c + 1]; e++) { // (image, position) ascending
        int i = b[e] / p, pos = b[e] - i * p;
        if (sp != null) {
          sp.addKeptPatch(c, x, i * len, pos, d, c * q);
        } else {
          float[] r = rows[l];
          int ro = b[e] * q, dOff = c * q; // the im2row row of (image, pos): its input patch
          for (int j = 0; j < q; j++) {
            d[dOff + j] += r[ro + j];
          }
        }
      }
    }
    HebbRule rule = config.rule();
    float rate = lr[l];
    for (int c = o0; c < o1; c++) {
      if (rule != HebbRule.PLAIN) {
        k.axpy(q, -(float) batchWins[l][c], wl, c * q, d, c * q);
      }
      k.axpy(q, rate, d, c * q, wl, c * q);
      applyMaskAndNormalize(l, c);
    }
  }

  private static boolean allFinite(float[] a) {
    for (float v : a) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
