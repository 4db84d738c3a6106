package org.hebb4j.hebbian;

/**
 * {@code exp} and {@code log} in double written in plain Java arithmetic ({@link Math#fma},
 * {@link Math#rint}, exactly specified), so they give the same bits on every JVM, like
 * {@link StrictMath}, at a few times its speed and without allocating (spec/softhebb.md#math).
 * Error: at most 2 ulp of the double result over the whole range (tested against
 * {@link StrictMath}), far below the float32 rounding of the values they feed. The soft
 * winner-take-all (SH4) and the powers of triangle^p (SH7) and of the rates (SH6) use them.
 */
public final class PortableMath {

  private PortableMath() {}

  private static final double LOG2E = 0x1.71547652b82fep0;
  /** ln 2 as a sum of two doubles: HI (rounded) + LO. */
  private static final double LN2_HI = 0x1.62e42fefa39efp-1;
  private static final double LN2_LO = 0x1.abc9e3b39803fp-56;
  private static final double SQRT2 = 0x1.6a09e667f3bcdp0;
  private static final long MANTISSA = 0x000fffffffffffffL;

  /** 64 / ln 2, and ln 2 / 64 as a sum of two doubles: HI (rounded) + LO. */
  private static final double INV_LN2_64 = 64 * LOG2E;
  private static final double LN2_64_HI = LN2_HI / 64;
  private static final double LN2_64_LO = LN2_LO / 64;
  /** 2^(j / 64) for j = 0 .. 63, from StrictMath (the same bits on every JVM). */
  private static final double[] TWO_POW = new double[64];

  static {
    for (int j = 0; j < 64; j++) {
      TWO_POW[j] = StrictMath.pow(2.0, j / 64.0);
    }
  }

  /**
   * e^x: {@code x = (64 m + j) ln 2 / 64 + r} with {@code |r| <= ln 2 / 128} (r from an fma
   * reduction against a two-part ln 2 / 64), {@code e^x = 2^m 2^(j/64) e^r} with the table
   * 2^(j/64) and the Taylor polynomial of degree 5 in r (truncation below 4e-17 relative). NaN
   * for NaN, 0 below about -745.13, +infinity above about 709.78.
   *
   * @param x the exponent
   * @return e^x
   */
  public static double exp(double x) {
    if (!(x > -746)) {
      return x != x ? x : 0.0;
    }
    if (x > 710) {
      return Double.POSITIVE_INFINITY;
    }
    double kd = Math.rint(x * INV_LN2_64);
    double r = Math.fma(kd, -LN2_64_LO, Math.fma(kd, -LN2_64_HI, x));
    double p = 1.0 / 120;
    p = Math.fma(p, r, 1.0 / 24);
    p = Math.fma(p, r, 1.0 / 6);
    p = Math.fma(p, r, 0.5);
    p = Math.fma(p, r, 1.0);
    int k = (int) kd, j = k & 63, m = k >> 6;
    double t = TWO_POW[j];
    p = Math.fma(t * r, p, t); // 2^(j/64) e^r
    if (m > 1023) {
      return p * 2.0 * Double.longBitsToDouble((long) (m - 1 + 1023) << 52);
    }
    if (m < -1022) { // a subnormal result: two scalings, the last one rounds
      return p * Double.longBitsToDouble((long) (m + 600 + 1023) << 52) * 0x1p-600;
    }
    return p * Double.longBitsToDouble((long) (m + 1023) << 52);
  }

  /**
   * The natural logarithm: {@code x = 2^e m} with {@code m} in [sqrt(1/2), sqrt(2)), then
   * {@code log m = 2 atanh(s)}, {@code s = (m - 1) / (m + 1)}, by its series to s^23
   * (|s| &lt;= 0.172, truncation below 1e-19), plus {@code e ln 2} in two parts. NaN for NaN
   * and negative x, -infinity for 0, +infinity for +infinity.
   *
   * @param x the argument
   * @return ln x
   */
  public static double log(double x) {
    if (!(x > 0) || x == Double.POSITIVE_INFINITY) {
      return x == 0 ? Double.NEGATIVE_INFINITY : x > 0 ? x : Double.NaN;
    }
    int e = 0;
    if (x < Double.MIN_NORMAL) {
      x *= 0x1p54;
      e = -54;
    }
    long bits = Double.doubleToRawLongBits(x);
    e += (int) (bits >>> 52) - 1023;
    double m = Double.longBitsToDouble((bits & MANTISSA) | (1023L << 52));
    if (m > SQRT2) {
      m *= 0.5;
      e++;
    }
    double f = m - 1; // exact (Sterbenz)
    double s = f / (2 + f), z = s * s;
    double q = 1.0 / 23;
    q = Math.fma(q, z, 1.0 / 21);
    q = Math.fma(q, z, 1.0 / 19);
    q = Math.fma(q, z, 1.0 / 17);
    q = Math.fma(q, z, 1.0 / 15);
    q = Math.fma(q, z, 1.0 / 13);
    q = Math.fma(q, z, 1.0 / 11);
    q = Math.fma(q, z, 1.0 / 9);
    q = Math.fma(q, z, 1.0 / 7);
    q = Math.fma(q, z, 1.0 / 5);
    q = Math.fma(q, z, 1.0 / 3);
    double s2 = 2 * s;
    double logM = Math.fma(s2 * z, q, s2);
    return Math.fma(e, LN2_HI, Math.fma(e, LN2_LO, logM));
  }

  /**
   * {@code x^y} for {@code x >= 0} as {@code exp(y log x)}: 0 for {@code x == 0} and
   * {@code y > 0}. Relative error a few times 1e-16 |y log x|.
   *
   * @param x base, &gt;= 0
   * @param y exponent, &gt; 0
   * @return x^y
   */
  public static double pow(double x, double y) {
    return x == 0 ? 0 : exp(y * log(x));
  }
}
