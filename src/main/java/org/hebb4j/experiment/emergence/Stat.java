package org.hebb4j.experiment.emergence;

/**
 * Mean and population standard deviation (ddof = 0) of a measurement over seeds.
 *
 * @param mean the mean of the finite values (NaN when there is none)
 * @param std the standard deviation of the finite values (NaN when there is none)
 */
public record Stat(double mean, double std) {

  /**
   * The statistics of the finite values of {@code v} (NaN and infinities are left out).
   *
   * @param v the values
   * @return mean and standard deviation
   */
  public static Stat of(double[] v) {
    double sum = 0;
    int n = 0;
    for (double x : v) {
      if (Double.isFinite(x)) {
        sum += x;
        n++;
      }
    }
    if (n == 0) {
      return new Stat(Double.NaN, Double.NaN);
    }
    double mean = sum / n, ss = 0;
    for (double x : v) {
      if (Double.isFinite(x)) {
        ss += (x - mean) * (x - mean);
      }
    }
    return new Stat(mean, Math.sqrt(ss / n));
  }
}
