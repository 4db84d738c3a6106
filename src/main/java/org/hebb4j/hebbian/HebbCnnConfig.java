package org.hebb4j.hebbian;

import java.util.ArrayList;
import java.util.List;
import org.hebb4j.util.Named;

/**
 * Architecture and learning settings of a Hebbian CNN (spec/hebbcnn.md#network). Every field is
 * validated on construction; an impossible setting is an {@link IllegalArgumentException} with a
 * one-line message naming it (the CLI turns it into a usage error). Build one with
 * {@link #builder(int, int, int)} or take the paper's network from {@link #paper}.
 *
 * @param inChannels channels C of the raw input images
 * @param height height H of the raw input images
 * @param width width W of the raw input images
 * @param pad zero padding added around each whitened image (spec/hebbcnn.md#pad); the first
 *     layer sees C x (H + 2 pad) x (W + 2 pad)
 * @param layers the convolutional layers, input to output
 * @param rule the plasticity rule (instar in the paper; with the binary signal Oja = instar)
 * @param thetaRate homeostatic threshold rate (C4)
 * @param triangle pass the triangle activation (C3) to the next layer instead of the binary y
 * @param burnIn number of first training batches without weight updates (thresholds adapt)
 * @param batch batch size (the network's workspaces are sized for it)
 * @param zcaEps eps added to the covariance eigenvalues by the ZCA whitening (Z3)
 */
