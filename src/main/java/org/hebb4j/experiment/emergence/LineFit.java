package org.hebb4j.experiment.emergence;

/**
 * An ordinary least-squares line y = a + b x with the slope's standard error and its two-sided
 * Student-t confidence interval (spec/emergence.md#fit, (E24b)):
 *
 * <pre>
 *   b = Sxy / Sxx,  a = ybar - b xbar,  s^2 = sum (y - a - b x)^2 / (n - 2),
 *   se(b) = sqrt(s^2 / Sxx),  b +- t_{(1 + level)/2, n - 2} se(b)
 * </pre>
 *
 * <p>With n = 2 points the line is exact and the interval is undefined (NaN); with n &lt; 2
 * everything is NaN.
 *
 * @param n the number of points
 * @param a the intercept (NaN when n &lt; 2)
 * @param b the slope (NaN when n &lt; 2 or every x is equal)
 * @param slopeStdErr se(b) (NaN when n &lt; 3)
 * @param level the confidence level, e.g. 0.95
 * @param slopeLow the interval's lower end (NaN when n &lt; 3)
 * @param slopeHigh the interval's upper end (NaN when n &lt; 3)
 */
public record LineFit(int n, double a, double b, double slopeStdErr, double level,
    double slopeLow, double slopeHigh) {

  /**
   * Fits the line to the points (x[i], y[i]).
   *
   * @param x abscissae
   * @param y ordinates, as many as x
   * @param level the confidence level in (0, 1)
   * @return the fit
   * @throws IllegalArgumentException if the lengths differ or level is outside (0, 1)
   */
  public static LineFit of(double[] x, double[] y, double level) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("line fit: " + x.length + " x values but " + y.length
          + " y values");
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("line fit: level must be in (0, 1), got " + level);
    }
    int n = x.length;
    if (n < 2) {
      return new LineFit(n, Double.NaN, Double.NaN, Double.NaN, level, Double.NaN, Double.NaN);
    }
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    double b = sxx == 0 ? Double.NaN : sxy / sxx;
    double a = my - b * mx;
    if (n < 3 || sxx == 0) {
      return new LineFit(n, a, b, Double.NaN, level, Double.NaN, Double.NaN);
    }
    double ssr = 0;
    for (int i = 0; i < n; i++) {
      double r = y[i] - a - b * x[i];
      ssr += r * r;
    }
    double se = Math.sqrt(ssr / (n - 2) / sxx);
    double t = studentT((1 + level) / 2, n - 2);
    return new LineFit(n, a, b, se, level, b - t * se, b + t * se);
  }

  /**
   * Whether the slope's interval exists (at least three points, not all at one x).
   *
   * @return slopeLow is finite
   */
  public boolean hasInterval() {
    return Double.isFinite(slopeLow);
  }

  /**
   * Whether {@code v} lies in the slope's closed interval.
   *
   * @param v a slope
   * @return false when there is no interval
   */
  public boolean contains(double v) {
    return hasInterval() && v >= slopeLow && v <= slopeHigh;
  }

  /**
   * The quantile of Student's t distribution: the t with P(T &lt;= t) = p for df degrees of
   * freedom, by bisection on the distribution function (regularised incomplete beta, continued
   * fraction), to a relative accuracy of about 1e-12.
   *
   * @param p the probability, in (0, 1)
   * @param df the degrees of freedom, at least 1
   * @return the quantile (e.g. 12.706 for p = 0.975, df = 1; 2.228 for df = 10)
   * @throws IllegalArgumentException if p is outside (0, 1) or df &lt; 1
   */
  public static double studentT(double p, int df) {
    if (!(p > 0 && p < 1) || df < 1) {
      throw new IllegalArgumentException("Student t quantile needs 0 < p < 1 and df >= 1, got p "
          + p + ", df " + df);
    }
    if (p < 0.5) {
      return -studentT(1 - p, df);
    }
    double lo = 0, hi = 1;
    while (studentCdf(hi, df) < p) {
      lo = hi;
      hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (studentCdf(mid, df) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** P(T &lt;= t) for t &gt;= 0: 1 - I_{df / (df + t^2)}(df / 2, 1 / 2) / 2. */
  static double studentCdf(double t, int df) {
    return 1 - 0.5 * incompleteBeta(df / (df + t * t), 0.5 * df, 0.5);
  }

  /** The regularised incomplete beta function I_x(a, b) (Numerical Recipes' betai). */
  static double incompleteBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double front = StrictMath.exp(logGamma(a + b) - logGamma(a) - logGamma(b)
        + a * StrictMath.log(x) + b * StrictMath.log(1 - x));
    if (x < (a + 1) / (a + b + 2)) {
      return front * betaFraction(x, a, b) / a;
    }
    return 1 - front * betaFraction(1 - x, b, a) / b;
  }

  /** The continued fraction of I_x(a, b) by the modified Lentz method. */
  private static double betaFraction(double x, double a, double b) {
    double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 1000; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
      aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-15) {
        break;
      }
    }
    return h;
  }

  /** ln Gamma(z) for z &gt; 0 (Lanczos, g = 7, nine coefficients; about 1e-15 relative). */
  static double logGamma(double z) {
    if (z < 0.5) {
      // reflection: Gamma(z) Gamma(1 - z) = pi / sin(pi z)
      return StrictMath.log(Math.PI / StrictMath.sin(Math.PI * z)) - logGamma(1 - z);
    }
    double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
        9.9843695780195716e-6, 1.5056327351493116e-7};
    double zz = z - 1, s = c[0];
    for (int i = 1; i < c.length; i++) {
      s += c[i] / (zz + i);
    }
    double t = zz + 7.5;
    return 0.5 * StrictMath.log(2 * Math.PI) + (zz + 0.5) * StrictMath.log(t) - t
        + StrictMath.log(s);
  }
}
