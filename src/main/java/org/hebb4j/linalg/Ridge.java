package org.hebb4j.linalg;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Rows;
import org.hebb4j.parallel.Workers;

/**
 * Ridge regression with an unpenalised intercept (spec/hebbcnn.md#ridge, (L1)-(L4)):
 * {@code W = (Xc^T Xc + alpha I)^-1 Xc^T Yc}, {@code b = mean(Y) - mean(X) W}, solved in double
 * by Cholesky. Used as the linear decoder onto one-hot labels.
 */
public final class Ridge {

  private final int d;
  private final int c;
  private final double[] w;
  private final double[] b;
  private final double[] meanX;
  private final double[] meanY;

  private Ridge(int d, int c, double[] w, double[] b, double[] meanX, double[] meanY) {
    this.d = d;
    this.c = c;
    this.w = w;
    this.b = b;
    this.meanX = meanX;
    this.meanY = meanY;
  }

  /**
   * Fits on X (n x d) and Y (n x c), row-major. <b>X is centred in place</b> (its column means are
   * subtracted), which saves a copy of large feature matrices; use {@link #scoresCentered} on it
   * afterwards, {@link #scores} on new data. See spec/hebbcnn.md#ridge.
   *
   * @param k kernels
   * @param workers threads (the result does not depend on their number)
   * @param x features [n, d], centred in place
   * @param n samples
   * @param d features
   * @param y targets [n, c]
   * @param c targets per sample
   * @param alpha ridge penalty (L2), intercept not penalised
   * @return the fitted decoder
   * @throws IllegalArgumentException if n, d or c is &lt; 1, or alpha is not finite and &gt; 0
   * @throws ArithmeticException if X^T X + alpha I is not numerically positive definite (e.g.
   *     with non-finite features)
   * @throws ArrayIndexOutOfBoundsException if {@code x} holds fewer than n d values or {@code y}
   *     fewer than n c
   */
  public static Ridge fitInPlace(Kernels k, Workers workers, float[] x, int n, int d, float[] y,
      int c, double alpha) {
    if (n < 1 || d < 1 || c < 1) {
      throw new IllegalArgumentException("ridge: need n, d, c >= 1");
    }
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("ridge: alpha must be finite and > 0, got " + alpha);
    }
    double[] mx = Gram.means(x, n, d);
    double[] my = Gram.means(y, n, c);
    Gram.center(x, n, d, mx);
    double[] a = Gram.gram(k, workers, x, n, d); // (L1) Xc^T Xc
    for (int j = 0; j < d; j++) {
      a[j * d + j] += alpha; // (L2)
    }
    // (L2) right-hand side Xc^T Yc in double, split by fixed blocks of features
    double[] rhs = new double[d * c];
    final int blk = 32;
    workers.run((d + blk - 1) / blk, bi -> {
      int j0 = bi * blk, j1 = Math.min(d, j0 + blk);
      for (int i = 0; i < n; i++) {
        int xo = i * d, yo = i * c;
        for (int j = j0; j < j1; j++) {
          double xv = x[xo + j];
          if (xv == 0.0) {
            continue;
          }
          int ro = j * c;
          for (int q = 0; q < c; q++) {
            rhs[ro + q] += xv * (y[yo + q] - my[q]);
          }
        }
      }
    });
    Cholesky.of(a, d).solveInPlace(rhs, c); // (L3)
    double[] b = new double[c];
    for (int q = 0; q < c; q++) { // (L4)
      double s = my[q];
      for (int j = 0; j < d; j++) {
        s -= mx[j] * rhs[j * c + q];
      }
      b[q] = s;
    }
    return new Ridge(d, c, rhs, b, mx, my);
  }

  /**
   * W, row-major d x c. See spec/hebbcnn.md#ridge.
   *
   * @return W [d, c]
   */
  public double[] weights() {
    return w;
  }

  /**
   * Intercept b, length c. See spec/hebbcnn.md#ridge.
   *
   * @return b [c]
   */
  public double[] intercept() {
    return b;
  }

  /**
   * Scores X W + b for raw (uncentred) rows, n x c. See spec/hebbcnn.md#ridge.
   *
   * @param x raw features [n, d]
   * @param n samples
   * @return scores [n, c]
   */
  public double[] scores(float[] x, int n) {
    return scores(x, n, b);
  }

  /**
   * Scores for rows already centred by {@link #fitInPlace}: Xc W + mean(Y).
   * See spec/hebbcnn.md#ridge.
   *
   * @param xc features [n, d] centred by the fit
   * @param n samples
   * @return scores [n, c]
   */
  public double[] scoresCentered(float[] xc, int n) {
    return scores(xc, n, meanY);
  }

  private double[] scores(float[] x, int n, double[] bias) {
    double[] s = new double[n * c];
    for (int i = 0; i < n; i++) {
      int xo = i * d, so = i * c;
      System.arraycopy(bias, 0, s, so, c);
      for (int j = 0; j < d; j++) {
        double xv = x[xo + j];
        if (xv == 0.0) {
          continue;
        }
        int wo = j * c;
        for (int q = 0; q < c; q++) {
          s[so + q] += xv * w[wo + q];
        }
      }
    }
    return s;
  }

  /**
   * Fraction of rows whose largest score (ties: lowest class) is the label.
   * See spec/hebbcnn.md#ridge.
   *
   * @param scores scores [n, c]
   * @param labels labels [n]
   * @param n samples
   * @param c classes
   * @return the fraction in [0, 1]
   */
  public static double accuracy(double[] scores, int[] labels, int n, int c) {
    int right = 0;
    for (int i = 0; i < n; i++) {
      if (Rows.argmax(scores, i * c, c) == labels[i]) {
        right++;
      }
    }
    return n == 0 ? Double.NaN : (double) right / n;
  }

  /**
   * One-hot targets (n x classes, 1 at the label) as float. See spec/hebbcnn.md#ridge.
   *
   * @param labels labels in [0, classes)
   * @param n samples
   * @param classes classes
   * @return targets [n, classes]
   */
  public static float[] oneHot(int[] labels, int n, int classes) {
    float[] y = new float[n * classes];
    for (int i = 0; i < n; i++) {
      y[i * classes + labels[i]] = 1f;
    }
    return y;
  }

  /**
   * The column means subtracted from the features before the solve (spec/hebbcnn.md#ridge).
   *
   * @return the column means of the training features, [d]; shared, not copied
   */
  public double[] meanX() {
    return meanX;
  }
}
