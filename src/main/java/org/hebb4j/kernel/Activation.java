package org.hebb4j.kernel;

import java.util.Locale;
import org.hebb4j.util.Named;

/**
 * Elementwise activations, spec/kernels.md#activations. Derivatives take the pre-activation a.
 * tanh and the sigmoid have one definition each, (K8a) and (K8b), evaluated with IEEE operations
 * and {@link Math#fma} only, so the scalar and the vector kernels give the same bits
 * (spec/kernels.md#one-result).
 */
public enum Activation implements Named {
  /** act(a) = a. */
  LINEAR,
  /** act(a) = max(a, 0); NaN maps to 0. */
  RELU,
  /** act(a) = tanh(a), by the rational form (K8a). */
  TANH,
  /** act(a) = 1 / (1 + e^-a), as 1/2 + tanh(a/2)/2 (K8b). */
  SIGMOID;

  /** (K8a) clamp and coefficients: numerator a1..a13 (odd powers), denominator b0..b6 (even). */
  static final float CLAMP = 7.99881172180175781f;
  static final float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f,
      A5 = 1.48572235717979e-05f, A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f,
      A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
  static final float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f,
      B4 = 1.18534705686654e-04f, B6 = 1.19825839466702e-06f;

  /**
   * act(a) in float32 (K8). See spec/kernels.md#activations.
   *
   * @param a the pre-activation
   * @return act(a)
   */
  public float apply(float a) {
    switch (this) {
      case LINEAR: return a;
      case RELU: return a > 0f ? a : 0f;
      case TANH: return tanh(a);
      case SIGMOID: return sigmoid(a);
      default: throw new AssertionError(this);
    }
  }

  /**
   * act'(a) in float32 (K9). See spec/kernels.md#activations.
   *
   * @param a the pre-activation
   * @return act'(a)
   */
  public float derivative(float a) {
    switch (this) {
      case LINEAR: return 1f;
      case RELU: return a > 0f ? 1f : 0f;
      case TANH: {
        float t = tanh(a);
        return 1f - t * t;
      }
      case SIGMOID: {
        float s = sigmoid(a);
        return s * (1f - s);
      }
      default: throw new AssertionError(this);
    }
  }

  /**
   * act'(a) in float32 from z = act(a) (K9b): the same float as {@link #derivative} when z is
   * {@link #apply}(a). See spec/kernels.md#activations.
   *
   * @param z the activation act(a)
   * @return act'(a)
   */
  public float derivativeFromOutput(float z) {
    switch (this) {
      case LINEAR: return 1f;
      case RELU: return z > 0f ? 1f : 0f;
      case TANH: return 1f - z * z;
      case SIGMOID: return z * (1f - z);
      default: throw new AssertionError(this);
    }
  }

  /**
   * (K8a) tanh(a) ~ x (P(x^2) / Q(x^2)), x = a clamped to [-CLAMP, CLAMP]: Horner's rule in fused
   * multiply-adds, the ratio first, then the product with x, in exactly the operations of the
   * vector kernels' lanes (each {@code Math.fma} rounds once, as {@code FloatVector.fma} does).
   */
  static float tanh(float a) {
    float x = Math.min(Math.max(a, -CLAMP), CLAMP);
    float x2 = x * x;
    float p = Math.fma(x2, A13, A11);
    p = Math.fma(p, x2, A9);
    p = Math.fma(p, x2, A7);
    p = Math.fma(p, x2, A5);
    p = Math.fma(p, x2, A3);
    p = Math.fma(p, x2, A1);
    float q = Math.fma(x2, B6, B4);
    q = Math.fma(q, x2, B2);
    q = Math.fma(q, x2, B0);
    return p / q * x;
  }

  /** (K8b) sigmoid(a) = 1/2 + tanh(a / 2) / 2, as fma(tanh(a / 2), 1/2, 1/2); never overflows. */
  static float sigmoid(float a) {
    return Math.fma(tanh(a * 0.5f), 0.5f, 0.5f);
  }

  /**
   * The lower-case name used on the command line and in test vectors.
   * See spec/kernels.md#activations.
   *
   * @return "linear", "relu", "tanh" or "sigmoid"
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant named {@code s} ({@link Named#parse}). See spec/kernels.md#activations.
   *
   * @param s the word: "linear", "relu", "tanh" or "sigmoid"
   * @return the constant whose {@link #id()} is {@code s}
   * @throws IllegalArgumentException if no constant is named {@code s} (one line, listing them)
   */
  public static Activation parse(String s) {
    return Named.parse(Activation.class, "activation", s);
  }
}
