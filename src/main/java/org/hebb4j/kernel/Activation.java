package org.hebb4j.kernel;

import java.util.Locale;
import org.hebb4j.util.Named;

/** Elementwise activations, spec/kernels.md#activations. Derivatives take the pre-activation a. */
public enum Activation implements Named {
  /** act(a) = a. */
  LINEAR,
  /** act(a) = max(a, 0); NaN maps to 0. */
  RELU,
  /** act(a) = tanh(a). */
  TANH,
  /** act(a) = 1 / (1 + e^-a), computed without overflow. */
  SIGMOID;

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
      case TANH: return (float) Math.tanh(a);
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
        float t = (float) Math.tanh(a);
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

  /** Numerically safe logistic function: never evaluates exp of a large positive number. */
  static float sigmoid(float a) {
    if (a >= 0f) {
      return (float) (1.0 / (1.0 + Math.exp(-a)));
    }
    double e = Math.exp(a);
    return (float) (e / (1.0 + e));
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
