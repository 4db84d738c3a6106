package org.hebb4j.hebbian;

/**
 * Batch normalisation without affine (spec/softhebb.md#batch-norm, (SH1)): per channel
 * {@code y = (x - mean) / sqrt(var + eps)} over (N, H, W), population variance. While learning
 * ({@link #train}) the batch statistics are used and the running statistics updated
 * (momentum {@code m}, unbiased variance, as PyTorch's {@code BatchNorm2d}); after learning
 * ({@link #eval}) the running statistics are used. Statistics are accumulated in double, in a
 * fixed order: the same bits for any thread count. Steady state allocates nothing.
 */
public final class BatchNorm2d {

  /** PyTorch's default eps. */
  public static final double DEFAULT_EPS = 1e-5;
  /** PyTorch's default momentum. */
  public static final double DEFAULT_MOMENTUM = 0.1;

  private final int channels;
  private final double eps;
  private final double momentum;
  private final double[] runningMean;
  private final double[] runningVar;
  private final double[] mean;
  private final double[] var;

  /**
   * A layer over {@code channels} channels, running mean 0 and variance 1.
   *
   * @param channels channels C (at least 1)
   * @param eps added to the variance (at least 0, finite)
   * @param momentum weight of a batch in the running statistics, in (0, 1]
   * @throws IllegalArgumentException naming the bad argument
   */
  public BatchNorm2d(int channels, double eps, double momentum) {
    if (channels < 1) {
      throw new IllegalArgumentException("batch norm: channels " + channels + " < 1");
    }
    if (!(eps >= 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException("batch norm: eps " + eps + " is not finite and >= 0");
    }
    if (!(momentum > 0 && momentum <= 1)) {
      throw new IllegalArgumentException("batch norm: momentum " + momentum + " not in (0, 1]");
    }
    this.channels = channels;
    this.eps = eps;
    this.momentum = momentum;
    runningMean = new double[channels];
    runningVar = new double[channels];
    java.util.Arrays.fill(runningVar, 1.0);
    mean = new double[channels];
    var = new double[channels];
  }

  /**
   * The number of channels.
   *
   * @return C
   */
  public int channels() {
    return channels;
  }

  /**
   * Normalises with the batch statistics and updates the running ones (SH1).
   *
   * @param n images (n * hw at least 2)
   * @param hw positions per channel, h * w
   * @param x input [n, C, h, w]
   * @param y output [n, C, h, w] (overwritten; may be {@code x})
   * @throws IllegalArgumentException for one value per channel (as PyTorch)
   */
  public void train(int n, int hw, float[] x, float[] y) {
    if ((long) n * hw < 2) {
      throw new IllegalArgumentException("batch norm: learning needs more than one value per "
          + "channel, got n " + n + " x h*w " + hw);
    }
    statistics(n, channels, hw, x, mean, var);
    double unbias = (double) n * hw / ((double) n * hw - 1);
    for (int c = 0; c < channels; c++) {
      runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
      runningVar[c] = (1 - momentum) * runningVar[c] + momentum * var[c] * unbias;
    }
    apply(n, channels, hw, x, y, mean, var, eps);
  }

  /**
   * Normalises with the running statistics (evaluation mode).
   *
   * @param n images
   * @param hw positions per channel
   * @param x input [n, C, h, w]
   * @param y output [n, C, h, w] (overwritten; may be {@code x})
   */
  public void eval(int n, int hw, float[] x, float[] y) {
    apply(n, channels, hw, x, y, runningMean, runningVar, eps);
  }

  /**
   * The running mean (a copy).
   *
   * @return [C]
   */
  public double[] runningMean() {
    return runningMean.clone();
  }

  /**
   * Puts the running statistics under prefix {@code p} (spec/io.md#checkpoints).
   *
   * @param s the state
   * @param p the prefix
   */
  public void saveState(org.hebb4j.io.Checkpoint.State s, String p) {
    s.put(p + "running_mean", runningMean).put(p + "running_var", runningVar);
  }

  /**
   * Restores what {@link #saveState} put.
   *
   * @param s the state
   * @param p the prefix
   * @throws IllegalArgumentException naming a missing array or one of the wrong length
   */
  public void loadState(org.hebb4j.io.Checkpoint.State s, String p) {
    s.into(p + "running_mean", runningMean);
    s.into(p + "running_var", runningVar);
  }

  /**
   * The running variance (a copy).
   *
   * @return [C]
   */
  public double[] runningVar() {
    return runningVar.clone();
  }

  /**
   * (SH1) with batch statistics, as the {@code batch_norm2d} test vectors define it; nothing
   * kept. Allocates two arrays of C doubles.
   *
   * @param n images
   * @param c channels
   * @param hw positions per channel
   * @param x input [n, c, h, w]
   * @param y output [n, c, h, w] (overwritten; may be {@code x})
   * @param eps added to the variance
   */
  public static void normalize(int n, int c, int hw, float[] x, float[] y, double eps) {
    double[] m = new double[c], v = new double[c];
    statistics(n, c, hw, x, m, v);
    apply(n, c, hw, x, y, m, v, eps);
  }

  /** Per-channel mean and population variance in double, two passes, fixed order. */
  private static void statistics(int n, int c, int hw, float[] x, double[] m, double[] v) {
    double count = (double) n * hw;
    for (int ch = 0; ch < c; ch++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        int off = (i * c + ch) * hw;
        for (int q = 0; q < hw; q++) {
          s += x[off + q];
        }
      }
      double mu = s / count, ss = 0;
      for (int i = 0; i < n; i++) {
        int off = (i * c + ch) * hw;
        for (int q = 0; q < hw; q++) {
          double d = x[off + q] - mu;
          ss = Math.fma(d, d, ss);
        }
      }
      m[ch] = mu;
      v[ch] = ss / count;
    }
  }

  private static void apply(int n, int c, int hw, float[] x, float[] y, double[] m, double[] v,
      double eps) {
    for (int ch = 0; ch < c; ch++) {
      double mu = m[ch], inv = 1.0 / Math.sqrt(v[ch] + eps);
      for (int i = 0; i < n; i++) {
        int off = (i * c + ch) * hw;
        for (int q = 0; q < hw; q++) {
          y[off + q] = (float) ((x[off + q] - mu) * inv);
        }
      }
    }
  }
}