public record HebbCnnConfig(int inChannels, int height, int width, int pad, List<Layer> layers,
    HebbRule rule, double thetaRate, boolean triangle, int burnIn, int batch, double zcaEps) {

  /** Paper defaults (spec/hebbcnn.md#defaults). */
  public static final int[] PAPER_CHANNELS = {100, 196, 400};
  /** Paper kernel sizes per layer. */
  public static final int[] PAPER_KERNELS = {5, 3, 3};
  /** Paper learning rates per layer. */
  public static final double[] PAPER_LR = {1e-4, 1e-4, 1e-3};
  /** Kept fraction of layers 2+ in the pruning variants. */
  public static final double PAPER_PRUNE_KEEP = 0.01;
  /** Homeostatic threshold rate (C4). */
  public static final double PAPER_THETA_RATE = 3.0;
  /** Batches without weight updates at the start of training. */
  public static final int PAPER_BURN_IN = 200;
  /** Batch size. */
  public static final int PAPER_BATCH = 100;
  /** ZCA eps (Z3). */
  public static final double PAPER_ZCA_EPS = 1e-3;

  /**
   * The four networks of the paper's experiment (spec/hebbcnn.md#experiment): the binary or the
   * triangle output (C2)/(C3), with or without pruning layers 2+ to 1% of their weights (N2).
   */
  public enum Variant implements Named {
    /** Binary output, no pruning. */
    PLAIN("plain", false, false),
    /** Triangle output, no pruning. */
    TRIANGLE("triangle", true, false),
    /** Binary output, layers 2+ pruned. */
    PRUNING("pruning", false, true),
    /** Triangle output, layers 2+ pruned. */
    TRIANGLE_PRUNING("triangle+pruning", true, true);

    private final String id;
    private final boolean triangle;
    private final boolean pruning;

    Variant(String id, boolean triangle, boolean pruning) {
      this.id = id;
      this.triangle = triangle;
      this.pruning = pruning;
    }

    /**
     * The variant's name in options and output files. See spec/hebbcnn.md#experiment.
     *
     * @return e.g. "triangle+pruning"
     */
    @Override
    public String id() {
      return id;
    }

    /**
     * Whether the next layer sees the triangle activation (spec/hebbian-rules.md#triangle).
     *
     * @return true for (C3), false for the binary output (C2)
     */
    public boolean triangle() {
      return triangle;
    }

    /**
     * Whether layers 2+ keep only {@link #PAPER_PRUNE_KEEP} of their weights (N2,
     * spec/hebbcnn.md#network).
     *
     * @return true for the pruning variants
     */
    public boolean pruning() {
      return pruning;
    }

    /**
     * Parses an {@link #id()}. See spec/hebbcnn.md#experiment.
     *
     * @param s "plain", "triangle", "pruning" or "triangle+pruning"
     * @return the variant
     * @throws IllegalArgumentException for any other string
     */
    public static Variant parse(String s) {
      return Named.parse(Variant.class, "variant", s);
    }
  }

  /**
   * One convolutional layer; start from {@link #of(int, int)} and change fields with the
   * {@code with...} methods.
   *
   * @param channels output channels O
   * @param kernel square kernel size
   * @param stride convolution stride
   * @param padding zero padding
   * @param k winners per position (k-WTA), {@code 1 <= k <= channels}
   * @param lr learning rate (>= 0; the update is a sum over the batch and positions)
   * @param keep fraction of weights kept by the fixed random pruning mask, in (0, 1]
   * @param pool average-pooling window (stride = window), 1 = no pooling
   */
  public record Layer(int channels, int kernel, int stride, int padding, int k, double lr,
      double keep, int pool) {

    /**
     * Validates every field (one-line {@link IllegalArgumentException}).
     * See spec/hebbcnn.md#network.
     *
     * @param channels output channels O
     * @param kernel square kernel size
     * @param stride convolution stride
     * @param padding zero padding
     * @param k winners per position, {@code 1 <= k <= channels}
     * @param lr learning rate, finite and {@code >= 0}
     * @param keep kept fraction, in (0, 1]
     * @param pool average-pooling window
     * @throws IllegalArgumentException if channels, kernel, stride or pool is &lt; 1, padding
     *     &lt; 0, k is outside [1, channels], lr is negative or not finite, or keep is outside
     *     (0, 1]; the message names the field
     */
    public Layer {
      if (channels < 1) {
        throw new IllegalArgumentException("channels must be at least 1, got " + channels);
      }
      if (kernel < 1) {
        throw new IllegalArgumentException("kernel size must be at least 1, got " + kernel);
      }
      if (stride < 1 || padding < 0) {
        throw new IllegalArgumentException("stride must be >= 1 and padding >= 0");
      }
      if (k < 1 || k > channels) {
        throw new IllegalArgumentException("k = " + k + " winners is impossible with " + channels
            + " channels (need 1 <= k <= channels)");
      }
      if (!(lr >= 0) || !Double.isFinite(lr)) {
        throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
      }
      if (!(keep > 0 && keep <= 1)) {
        throw new IllegalArgumentException("keep fraction must be in (0, 1], got " + keep);
      }
      if (pool < 1) {
        throw new IllegalArgumentException("pool size must be at least 1, got " + pool);
      }
    }

    /**
     * A layer as in the paper: stride 1, no padding, k = 1, lr 1e-4, nothing pruned, 2 x 2
     * pooling. See spec/hebbcnn.md#network.
     *
     * @param channels output channels O
     * @param kernel square kernel size
     * @return the layer
     */
    public static Layer of(int channels, int kernel) {
      return new Layer(channels, kernel, 1, 0, 1, 1e-4, 1.0, 2);
    }

    /**
     * A copy with another number of k-WTA winners per position (spec/hebbian-rules.md#kwta).
     *
     * @param v winners per position
     * @return this layer with k = v
     * @throws IllegalArgumentException if the new value is invalid (see the constructor)
     */
    public Layer withK(int v) {
      return new Layer(channels, kernel, stride, padding, v, lr, keep, pool);
    }

    /**
     * A copy with another learning rate (spec/hebbcnn.md#training).
     *
     * @param v learning rate
     * @return this layer with lr = v
     * @throws IllegalArgumentException if the new value is invalid (see the constructor)
     */
    public Layer withLr(double v) {
      return new Layer(channels, kernel, stride, padding, k, v, keep, pool);
    }

    /**
     * A copy with another pruning fraction (spec/hebbcnn.md#network).
     *
     * @param v kept fraction in (0, 1]
     * @return this layer with keep = v
     * @throws IllegalArgumentException if the new value is invalid (see the constructor)
     */
    public Layer withKeep(double v) {
      return new Layer(channels, kernel, stride, padding, k, lr, v, pool);
    }

    /**
     * A copy with another average-pooling window (spec/kernels.md#avgpool2d).
     *
     * @param v pooling window
     * @return this layer with pool = v
     * @throws IllegalArgumentException if the new value is invalid (see the constructor)
     */
    public Layer withPool(int v) {
      return new Layer(channels, kernel, stride, padding, k, lr, keep, v);
    }

    /**
     * A copy with another convolution stride and padding (spec/kernels.md#conv2d).
     *
     * @param s stride
     * @param p zero padding
     * @return this layer with stride s and padding p
     * @throws IllegalArgumentException if the new value is invalid (see the constructor)
     */
    public Layer withStride(int s, int p) {
      return new Layer(channels, kernel, s, p, k, lr, keep, pool);
    }
  }

  /**
   * Validates every field and the geometry of every layer against its input.
   * See spec/hebbcnn.md#network.
   *
   * @param inChannels channels C of the raw images
   * @param height height H
   * @param width width W
   * @param pad zero padding around each whitened image
   * @param layers the layers (copied)
   * @param rule the plasticity rule
   * @param thetaRate homeostatic threshold rate
   * @param triangle triangle (true) or binary output
   * @param burnIn batches without weight updates
   * @param batch batch size
   * @param zcaEps ZCA eps
   * @throws IllegalArgumentException if a size is &lt; 1, pad or burnIn is negative, there is no
   *     layer or no rule, thetaRate or zcaEps is negative or not finite, or a layer's kernel or
   *     pooling does not fit its input; the message names the field or the layer
   */
  public HebbCnnConfig {
    if (inChannels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("input must be at least 1x1x1, got " + inChannels + "x"
          + height + "x" + width);
    }
    if (pad < 0) {
      throw new IllegalArgumentException("input padding must be >= 0, got " + pad);
    }
    if (layers == null || layers.isEmpty()) {
      throw new IllegalArgumentException("need at least one layer");
    }
    layers = List.copyOf(layers);
    if (rule == null) {
      throw new IllegalArgumentException("rule missing");
    }
    if (!(thetaRate >= 0) || !Double.isFinite(thetaRate)) {
      throw new IllegalArgumentException("threshold rate must be finite and >= 0, got "
          + thetaRate);
    }
    if (burnIn < 0) {
      throw new IllegalArgumentException("burn-in must be >= 0, got " + burnIn);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
    }
    if (!(zcaEps >= 0) || !Double.isFinite(zcaEps)) {
      throw new IllegalArgumentException("ZCA eps must be finite and >= 0, got " + zcaEps);
    }
    // geometry: every layer must fit its input
    int h = height + 2 * pad, w = width + 2 * pad;
    for (int l = 0; l < layers.size(); l++) {
      Layer ly = layers.get(l);
      if (h + 2 * ly.padding() < ly.kernel() || w + 2 * ly.padding() < ly.kernel()) {
        throw new IllegalArgumentException("layer " + (l + 1) + ": kernel " + ly.kernel()
            + " does not fit its " + h + "x" + w + " input");
      }
      int oh = (h + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
      int ow = (w + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
      if (oh < ly.pool() || ow < ly.pool()) {
        throw new IllegalArgumentException("layer " + (l + 1) + ": pooling " + ly.pool()
            + " does not fit its " + oh + "x" + ow + " output");
      }
      h = oh / ly.pool();
      w = ow / ly.pool();
    }
  }

  /**
   * Height of the first layer's input, after padding (spec/hebbcnn.md#pad).
   *
   * @return {@code height + 2 pad}, in pixels
   */
  public int paddedHeight() {
    return height + 2 * pad;
  }

  /**
   * Width of the first layer's input, after padding (spec/hebbcnn.md#pad).
   *
   * @return {@code width + 2 pad}, in pixels
   */
  public int paddedWidth() {
    return width + 2 * pad;
  }

  /**
   * Values per raw image: the dimension d of the whitening (spec/hebbcnn.md#zca).
   *
   * @return C H W
   */
  public int imageSize() {
    return inChannels * height * width;
  }

  /**
   * A builder holding this configuration, to change some fields; this record is unchanged.
   * See spec/hebbcnn.md#network.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(inChannels, height, width);
    b.pad = pad;
    b.layers.addAll(layers);
    b.rule = rule;
    b.thetaRate = thetaRate;
    b.triangle = triangle;
    b.burnIn = burnIn;
    b.batch = batch;
    b.zcaEps = zcaEps;
    return b;
  }

  /**
   * A builder for C x H x W images with the paper's learning settings (instar, threshold rate 3,
   * burn-in 200, batch 100, ZCA eps 1e-3, binary output, no input padding) and no layers yet.
   * See spec/hebbcnn.md#network.
   *
   * @param inChannels channels C of the raw images
   * @param height height H
   * @param width width W
   * @return the builder
   */
  public static Builder builder(int inChannels, int height, int width) {
    return new Builder(inChannels, height, width);
  }

  /**
   * The paper's network for one variant ({@link Builder#paper(Variant)}) on C x H x W images.
   * See spec/hebbcnn.md#defaults.
   *
   * @param inChannels channels C of the raw images
   * @param height height H
   * @param width width W
   * @param variant triangle output and/or pruning
   * @return the validated configuration
   */
  public static HebbCnnConfig paper(int inChannels, int height, int width, Variant variant) {
    return builder(inChannels, height, width).paper(variant).build();
  }

  /** Collects named fields; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private final int inChannels;
    private final int height;
    private final int width;
    private int pad;
    private final List<Layer> layers = new ArrayList<>();
    private HebbRule rule = HebbRule.INSTAR;
    private double thetaRate = PAPER_THETA_RATE;
    private boolean triangle;
    private int burnIn = PAPER_BURN_IN;
    private int batch = PAPER_BATCH;
    private double zcaEps = PAPER_ZCA_EPS;

    private Builder(int inChannels, int height, int width) {
      this.inChannels = inChannels;
      this.height = height;
      this.width = width;
    }

    /**
     * Replaces the layers by the paper's three (kernels 5, 3, 3, channels 100, 196, 400, stride
     * 1, no padding, 2 x 2 pooling, k = 1, lr 1e-4, 1e-4, 1e-3), layers 2 and 3 keeping 1% of
     * their weights when the variant prunes, sets the output (binary or triangle), and pads the
     * input up to the 32 x 32 the architecture was built for (2 for 28 x 28 images,
     * spec/hebbcnn.md#pad).
     *
     * @param variant the variant
     * @return this builder
     */
    public Builder paper(Variant variant) {
      layers.clear();
      for (int l = 0; l < PAPER_CHANNELS.length; l++) {
        Layer ly = Layer.of(PAPER_CHANNELS[l], PAPER_KERNELS[l]).withLr(PAPER_LR[l]);
        layers.add(variant.pruning() && l > 0 ? ly.withKeep(PAPER_PRUNE_KEEP) : ly);
      }
      triangle = variant.triangle();
      pad = Math.max(0, (32 - Math.min(height, width) + 1) / 2);
      return this;
    }

    /**
     * Appends a layer (spec/hebbcnn.md#network).
     *
     * @param layer the next layer (input to output)
     * @return this builder
     */
    public Builder layer(Layer layer) {
      layers.add(layer);
      return this;
    }

    /**
     * Replaces the layers (spec/hebbcnn.md#network); the list is copied.
     *
     * @param all replaces the layers by these
     * @return this builder
     */
    public Builder layers(List<Layer> all) {
      layers.clear();
      layers.addAll(all);
      return this;
    }

    /**
     * Sets the input padding, in pixels per side (spec/hebbcnn.md#pad).
     *
     * @param p zero padding around each whitened image
     * @return this builder
     */
    public Builder pad(int p) {
      pad = p;
      return this;
    }

    /**
     * Sets the plasticity rule (spec/hebbian-rules.md#rules).
     *
     * @param r the plasticity rule
     * @return this builder
     */
    public Builder rule(HebbRule r) {
      rule = r;
      return this;
    }

    /**
     * Sets the threshold rate (spec/hebbian-rules.md#thresholds).
     *
     * @param r homeostatic threshold rate (C4)
     * @return this builder
     */
    public Builder thetaRate(double r) {
      thetaRate = r;
      return this;
    }

    /**
     * Sets the output passed to the next layer (spec/hebbian-rules.md#triangle).
     *
     * @param t triangle (true) or binary (false) output
     * @return this builder
     */
    public Builder triangle(boolean t) {
      triangle = t;
      return this;
    }

    /**
     * Sets the burn-in, in batches (spec/hebbcnn.md#training).
     *
     * @param n batches without weight updates
     * @return this builder
     */
    public Builder burnIn(int n) {
      burnIn = n;
      return this;
    }

    /**
     * Sets the batch size, in images (spec/hebbcnn.md#training).
     *
     * @param n batch size
     * @return this builder
     */
    public Builder batch(int n) {
      batch = n;
      return this;
    }

    /**
     * Sets the ZCA regulariser (spec/hebbcnn.md#zca).
     *
     * @param eps ZCA eps (Z3)
     * @return this builder
     */
    public Builder zcaEps(double eps) {
      zcaEps = eps;
      return this;
    }

    /**
     * Validates the fields and builds the configuration (spec/hebbcnn.md#network).
     *
     * @return the validated configuration
     * @throws IllegalArgumentException naming the first impossible setting
     */
    public HebbCnnConfig build() {
      return new HebbCnnConfig(inChannels, height, width, pad, layers, rule, thetaRate, triangle,
          burnIn, batch, zcaEps);
    }
  }
}
