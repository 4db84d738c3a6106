package org.hebb4j.hebbian;

/**
 * Settings of a Krotov-Hopfield layer (spec/krotov.md#settings). Every field is validated on
 * construction (one-line {@link IllegalArgumentException} naming it). {@link #paper(int, int)} gives
 * the paper's MNIST settings.
 *
 * @param inputs input units I (784 for 28 x 28 images)
 * @param units hidden units O
 * @param p Lebesgue exponent of the currents (KH1)
 * @param k rank of the anti-Hebbian unit (KH2), 2 .. units
 * @param delta strength of the anti-Hebbian unit (KH2)
 * @param eps0 initial step size (KH4); eps decays linearly to 0 over the epochs
 * @param epochs epochs of the decay schedule
 * @param batch samples per step
 */
public record KrotovConfig(int inputs, int units, double p, int k, double delta, double eps0,
    int epochs, int batch) {

  /**
   * Validates every field. See spec/krotov.md#settings.
   *
   * @param inputs at least 1
   * @param units at least 2
   * @param p finite, &gt;= 1
   * @param k 2 .. units
   * @param delta finite, &gt;= 0
   * @param eps0 finite, &gt; 0
   * @param epochs at least 1
   * @param batch at least 1
   * @throws IllegalArgumentException naming the bad field
   */
  public KrotovConfig {
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs must be at least 1, got " + inputs);
    }
    if (units < 2) {
      throw new IllegalArgumentException("units must be at least 2, got " + units);
    }
    if (!(p >= 1) || !Double.isFinite(p)) {
      throw new IllegalArgumentException("p must be finite and >= 1, got " + p);
    }
    if (k < 2 || k > units) {
      throw new IllegalArgumentException("k = " + k + " is impossible with " + units
          + " units (need 2 <= k <= units)");
    }
    if (!(delta >= 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException("delta must be finite and >= 0, got " + delta);
    }
    if (!(eps0 > 0) || !Double.isFinite(eps0)) {
      throw new IllegalArgumentException("eps0 must be finite and > 0, got " + eps0);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
  }

  /**
   * The paper's MNIST settings: 2000 units, p = 3, k = 7, delta = 0.4, eps0 = 0.02 (the
   * notebook's), batch 100, {@code epochs} epochs. See spec/krotov.md#settings.
   *
   * @param inputs input units
   * @param epochs epochs of the decay schedule
   * @return the configuration
   */
  public static KrotovConfig paper(int inputs, int epochs) {
    return new KrotovConfig(inputs, 2000, 3.0, 7, 0.4, 0.02, epochs, 100);
  }

  /**
   * A copy with another number of units.
   *
   * @param v units
   * @return the configuration
   */
  public KrotovConfig withUnits(int v) {
    return new KrotovConfig(inputs, v, p, Math.min(k, v), delta, eps0, epochs, batch);
  }

  /**
   * The step size of epoch {@code e} (0-based): {@code eps0 (1 - e / epochs)} (KH4).
   *
   * @param e epoch, 0 .. epochs - 1
   * @return eps
   * @throws IllegalArgumentException if e is outside 0 .. epochs - 1
   */
  public double epsilon(int e) {
    if (e < 0 || e >= epochs) {
      throw new IllegalArgumentException("epoch " + e + " outside 0 .. " + (epochs - 1));
    }
    return eps0 * (1.0 - (double) e / epochs);
  }
}
