package org.hebb4j.hebbian;

import java.util.ArrayList;
import java.util.List;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * A SoftHebb network (spec/softhebb.md): blocks of batch norm, convolution, soft
 * winner-take-all plasticity, triangle^p and pooling, all learning at once from each batch
 * (the forward pass of every block with the weights before the batch, then every block's step).
 * Unsupervised: {@link #train} takes images only; {@link #features} gives the last block's
 * output for a readout (e.g. {@link org.hebb4j.linalg.Ridge}).
 *
 * <p>Every workspace is allocated by the constructor for {@link SoftHebbConfig#batch()} images;
 * a full training batch allocates nothing. Randomness (the initial weights) only from the
 * {@link Rng} given; the same seed gives the same bits for any thread count of the kernels.
 *
 * <pre>{@code
 * SoftHebbNet net = new SoftHebbNet(SoftHebbConfig.fashionMnist(), kernels, new Rng(1));
 * for (int b = 0; b < n; b += 10) net.train(images, b * 784, Math.min(10, n - b));
 * float[] f = new float[m * net.featureSize()];
 * net.features(test, 0, m, f, 0);
 * }</pre>
 */
public final class SoftHebbNet {

  /**
   * Statistics of one block since {@link #resetStats()} and at its last step.
   *
   * @param channels output channels O
   * @param normMean mean Euclidean norm of the channels' weight vectors (the rule drives it to 1)
   * @param normMin smallest norm
   * @param normMax largest norm
   * @param rateMean mean per-neuron rate of the last step (SH6)
   * @param maxAbsDw max|dW| of the last step (the scale of (SH6))
   * @param winnerEntropy entropy (bits) of the winning channels over every image and position
   *     since {@link #resetStats()}; log2(O) when every channel wins equally often
   * @param winners image positions counted in the entropy
   */
  public record BlockStats(int channels, double normMean, double normMin, double normMax,
      double rateMean, double maxAbsDw, double winnerEntropy, long winners) {}

  private final SoftHebbConfig config;
  private final Kernels k;
  private final SoftHebbConv[] blocks;
  private final int inSize;
  private long step;

  /**
   * A network with fresh weights {@code N(0, (25 / sqrt(fan_in))^2)} drawn from
   * {@code rng.derive("init").derive("block" + (i + 1))}.
   *
   * @param config the architecture
   * @param k kernels (their thread count does not change any result)
   * @param rng source of the initial weights
   * @throws IllegalArgumentException if a tensor would not fit a Java array
   */
  public SoftHebbNet(SoftHebbConfig config, Kernels k, Rng rng) {
    this(config, k, null, rng);
  }

  /**
   * A network whose per-position work (soft winner-take-all, triangle, pools, im2col, steps)
   * is spread over {@code workers} (spec/softhebb.md#fast-path); give {@code k} the same pool
   * ({@link org.hebb4j.kernel.ThreadedKernels#of}) for its GEMMs. Initial weights as
   * {@link #SoftHebbNet(SoftHebbConfig, Kernels, Rng)}; the bits do not depend on the pool.
   *
   * @param config the architecture
   * @param k kernels (their thread count does not change any result)
   * @param workers threads for the per-position work, or null for the calling thread
   * @param rng source of the initial weights
   * @throws IllegalArgumentException if a tensor would not fit a Java array
   */
  public SoftHebbNet(SoftHebbConfig config, Kernels k, Workers workers, Rng rng) {
    this.config = config;
    this.k = k;
    int c = config.inChannels(), h = config.height(), w = config.width();
    inSize = c * h * w;
    blocks = new SoftHebbConv[config.blocks().size()];
    for (int i = 0; i < blocks.length; i++) {
      SoftHebbConv b = new SoftHebbConv(i, config.blocks().get(i), c, h, w, config.batch(),
          config, workers, rng);
      blocks[i] = b;
      c = b.channels();
      h = b.oh;
      w = b.ow;
    }
  }

  /**
   * The configuration.
   *
   * @return the config
   */
  public SoftHebbConfig config() {
    return config;
  }

  /**
   * The number of blocks.
   *
   * @return blocks
   */
  public int blocks() {
    return blocks.length;
  }

  /**
   * Training steps taken (batches).
   *
   * @return steps
   */
  public long step() {
    return step;
  }

  /**
   * The length of one image's feature vector, the last block's O * OH * OW.
   *
   * @return features per image
   */
  public int featureSize() {
    return blocks[blocks.length - 1].outSize();
  }

  /**
   * The floating-point operations of the two GEMMs per block of one learning batch of
   * {@code n} images (spec/softhebb.md#fast-path): the convolution {@code u = W col} and the
   * Hebbian term {@code y col^T}, {@code 2 * 2 O (C K K) (n P)} per block; the rest of a batch
   * (soft winner-take-all, triangle, pools, step) is a few percent of it.
   *
   * @param n images
   * @return FLOPs (a multiply-add counts 2)
   */
  public double gemmFlops(int n) {
    double f = 0;
    for (SoftHebbConv b : blocks) {
      f += 4.0 * b.channels() * b.patch * b.positions * n;
    }
    return f;
  }

  /**
   * One unsupervised step on {@code n} images {@code [n, C, H, W]} from {@code off}
   * (spec/softhebb.md#block): every block's forward pass in learning mode (batch statistics,
   * dW (SH5)), then every block's step (SH6).
   *
   * @param images pixel values, NCHW
   * @param off offset of the first image
   * @param n images, 1 .. batch
   * @throws IllegalArgumentException if n is outside 1 .. batch or the images lie outside the
   *     array
   * @throws DivergedException naming the step and block when weights become NaN or infinite
   */
  public void train(float[] images, int off, int n) {
    check(images, off, n);
    forward(images, off, n, true);
    step++;
    for (SoftHebbConv b : blocks) {
      b.step(config.ratePower());
      if (!b.finite()) {
        throw DivergedException.at(step, "block " + (b.index + 1) + " weights");
      }
    }
  }

  /**
   * Features of {@code n} images (any n &gt;= 0), evaluation mode (running statistics), in
   * chunks of the batch size: {@code out [n, featureSize()]} from {@code outOff}.
   *
   * @param images pixel values, NCHW
   * @param off offset of the first image
   * @param n images
   * @param out destination
   * @param outOff offset in {@code out}
   * @throws IllegalArgumentException if the images or the destination lie outside the arrays
   */
  public void features(float[] images, int off, int n, float[] out, int outOff) {
    int f = featureSize();
    if (n < 0 || off < 0 || (long) off + (long) n * inSize > images.length) {
      throw new IllegalArgumentException("images [" + off + ", +" + n + " x " + inSize
          + ") out of range for length " + images.length);
    }
    if (outOff < 0 || (long) outOff + (long) n * f > out.length) {
      throw new IllegalArgumentException("features out [" + outOff + ", +" + n + " x " + f
          + ") out of range for length " + out.length);
    }
    SoftHebbConv last = blocks[blocks.length - 1];
    for (int i = 0; i < n; i += config.batch()) {
      int m = Math.min(config.batch(), n - i);
      forward(images, off + i * inSize, m, false);
      System.arraycopy(last.out, 0, out, outOff + i * f, m * f);
    }
  }

  private void forward(float[] images, int off, int n, boolean learn) {
    float[] x = images;
    int xo = off;
    for (SoftHebbConv b : blocks) {
      // while learning, the last block's activation and pool feed nothing
      b.forward(k, x, xo, n, learn, !learn || b.index < blocks.length - 1);
      x = b.out;
      xo = 0;
    }
  }

  private void check(float[] images, int off, int n) {
    if (n < 1 || n > config.batch()) {
      throw new IllegalArgumentException("a training batch needs 1 .. " + config.batch()
          + " images, got " + n);
    }
    if (off < 0 || (long) off + (long) n * inSize > images.length) {
      throw new IllegalArgumentException("images [" + off + ", +" + n + " x " + inSize
          + ") out of range for length " + images.length);
    }
  }

  /**
   * A copy of block {@code i}'s weights {@code [O, C, K, K]}.
   *
   * @param i block, 0-based
   * @return the weights
   */
  public float[] weights(int i) {
    return blocks[i].w.clone();
  }

  /**
   * Replaces block {@code i}'s weights (e.g. loaded from a file).
   *
   * @param i block, 0-based
   * @param w weights {@code [O, C, K, K]}
   * @throws IllegalArgumentException on a wrong length or a non-finite value
   */
  public void setWeights(int i, float[] w) {
    float[] dst = blocks[i].w;
    if (w.length != dst.length) {
      throw new IllegalArgumentException("block " + (i + 1) + " weights: expected "
          + dst.length + " values, got " + w.length);
    }
    for (float v : w) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("block " + (i + 1) + " weights: non-finite value");
      }
    }
    System.arraycopy(w, 0, dst, 0, w.length);
  }

  /**
   * The shape of block {@code i}'s filters.
   *
   * @param i block, 0-based
   * @return {O, C, K, K}
   */
  public int[] filterShape(int i) {
    SoftHebbConv b = blocks[i];
    return new int[] {b.channels(), b.c, b.spec.kernel(), b.spec.kernel()};
  }

  /**
   * The running mean and variance of block {@code i}'s batch norm.
   *
   * @param i block, 0-based
   * @return {mean, var}, each [C]
   */
  public double[][] runningStats(int i) {
    BatchNorm2d bn = blocks[i].bn;
    return new double[][] {bn.runningMean(), bn.runningVar()};
  }

  /**
   * Puts the training state (spec/io.md#checkpoints): per block {@code blocks.B.} weight, rates
   * and last_max_dw (of the last step), wins (since {@link #resetStats}), the batch norm's
   * running statistics, and {@code step}.
   *
   * @param s the state to fill
   */
  public void saveState(org.hebb4j.io.Checkpoint.State s) {
    for (SoftHebbConv b : blocks) {
      b.saveState(s, "blocks." + b.index + ".");
    }
    s.putLong("step", step);
  }

  /**
   * Restores a state put by {@link #saveState} into a network of the same configuration.
   *
   * @param s the state
   * @throws IllegalArgumentException naming a missing array or one of the wrong length
   */
  public void loadState(org.hebb4j.io.Checkpoint.State s) {
    long st = s.getLong("step");
    for (SoftHebbConv b : blocks) {
      b.loadState(s, "blocks." + b.index + ".");
    }
    step = st;
  }

  /** Restarts the winner counts of {@link #stats()}. */
  public void resetStats() {
    for (SoftHebbConv b : blocks) {
      java.util.Arrays.fill(b.wins, 0L);
    }
  }

  /**
   * Statistics of every block (allocates; call it once an epoch, not per batch).
   *
   * @return one entry per block
   */
  public List<BlockStats> stats() {
    List<BlockStats> out = new ArrayList<>();
    for (SoftHebbConv b : blocks) {
      int o = b.channels(), len = b.w.length / o;
      double sum = 0, min = Double.POSITIVE_INFINITY, max = 0, rate = 0;
      for (int c = 0; c < o; c++) {
        double ss = 0;
        for (int i = c * len; i < (c + 1) * len; i++) {
          ss += (double) b.w[i] * b.w[i];
        }
        double nrm = Math.sqrt(ss);
        sum += nrm;
        min = Math.min(min, nrm);
        max = Math.max(max, nrm);
        rate += b.rates[c];
      }
      long total = 0;
      for (long v : b.wins) {
        total += v;
      }
      double ent = 0;
      for (long v : b.wins) {
        if (v > 0) {
          double q = (double) v / total;
          ent -= q * StrictMath.log(q) / StrictMath.log(2);
        }
      }
      out.add(new BlockStats(o, sum / o, min, max, rate / o, b.lastMaxDw, ent, total));
    }
    return out;
  }
}
