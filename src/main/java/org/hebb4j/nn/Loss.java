package org.hebb4j.nn;

import java.util.Locale;
import org.hebb4j.util.Named;

/**
 * Data losses of spec/emergence.md#loss (E3), (E4). Each returns the SUM over the given rows of the
 * per-sample loss (callers divide by the batch size, so chunks of a large set combine exactly) and
 * writes {@code e = scale * d loss_b / d out_b}, with {@code scale = 1/B} for a batch mean.
 */
public enum Loss implements Named {
  /** (E3) 1/2 ||out_b - y_b||^2; e = scale (out_b - y_b). */
  MSE,
  /** (E4) -log softmax(out_b)[label_b] by a stable log-sum-exp; e = scale (softmax - onehot). */
  SOFTMAX_CE,
  /**
   * (E26) PyTorch's {@code MSELoss()}: (1/dim) ||out_b - y_b||^2 per sample, so the batch mean is
   * the mean over every element with no 1/2; e = scale 2 (out_b - y_b) / dim.
   */
  MSE_MEAN;

  /**
   * The name used on the command line and in test vectors. See spec/emergence.md#loss.
   *
   * @return "mse", "softmax_ce" or "mse_mean"
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant named {@code s} ({@link Named#parse}). See spec/emergence.md#loss.
   *
   * @param s the word: "mse", "softmax_ce" or "mse_mean"
   * @return the constant whose {@link #id()} is {@code s}
   * @throws IllegalArgumentException if no constant is named {@code s} (one line, listing them)
   */
  public static Loss parse(String s) {
    return Named.parse(Loss.class, "loss", s);
  }

  /**
   * Sum over {@code rows} of the per-sample loss of {@code out} ([rows, dim]) against {@code y}
   * ([rows, dim], MSE, MSE_MEAN) or {@code labels} (softmax_ce). When {@code e} is not null it
   * receives
   * {@code scale * dloss/dout} ([rows, dim]). Allocates nothing. See spec/emergence.md#loss.
   *
   * @param rows the rows
   * @param dim the output width
   * @param out the outputs [rows, dim]
   * @param y the targets [rows, dim] (mse, mse_mean), else unused
   * @param labels the labels [rows] (softmax_ce), else unused
   * @param scale the factor of e (1/B for a batch mean)
   * @param e receives scale * dloss/dout [rows, dim], or null
   * @return the sum of the per-sample losses
   * @throws IllegalArgumentException for a label outside [0, dim)
   */
  public double sum(int rows, int dim, float[] out, float[] y, int[] labels, float scale,
      float[] e) {
    double total = 0;
    if (this == MSE) {
      return 0.5 * mseSum(rows * dim, out, y, scale, e);
    }
    if (this == MSE_MEAN) {
      return mseSum(rows * dim, out, y, 2 * scale / dim, e) / dim;
    }
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      int label = labels[r];
      if (label < 0 || label >= dim) {
        throw new IllegalArgumentException("label " + label + " outside [0, " + dim + ")");
      }
      float m = out[off];
      for (int j = 1; j < dim; j++) {
        m = Math.max(m, out[off + j]);
      }
      double s = 0;
      for (int j = 0; j < dim; j++) {
        s += StrictMath.exp(out[off + j] - m);
      }
      // lse - out_label = (m - out_label) + log s: no absorption of log s into a huge m
      total += ((double) m - out[off + label]) + StrictMath.log(s);
      if (e != null) {
        for (int j = 0; j < dim; j++) {
          double p = StrictMath.exp(out[off + j] - m) / s;
          e[off + j] = (float) (scale * (j == label ? p - 1.0 : p));
        }
      }
    }
    return total;
  }

  /**
   * sum_i (out_i - y_i)^2 ((E3) halves it, (E26) divides it by dim) and e_i = scale (out_i -
   * y_i). Each d^2 is exact in double, and
   * the terms go to four partial sums in the order of i mod 4 (added in that order at the end):
   * one running sum is a chain of dependent additions, 5% of an SRE training step.
   */
  private static double mseSum(int n, float[] out, float[] y, float scale, float[] e) {
    if (e != null) {
      for (int i = 0; i < n; i++) {
        e[i] = scale * (out[i] - y[i]);
      }
    }
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      double d0 = out[i] - y[i], d1 = out[i + 1] - y[i + 1];
      double d2 = out[i + 2] - y[i + 2], d3 = out[i + 3] - y[i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < n; i++) {
      double d = out[i] - y[i];
      s0 += d * d;
    }
    return ((s0 + s1) + s2) + s3;
  }
}
