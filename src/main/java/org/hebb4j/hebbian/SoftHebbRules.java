package org.hebb4j.hebbian;

import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;

/**
 * The SoftHebb plasticity of spec/softhebb.md, computed from its equations: the soft
 * winner-take-all signal (SH4), the update (SH5), the step (SH6) and triangle^p (SH7). The
 * blocks of a {@link SoftHebbNet} call these on preallocated buffers; the
 * {@code softhebb_conv2d} and {@code softhebb_step} test vectors call them directly.
 */
public final class SoftHebbRules {

  private SoftHebbRules() {}

  /**
   * (SH4) For one image: at each of the {@code p} positions, {@code s = softmax_o(tInv u)} and
   * {@code y_o = s_o} for the channel with the largest u (lowest index on ties), {@code -s_o}
   * for every other. The exponentials are {@link PortableMath#exp} in double.
   *
   * @param o channels
   * @param p positions (oh * ow)
   * @param tInv inverse temperature (finite, &gt; 0)
   * @param u pre-activations [o, p] from {@code uOff}
   * @param uOff offset of u
   * @param y signals [o, p] from {@code yOff} (overwritten)
   * @param yOff offset of y
   */
  public static void softWta(int o, int p, float tInv, float[] u, int uOff, float[] y, int yOff) {
    for (int q = 0; q < p; q++) {
      int win = 0;
      float best = u[uOff + q];
      for (int c = 1; c < o; c++) {
        float v = u[uOff + c * p + q];
        if (v > best) {
          best = v;
          win = c;
        }
      }
      double top = (double) tInv * best, sum = 0;
      for (int c = 0; c < o; c++) {
        sum += PortableMath.exp((double) tInv * u[uOff + c * p + q] - top);
      }
      for (int c = 0; c < o; c++) {
        double s = PortableMath.exp((double) tInv * u[uOff + c * p + q] - top) / sum;
        y[yOff + c * p + q] = (float) (c == win ? s : -s);
      }
    }
  }

  /**
   * (SH5) {@code dw_o = sum_{n,q} y_o x_patch - (sum_{n,q} y_o u_o) w_o} over the batch: the
   * convolution's weight gradient (K14) with y in place of dy (im2col + GEMM), then the decay
   * term. {@code s} is the geometry over the already padded input (its pad 0).
   *
   * @param k kernels
   * @param s geometry of the padded input, pad 0
   * @param xPadded padded input [n, c, h, w] of {@code s}
   * @param u pre-activations [n, o, oh, ow]
   * @param y signals [n, o, oh, ow]
   * @param w weights [o, c, kh, kw]
   * @param dw update [o, c, kh, kw] (overwritten)
   * @param col im2col workspace of {@link Conv2dShape#colSize()} floats
   */
  public static void update(Kernels k, Conv2dShape s, float[] xPadded, float[] u, float[] y,
      float[] w, float[] dw, float[] col) {
    int o = s.o(), p = s.positions(), q = s.patchSize();
    k.conv2dBackwardWeights(s, xPadded, y, dw, col);
    for (int c = 0; c < o; c++) {
      double yu = 0; // batch order, then position order
      for (int n = 0; n < s.n(); n++) {
        int base = (n * o + c) * p;
        for (int i = 0; i < p; i++) {
          yu = Math.fma(y[base + i], u[base + i], yu);
        }
      }
      k.axpy(q, (float) -yu, w, c * q, dw, c * q);
    }
  }

  /**
   * (SH6) {@code w_o += lr (| ||w_o|| - 1 | + 1e-10)^power dw_o / (max|dw| + 1e-30)}, the max
   * over the whole {@code dw}, the norm before the step; double arithmetic, {@link #pow}.
   *
   * @param o neurons (rows)
   * @param len weights per neuron
   * @param w weights [o, len] (updated)
   * @param dw update [o, len]
   * @param lr base rate
   * @param power exponent of the norm distance (0.5 in the paper)
   * @param rates per-neuron rates {@code lr (|norm - 1| + 1e-10)^power} [o] (overwritten), or
   *     null
   * @return {@code max|dw|}
   */
  public static float step(int o, int len, float[] w, float[] dw, double lr, double power,
      float[] rates) {
    float max = 0f;
    for (int i = 0; i < o * len; i++) {
      max = Math.max(max, Math.abs(dw[i]));
    }
    stepRows(0, o, len, w, dw, lr, power, max, rates);
    return max;
  }

  /**
   * (SH6) for the rows {@code [r0, r1)} of {@link #step}, given {@code max|dw|} of the whole
   * layer: the same arithmetic, so a layer stepped in chunks of rows has the bits of one call.
   *
   * @param r0 first row
   * @param r1 one past the last row
   * @param len weights per neuron
   * @param w weights [o, len] (rows r0 .. r1 updated)
   * @param dw update [o, len]
   * @param lr base rate
   * @param power exponent of the norm distance
   * @param maxAbsDw {@code max|dw|} over the whole layer
   * @param rates per-neuron rates [o] (rows r0 .. r1 overwritten), or null
   */
  public static void stepRows(int r0, int r1, int len, float[] w, float[] dw, double lr,
      double power, float maxAbsDw, float[] rates) {
    double scale = (double) maxAbsDw + 1e-30;
    for (int c = r0; c < r1; c++) {
      double ss = 0;
      for (int i = c * len; i < (c + 1) * len; i++) {
        ss = Math.fma(w[i], w[i], ss);
      }
      double rate = lr * pow(Math.abs(Math.sqrt(ss) - 1) + 1e-10, power);
      if (rates != null) {
        rates[c] = (float) rate;
      }
      double f = rate / scale;
      for (int i = c * len; i < (c + 1) * len; i++) {
        w[i] = (float) Math.fma(f, dw[i], w[i]);
      }
    }
  }

  /**
   * (SH7) The triangle^p activation in place over one image: {@code z = relu(u - mean_o u)^p}
   * at each position, {@link #pow} (p = 1 exact).
   *
   * @param o channels
   * @param p positions
   * @param power the exponent (finite, &gt; 0)
   * @param z values [o, p] from {@code off}, replaced by the activation
   * @param off offset
   */
  public static void trianglePower(int o, int p, double power, float[] z, int off) {
    for (int q = 0; q < p; q++) {
      double sum = 0;
      for (int c = 0; c < o; c++) {
        sum += z[off + c * p + q];
      }
      float mean = (float) (sum / o);
      for (int c = 0; c < o; c++) {
        float v = z[off + c * p + q] - mean;
        z[off + c * p + q] = v <= 0f ? 0f
            : power == 1.0 ? v : (float) pow(v, power);
      }
    }
  }

  /**
   * {@code x^y} for {@code x >= 0}: {@link PortableMath#pow}, {@code exp(y log x)} in double,
   * the same bits on every JVM and nothing allocated (unlike JDK 17's {@code StrictMath.pow},
   * a Java port that allocates in the steady state). Relative error a few times
   * 1e-16 |y log x|, far below float32 rounding. 0 for {@code x == 0} and {@code y > 0}.
   *
   * @param x base, &gt;= 0
   * @param y exponent, &gt; 0
   * @return x^y
   */
  public static double pow(double x, double y) {
    return PortableMath.pow(x, y);
  }
}
