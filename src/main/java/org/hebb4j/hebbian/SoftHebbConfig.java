package org.hebb4j.hebbian;

import java.util.List;
import org.hebb4j.util.Named;

/**
 * Architecture and learning settings of a SoftHebb network (spec/softhebb.md#network). Every
 * field is validated on construction; an impossible setting is an
 * {@link IllegalArgumentException} with a one-line message naming it. Take the paper's network
 * from {@link #paper(int, int, int)} ({@link #cifar10()}, {@link #fashionMnist()}) and change it
 * with the {@code with...} methods.
 *
 * @param inChannels channels C of the input images
 * @param height rows H of the input images
 * @param width columns W of the input images
 * @param blocks the blocks, input to output
 * @param batch batch size (the network's workspaces are sized for it)
 * @param ratePower exponent of the norm distance in the per-neuron rate (SH6), 0.5 in the paper
 * @param bnEps eps of the batch normalisations (SH1)
 * @param bnMomentum momentum of the running statistics (SH1)
 */
public record SoftHebbConfig(int inChannels, int height, int width, List<Block> blocks,
    int batch, double ratePower, double bnEps, double bnMomentum) {

  /** The kind of a block's pooling (spec/softhebb.md#pool). */
  public enum PoolKind implements Named {
    /** Maximum over the window; padded positions are -infinity. */
    MAX("max"),
    /** Mean over the window, no padding (K16). */
    AVG("avg");

    private final String id;

    PoolKind(String id) {
      this.id = id;
    }

    /**
     * The word naming the kind. See spec/softhebb.md#pool.
     *
     * @return "max" or "avg"
     */
    @Override
    public String id() {
      return id;
    }
  }

  /**
   * A pooling window (SH8).
   *
   * @param kind max or avg
   * @param size square window
   * @param stride step between windows
   * @param pad padding on each side (max only; -infinity)
   */
  public record Pool(PoolKind kind, int size, int stride, int pad) {

    /**
     * Validates the window. See spec/softhebb.md#pool.
     *
     * @param kind max or avg
     * @param size window, at least 1
     * @param stride at least 1
     * @param pad 0 .. size / 2 (0 for avg)
     * @throws IllegalArgumentException naming the bad field
     */
    public Pool {
      if (kind == null) {
        throw new IllegalArgumentException("pool kind is missing");
      }
      if (size < 1 || stride < 1) {
        throw new IllegalArgumentException("pool size and stride must be at least 1, got "
            + size + " and " + stride);
      }
      if (pad < 0 || pad > size / 2 || (kind == PoolKind.AVG && pad != 0)) {
        throw new IllegalArgumentException("pool padding " + pad + " is impossible for "
            + kind.id() + " pooling of size " + size);
      }
    }

    /**
     * The output side of an input side {@code n}: {@code (n + 2 pad - size) / stride + 1}.
     *
     * @param n input side
     * @return output side (at least 1 when the window fits)
     */
    public int out(int n) {
      return (n + 2 * pad - size) / stride + 1;
    }
  }

  /**
   * One block: batch norm, conv without bias, triangle^p, pool (spec/softhebb.md#block).
   *
   * @param channels output channels O
   * @param kernel square kernel size
   * @param padding padding of the convolution
   * @param padMode reflect (the paper) or zeros
   * @param tInv inverse temperature of the soft winner-take-all (SH4)
   * @param power exponent p of triangle^p (SH7)
   * @param pool the pooling after the activation
   * @param lr base learning rate (SH6)
   */
  public record Block(int channels, int kernel, int padding, PadMode padMode, double tInv,
      double power, Pool pool, double lr) {

    /**
     * Validates every field. See spec/softhebb.md#network.
     *
     * @param channels at least 2 (a competition needs two)
     * @param kernel at least 1
     * @param padding at least 0
     * @param padMode not null
     * @param tInv finite, &gt; 0
     * @param power finite, &gt; 0
     * @param pool not null
     * @param lr finite, &gt;= 0
     * @throws IllegalArgumentException naming the bad field
     */
    public Block {
      if (channels < 2) {
        throw new IllegalArgumentException("channels must be at least 2, got " + channels);
      }
      if (kernel < 1 || padding < 0) {
        throw new IllegalArgumentException("kernel must be >= 1 and padding >= 0, got "
            + kernel + " and " + padding);
      }
      if (padMode == null || pool == null) {
        throw new IllegalArgumentException("padding mode and pool must be given");
      }
      if (!(tInv > 0) || !Double.isFinite(tInv)) {
        throw new IllegalArgumentException("t_inv must be finite and > 0, got " + tInv);
      }
      if (!(power > 0) || !Double.isFinite(power)) {
        throw new IllegalArgumentException("triangle power must be finite and > 0, got "
            + power);
      }
      if (!(lr >= 0) || !Double.isFinite(lr)) {
        throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
      }
    }

    /**
     * A copy with another learning rate.
     *
     * @param v the rate
     * @return this block with lr = v
     */
    public Block withLr(double v) {
      return new Block(channels, kernel, padding, padMode, tInv, power, pool, v);
    }

    /**
     * A copy with another number of channels.
     *
     * @param v the channels
     * @return this block with channels = v
     */
    public Block withChannels(int v) {
      return new Block(v, kernel, padding, padMode, tInv, power, pool, lr);
    }
  }

  /**
   * Validates the whole network: every block must fit its input (spec/softhebb.md#network).
   *
   * @param inChannels at least 1
   * @param height at least 1
   * @param width at least 1
   * @param blocks at least one
   * @param batch at least 1
   * @param ratePower finite, &gt;= 0
   * @param bnEps finite, &gt;= 0
   * @param bnMomentum in (0, 1]
   * @throws IllegalArgumentException naming the field or the block that does not fit
   */
  public SoftHebbConfig {
    if (inChannels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("input must be at least 1x1x1, got " + inChannels
          + "x" + height + "x" + width);
    }
    if (blocks == null || blocks.isEmpty()) {
      throw new IllegalArgumentException("a SoftHebb network needs at least one block");
    }
    blocks = List.copyOf(blocks);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    if (!(ratePower >= 0) || !Double.isFinite(ratePower)) {
      throw new IllegalArgumentException("rate power must be finite and >= 0, got "
          + ratePower);
    }
    if (!(bnEps >= 0) || !Double.isFinite(bnEps)) {
      throw new IllegalArgumentException("batch norm eps must be finite and >= 0, got " + bnEps);
    }
    if (!(bnMomentum > 0 && bnMomentum <= 1)) {
      throw new IllegalArgumentException("batch norm momentum must be in (0, 1], got "
          + bnMomentum);
    }
    int h = height, w = width;
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      String where = "block " + (i + 1) + ": ";
      try {
        b.padMode().check(h, w, b.padding());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage());
      }
      int ch = h + 2 * b.padding() - b.kernel() + 1, cw = w + 2 * b.padding() - b.kernel() + 1;
      if (ch < 1 || cw < 1) {
        throw new IllegalArgumentException(where + "kernel " + b.kernel() + " does not fit its "
            + h + "x" + w + " input with padding " + b.padding());
      }
      h = b.pool().out(ch);
      w = b.pool().out(cw);
      if (h < 1 || w < 1) {
        throw new IllegalArgumentException(where + "pool of size " + b.pool().size()
            + " does not fit its " + ch + "x" + cw + " input");
      }
    }
  }

  /**
   * The paper's network (demo.py) on {@code c x h x w} images: 96/384/1536 channels, kernels
   * 5/3/3, reflect padding 2/1/1, t_inv 1/0.65/0.25, triangle powers 0.7/1.4/1.0, pools
   * max(4,2,1), max(4,2,1), avg(2,2), rates 0.08/0.005/0.01, batch 10, rate power 0.5.
   * See spec/softhebb.md#network.
   *
   * @param c input channels (3 for CIFAR-10, 1 for Fashion-MNIST)
   * @param h input rows
   * @param w input columns
   * @return the configuration
   * @throws IllegalArgumentException when the images are too small for the network
   */
  public static SoftHebbConfig paper(int c, int h, int w) {
    Pool max = new Pool(PoolKind.MAX, 4, 2, 1);
    return new SoftHebbConfig(c, h, w, List.of(
        new Block(96, 5, 2, PadMode.REFLECT, 1.0, 0.7, max, 0.08),
        new Block(384, 3, 1, PadMode.REFLECT, 0.65, 1.4, max, 0.005),
        new Block(1536, 3, 1, PadMode.REFLECT, 0.25, 1.0, new Pool(PoolKind.AVG, 2, 2, 0),
            0.01)),
        10, 0.5, BatchNorm2d.DEFAULT_EPS, BatchNorm2d.DEFAULT_MOMENTUM);
  }

  /**
   * {@link #paper} on CIFAR-10: 3 x 32 x 32, features 1536 x 4 x 4.
   *
   * @return the configuration
   */
  public static SoftHebbConfig cifar10() {
    return paper(3, 32, 32);
  }

  /**
   * {@link #paper} with one input channel on Fashion-MNIST: 1 x 28 x 28, features 1536 x 3 x 3.
   *
   * @return the configuration
   */
  public static SoftHebbConfig fashionMnist() {
    return paper(1, 28, 28);
  }

  /**
   * A copy with another batch size.
   *
   * @param v the batch size
   * @return the configuration
   * @throws IllegalArgumentException if v &lt; 1
   */
  public SoftHebbConfig withBatch(int v) {
    return new SoftHebbConfig(inChannels, height, width, blocks, v, ratePower, bnEps,
        bnMomentum);
  }

  /**
   * A copy with other blocks.
   *
   * @param v the blocks
   * @return the configuration
   * @throws IllegalArgumentException if the blocks do not fit the input
   */
  public SoftHebbConfig withBlocks(List<Block> v) {
    return new SoftHebbConfig(inChannels, height, width, v, batch, ratePower, bnEps,
        bnMomentum);
  }

  /**
   * The output shape {C, H, W} of block {@code i} (after its pool).
   *
   * @param i block index, 0-based
   * @return {channels, rows, columns}
   */
  public int[] outputShape(int i) {
    int h = height, w = width;
    for (int j = 0; j <= i; j++) {
      Block b = blocks.get(j);
      h = b.pool().out(h + 2 * b.padding() - b.kernel() + 1);
      w = b.pool().out(w + 2 * b.padding() - b.kernel() + 1);
    }
    return new int[] {blocks.get(i).channels(), h, w};
  }
}
