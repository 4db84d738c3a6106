package org.hebb4j.nn;

import java.util.function.IntConsumer;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;

/**
 * The classifier Krotov and Hopfield put on their frozen layer (spec/krotov.md#classifier,
 * (KH5)-(KH8)): on hidden features {@code h [n, d]} (the experiment gives {@code relu(I)^n} of
 * unit-length inputs), outputs {@code c = tanh(beta h S^T)} ({@code S [classes, d]}, no bias),
 * loss {@code sum |c - t|^m} over the rows and classes with {@code t = +1} for the label and
 * {@code -1} elsewhere, trained by Adam ({@link LinearReadout#adam}) at a rate annealed linearly
 * to 0 over the epochs. Deterministic: the initial weights and the epoch orders come only from
 * the {@link Rng} given, the products from {@link Kernels} (whose thread count changes no bit),
 * {@code tanh} from {@link StrictMath}, {@code |x|^(m-1)} by repeated products (m is whole).
 *
 * <pre>{@code
 * KrotovReadout r = new KrotovReadout(d, 10, kernels, rng.derive("init"));
 * r.fit(hTrain, nTrain, labels, KrotovReadout.Settings.paper(), rng.derive("fit"), null);
 * double acc = r.accuracy(hTest, nTest, testLabels);
 * }</pre>
 */
public final class KrotovReadout {

  /**
   * How the classifier is trained (spec/krotov.md#classifier).
   *
   * @param epochs passes over the training features, at least 1
   * @param batch minibatch size, at least 1 (the last minibatch of an epoch may be smaller)
   * @param lr Adam's initial step size (KH8), finite and &gt; 0; epoch e (0-based) of E uses
   *     {@code lr (1 - e / E)}
   * @param beta the gain of (KH6), finite and &gt; 0
   * @param m the exponent of the loss (KH7), 2 .. 64
   */
  public record Settings(int epochs, int batch, double lr, double beta, int m) {

    /**
     * Validates every field.
     *
     * @param epochs at least 1
     * @param batch at least 1
     * @param lr finite, &gt; 0
     * @param beta finite, &gt; 0
     * @param m 2 .. 64
     * @throws IllegalArgumentException naming the bad field
     */
    public Settings {
      if (epochs < 1 || batch < 1) {
        throw new IllegalArgumentException("krotov readout: epochs and batch must be at least 1,"
            + " got " + epochs + " and " + batch);
      }
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException("krotov readout: lr " + lr + " is not finite and > 0");
      }
      if (!(beta > 0) || Double.isInfinite(beta)) {
        throw new IllegalArgumentException("krotov readout: beta " + beta
            + " is not finite and > 0");
      }
      if (m < 2 || m > 64) {
        throw new IllegalArgumentException("krotov readout: m " + m + " outside 2 .. 64");
      }
    }

    /**
     * hebb4j's settings of the paper's classifier (spec/krotov.md#classifier): 50 epochs,
     * batch 100, Adam lr 1e-3 annealed linearly, beta 1 (on unit-length inputs), m 6.
     *
     * @return the settings
     */
    public static Settings paper() {
      return new Settings(50, 100, 1e-3, 1.0, 6);
    }

    /**
     * The same settings over another number of epochs.
     *
     * @param e epochs, at least 1
     * @return the settings
     */
    public Settings withEpochs(int e) {
      return new Settings(e, batch, lr, beta, m);
    }

    /**
     * The same settings with another gain.
     *
     * @param b beta, finite and &gt; 0
     * @return the settings
     */
    public Settings withBeta(double b) {
      return new Settings(epochs, batch, lr, b, m);
    }

    /**
     * The rate of epoch {@code e} (0-based): {@code lr (1 - e / epochs)} (KH8).
     *
     * @param e epoch, 0 .. epochs - 1
     * @return the step size
     */
    public double lrAt(int e) {
      return lr * (1.0 - (double) e / epochs);
    }

