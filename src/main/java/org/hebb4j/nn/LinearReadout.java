package org.hebb4j.nn;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;

/**
 * The linear softmax readout SoftHebb reports (spec/softhebb.md#readout, (R1)-(R5)): on frozen
 * features {@code x [n, d]}, scores {@code s = drop(x) W^T + b} ({@code W [classes, d]}),
 * softmax cross-entropy averaged over the minibatch, Adam (PyTorch's {@code torch.optim.Adam}
 * defaults), inverted dropout on the inputs while training, and a step schedule halving the rate
 * at fixed fractions of the epochs. Deterministic: the initial weights, the epoch orders and the
 * dropout masks come only from the {@link Rng} given, the products from {@link Kernels} (whose
 * thread count changes no bit).
 *
 * <pre>{@code
 * LinearReadout r = new LinearReadout(d, 10, kernels, rng.derive("init"));
 * r.fit(xTrain, nTrain, labels, LinearReadout.Settings.paper(), rng.derive("fit"), null);
 * double acc = r.accuracy(xTest, nTest, testLabels);
 * }</pre>
 */
public final class LinearReadout {

  /** Adam's first-moment decay (PyTorch default). */
  public static final double BETA1 = 0.9;
  /** Adam's second-moment decay (PyTorch default). */
  public static final double BETA2 = 0.999;
  /** Adam's denominator floor (PyTorch default). */
  public static final double ADAM_EPS = 1e-8;

  /**
   * How the readout is trained (spec/softhebb.md#readout).
   *
   * @param epochs passes over the training features, at least 1
   * @param batch minibatch size, at least 1 (the last minibatch of an epoch may be smaller)
   * @param lr Adam's initial step size, finite and &gt; 0
   * @param dropout probability of zeroing an input feature while training, in [0, 1)
   * @param milestones fractions r of the epochs: the rate is multiplied by {@code gamma} from
   *     epoch {@code floor(epochs r)} (0-based) on, as PyTorch's {@code MultiStepLR}
   * @param gamma the factor at each milestone, in (0, 1]
   */
  public record Settings(int epochs, int batch, double lr, double dropout, double[] milestones,
      double gamma) {

    /**
     * Validates every field.
     *
     * @param epochs at least 1
     * @param batch at least 1
     * @param lr finite, &gt; 0
     * @param dropout in [0, 1)
     * @param milestones each in [0, 1]
     * @param gamma in (0, 1]
     * @throws IllegalArgumentException naming the bad field
     */
    public Settings {
      if (epochs < 1 || batch < 1) {
        throw new IllegalArgumentException("linear readout: epochs and batch must be at least 1,"
            + " got " + epochs + " and " + batch);
      }
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException("linear readout: lr " + lr + " is not finite and > 0");
      }
      if (!(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("linear readout: dropout " + dropout
            + " not in [0, 1)");
      }
      milestones = milestones.clone();
      for (double m : milestones) {
        if (!(m >= 0 && m <= 1)) {
          throw new IllegalArgumentException("linear readout: milestone " + m
              + " not in [0, 1]");
        }
      }
      if (!(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException("linear readout: gamma " + gamma + " not in (0, 1]");
      }
    }

    /**
     * demo.py's readout: 50 epochs, batch 64, Adam lr 1e-3, dropout 0.5, the rate halved at
     * 0.2, 0.35, 0.5, 0.6, 0.7, 0.8 and 0.9 of the epochs.
     *
     * @return the settings
     */
    public static Settings paper() {
      return new Settings(50, 64, 1e-3, 0.5, new double[] {0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9},
          0.5);
    }

    /**
     * The same schedule over another number of epochs (the milestones stay fractions).
     *
     * @param e epochs, at least 1
     * @return the settings
     */
    public Settings withEpochs(int e) {
      return new Settings(e, batch, lr, dropout, milestones, gamma);
    }

    /**
     * The rate of epoch {@code e} (0-based): {@code lr gamma^m}, m the milestones with
     * {@code e >= floor(epochs r)} (R5).
     *
     * @param e epoch, from 0
     * @return the step size
     */
    public double lrAt(int e) {
      double r = lr;
      for (double m : milestones) {
        if (e >= (int) (epochs * m)) {
          r *= gamma;
        }
      }
      return r;
    }

    /**
     * The milestones (a copy).
     *
     * @return fractions of the epochs
     */
    @Override
    public double[] milestones() {
      return milestones.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Settings s && epochs == s.epochs && batch == s.batch && lr == s.lr
          && dropout == s.dropout && Arrays.equals(milestones, s.milestones)
          && gamma == s.gamma;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(new double[] {epochs, batch, lr, dropout, gamma})
          + 31 * Arrays.hashCode(milestones);
    }

    @Override
    public String toString() {
      return "epochs " + epochs + ", batch " + batch + ", Adam lr " + lr + ", dropout " + dropout
          + ", lr x " + gamma + " at " + Arrays.toString(milestones) + " of the epochs";
    }
  }

  private final int d;
  private final int classes;
  private final Kernels k;
  private final float[] w;      // [classes, d]
  private final float[] b;      // [classes]
  private long step;

  /**
   * A readout with PyTorch's {@code nn.Linear} initialisation (R1): W and b uniform in
   * {@code [-1/sqrt(d), 1/sqrt(d))}, drawn from {@code rng}.
   *
   * @param features d, at least 1
   * @param classes at least 2
   * @param k kernels for the products
   * @param rng source of the initial weights
   * @throws IllegalArgumentException on a bad size
   */
  public LinearReadout(int features, int classes, Kernels k, Rng rng) {
    if (features < 1 || classes < 2) {
      throw new IllegalArgumentException("linear readout: needs at least 1 feature and 2 "
          + "classes, got " + features + " and " + classes);
    }
    this.d = features;
    this.classes = classes;
    this.k = k;
    w = new float[Math.multiplyExact(classes, features)];
    b = new float[classes];
    double bound = 1 / Math.sqrt(features);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((2 * rng.uniformDouble() - 1) * bound);
    }
    for (int i = 0; i < classes; i++) {
      b[i] = (float) ((2 * rng.uniformDouble() - 1) * bound);
    }
  }

