package org.hebb4j.emergence;

/**
 * Hyperparameters of one training run (spec/emergence.md#rules): the rule, learning rate lr,
 * decay gamma, noise kind and its standard deviation sigma, Adam's beta1, beta2, eps, and the
 * batch size.
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
 */
public record TrainConfig(Rule rule, float lr, float gamma, Noise noise, float sigma,
    float beta1, float beta2, float eps, int batch) {

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
   * @throws IllegalArgumentException naming the value out of range
   */
  public TrainConfig {
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
   * A config with Adam's defaults beta1 = 0.9, beta2 = 0.999, eps = 1e-8 (torch.optim.Adam's).
   * See spec/emergence.md#rules.
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
        1e-8f, batch);
  }

  /**
   * This config with another weight decay. See spec/emergence.md#noise.
   *
   * @param g the weight decay
   * @return the new config
   */
  public TrainConfig withGamma(double g) {
    return new TrainConfig(rule, lr, (float) g, noise, sigma, beta1, beta2, eps, batch);
  }

  /**
   * Whether noise is injected. See spec/emergence.md#noise.
   *
   * @return noise != NONE and sigma &gt; 0
   */
  public boolean noisy() {
    return noise != Noise.NONE && sigma > 0f;
  }
}