    @Override
    public String toString() {
      return "epochs " + epochs + ", batch " + batch + ", Adam lr " + lr
          + " annealed linearly, beta " + beta + ", m " + m;
    }
  }

  private final int d;
  private final int classes;
  private final Kernels k;
  private final float[] s;      // [classes, d]
  private long step;

  /**
   * A classifier with S uniform in {@code [-1/sqrt(d), 1/sqrt(d))} (PyTorch's {@code nn.Linear}
   * default, (KH5)), drawn from {@code rng}.
   *
   * @param features d, at least 1
   * @param classes at least 2
   * @param k kernels for the products
   * @param rng source of the initial weights
   * @throws IllegalArgumentException on a bad size
   */
  public KrotovReadout(int features, int classes, Kernels k, Rng rng) {
    if (features < 1 || classes < 2) {
      throw new IllegalArgumentException("krotov readout: needs at least 1 feature and 2 "
          + "classes, got " + features + " and " + classes);
    }
    this.d = features;
    this.classes = classes;
    this.k = k;
    s = new float[Math.multiplyExact(classes, features)];
    double bound = 1 / Math.sqrt(features);
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) ((2 * rng.uniformDouble() - 1) * bound);
    }
  }

  /**
   * Bytes {@link #fit} allocates besides its arguments: S, Adam's moments, the gradient, a
   * minibatch of features and its outputs.
   *
   * @param features d
   * @param classes classes
   * @param batch minibatch size
   * @return bytes
   */
  public static double fitBytes(int features, int classes, int batch) {
    return 4.0 * (4.0 * features * classes + (double) batch * features + 2.0 * batch * classes)
        + 4.0 * (batch + 1000.0);
  }

  /**
   * Trains on {@code h [n, d]} with {@code labels [n]}: each epoch e (from 1) visits the rows in
   * the order {@code rng.derive("epoch" + e).shuffle(0 .. n-1)}, in minibatches of
   * {@code s.batch()}; each minibatch's summed loss (KH7) takes one Adam step (KH8). Adam's
   * moments start at 0 on every call.
   *
   * @param h features, row-major [n, d]
   * @param n rows, at least 1
   * @param labels class of each row, in [0, classes)
   * @param st the settings
   * @param rng source of the orders
   * @param onEpoch called after each epoch with its number (from 1), or null
   * @throws IllegalArgumentException on a short array or a label out of range
   * @throws DivergedException naming the Adam step when the loss or a weight is not finite
   */
  public void fit(float[] h, int n, int[] labels, Settings st, Rng rng, IntConsumer onEpoch) {
    check(h, n);
    checkLabels(labels, n);
    int bs = Math.min(st.batch(), n);
    float[] hb = new float[Math.multiplyExact(bs, d)], out = new float[bs * classes];
    float[] g = new float[s.length], mo = new float[s.length], v = new float[s.length];
    int[] yb = new int[bs], perm = new int[n];
    double pow1 = 1, pow2 = 1; // beta1^t, beta2^t
    for (int e = 1; e <= st.epochs(); e++) {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      rng.derive("epoch" + e).shuffle(perm);
      double lr = st.lrAt(e - 1);
      for (int s0 = 0; s0 < n; s0 += bs) {
        int mb = Math.min(bs, n - s0);
        for (int i = 0; i < mb; i++) {
          int row = perm[s0 + i];
          yb[i] = labels[row];
          System.arraycopy(h, row * d, hb, i * d, d);
        }
        double loss = gradient(hb, mb, yb, st, out, g);
        step++;
        if (!Double.isFinite(loss)) {
          throw DivergedException.at(step, "krotov readout loss", "beta " + st.beta()
              + " on these features");
        }
        pow1 *= LinearReadout.BETA1;
        pow2 *= LinearReadout.BETA2;
        LinearReadout.adam(s, g, mo, v, lr, pow1, pow2);
      }
      for (float x : s) {
        if (!Float.isFinite(x)) {
          throw DivergedException.at(step, "krotov readout weights", "Adam lr " + st.lr()
              + " on these features");
        }
      }
      if (onEpoch != null) {
        onEpoch.accept(e);
      }
    }
  }

  /**
   * (KH6)-(KH7) on {@code m} rows {@code hb [m, d]}: the summed loss and its gradient
   * {@code g = e^T hb}, {@code e = m |c - t|^(m-1) sign(c - t) (1 - c^2) beta}.
   *
   * @return the summed loss
   */
  double gradient(float[] hb, int rows, int[] yb, Settings st, float[] out, float[] g) {
    outputs(hb, 0, rows, st.beta(), out);
    double loss = 0;
    int m = st.m();
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < classes; c++) {
        double cv = out[i * classes + c];
        double diff = cv - (c == yb[i] ? 1.0 : -1.0);
        double a = Math.abs(diff), p = 1; // a^(m-1)
        for (int j = 1; j < m; j++) {
          p *= a;
        }
        loss += p * a;
        out[i * classes + c] = (float) (m * p * Math.signum(diff) * (1 - cv * cv) * st.beta());
      }
    }
    k.gemmTN(classes, d, rows, 1f, out, 0, hb, 0, 0f, g, 0);
    return loss;
  }

  /** (KH6) {@code out [m, classes] = tanh(beta h[off ..] S^T)}. */
  private void outputs(float[] h, int off, int rows, double beta, float[] out) {
    k.gemmNT(rows, classes, d, 1f, h, off, s, 0, 0f, out, 0);
    for (int i = 0; i < rows * classes; i++) {
      out[i] = (float) StrictMath.tanh(beta * out[i]);
    }
  }

  /**
   * The outputs {@code c = tanh(beta h S^T)} (KH6) of {@code n} rows, {@code out [n, classes]}.
   *
   * @param h features [n, d]
   * @param n rows
   * @param beta the gain
   * @param out outputs [n, classes], overwritten
   * @throws IllegalArgumentException on a short array
   */
  public void outputs(float[] h, int n, double beta, float[] out) {
    check(h, n);
    if ((long) n * classes > out.length) {
      throw new IllegalArgumentException("krotov readout: outputs need " + (long) n * classes
          + " floats, got " + out.length);
    }
    float[] chunk = new float[Math.min(n, 1000) * classes];
    for (int s0 = 0; s0 < n; s0 += 1000) {
      int m = Math.min(1000, n - s0);
      outputs(h, s0 * d, m, beta, chunk);
      System.arraycopy(chunk, 0, out, s0 * classes, m * classes);
    }
  }

  /**
   * The summed loss (KH7) of {@code n} rows.
   *
   * @param h features [n, d]
   * @param n rows, at least 1
   * @param labels classes [n]
   * @param st the settings (beta, m)
   * @return {@code sum |c - t|^m}
   * @throws IllegalArgumentException on a short array or a label out of range
   */
  public double loss(float[] h, int n, int[] labels, Settings st) {
    checkLabels(labels, n);
    float[] c = new float[n * classes];
    outputs(h, n, st.beta(), c);
    double loss = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < classes; j++) {
        double a = Math.abs(c[i * classes + j] - (j == labels[i] ? 1.0 : -1.0)), p = 1;
        for (int t = 0; t < st.m(); t++) {
          p *= a;
        }
        loss += p;
      }
    }
    return loss;
  }

  /**
   * The fraction of rows whose largest score {@code h S^T} (lowest class on ties) is the label;
   * tanh and beta &gt; 0 keep the order.
   *
   * @param h features [n, d]
   * @param n rows, at least 1
   * @param labels classes [n]
   * @return accuracy in [0, 1]
   * @throws IllegalArgumentException on a short array
   */
  public double accuracy(float[] h, int n, int[] labels) {
    check(h, n);
    float[] sc = new float[Math.min(n, 1000) * classes];
    int right = 0;
    for (int s0 = 0; s0 < n; s0 += 1000) {
      int m = Math.min(1000, n - s0);
      k.gemmNT(m, classes, d, 1f, h, s0 * d, s, 0, 0f, sc, 0);
      for (int i = 0; i < m; i++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (sc[i * classes + c] > sc[i * classes + best]) {
            best = c;
          }
        }
        right += best == labels[s0 + i] ? 1 : 0;
      }
    }
    return (double) right / n;
  }

  /**
   * A copy of S.
   *
   * @return S [classes, d]
   */
  public float[] weights() {
    return s.clone();
  }

  /**
   * Replaces S (for tests and loading).
   *
   * @param values S [classes, d]
   * @throws IllegalArgumentException on a wrong length
   */
  public void setWeights(float[] values) {
    if (values.length != s.length) {
      throw new IllegalArgumentException("krotov readout: S needs " + s.length + " values, got "
          + values.length);
    }
    System.arraycopy(values, 0, s, 0, s.length);
  }

  /**
   * Adam steps taken.
   *
   * @return steps
   */
  public long step() {
    return step;
  }

  private void check(float[] h, int n) {
    if (n < 1 || (long) n * d > h.length) {
      throw new IllegalArgumentException("krotov readout: " + n + " rows of " + d
          + " features do not fit an array of " + h.length);
    }
  }

  private void checkLabels(int[] labels, int n) {
    if (labels.length < n) {
      throw new IllegalArgumentException("krotov readout: " + labels.length + " labels for " + n
          + " rows");
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("krotov readout: label " + labels[i] + " of row " + i
            + " outside [0, " + classes + ")");
      }
    }
  }
}