  /**
   * Bytes {@link #fit} allocates besides its arguments: W, b, Adam's moments, the gradient,
   * a minibatch of features and its scores.
   *
   * @param features d
   * @param classes classes
   * @param batch minibatch size
   * @return bytes
   */
  public static double fitBytes(int features, int classes, int batch) {
    return 4.0 * (5.0 * features * classes + (double) batch * features + 3.0 * batch * classes)
        + 4.0 * (batch + 1000.0);
  }

  /**
   * Trains on {@code x [n, d]} with {@code labels [n]} (spec/softhebb.md#readout): each epoch e
   * visits the rows in the order {@code rng.derive("epoch" + e).shuffle(0 .. n-1)} (e from 1),
   * in minibatches of {@code s.batch()}; each minibatch's inputs are dropped out (R2) with masks
   * from {@code rng.derive("dropout")}, its mean cross-entropy gradient (R3) takes one Adam step
   * (R4) at the rate of (R5). Adam's moments start at 0 on every call.
   *
   * @param x features, row-major [n, d]
   * @param n rows, at least 1
   * @param labels class of each row, in [0, classes)
   * @param s the settings
   * @param rng source of the orders and the dropout masks
   * @param onEpoch called after each epoch with its number (from 1), or null
   * @throws IllegalArgumentException on a short array or a label out of range
   * @throws DivergedException naming the step when a weight becomes NaN or infinite
   */
  public void fit(float[] x, int n, int[] labels, Settings s, Rng rng, IntConsumer onEpoch) {
    check(x, n);
    if (labels.length < n) {
      throw new IllegalArgumentException("linear readout: " + labels.length + " labels for " + n
          + " rows");
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("linear readout: label " + labels[i] + " of row " + i
            + " outside [0, " + classes + ")");
      }
    }
    int bs = Math.min(s.batch(), n);
    float[] xb = new float[Math.multiplyExact(bs, d)], scores = new float[bs * classes];
    float[] gw = new float[w.length], gb = new float[classes];
    float[] mw = new float[w.length], vw = new float[w.length];
    float[] mb = new float[classes], vb = new float[classes];
    int[] yb = new int[bs], perm = new int[n];
    Rng drop = rng.derive("dropout");
    float keepScale = (float) (1 / (1 - s.dropout()));
    double pow1 = 1, pow2 = 1; // beta1^t, beta2^t
    for (int e = 1; e <= s.epochs(); e++) {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      rng.derive("epoch" + e).shuffle(perm);
      double lr = s.lrAt(e - 1);
      for (int s0 = 0; s0 < n; s0 += bs) {
        int m = Math.min(bs, n - s0);
        for (int i = 0; i < m; i++) {
          int row = perm[s0 + i];
          yb[i] = labels[row];
          dropout(x, row * d, xb, i * d, s.dropout(), keepScale, drop);
        }
        gradient(xb, m, yb, scores, gw, gb);
        step++;
        pow1 *= BETA1;
        pow2 *= BETA2;
        adam(w, gw, mw, vw, lr, pow1, pow2);
        adam(b, gb, mb, vb, lr, pow1, pow2);
      }
      for (float v : w) {
        if (!Float.isFinite(v)) {
          throw DivergedException.at(step, "linear readout weights", "Adam lr " + s.lr()
              + " on these features");
        }
      }
      if (onEpoch != null) {
        onEpoch.accept(e);
      }
    }
  }

  /**
   * (R2) {@code dst = src * mask / (1 - p)}, mask 0 with probability p. For p = 1/2 one 64-bit
   * draw gives 64 masks (bit j of the draw keeps feature j mod 64); otherwise one uniform draw
   * per feature keeps it when it is at least p. p = 0 copies.
   */
  private void dropout(float[] src, int off, float[] dst, int dOff, double p, float scale,
      Rng r) {
    if (p == 0) {
      System.arraycopy(src, off, dst, dOff, d);
    } else if (p == 0.5) {
      long bits = 0;
      for (int j = 0; j < d; j++) {
        if ((j & 63) == 0) {
          bits = r.nextLong();
        }
        dst[dOff + j] = (bits >>> (j & 63) & 1L) != 0 ? src[off + j] * scale : 0f;
      }
    } else {
      for (int j = 0; j < d; j++) {
        dst[dOff + j] = r.uniformDouble() >= p ? src[off + j] * scale : 0f;
      }
    }
  }

  /**
   * (R3) the mean cross-entropy of {@code m} rows {@code xb [m, d]} and its gradient:
   * {@code e = (softmax(s) - onehot) / m}, {@code gw = e^T xb}, {@code gb = sum_rows e}.
   *
   * @return the mean loss
   */
  double gradient(float[] xb, int m, int[] yb, float[] scores, float[] gw, float[] gb) {
    forward(xb, 0, m, scores);
    double loss = Loss.SOFTMAX_CE.sum(m, classes, scores, null, yb, 1f / m, scores);
    k.gemmTN(classes, d, m, 1f, scores, 0, xb, 0, 0f, gw, 0);
    for (int c = 0; c < classes; c++) {
      double sum = 0;
      for (int i = 0; i < m; i++) {
        sum += scores[i * classes + c];
      }
      gb[c] = (float) sum;
    }
    return loss / m;
  }

  /**
   * (R4) PyTorch's Adam (no weight decay, no amsgrad): {@code m = beta1 m + (1 - beta1) g},
   * {@code v = beta2 v + (1 - beta2) g^2},
   * {@code p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}, in double,
   * stored in float; {@code pow1 = beta1^t}, {@code pow2 = beta2^t} (products, so the same bits
   * on every JVM).
   */
  static void adam(float[] p, float[] g, float[] m, float[] v, double lr, double pow1,
      double pow2) {
    double c1 = 1 - pow1, c2 = Math.sqrt(1 - pow2);
    double stepSize = lr / c1;
    for (int i = 0; i < p.length; i++) {
      double gi = g[i];
      float mi = (float) (BETA1 * m[i] + (1 - BETA1) * gi);
      float vi = (float) (BETA2 * v[i] + (1 - BETA2) * gi * gi);
      m[i] = mi;
      v[i] = vi;
      p[i] = (float) (p[i] - stepSize * mi / (Math.sqrt(vi) / c2 + ADAM_EPS));
    }
  }

  /** {@code scores [m, classes] = x[off ..] W^T + b}. */
  private void forward(float[] x, int off, int m, float[] scores) {
    k.gemmNT(m, classes, d, 1f, x, off, w, 0, 0f, scores, 0);
    for (int i = 0; i < m; i++) {
      for (int c = 0; c < classes; c++) {
        scores[i * classes + c] += b[c];
      }
    }
  }

  /**
   * Scores {@code x W^T + b} of {@code n} rows (no dropout), {@code out [n, classes]}.
   *
   * @param x features [n, d]
   * @param n rows
   * @param out scores [n, classes], overwritten
   * @throws IllegalArgumentException on a short array
   */
  public void scores(float[] x, int n, float[] out) {
    check(x, n);
    if ((long) n * classes > out.length) {
      throw new IllegalArgumentException("linear readout: scores need " + (long) n * classes
          + " floats, got " + out.length);
    }
    float[] chunk = new float[Math.min(n, 1000) * classes];
    for (int s0 = 0; s0 < n; s0 += 1000) {
      int m = Math.min(1000, n - s0);
      forward(x, s0 * d, m, chunk);
      System.arraycopy(chunk, 0, out, s0 * classes, m * classes);
    }
  }

  /**
   * The mean cross-entropy of {@code n} rows (no dropout).
   *
   * @param x features [n, d]
   * @param n rows, at least 1
   * @param labels classes [n]
   * @return the mean loss
   * @throws IllegalArgumentException on a short array or a label out of range
   */
  public double loss(float[] x, int n, int[] labels) {
    float[] s = new float[n * classes];
    scores(x, n, s);
    return Loss.SOFTMAX_CE.sum(n, classes, s, null, labels, 1f, null) / n;
  }

  /**
   * The fraction of rows whose largest score (lowest class on ties) is the label.
   *
   * @param x features [n, d]
   * @param n rows, at least 1
   * @param labels classes [n]
   * @return accuracy in [0, 1]
   * @throws IllegalArgumentException on a short array
   */
  public double accuracy(float[] x, int n, int[] labels) {
    float[] s = new float[n * classes];
    scores(x, n, s);
    int right = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (s[i * classes + c] > s[i * classes + best]) {
          best = c;
        }
      }
      right += best == labels[i] ? 1 : 0;
    }
    return (double) right / n;
  }

  /**
   * A copy of W.
   *
   * @return W [classes, d]
   */
  public float[] weights() {
    return w.clone();
  }

  /**
   * A copy of b.
   *
   * @return b [classes]
   */
  public float[] bias() {
    return b.clone();
  }

  /**
   * Replaces W (for tests and loading).
   *
   * @param values W [classes, d]
   * @throws IllegalArgumentException on a wrong length
   */
  public void setWeights(float[] values) {
    if (values.length != w.length) {
      throw new IllegalArgumentException("linear readout: W needs " + w.length + " values, got "
          + values.length);
    }
    System.arraycopy(values, 0, w, 0, w.length);
  }

  /**
   * Adam steps taken.
   *
   * @return steps
   */
  public long step() {
    return step;
  }

  private void check(float[] x, int n) {
    if (n < 1 || (long) n * d > x.length) {
      throw new IllegalArgumentException("linear readout: " + n + " rows of " + d
          + " features do not fit an array of " + x.length);
    }
  }
}
