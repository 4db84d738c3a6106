package org.hebb4j.emergence;

/**
 * The elementwise parts of the learning rules (spec/emergence.md#rules), shared by the trainer and
 * the test-vector ops. The learning signal g is the quantity the decay term -gamma w is added to:
 * (E8) for SGD, DFA and Random NN, (E12) for AdamW, (E13) for Adam with coupled L2.
 */
public final class Updates {

  private Updates() {}

  /**
   * (E11) g = -grad. See spec/emergence.md#rules.
   *
   * @param n the number of values
   * @param grad the gradient dL/dW, [n]
   * @param g receives the learning signal, [n]
   */
  public static void sgdSignal(int n, float[] grad, float[] g) {
    for (int i = 0; i < n; i++) {
      g[i] = -grad[i];
    }
  }

  /**
   * (E12) AdamW's learning signal g = -mhat / (sqrt(vhat) + eps) from moments of {@code grad},
   * {@code t} the 1-based step. The new moments go to {@code mOut}, {@code vOut}, which may be
   * {@code m}, {@code v} (a real step) or scratch arrays (a dry run, (E18b)).
   * See spec/emergence.md#rules.
   *
   * @param n the number of values
   * @param grad the gradient dL/dW, [n]
   * @param beta1 the first-moment decay
   * @param beta2 the second-moment decay
   * @param eps added to sqrt(vhat)
   * @param t the step, 1-based (bias correction)
   * @param m the first moments before the step, [n]
   * @param v the second moments before the step, [n]
   * @param mOut receives the new first moments (may be m), [n]
   * @param vOut receives the new second moments (may be v), [n]
   * @param g receives the learning signal, [n]
   */
  public static void adamSignal(int n, float[] grad, float beta1, float beta2, float eps, long t,
      float[] m, float[] v, float[] mOut, float[] vOut, float[] g) {
    float c1 = (float) (1.0 / (1.0 - power(beta1, t)));
    float c2 = (float) (1.0 / (1.0 - power(beta2, t)));
    float a1 = 1f - beta1, a2 = 1f - beta2;
    for (int i = 0; i < n; i++) {
      float gr = grad[i];
      float mi = beta1 * m[i] + a1 * gr;
      float vi = beta2 * v[i] + a2 * gr * gr;
      mOut[i] = mi;
      vOut[i] = vi;
      g[i] = -(mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
    }
  }

  /**
   * (E8) w &lt;- w + lr (g - gamma w), elementwise in one expression (not (1 - lr gamma) w, whose
   * float32 factor would misstate a small decay by up to a few percent); (E9) is gamma = 0.
   * See spec/emergence.md#rules.
   *
   * @param n the number of values
   * @param lr the learning rate
   * @param gamma the weight decay
   * @param g the learning signal, [n]
   * @param w the parameters, updated in place, [n]
   */
  public static void apply(int n, float lr, float gamma, float[] g, float[] w) {
    if (gamma == 0f) {
      for (int i = 0; i < n; i++) {
        w[i] += lr * g[i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        w[i] += lr * (g[i] - gamma * w[i]);
      }
    }
  }

  /**
   * (E13) Adam with coupled L2, as torch.optim.Adam: the decay is added to the gradient before the
   * moments, q = -g + gamma w, then m, v from q and w &lt;- w - lr mhat / (sqrt(vhat) + eps).
   * See spec/emergence.md#rules.
   *
   * @param n the number of values
   * @param lr the learning rate
   * @param gamma the weight decay (coupled)
   * @param g the learning signal (-dL/dW), [n]
   * @param w the parameters, updated in place, [n]
   * @param beta1 the first-moment decay
   * @param beta2 the second-moment decay
   * @param eps added to sqrt(vhat)
   * @param t the step, 1-based
   * @param m the first moments, updated in place, [n]
   * @param v the second moments, updated in place, [n]
   */
  public static void adamCoupledStep(int n, float lr, float gamma, float[] g, float[] w,
      float beta1, float beta2, float eps, long t, float[] m, float[] v) {
    float c1 = (float) (1.0 / (1.0 - power(beta1, t)));
    float c2 = (float) (1.0 / (1.0 - power(beta2, t)));
    float a1 = 1f - beta1, a2 = 1f - beta2;
    for (int i = 0; i < n; i++) {
      float q = gamma == 0f ? -g[i] : -g[i] + gamma * w[i];
      float mi = beta1 * m[i] + a1 * q;
      float vi = beta2 * v[i] + a2 * q * q;
      m[i] = mi;
      v[i] = vi;
      w[i] -= lr * ((mi * c1) / ((float) Math.sqrt(vi * c2) + eps));
    }
  }

  /**
   * beta^t for the bias corrections, by binary exponentiation in double: IEEE products only, so
   * the same bits on every platform (spec/kernels.md#one-result), no allocation (StrictMath.pow
   * allocates on JDK 17), and a relative error below 2 log2(t) 2^-53.
   */
  static double power(double beta, long t) {
    double result = 1, square = beta;
    for (long e = t; e > 0; e >>= 1) {
      if ((e & 1) != 0) {
        result *= square;
      }
      square *= square;
    }
    return result;
  }
}
