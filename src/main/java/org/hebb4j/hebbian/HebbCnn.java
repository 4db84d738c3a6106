package org.hebb4j.hebbian;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.io.FormatException;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * A Hebbian convolutional network (spec/hebbcnn.md#network) with its input whitening
 * (spec/hebbcnn.md#preprocessing). An image goes through the whitening (per-image
 * standardisation (T1) and ZCA (Z1)-(Z3), once fitted with {@link #fitWhitening}), the zero
 * padding of the config, then every layer: (T1), convolution without bias (K12, im2col + GEMM),
 * k-WTA on {@code u - theta} giving the binary plasticity signal (C1)-(C2), the triangle (C3) or
 * binary output, average pooling (K16), and, when training, the Hebbian update (H5) from the
 * binary signal followed by the pruning mask (N2) and per-filter L2 normalisation (N1), then the
 * homeostatic thresholds (C4).
 *
 * <pre>{@code
 * HebbCnnConfig cfg = HebbCnnConfig.builder(1, 28, 28)  // padded to 32 x 32
 *     .paper(HebbCnnConfig.Variant.TRIANGLE).burnIn(2).build();
 * HebbCnn net = new HebbCnn(cfg, kernels, workers, new Rng(1));
 * net.fitWhitening(x, 1000);                       // raw images [1000, 1, 28, 28]
 * for (int s = 0; s < 1000; s += cfg.batch()) {
 *   net.train(x, s * 784, cfg.batch());
 * }
 * HebbCnn.Features f = net.features(x, 0, 1000);   // per-layer quadrant means, last layer
 * }</pre>
 *
 * <p>Every image argument is raw: {@code [n, C, H, W]} with the config's C, H, W. All
 * workspaces are allocated in the constructor (and by {@link #useWhitening}) for
 * {@link HebbCnnConfig#batch()} images; {@link #train} and {@link #infer} allocate nothing. Work
 * is split into tasks that depend only on the problem (groups of {@value #IMAGES_PER_TASK}
 * images for the forward pass, groups of {@value #CHANNELS_PER_TASK} output channels for the
 * update), every task writes its own memory, and every sum runs in a fixed order, so results
 * are bit-identical for any number of threads.
 *
 * <p>The state (spec/hebbcnn.md#state) is a PyTorch-style ordered map of named tensors
 * ({@link #stateDict()}); with {@link #configMetadata()} it describes the network completely,
 * and {@link #fromMetadata} plus {@link #loadStateDict} rebuild it.
 */
public final class HebbCnn {

  static final int IMAGES_PER_TASK = 4;
  static final int CHANNELS_PER_TASK = 4;
  /** Images per whitening task: enough rows to amortise packing the d x d matrix. */
  static final int IMAGES_PER_INPUT_TASK = 32;
  /** Pruned layers keeping at most this fraction use {@link SparseConv} instead of GEMM. */
  static final double SPARSE_KEEP = 0.25;
  /** The {@code format} value of {@link #configMetadata()}. */
  public static final String FORMAT = "hebb4j.hebbcnn/1";

  /**
   * Training statistics of one layer since {@link #resetStats()} (spec/hebbcnn.md#experiment,
   * training-log.csv).
   *
   * @param channels output channels O
   * @param thetaMean mean threshold
   * @param thetaMin smallest threshold
   * @param thetaMax largest threshold
   * @param targetRate the thresholds' target win rate k / O (C4)
   * @param winRateMin smallest per-channel win rate (wins / positions seen)
   * @param winRateMax largest per-channel win rate
   * @param deadChannels channels that never won
   * @param weightNormMean mean L2 norm of the filters
   * @param weightChange {@code ||w - w0|| / ||w0||} with w0 the weights at the reset
   * @param samples images x positions seen in training
   */
  public record LayerStats(int channels, double thetaMean, double thetaMin, double thetaMax,
      double targetRate, double winRateMin, double winRateMax, int deadChannels,
      double weightNormMean, double weightChange, long samples) {}

  /**
   * The features of n images that the experiment decodes (spec/hebbcnn.md#decoding).
   *
   * @param quadrants per layer, the means of every channel over the 2 x 2 quadrants of its
   *     output (Q1), {@code [n, O, min(2, PH), min(2, PW)]}
   * @param last the last layer's output, {@code [n, O, PH, PW]}
   */
  public record Features(List<Tensor> quadrants, Tensor last) {

    /**
     * Makes the list unmodifiable. See spec/hebbcnn.md#decoding.
     *
     * @param quadrants per layer, {@code [n, O, min(2, PH), min(2, PW)]}
     * @param last {@code [n, O, PH, PW]}
     */
    public Features {
      quadrants = List.copyOf(quadrants);
    }
  }

  private final HebbCnnConfig config;
  private final Kernels k;
  private final Workers workers;
  private final int capacity;
  private final HebbConvLayer[] layers;
  private final Workspace[] ws;
  private InputWorkspace[] inputWs; // allocated with the whitening
  private final int[] badLayer;     // per image: first layer with a non-finite input, 0 if none

  private Whitening whitening;      // null: images go to the padding unchanged
  private float[] input;            // whitened, padded images [batch, C, H + 2p, W + 2p] or null

  private long step;                // training batches seen
  private float[] curImages;
  private int curOff;
  private int curN;
  private int curLayer;
  private final IntConsumer inputTask = this::inputTask;
  private final IntConsumer forwardTask = this::forwardTask;
  private final IntConsumer updateTask = this::updateTask;

  /** Per-task workspaces. */
  static final class Workspace {
    final float[] uAll;
    final float[] u;
    final float[] z;
    final float[] sum;
    final float[] ext;
    final float[] pooled;

    Workspace(int uAllSize, int outSize, int positions, int extSize, int pooledSize) {
      uAll = new float[uAllSize];
      u = new float[outSize];
      z = new float[outSize];
      sum = new float[positions];
      ext = new float[extSize];
      pooled = new float[pooledSize];
    }
  }

  /** Per-task workspaces of the whitening. */
  private static final class InputWorkspace {
    final float[] xc;               // standardised, centred images [IMAGES_PER_INPUT_TASK, d]
    final float[] white;            // whitened images before padding (null when pad = 0)

    InputWorkspace(int d, boolean pad) {
      xc = new float[IMAGES_PER_INPUT_TASK * d];
      white = pad ? new float[IMAGES_PER_INPUT_TASK * d] : null;
    }
  }

  /**
   * Builds the network and draws its initial weights and pruning masks from {@code rng}: streams
   * {@code init/layerL} (weights, 0.01 N(0,1)) and {@code prune/layerL} (masks), see
   * spec/hebbcnn.md#rng. The whitening is not fitted yet: until {@link #fitWhitening} or
   * {@link #useWhitening}, images are only padded.
   *
   * @param config the architecture
   * @param k kernels
   * @param workers threads (results do not depend on their number)
   * @param rng the network's stream
   * @throws NullPointerException naming the argument when one is null
   */
  public HebbCnn(HebbCnnConfig config, Kernels k, Workers workers, Rng rng) {
    this.config = Objects.requireNonNull(config, "config");
    this.k = Objects.requireNonNull(k, "kernels");
    this.workers = Objects.requireNonNull(workers, "workers");
    Objects.requireNonNull(rng, "rng");
    this.capacity = config.batch();
    int n = config.layers().size();
    layers = new HebbConvLayer[n];
    badLayer = new int[capacity];
    int c = config.inChannels(), h = config.paddedHeight(), wd = config.paddedWidth();
    int maxUAll = 0, maxOut = 1, maxPos = 1, maxExt = 0, maxPooled = 1;
    for (int l = 0; l < n; l++) {
      HebbCnnConfig.Layer ly = config.layers().get(l);
      HebbConvLayer layer = new HebbConvLayer(l, ly, c, h, wd, capacity,
          ly.keep() <= SPARSE_KEEP, rng);
      layers[l] = layer;
      int o = ly.channels(), p = layer.conv.positions();
      maxOut = Math.max(maxOut, o * p);
      maxPos = Math.max(maxPos, p);
      maxPooled = Math.max(maxPooled, layer.outSize);
      if (layer.sparse != null) {
        maxExt = Math.max(maxExt, layer.sparse.scratchSize());
      } else {
        maxUAll = Math.max(maxUAll, Math.multiplyExact(o, IMAGES_PER_TASK * p));
      }
      c = o;
      h = layer.pooledHeight();
      wd = layer.pooledWidth();
    }
    ws = new Workspace[(capacity + IMAGES_PER_TASK - 1) / IMAGES_PER_TASK];
    for (int t = 0; t < ws.length; t++) {
      ws[t] = new Workspace(maxUAll, maxOut, maxPos, maxExt, maxPooled);
    }
    if (config.pad() > 0) {
      input = new float[Math.multiplyExact(capacity, inputSize())];
    }
  }

  // ------------------------------------------------------------------------------------------
  // configuration and whitening

  /**
   * The architecture this network was built from (spec/hebbcnn.md#network).
   *
   * @return the config
   */
  public HebbCnnConfig config() {
    return config;
  }

  /**
   * The number of Hebbian convolution layers (spec/hebbcnn.md#network).
   *
   * @return {@code config().layers().size()}
   */
  public int layers() {
    return layers.length;
  }

  /**
   * Training batches seen so far; drives the rate schedule (spec/hebbcnn.md#training).
   *
   * @return the step count, 0 for a new network
   */
  public long step() {
    return step;
  }

  /**
   * Fits the whitening on {@code n} raw images (per-image standardisation (T1), then ZCA with
   * the config's eps, spec/hebbcnn.md#zca) and uses it from now on.
   *
   * @param images raw images {@code [n, C, H, W]} (not modified)
   * @param n number of images, at least 1
   * @return the fitted whitening (to share with other networks, {@link #useWhitening})
   * @throws IllegalArgumentException when {@code images} holds fewer than n images
   * @throws ArithmeticException when an eigenvalue plus eps is not positive
   */
  public Whitening fitWhitening(float[] images, int n) {
    Whitening w = Whitening.fit(k, workers, images, n, config.imageSize(), config.zcaEps());
    useWhitening(w);
    return w;
  }

  /**
   * Uses a whitening fitted elsewhere (shared, not copied). See spec/hebbcnn.md#zca.
   *
   * @param w a whitening of dimension C H W
   * @throws IllegalArgumentException when its dimension differs
   */
  public void useWhitening(Whitening w) {
    int d = config.imageSize();
    if (w.dimension() != d) {
      throw new IllegalArgumentException("whitening of dimension " + w.dimension()
          + " for images of " + d + " values");
    }
    whitening = w;
    if (input == null) {
      input = new float[Math.multiplyExact(capacity, inputSize())];
    }
    if (inputWs == null) {
      inputWs = new InputWorkspace[(capacity + IMAGES_PER_INPUT_TASK - 1)
          / IMAGES_PER_INPUT_TASK];
      for (int t = 0; t < inputWs.length; t++) {
        inputWs[t] = new InputWorkspace(d, config.pad() > 0);
      }
    }
  }

  /**
   * The whitening in use (spec/hebbcnn.md#zca).
   *
   * @return the whitening, or null when none has been fitted, used or loaded
   */
  public Whitening whitening() {
    return whitening;
  }

  /** Values per image seen by the first layer: C (H + 2 pad) (W + 2 pad). */
  private int inputSize() {
    return config.inChannels() * config.paddedHeight() * config.paddedWidth();
  }

  // ------------------------------------------------------------------------------------------
  // training and inference

  /**
   * One training batch (spec/hebbcnn.md#training): forward pass of the {@code n} raw images at
   * {@code images[off..]} ({@code [n, C, H, W]}, {@code n <= batch}) with the current weights and
   * thresholds; then, after the burn-in, the Hebbian update of every layer; then the
   * thresholds. Allocates nothing.
   *
   * @param images raw images [n, C, H, W] at {@code off}, values as given by the data set
   * @param off index of the first image's first value in {@code images}, counted in floats: a
   *     multiple of C*H*W ({@link HebbCnnConfig#imageSize()})
   * @param n number of images, 1..batch
   * @return true when the weights were updated (the step is past the burn-in), false when only
   *     the thresholds moved
   * @throws IllegalArgumentException when n is out of range, off is not a non-negative multiple
   *     of C*H*W, or the images do not fit the array
   * @throws DivergedException when an input, weight or threshold becomes NaN or infinite
   */
  public boolean train(float[] images, int off, int n) {
    checkBatch(images, off, n);
    step++;
    forward(images, off, n);
    boolean learn = step > config.burnIn();
    for (HebbConvLayer ly : layers) {
      ly.countWins(n);
      if (learn && ly.lr > 0f) {
        curLayer = ly.index;
        workers.run((ly.channels() + CHANNELS_PER_TASK - 1) / CHANNELS_PER_TASK, updateTask);
        if (!allFinite(ly.w)) {
          throw DivergedException.at(step, "layer " + (ly.index + 1) + " weights",
              "layer " + (ly.index + 1) + " learning rate " + ly.lr + " too large");
        }
      }
      Competition.updateThresholds(ly.channels(), ly.k, config.thetaRate(), ly.batchWins,
          (long) n * ly.conv.positions(), ly.theta);
      if (!allFinite(ly.theta)) {
        throw DivergedException.at(step, "layer " + (ly.index + 1) + " thresholds",
            "theta rate " + config.thetaRate() + " too large");
      }
    }
    return learn;
  }

  /**
   * Forward pass only, with weights and thresholds frozen: nothing in the network changes.
   * Outputs are in {@link #output(int)}. Allocates nothing. See spec/hebbcnn.md#network.
   *
   * @param images raw images {@code [n, C, H, W]}
   * @param off index of the first image's first value in {@code images}, counted in floats: a
   *     multiple of C*H*W ({@link HebbCnnConfig#imageSize()})
   * @param n number of images, 1..batch
   * @throws IllegalArgumentException when n is out of range, off is not a non-negative multiple
   *     of C*H*W, or the images do not fit the array
   * @throws DivergedException when an input is NaN or infinite
   */
  public void infer(float[] images, int off, int n) {
    checkBatch(images, off, n);
    forward(images, off, n);
  }

  /**
   * The features of any number of raw images, computed with the frozen network in consecutive
   * batches of {@link HebbCnnConfig#batch()} (spec/hebbcnn.md#decoding): per layer the 2 x 2
   * quadrant means (Q1), and the last layer's output.
   *
   * @param images raw images {@code [n, C, H, W]}
   * @param off index of the first image's first value in {@code images}, counted in floats: a
   *     multiple of C*H*W ({@link HebbCnnConfig#imageSize()})
   * @param n number of images, at least 1 (more than a batch is computed batch by batch)
   * @return the features (new arrays)
   * @throws IllegalArgumentException when n is below 1, off is not a non-negative multiple of
   *     C*H*W, or the images do not fit the array
   */
  public Features features(float[] images, int off, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("features: n must be at least 1, got " + n);
    }
    checkImages("features", images, off, n);
    int d = config.imageSize();
    int nl = layers.length;
    float[][] quad = new float[nl][];
    int[] qdim = new int[nl];
    for (int l = 0; l < nl; l++) {
      HebbConvLayer ly = layers[l];
      qdim[l] = ly.channels() * Math.min(2, ly.pooledHeight()) * Math.min(2, ly.pooledWidth());
      quad[l] = new float[Math.multiplyExact(n, qdim[l])];
    }
    HebbConvLayer lastLayer = layers[nl - 1];
    float[] last = new float[Math.multiplyExact(n, lastLayer.outSize)];
    for (int s0 = 0; s0 < n; s0 += capacity) {
      int m = Math.min(capacity, n - s0);
      infer(images, off + s0 * d, m);
      for (int l = 0; l < nl; l++) {
        HebbConvLayer ly = layers[l];
        for (int i = 0; i < m; i++) {
          quadrants(ly.pooled, i * ly.outSize, ly.channels(), ly.pooledHeight(),
              ly.pooledWidth(), quad[l], (s0 + i) * qdim[l]);
        }
      }
      System.arraycopy(lastLayer.pooled, 0, last, s0 * lastLayer.outSize, m * lastLayer.outSize);
    }
    List<Tensor> qs = new ArrayList<>();
    for (int l = 0; l < nl; l++) {
      HebbConvLayer ly = layers[l];
      qs.add(Tensor.of(quad[l], n, ly.channels(), Math.min(2, ly.pooledHeight()),
          Math.min(2, ly.pooledWidth())));
    }
    return new Features(qs, Tensor.of(last, n, lastLayer.channels(), lastLayer.pooledHeight(),
        lastLayer.pooledWidth()));
  }

  /**
   * (Q1) Means of each channel over the 2 x 2 quadrants of its h x w map: rows
   * [floor(a h / 2), ceil((a + 1) h / 2)) for a = 0, 1 (the middle row of an odd map belongs to
   * both), likewise columns; an axis of size 1 has one range. Feature index (ch * qa + a) * qb + b.
   */
  static void quadrants(float[] map, int off, int ch, int h, int w, float[] dst, int dOff) {
    int qa = Math.min(2, h), qb = Math.min(2, w);
    int t = dOff;
    for (int c = 0; c < ch; c++) {
      int base = off + c * h * w;
      for (int a = 0; a < qa; a++) {
        int r0 = qa == 1 ? 0 : (a * h) / 2, r1 = qa == 1 ? h : ((a + 1) * h + 1) / 2;
        for (int bq = 0; bq < qb; bq++) {
          int c0 = qb == 1 ? 0 : (bq * w) / 2, c1 = qb == 1 ? w : ((bq + 1) * w + 1) / 2;
          float s = 0f;
          for (int r = r0; r < r1; r++) {
            for (int cc = c0; cc < c1; cc++) {
              s += map[base + r * w + cc];
            }
          }
          dst[t++] = s / ((r1 - r0) * (c1 - c0));
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // views of the layers

  /**
   * Layer l's pooled output for the last batch (spec/hebbcnn.md#network).
   *
   * @param l layer, 0-based
   * @return layer l's pooled output for the last batch, [batch, O, PH, PW] (first n images
   *     valid); live
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public float[] output(int l) {
    return layer(l).pooled;
  }

  /**
   * Layer l's standardised input for the last batch (spec/hebbcnn.md#network).
   *
   * @param l layer, 0-based
   * @return layer l's standardised input for the last batch, [batch, C, H, W]; live
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public float[] input(int l) {
    return layer(l).in;
  }

  /**
   * The convolution geometry of layer l (spec/kernels.md#conv2d).
   *
   * @param l layer, 0-based
   * @return the geometry of layer l's convolution for one image
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public Conv2dShape convShape(int l) {
    return layer(l).conv;
  }

  /**
   * The shape of layer l's pooled output for one image (spec/hebbcnn.md#network).
   *
   * @param l layer, 0-based
   * @return {O, PH, PW} of layer l's pooled output
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public int[] outputShape(int l) {
    HebbConvLayer ly = layer(l);
    return new int[] {ly.channels(), ly.pooledHeight(), ly.pooledWidth()};
  }

  /**
   * The shape of one filter of layer l (spec/hebbcnn.md#network).
   *
   * @param l layer, 0-based
   * @return {C, KH, KW} of one filter of layer l
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public int[] filterShape(int l) {
    Conv2dShape s = layer(l).conv;
    return new int[] {s.c(), s.kh(), s.kw()};
  }

  /**
   * The weights of layer l, as PyTorch's Conv2d weight (spec/hebbcnn.md#state).
   *
   * @param l layer, 0-based
   * @return the weights of layer l, [O, C, KH, KW]; live, not copied
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public float[] weights(int l) {
    return layer(l).w;
  }

  /**
   * The pruning mask of layer l (spec/hebbcnn.md#training).
   *
   * @param l layer, 0-based
   * @return the pruning mask of layer l (1 kept, 0 pruned), or null when nothing is pruned
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public float[] mask(int l) {
    return layer(l).mask;
  }

  /**
   * The adaptive thresholds of layer l (spec/hebbian-rules.md#thresholds).
   *
   * @param l layer, 0-based
   * @return the thresholds of layer l, [O]; live, not copied
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public float[] thresholds(int l) {
    return layer(l).theta;
  }

  /**
   * The k-winners-take-all winners of layer l for the last batch (spec/hebbian-rules.md#kwta).
   *
   * @param l layer, 0-based
   * @return winner indices of layer l for the last batch, [batch, positions, k] (-1: none)
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public int[] winners(int l) {
    return layer(l).win;
  }

  /**
   * The square field of input pixels that one position of a layer's convolution sees
   * (spec/hebbcnn.md#network): position (r, c) of layer l's convolution output (before its
   * pooling) sees the raw image's rows {@code start + r jump .. start + r jump + size - 1} and
   * the same columns; rows and columns outside the image (the config's zero padding, or a
   * layer's own padding) are zeros.
   *
   * @param size the side of the field, input pixels
   * @param jump input pixels between neighbouring positions
   * @param start the raw image row (and column) where position (0, 0)'s field begins; negative
   *     in the padding
   */
  public record ReceptiveField(int size, int jump, int start) {}

  /**
   * The receptive field of layer l in the raw image (spec/hebbcnn.md#network): composed from
   * the config's padding, every lower layer's kernel, stride, padding and pooling, and layer l's
   * kernel, stride and padding.
   *
   * @param l layer, 0-based
   * @return its receptive field
   * @throws IllegalArgumentException if {@code l} is not in {@code [0, layers())}
   */
  public ReceptiveField receptiveField(int l) {
    layer(l);
    long size = 1, jump = 1, start = -config.pad();
    for (int m = 0; m <= l; m++) {
      HebbCnnConfig.Layer ly = config.layers().get(m);
      start -= ly.padding() * jump;
      size += (ly.kernel() - 1) * jump;
      jump *= ly.stride();
      if (m < l) {
        size += (ly.pool() - 1) * jump;
        jump *= ly.pool();
      }
    }
    return new ReceptiveField(Math.toIntExact(size), Math.toIntExact(jump),
        Math.toIntExact(start));
  }

  /**
   * What each filter of a layer responds to in input space: per filter, the mean of the raw
   * input patches (its {@link ReceptiveField}) at the (image, position) pairs where the filter
   * is one of the k-WTA winners (C1) of the frozen network. Patches are taken from the images as
   * given (before standardisation and whitening), zero outside the image.
   *
   * @param l layer, 0-based
   * @param images raw images {@code [n, C, H, W]}
   * @param off index of the first image's first value in {@code images}, counted in floats: a
   *     multiple of C*H*W ({@link HebbCnnConfig#imageSize()})
   * @param n number of images, at least 1 (computed batch by batch)
   * @return the mean patches {@code [O, C, size, size]} (zeros for a filter that never won), the
   *     wins per filter and the field
   * @throws IllegalArgumentException if {@code l} is out of range, n is below 1, off is not a
   *     non-negative multiple of C*H*W, or the images do not fit the array
   */
  public WinningPatches winningPatches(int l, float[] images, int off, int n) {
    HebbConvLayer ly = layer(l);
    if (n < 1) {
      throw new IllegalArgumentException("winningPatches: n must be at least 1, got " + n);
    }
    checkImages("winningPatches", images, off, n);
    ReceptiveField rf = receptiveField(l);
    int c = config.inChannels(), h = config.height(), wd = config.width(), d = config.imageSize();
    int o = ly.channels(), r = rf.size(), q = Math.multiplyExact(c, r * r);
    int ow = ly.conv.ow(), p = ly.conv.positions(), kw = ly.k;
    double[] sum = new double[Math.multiplyExact(o, q)];
    long[] wins = new long[o];
    for (int s0 = 0; s0 < n; s0 += capacity) {
      int m = Math.min(capacity, n - s0);
      infer(images, off + s0 * d, m);
      for (int i = 0; i < m; i++) {
        int img = off + (s0 + i) * d;
        for (int pos = 0; pos < p; pos++) {
          int y0 = rf.start() + (pos / ow) * rf.jump(), x0 = rf.start() + (pos % ow) * rf.jump();
          for (int j = 0; j < kw; j++) {
            int f = ly.win[(i * p + pos) * kw + j];
            if (f < 0) {
              continue;
            }
            wins[f]++;
            for (int ch = 0; ch < c; ch++) {
              for (int u = 0; u < r; u++) {
                int y = y0 + u;
                if (y < 0 || y >= h) {
                  continue;
                }
                int src = img + (ch * h + y) * wd, dst = f * q + (ch * r + u) * r;
                for (int v = Math.max(0, -x0); v < r && x0 + v < wd; v++) {
                  sum[dst + v] += images[src + x0 + v];
                }
              }
            }
          }
        }
      }
    }
    float[] mean = new float[sum.length];
    for (int f = 0; f < o; f++) {
      for (int t = 0; t < q; t++) {
        mean[f * q + t] = wins[f] == 0 ? 0f : (float) (sum[f * q + t] / wins[f]);
      }
    }
    return new WinningPatches(Tensor.of(mean, o, c, r, r), wins, rf);
  }

  /**
   * The result of {@link #winningPatches}.
   *
   * @param mean per filter the mean winning input patch, {@code [O, C, size, size]}
   * @param wins per filter the number of (image, position) pairs it won, {@code [O]}
   * @param field the receptive field the patches cover
   */
  public record WinningPatches(Tensor mean, long[] wins, ReceptiveField field) {}

  /**
   * Puts the training state (spec/io.md#checkpoints): per layer {@code layers.L.} weight, theta,
   * mask (pruned layers), w0 (the weights at the last {@link #resetStats}), wins and samples (the
   * statistics since then), and {@code step}. The whitening is not part of it.
   *
   * @param s the state to fill
   */
  public void saveState(Checkpoint.State s) {
    for (HebbConvLayer ly : layers) {
      ly.saveState(s, "layers." + ly.index + ".");
    }
    s.putLong("step", step);
  }

  /**
   * Restores a state put by {@link #saveState} into this network of the same configuration:
   * training then continues exactly as it would have.
   *
   * @param s the state
   * @throws IllegalArgumentException naming a missing array or one of the wrong length
   */
  public void loadState(Checkpoint.State s) {
    long st = s.getLong("step");
    for (HebbConvLayer ly : layers) {
      ly.loadState(s, "layers." + ly.index + ".");
    }
    step = st;
  }

  /**
   * Restarts the statistics of {@link #stats()}: wins, positions seen, reference weights.
   * See spec/hebbcnn.md#training.
   */
  public void resetStats() {
    for (HebbConvLayer ly : layers) {
      ly.resetStats();
    }
  }

  /**
   * Statistics of every layer over the training batches since {@link #resetStats()} (or the
   * construction). See spec/hebbcnn.md#training.
   *
   * @return one record per layer
   */
  public List<LayerStats> stats() {
    List<LayerStats> r = new ArrayList<>();
    for (HebbConvLayer ly : layers) {
      r.add(ly.stats());
    }
    return Collections.unmodifiableList(r);
  }

  // ------------------------------------------------------------------------------------------
  // state (spec/hebbcnn.md#state)

  /**
   * The learned parameters, named as in a PyTorch {@code state_dict} of the same network:
   * {@code layers.L.weight [O, C, KH, KW]}. The tensors wrap the live arrays (not copied).
   * See spec/hebbcnn.md#state.
   *
   * @return name to tensor, in layer order
   */
  public Map<String, Tensor> parameters() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (HebbConvLayer ly : layers) {
      m.put("layers." + ly.index + ".weight", weightTensor(ly, ly.w));
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * The buffers (state that is not a learned parameter): {@code whitening.mean [d]} and
   * {@code whitening.weight [d, d]} when a whitening is in use, {@code layers.L.theta [O]}, and
   * {@code layers.L.mask [O, C, KH, KW]} for pruned layers. Live views. See spec/hebbcnn.md#state.
   *
   * @return name to tensor
   */
  public Map<String, Tensor> buffers() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
      if (!e.getKey().endsWith(".weight") || e.getKey().startsWith("whitening.")) {
        m.put(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Parameters and buffers in the order of spec/hebbcnn.md#state: {@code whitening.mean},
   * {@code whitening.weight} (when a whitening is in use), then per layer {@code layers.L.weight},
   * {@code layers.L.theta}, {@code layers.L.mask} (pruned layers only). Live views.
   *
   * @return name to tensor
   */
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    if (whitening != null) {
      int d = whitening.dimension();
      m.put("whitening.mean", Tensor.of(whitening.mean(), d));
      m.put("whitening.weight", Tensor.of(whitening.matrix(), d, d));
    }
    for (HebbConvLayer ly : layers) {
      String p = "layers." + ly.index + ".";
      m.put(p + "weight", weightTensor(ly, ly.w));
      m.put(p + "theta", Tensor.of(ly.theta, ly.channels()));
      if (ly.mask != null) {
        m.put(p + "mask", weightTensor(ly, ly.mask));
      }
    }
    return Collections.unmodifiableMap(m);
  }

  private static Tensor weightTensor(HebbConvLayer ly, float[] a) {
    Conv2dShape s = ly.conv;
    return Tensor.of(a, s.o(), s.c(), s.kh(), s.kw());
  }

  /**
   * Copies a state into the network. Every name of {@link #stateDict()} must be present with its
   * shape, and no other name; values must be finite, masks 0 or 1, and weights 0 where their
   * mask is 0. Nothing is changed when a check fails. See spec/hebbcnn.md#state.
   *
   * @param state name to tensor (e.g. read from a safetensors file)
   * @throws IllegalArgumentException naming the first missing, unexpected or wrong tensor
   */
  public void loadStateDict(Map<String, Tensor> state) {
    Map<String, Tensor> own = stateDict();
    for (String name : state.keySet()) {
      if (!own.containsKey(name)) {
        throw new IllegalArgumentException("state dict: unexpected tensor '" + name
            + "' (expected " + String.join(", ", own.keySet()) + ")");
      }
    }
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      String name = e.getKey();
      Tensor t = state.get(name);
      if (t == null) {
        throw new IllegalArgumentException("state dict: missing tensor '" + name + "'");
      }
      if (!Arrays.equals(t.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException("state dict: tensor '" + name + "' has shape "
            + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue().shape()));
      }
      float[] v = t.data();
      for (int i = 0; i < t.size(); i++) {
        if (!Float.isFinite(v[i])) {
          throw new IllegalArgumentException("state dict: tensor '" + name
              + "' holds a non-finite value at index " + i);
        }
        if (name.endsWith(".mask") && v[i] != 0f && v[i] != 1f) {
          throw new IllegalArgumentException("state dict: tensor '" + name + "' holds " + v[i]
              + " at index " + i + " (a mask holds 0 or 1)");
        }
      }
    }
    for (HebbConvLayer ly : layers) {
      String p = "layers." + ly.index + ".";
      Tensor m = state.get(p + "mask");
      if (m != null) {
        float[] w = state.get(p + "weight").data(), mv = m.data();
        for (int i = 0; i < ly.w.length; i++) {
          if (mv[i] == 0f && w[i] != 0f) {
            throw new IllegalArgumentException("state dict: tensor '" + p + "weight' is " + w[i]
                + " at index " + i + " where '" + p + "mask' is 0");
          }
        }
      }
    }
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      Tensor t = state.get(e.getKey());
      System.arraycopy(t.data(), 0, e.getValue().data(), 0, t.size());
    }
    for (HebbConvLayer ly : layers) {
      if (ly.sparse != null) {
        ly.sparse = new SparseConv(ly.conv, ly.mask);
      }
      System.arraycopy(ly.w, 0, ly.w0, 0, ly.w.length);
    }
  }

  /**
   * The configuration, the training step and whether a whitening is in use, as strings for a
   * safetensors {@code __metadata__} (spec/hebbcnn.md#state): {@code format} =
   * {@value #FORMAT}, {@code in_channels}, {@code height}, {@code width}, {@code pad},
   * {@code layers} (count), per layer {@code layers.L.channels}, {@code .kernel},
   * {@code .stride}, {@code .padding}, {@code .k}, {@code .lr}, {@code .keep}, {@code .pool};
   * {@code rule}, {@code theta_rate}, {@code triangle}, {@code burn_in}, {@code batch},
   * {@code zca_eps}, {@code whitening} ({@code zca} or {@code none}), {@code step}. Numbers are
   * written so that they parse back to the same value.
   *
   * @return key to value, in that order
   */
  public Map<String, String> configMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("in_channels", String.valueOf(config.inChannels()));
    m.put("height", String.valueOf(config.height()));
    m.put("width", String.valueOf(config.width()));
    m.put("pad", String.valueOf(config.pad()));
    m.put("layers", String.valueOf(layers.length));
    for (int l = 0; l < layers.length; l++) {
      HebbCnnConfig.Layer ly = config.layers().get(l);
      String p = "layers." + l + ".";
      m.put(p + "channels", String.valueOf(ly.channels()));
      m.put(p + "kernel", String.valueOf(ly.kernel()));
      m.put(p + "stride", String.valueOf(ly.stride()));
      m.put(p + "padding", String.valueOf(ly.padding()));
      m.put(p + "k", String.valueOf(ly.k()));
      m.put(p + "lr", String.valueOf(ly.lr()));
      m.put(p + "keep", String.valueOf(ly.keep()));
      m.put(p + "pool", String.valueOf(ly.pool()));
    }
    m.put("rule", config.rule().id());
    m.put("theta_rate", String.valueOf(config.thetaRate()));
    m.put("triangle", String.valueOf(config.triangle()));
    m.put("burn_in", String.valueOf(config.burnIn()));
    m.put("batch", String.valueOf(config.batch()));
    m.put("zca_eps", String.valueOf(config.zcaEps()));
    m.put("whitening", whitening != null ? "zca" : "none");
    m.put("step", String.valueOf(step));
    return Collections.unmodifiableMap(m);
  }

  /**
   * A network with the configuration of {@link #configMetadata()}, ready for
   * {@link #loadStateDict}: its weights, thresholds, masks (and whitening, when the metadata
   * says {@code zca}) are placeholders until the state is loaded. Keys other than those listed
   * are ignored. See spec/hebbcnn.md#state.
   *
   * @param metadata key to value
   * @param k kernels
   * @param workers threads
   * @return the network, its step restored
   * @throws IllegalArgumentException naming a missing or malformed key, or an impossible setting
   * @throws NullPointerException naming the argument when k or workers is null
   */
  public static HebbCnn fromMetadata(Map<String, String> metadata, Kernels k, Workers workers) {
    Objects.requireNonNull(k, "kernels");
    Objects.requireNonNull(workers, "workers");
    Meta m = new Meta(metadata);
    String format = m.get("format");
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("metadata: format '" + format + "' is not " + FORMAT);
    }
    HebbCnnConfig cfg;
    try {
      HebbCnnConfig.Builder b = HebbCnnConfig.builder(m.integer("in_channels"),
          m.integer("height"), m.integer("width"));
      int n = m.integer("layers");
      if (n < 1 || n > 1000) {
        throw new IllegalArgumentException("metadata: layers must be in [1, 1000], got " + n);
      }
      for (int l = 0; l < n; l++) {
        String p = "layers." + l + ".";
        b.layer(new HebbCnnConfig.Layer(m.integer(p + "channels"), m.integer(p + "kernel"),
            m.integer(p + "stride"), m.integer(p + "padding"), m.integer(p + "k"),
            m.number(p + "lr"), m.number(p + "keep"), m.integer(p + "pool")));
      }
      cfg = b.pad(m.integer("pad")).rule(m.rule("rule")).thetaRate(m.number("theta_rate"))
          .triangle(m.bool("triangle")).burnIn(m.integer("burn_in")).batch(m.integer("batch"))
          .zcaEps(m.number("zca_eps")).build();
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith("metadata: ") ? e
          : new IllegalArgumentException("metadata: " + e.getMessage());
    }
    String white = m.get("whitening");
    if (!white.equals("zca") && !white.equals("none")) {
      throw new IllegalArgumentException("metadata: whitening must be zca or none, got '" + white
          + "'");
    }
    long step = m.longInteger("step");
    checkMemory(cfg, white.equals("zca"));
    HebbCnn net;
    try {
      net = new HebbCnn(cfg, k, workers, new Rng(0));
    } catch (ArithmeticException e) { // a size overflowed int
      throw new IllegalArgumentException("metadata: the network is too large for Java arrays");
    }
    if (white.equals("zca")) {
      net.useWhitening(Whitening.zeros(cfg.imageSize()));
    }
    net.step = step;
    return net;
  }

  /**
   * Writes the network to a safetensors file: {@link #stateDict()} as F32 tensors and
   * {@link #configMetadata()} as the header's {@code __metadata__} (spec/hebbcnn.md#state,
   * spec/io.md#safetensors). The file is written under a temporary name and renamed into place.
   *
   * @param file the file to write (replaced if it exists)
   * @throws IOException when the file cannot be written
   */
  public void save(Path file) throws IOException {
    SafeTensors.write(file, stateDict(), configMetadata());
  }

  /**
   * Reads a network written by {@link #save}: {@link #fromMetadata} and {@link #loadStateDict}
   * on the file's contents. The loaded network computes the same features, bit for bit, on the
   * same kernels. See spec/hebbcnn.md#state.
   *
   * @param file a safetensors file written by {@link #save} (or by any writer using the same names)
   * @param k kernels
   * @param workers threads
   * @return the network, its step restored
   * @throws FormatException when the file is not valid safetensors, or its metadata or tensors do
   *     not describe a Hebbian CNN (one line naming the file and the fault)
   * @throws IOException when the file cannot be read
   * @throws NullPointerException naming the argument when one is null
   */
  public static HebbCnn load(Path file, Kernels k, Workers workers) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(k, "kernels");
    Objects.requireNonNull(workers, "workers");
    SafeTensors.Contents c = SafeTensors.read(file);
    try {
      HebbCnn net = fromMetadata(c.metadata(), k, workers);
      net.loadStateDict(c.tensors());
      return net;
    } catch (IllegalArgumentException e) {
      throw new FormatException(file + ": " + e.getMessage());
    }
  }

  /**
   * Refuses metadata describing a network whose inputs, weights (with their update and reference
   * copies) and whitening alone exceed the heap, before anything is allocated.
   */
  private static void checkMemory(HebbCnnConfig cfg, boolean whiten) {
    double floats = (double) cfg.batch() * cfg.inChannels() * cfg.paddedHeight()
        * cfg.paddedWidth();
    if (whiten) {
      floats += (double) cfg.imageSize() * cfg.imageSize();
    }
    int c = cfg.inChannels(), h = cfg.paddedHeight(), w = cfg.paddedWidth();
    for (HebbCnnConfig.Layer ly : cfg.layers()) {
      floats += 3.0 * ly.channels() * c * ly.kernel() * ly.kernel();
      int oh = (h + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
      int ow = (w + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
      floats += (double) cfg.batch() * ly.channels() * oh * ow;
      c = ly.channels();
      h = oh / ly.pool();
      w = ow / ly.pool();
    }
    long heap = Runtime.getRuntime().maxMemory();
    if (4 * floats > heap) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "metadata: the network needs "
          + "at least %.0f MB, more than the %d MB heap", 4 * floats / 1e6, heap / 1_000_000));
    }
  }

  /** Reads typed values from metadata with one-line errors naming the key. */
  private record Meta(Map<String, String> m) {

    String get(String key) {
      String v = m.get(key);
      if (v == null) {
        throw new IllegalArgumentException("metadata: missing key '" + key + "'");
      }
      return v;
    }

    private IllegalArgumentException bad(String key, String what) {
      return new IllegalArgumentException("metadata: '" + key + "' = '" + get(key)
          + "' is not " + what);
    }

    int integer(String key) {
      try {
        return Integer.parseInt(get(key));
      } catch (NumberFormatException e) {
        throw bad(key, "an integer");
      }
    }

    long longInteger(String key) {
      try {
        long v = Long.parseLong(get(key));
        if (v < 0) {
          throw bad(key, "a count >= 0");
        }
        return v;
      } catch (NumberFormatException e) {
        throw bad(key, "an integer");
      }
    }

    double number(String key) {
      try {
        return Double.parseDouble(get(key));
      } catch (NumberFormatException e) {
        throw bad(key, "a number");
      }
    }

    boolean bool(String key) {
      String v = get(key).toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw bad(key, "true or false");
      }
      return v.equals("true");
    }

    HebbRule rule(String key) {
      try {
        return HebbRule.parse(get(key));
      } catch (IllegalArgumentException e) {
        throw bad(key, "plain, instar or oja");
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // forward

  /** Layer l, or a one-line IllegalArgumentException "layer 7 out of range [0, 3)". */
  private HebbConvLayer layer(int l) {
    if (l < 0 || l >= layers.length) {
      throw new IllegalArgumentException("layer " + l + " out of range [0, " + layers.length
          + ")");
    }
    return layers[l];
  }

  /** n images of imageSize() values from float off of images, off a multiple of imageSize(). */
  private void checkImages(String what, float[] images, int off, int n) {
    Objects.requireNonNull(images, "images");
    int d = config.imageSize();
    if (off < 0 || off % d != 0) {
      throw new IllegalArgumentException(what + ": offset " + off + " is not a non-negative"
          + " multiple of the image size " + d + " (C*H*W)");
    }
    if ((long) off + (long) n * d > images.length) {
      throw new IllegalArgumentException(what + ": " + n + " images of " + d
          + " values at offset " + off + " do not fit an array of " + images.length);
    }
  }

  private void checkBatch(float[] images, int off, int n) {
    if (n < 1 || n > capacity) {
      throw new IllegalArgumentException("batch of " + n + " images; the network holds 1.."
          + capacity);
    }
    checkImages("images", images, off, n);
  }

  private void forward(float[] images, int off, int n) {
    curImages = images;
    curOff = off;
    curN = n;
    Arrays.fill(badLayer, 0, n, 0);
    if (input != null) {
      workers.run((n + IMAGES_PER_INPUT_TASK - 1) / IMAGES_PER_INPUT_TASK, inputTask);
    }
    workers.run((n + IMAGES_PER_TASK - 1) / IMAGES_PER_TASK, forwardTask);
    curImages = null;
    for (int i = 0; i < n; i++) {
      if (badLayer[i] != 0) {
        throw DivergedException.at(step, "layer " + badLayer[i] + " input (image " + i
            + " of the batch)", badLayer[i] == 1 ? "a non-finite pixel in the image"
            : "layer " + (badLayer[i] - 1) + " output; its learning rate "
            + layers[badLayer[i] - 2].lr + " may be too large");
      }
    }
  }

  /** The images of task t, layer after layer (one GEMM per layer for all of them). */
  private void forwardTask(int t) {
    Workspace s = ws[t];
    int i0 = t * IMAGES_PER_TASK, i1 = Math.min(curN, i0 + IMAGES_PER_TASK);
    float[] src = input != null ? input : curImages;
    int srcOff = input != null ? 0 : curOff;
    for (HebbConvLayer ly : layers) {
      ly.forward(k, src, srcOff, i0, i1, s, config.triangle(), badLayer);
      src = ly.pooled;
      srcOff = 0;
    }
  }

  /**
   * Whitens (when a whitening is in use) and pads images of task t (groups of
   * {@value #IMAGES_PER_INPUT_TASK}, one GEMM each) into {@link #input}.
   */
  private void inputTask(int t) {
    int i0 = t * IMAGES_PER_INPUT_TASK, i1 = Math.min(curN, i0 + IMAGES_PER_INPUT_TASK);
    int d = config.imageSize(), len = inputSize(), p = config.pad(), m = i1 - i0;
    float[] src = curImages;
    int srcOff = curOff + i0 * d;
    if (whitening != null) {
      InputWorkspace s = inputWs[t];
      if (p == 0) {
        whitening.apply(k, curImages, srcOff, m, s.xc, input, i0 * len);
        return;
      }
      whitening.apply(k, curImages, srcOff, m, s.xc, s.white, 0);
      src = s.white;
      srcOff = 0;
    }
    int c = config.inChannels(), h = config.height(), w = config.width();
    int hp = config.paddedHeight(), wp = config.paddedWidth();
    for (int i = 0; i < m; i++) {
      for (int ch = 0; ch < c; ch++) {
        for (int r = 0; r < h; r++) {
          System.arraycopy(src, srcOff + i * d + (ch * h + r) * w, input,
              (i0 + i) * len + (ch * hp + r + p) * wp + p, w);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // learning

  /** (H5), (N2), (N1) for the channels of task t of the current layer. */
  private void updateTask(int t) {
    HebbConvLayer ly = layers[curLayer];
    int o0 = t * CHANNELS_PER_TASK, o1 = Math.min(ly.channels(), o0 + CHANNELS_PER_TASK);
    ly.update(k, config.rule(), o0, o1);
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
