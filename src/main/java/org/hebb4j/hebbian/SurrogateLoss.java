package org.hebb4j.hebbian;

import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;

/**
 * The surrogate losses of Miconi (2021) (spec/hebbian-rules.md#surrogate, (S1)-(S5)). For each
 * rule an expression s(w) is built whose derivative is the wanted factor:
 *
 * <pre>
 *   plain  : s = u                        u = x w_o (dense) or conv(x, w) (conv)
 *   instar : s = u - 1/2 ||w_o||^2
 *   oja    : s = u - 1/2 ||w_o||^2 y      (y a constant: no gradient flows into it)
 * </pre>
 *
 * and the loss {@code L = sum -1/2 s^2} is evaluated with the VALUE of s replaced by the real
 * output y (S2). Its value is therefore {@code -1/2 sum y^2}, and backpropagation gives
 * {@code dL/ds = -y}, then through s to w by the chain rule: the {@code u} term through the
 * layer's own backward pass (GEMM for dense, the conv2d weight gradient (K14) for conv), the
 * norm term through {@code d||w_o||^2/dw_o = 2 w_o}. The result equals minus the explicit rule
 * of {@link HebbianRules} (S4), so a gradient-descent step on L is a Hebbian step.
 */
public final class SurrogateLoss {

  private SurrogateLoss() {}

  /**
   * (S2) The loss value: -1/2 sum y^2, in double. See spec/hebbian-rules.md#surrogate.
   *
   * @param y signals, [count]
   * @param count number of values of y
   * @return the loss
   */
  public static double value(float[] y, int count) {
    double s = 0;
    for (int i = 0; i < count; i++) {
      s += (double) y[i] * y[i];
    }
    return -0.5 * s;
  }

  /**
   * (S3) Dense: dL/dw [out, in] (overwritten) by the chain rule. {@code gs} is a workspace of
   * b*out floats (receives dL/ds = -y). See spec/hebbian-rules.md#surrogate.
   *
   * @param k kernels
   * @param rule the local rule
   * @param b batch size
   * @param in input units
   * @param out output units
   * @param x inputs [b, in]
   * @param y signals [b, out]
   * @param w weights [out, in]
   * @param grad gradient [out, in] (overwritten)
   * @param gs workspace of b out floats
   */
  public static void denseGradient(Kernels k, HebbRule rule, int b, int in, int out, float[] x,
      float[] y, float[] w, float[] grad, float[] gs) {
    int m = b * out;
    for (int i = 0; i < m; i++) {
      gs[i] = -y[i]; // dL/ds at s := y
    }
    // u = x W^T  =>  dL/dW = (dL/du)^T x, and dL/du = dL/ds
    k.gemmTN(out, in, b, 1f, gs, x, 0f, grad);
    if (rule == HebbRule.PLAIN) {
      return;
    }
    for (int o = 0; o < out; o++) {
      // n_o = ||w_o||^2 enters s_bo with coefficient -1/2 c_bo, c = 1 (instar) or y (oja)
      float dn = 0f;
      for (int i = 0; i < b; i++) {
        float c = rule == HebbRule.INSTAR ? 1f : y[i * out + o];
        dn += gs[i * out + o] * (-0.5f * c);
      }
      k.axpy(in, 2f * dn, w, o * in, grad, o * in); // dn/dw_o = 2 w_o
    }
  }

  /**
   * (S3) Convolution: dL/dw [o, c, kh, kw] (overwritten) by the chain rule, the {@code u} term by
   * the kernels' conv2d weight gradient (K14) with upstream gradient dL/du = dL/ds = -y.
   * {@code gs} holds n*o*oh*ow floats, {@code col} {@link Conv2dShape#colSize()} floats.
   * See spec/hebbian-rules.md#surrogate.
   *
   * @param k kernels
   * @param rule the local rule
   * @param s geometry
   * @param x inputs [n, c, h, w]
   * @param y signals [n, o, oh, ow]
   * @param w weights [o, c, kh, kw]
   * @param grad gradient [o, c, kh, kw] (overwritten)
   * @param gs workspace of n o oh ow floats
   * @param col im2col workspace
   */
  public static void convGradient(Kernels k, HebbRule rule, Conv2dShape s, float[] x, float[] y,
      float[] w, float[] grad, float[] gs, float[] col) {
    int total = s.outputSize(), o = s.o(), p = s.positions(), q = s.patchSize();
    for (int i = 0; i < total; i++) {
      gs[i] = -y[i];
    }
    k.conv2dBackwardWeights(s, x, gs, grad, col);
    if (rule == HebbRule.PLAIN) {
      return;
    }
    for (int oc = 0; oc < o; oc++) {
      float dn = 0f;
      for (int n = 0; n < s.n(); n++) {
        int base = (n * o + oc) * p;
        for (int i = 0; i < p; i++) {
          float c = rule == HebbRule.INSTAR ? 1f : y[base + i];
          dn += gs[base + i] * (-0.5f * c);
        }
      }
      k.axpy(q, 2f * dn, w, oc * q, grad, oc * q);
    }
  }
}
