package org.hebb4j.hebbian;

import java.util.ArrayList;
import java.util.List;

/**
 * Architecture and learning settings of a Hebbian CNN (spec/hebbcnn.md#network). Every field is
 * validated on construction; an impossible setting is an {@link IllegalArgumentException} with a
 * one-line message naming it (the CLI turns it into a usage error).
 *
 * @param inChannels channels of the input images
 * @param height image height
 * @param width image width
 * @param layers the convolutional layers, input to output
 * @param rule the plasticity rule (instar in the paper; with the binary signal Oja = instar)
 * @param thetaRate homeostatic threshold rate (C4)
 * @param triangle pass the triangle activation (C3) to the next layer instead of the binary y
 * @param burnIn number of first training batches without weight updates (thresholds adapt)
 * @param batch batch size (the network's workspaces are sized for it)
 */
public record HebbCnnConfig(int inChannels, int height, int width, List<Layer> layers,
    HebbRule rule, double thetaRate, boolean triangle, int burnIn, int batch) {

  /**
   * One convolutional layer.
   *
   * @param channels output channels O
   * @param kernel square kernel size
   * @param stride convolution stride
   * @param padding zero padding
   * @param k winners per position (k-WTA), 1 <= k <= channels
   * @param lr learning rate (>= 0; the update is a sum over the batch and positions)
   * @param keep fraction of weights kept by the fixed random pruning mask, in (0, 1]
   * @param pool average-pooling window (stride = window), 1 = no pooling
   */
  public record Layer(int channels, int kernel, int stride, int padding, int k, double lr,
      double keep, int pool) {

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
  }

  /** Paper defaults (spec/hebbcnn.md#defaults). */
  public static final int[] PAPER_CHANNELS = {100, 196, 400};
  public static final int[] PAPER_KERNELS = {5, 3, 3};
  public static final double[] PAPER_LR = {1e-4, 1e-4, 1e-3};
  public static final double PAPER_PRUNE_KEEP = 0.01;
  public static final double PAPER_THETA_RATE = 3.0;
  public static final int PAPER_BURN_IN = 200;
  public static final int PAPER_BATCH = 100;

  public HebbCnnConfig {
    if (inChannels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("input must be at least 1x1x1");
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
    // geometry: every layer must fit its input
    int c = inChannels, h = height, w = width;
    for (int l = 0; l < layers.size(); l++) {
      Layer ly = layers.get(l);
      int oh = (h + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
      int ow = (w + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
      if (h + 2 * ly.padding() < ly.kernel() || w + 2 * ly.padding() < ly.kernel()) {
        throw new IllegalArgumentException("layer " + (l + 1) + ": kernel " + ly.kernel()
            + " does not fit its " + h + "x" + w + " input");
      }
      if (oh < ly.pool() || ow < ly.pool()) {
        throw new IllegalArgumentException("layer " + (l + 1) + ": pooling " + ly.pool()
            + " does not fit its " + oh + "x" + ow + " output");
      }
      c = ly.channels();
      h = oh / ly.pool();
      w = ow / ly.pool();
    }
  }

  /**
   * The paper's network (3 layers, kernels 5, 3, 3, channels 100, 196, 400, stride 1, no
   * padding, 2x2 average pooling, k = 1, lr 1e-4, 1e-4, 1e-3) with pruning to {@code keep} of
   * layers 2 and 3 when {@code prune}.
   */
  public static HebbCnnConfig paper(int inChannels, int height, int width, boolean triangle,
      boolean prune) {
    return custom(inChannels, height, width, PAPER_CHANNELS, PAPER_KERNELS, PAPER_LR,
        new int[] {1, 1, 1}, prune ? new double[] {1.0, PAPER_PRUNE_KEEP, PAPER_PRUNE_KEEP}
            : new double[] {1.0, 1.0, 1.0},
        HebbRule.INSTAR, PAPER_THETA_RATE, triangle, PAPER_BURN_IN, PAPER_BATCH);
  }

  /** A network from per-layer arrays (all of the same length); stride 1, padding 0, pool 2. */
  public static HebbCnnConfig custom(int inChannels, int height, int width, int[] channels,
      int[] kernels, double[] lr, int[] k, double[] keep, HebbRule rule, double thetaRate,
      boolean triangle, int burnIn, int batch) {
    int n = channels.length;
    if (kernels.length != n || lr.length != n || k.length != n || keep.length != n) {
      throw new IllegalArgumentException("per-layer lists must all have " + n + " entries "
          + "(channels, kernels, learning rates, k, keep)");
    }
    List<Layer> ls = new ArrayList<>();
    for (int l = 0; l < n; l++) {
      try {
        ls.add(new Layer(channels[l], kernels[l], 1, 0, k[l], lr[l], keep[l], 2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layer " + (l + 1) + ": " + e.getMessage());
      }
    }
    return new HebbCnnConfig(inChannels, height, width, ls, rule, thetaRate, triangle, burnIn,
        batch);
  }
}
