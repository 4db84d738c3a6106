package org.hebb4j.hebbian;

import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;

/**
 * The explicit local rules (spec/hebbian-rules.md#rules, (H1)-(H5)), computed directly from the
 * equations: the Hebbian product by GEMM, then the rule's correction term. Nothing here is a
 * gradient; {@link SurrogateLoss} shows that the gradient of the paper's surrogate loss is minus
 * these updates.
 */
public final class HebbianRules {

  private HebbianRules() {}

  /**
   * (H4) Dense layer: x [b, in], y [b, out], w [out, in] -> dw [out, in] (overwritten):
   * plain {@code sum_b y_bo x_b}, instar {@code sum_b y_bo (x_b - w_o)}, oja
   * {@code sum_b y_bo (x_b - y_bo w_o)}. See spec/hebbian-rules.md#dense-rule.
   *
   * @param k kernels
   * @param rule the local rule
   * @param b batch size
   * @param in input units
   * @param out output units
   * @param x inputs [b, in]
   * @param y signals [b, out]
   * @param w weights [out, in]
   * @param dw update [out, in] (overwritten)
   */
  public static void dense(Kernels k, HebbRule rule, int b, int in, int out, float[] x, float[] y,
      float[] w, float[] dw) {
    k.gemmTN(out, in, b, 1f, y, x, 0f, dw); // dw = y^T x: [out, b] x [b, in]
    if (rule == HebbRule.PLAIN) {
      return;
    }
    for (int o = 0; o < out; o++) {
      float c = 0f; // sum_b y_bo (instar) or sum_b y_bo^2 (oja), batch order
      for (int i = 0; i < b; i++) {
        float v = y[i * out + o];
        c += rule == HebbRule.INSTAR ? v : v * v;
      }
      k.axpy(in, -c, w, o * in, dw, o * in);
    }
  }

  /**
   * (H5) Convolution: x [n, c, h, w], y [n, o, oh, ow], w [o, c, kh, kw] -> dw (overwritten), the
   * dense rules summed over the batch and every output position, with x_b replaced by the input
   * patch under that position: {@code dw = sum_n y_n col_n^T}, the convolution's weight gradient
   * (K14) with y in place of dy (im2col (K18) + GEMM),
   * then minus {@code (sum y) w_o} (instar) or {@code (sum y^2) w_o} (oja).
   * {@code col} holds at least {@link Conv2dShape#colSize()} floats.
   * See spec/hebbian-rules.md#conv-rule.
   *
   * @param k kernels
   * @param rule the local rule
   * @param s geometry
   * @param x inputs [n, c, h, w]
   * @param y signals [n, o, oh, ow]
   * @param w weights [o, c, kh, kw]
   * @param dw update [o, c, kh, kw] (overwritten)
   * @param col im2col workspace
   */
  public static void conv(Kernels k, HebbRule rule, Conv2dShape s, float[] x, float[] y,
      float[] w, float[] dw, float[] col) {
    int o = s.o(), p = s.positions(), q = s.patchSize();
    k.conv2dBackwardWeights(s, x, y, dw, col); // (K14): dw = sum_n y_n [o, p] col_n^T [p, q]
    if (rule == HebbRule.PLAIN) {
      return;
    }
    for (int oc = 0; oc < o; oc++) {
      float c = 0f; // batch order, then position order
      for (int n = 0; n < s.n(); n++) {
        int base = (n * o + oc) * p;
        for (int i = 0; i < p; i++) {
          float v = y[base + i];
          c += rule == HebbRule.INSTAR ? v : v * v;
        }
      }
      k.axpy(q, -c, w, oc * q, dw, oc * q);
    }
  }
}
