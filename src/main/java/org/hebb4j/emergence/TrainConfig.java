package org.hebb4j.emergence;

/**
 * Hyperparameters of one training run (spec/emergence.md#rules): the rule, learning rate lr,
 * decay gamma, noise kind and its standard deviation sigma, Adam's beta1, beta2, eps, and the
 * batch size.
 */
public record TrainConfig(Rule rule, float lr, float gamma, Noise noise, float sigma,
    float beta1, float beta2, float eps, int batch) {

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

  /** Adam defaults beta1 = 0.9, beta2 = 0.999, eps = 1e-8 (those of torch.optim.Adam). */
  public static TrainConfig of(Rule rule, double lr, double gamma, Noise noise, double sigma,
      int batch) {
    return new TrainConfig(rule, (float) lr, (float) gamma, noise, (float) sigma, 0.9f, 0.999f,
        1e-8f, batch);
  }

  public TrainConfig withGamma(double g) {
    return new TrainConfig(rule, lr, (float) g, noise, sigma, beta1, beta2, eps, batch);
  }

  public boolean noisy() {
    return noise != Noise.NONE && sigma > 0f;
  }
}
