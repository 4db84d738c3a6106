package org.hebb4j.emergence;

import org.hebb4j.nn.Conventions;

/**
 * Hyperparameters of one training run (spec/emergence.md#rules): the rule, learning rate lr,
 * decay gamma, noise kind and its standard deviation sigma, Adam's beta1, beta2, eps, the
 * batch size, and the conventions deciding which parameters the decay reaches
 * (spec/emergence.md#conventions).
 *
 * @param rule the learning rule
 * @param lr the learning rate
 * @param gamma the weight decay, &gt;= 0
 * @param noise the noise kind
 * @param sigma the noise standard deviation, &gt;= 0
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param eps Adam's epsilon
 * @param batch the batch size, at least 1
 * @param conventions HEBB4J (decay on weight matrices only) or TORCH (on every parameter)
 * @param dfaVariant the reading of DFA (used by rule DFA; spec/emergence.md#variants)
 * @param randomNnVariant the reading of Random NN (used by rule RANDOMNN)
 */
public record TrainConfig(Rule rule, float lr, float gamma, Noise noise, float sigma,
    float beta1, float beta2, float eps, int batch, Conventions conventions,
    DfaVariant dfaVariant, RandomNnVariant randomNnVariant) {

  /**
   * Checks the values. See spec/emergence.md#rules.
   *
   * @param rule the learning rule
   * @param lr the learning rate, &gt; 0
   * @param gamma the weight decay, &gt;= 0
   * @param noise the noise kind
   * @param sigma the noise standard deviation, &gt;= 0
   * @param beta1 Adam's first-moment decay
   * @param beta2 Adam's second-moment decay
   * @param eps Adam's epsilon
   * @param batch the batch size, at least 1
   * @param conventions HEBB4J or TORCH
   * @param dfaVariant the reading of DFA
   * @param randomNnVariant the reading of Random NN
   * @throws IllegalArgumentException naming the value out of range, or if an enum is null
   */
  public TrainConfig {
    if (rule == null || noise == null || conventions == null || dfaVariant == null
        || randomNnVariant == null) {
      throw new IllegalArgumentException("TrainConfig rule, noise, conventions and variants must"
          + " not be null");
    }
    if (!(lr > 0f) || !Float.isFinite(lr)) {
      throw new IllegalArgumentException("lr must be positive, got " + lr);
    }
    if (!(gamma >= 0f) || !Float.isFinite(gamma)) {
      throw new IllegalArgumentException("gamma must be >= 0, got " + gamma);
    }
    if (!(sigma >= 0f) || !Float.isFinite(sigma)) {
      throw new IllegalArgumentException("sigma must be >= 0, got " + sigma);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be positive, got " + batch);
    }
  }

  /**
   * A config with Adam's defaults beta1 = 0.9, beta2 = 0.999, eps = 1e-8 (torch.optim.Adam's)
   * conventions HEBB4J and the variants OUTPUT_GRADIENT, TARGETS. See spec/emergence.md#rules.
   *
   * @param rule the learning rule
   * @param lr the learning rate
   * @param gamma the weight decay
   * @param noise the noise kind
   * @param sigma the noise standard deviation
   * @param batch the batch size
   * @return the config
   */
  public static TrainConfig of(Rule rule, double lr, double gamma, Noise noise, double sigma,
      int batch) {
    return new TrainConfig(rule, (float) lr, (float) gamma, noise, (float) sigma, 0.9f, 0.999f,
        1e-8f, batch, Conventions.HEBB4J, DfaVariant.OUTPUT_GRADIENT, RandomNnVariant.TARGETS);
  }

  /**
   * This config with another weight decay. See spec/emergence.md#noise.
   *
   * @param g the weight decay
   * @return the new config
   */
  public TrainConfig withGamma(double g) {
    return new TrainConfig(rule, lr, (float) g, noise, sigma, beta1, beta2, eps, batch,
        conventions, dfaVariant, randomNnVariant);
  }

  /**
   * This config under other conventions. See spec/emergence.md#conventions.
   *
   * @param c HEBB4J or TORCH
   * @return the new config
   */
  public TrainConfig withConventions(Conventions c) {
    return new TrainConfig(rule, lr, gamma, noise, sigma, beta1, beta2, eps, batch, c,
        dfaVariant, randomNnVariant);
  }

  /**
   * This config with other readings of DFA and Random NN. See spec/emergence.md#variants.
   *
   * @param dfa the reading of DFA
   * @param randomNn the reading of Random NN
   * @return the new config
   */
  public TrainConfig withVariants(DfaVariant dfa, RandomNnVariant randomNn) {
    return new TrainConfig(rule, lr, gamma, noise, sigma, beta1, beta2, eps, batch, conventions,
        dfa, randomNn);
  }

  /**
   * Whether the learning signal comes from a fixed random network's own gradient (rule RANDOMNN
   * under {@link RandomNnVariant#SIGNAL}, (E31)). See spec/emergence.md#variants.
   *
   * @return the answer
   */
  public boolean randomSignal() {
    return rule.randomTargets && randomNnVariant == RandomNnVariant.SIGNAL;
  }

  /**
   * Whether the training targets are a fixed random network's outputs (rule RANDOMNN under
   * {@link RandomNnVariant#TARGETS}, (E21)). See spec/emergence.md#variants.
   *
   * @return the answer
   */
  public boolean randomTargets() {
    return rule.randomTargets && randomNnVariant == RandomNnVariant.TARGETS;
  }

  /**
   * The weight decay of the parameters outside the weight matrices (biases; for the
   * transformer also positions and layer norms): gamma when the conventions decay every
   * parameter (TORCH, (E28)), else 0 (E9). See spec/emergence.md#conventions.
   *
   * @return gamma or 0
   */
  public float otherGamma() {
    return conventions.decaysEveryParameter() ? gamma : 0f;
  }

  /**
   * Whether noise is injected. See spec/emergence.md#noise.
   *
   * @return noise != NONE and sigma &gt; 0
   */
  public boolean noisy() {
    return noise != Noise.NONE && sigma > 0f;
  }

  /**
   * The parameter most likely to have made a run of this config diverge, for the message of
   * {@link org.hebb4j.nn.DivergedException}: the weight decay when {@code lr * gamma >= 2}
   * outside Adam's coupled L2 (then (E8)'s decay factor {@code 1 - lr * gamma} is at most -1,
   * and every step makes the weights grow), else the learning rate (and the noise, if any).
   *
   * @return e.g. "weight decay gamma 1000: lr * gamma = 100 >= 2 makes each decay step
   *     overshoot", or "learning rate 1000 too large"
   */
  public String divergenceCause() {
    double lg = (double) lr * gamma;
    if (rule.optimizer != Rule.Optimizer.ADAM && lg >= 2) {
      return "weight decay gamma " + num(gamma) + ": lr * gamma = " + num(lr) + " * "
          + num(gamma) + " = " + num(lg) + " >= 2 makes each decay step overshoot";
    }
    return "learning rate " + num(lr) + (noisy() ? " or " + noise.id() + " noise sigma "
        + num(sigma) : "") + " too large";
  }

  /** Shortest form of a float's value: "0.1", "1000", "1e-05". */
  private static String num(double v) {
    float f = (float) v;
    return f == Math.rint(f) && Math.abs(f) < 1e7 ? String.valueOf((long) f)
        : Float.toString(f).replace("E", "e");
  }
}
