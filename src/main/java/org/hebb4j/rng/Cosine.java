package org.hebb4j.rng;

/**
 * fdlibm's cosine, the function {@link StrictMath#cos} specifies, written out for the arguments
 * Box-Muller uses (spec/rng.md (R6a)). JDK 21+ run a Java port of fdlibm whose argument reduction
 * returns its two-part remainder in a fresh {@code double[2]}: 32 bytes per Gaussian draw that
 * escape analysis does not remove. This port keeps the remainder in locals, so a draw allocates
 * nothing, and returns the same bits (RngTest compares it with StrictMath.cos).
 *
 * <p>Covered directly: |x| <= 2^19 pi/2 (fdlibm's "medium" reduction). Larger and non-finite
 * arguments, never produced by {@link Rng#gaussian()}, are passed to StrictMath.cos.
 */
final class Cosine {
  private Cosine() {}

  // __kernel_cos coefficients
  private static final double C1 = 0x1.555555555554cp-5;
  private static final double C2 = -0x1.6c16c16c15177p-10;
  private static final double C3 = 0x1.a01a019cb159p-16;
  private static final double C4 = -0x1.27e4f809c52adp-22;
  private static final double C5 = 0x1.1ee9ebdb4b1c4p-29;
  private static final double C6 = -0x1.8fae9be8838d4p-37;
  // __kernel_sin coefficients
  private static final double S1 = -0x1.5555555555549p-3;
  private static final double S2 = 0x1.111111110f8a6p-7;
  private static final double S3 = -0x1.a01a019c161d5p-13;
  private static final double S4 = 0x1.71de357b1fe7dp-19;
  private static final double S5 = -0x1.ae5e68a2b9cebp-26;
  private static final double S6 = 0x1.5d93a5acfd57cp-33;
  // __ieee754_rem_pio2: pi/2 split into 33-bit pieces and their tails
  private static final double INVPIO2 = 0x1.45f306dc9c883p-1;
  private static final double PIO2_1 = 0x1.921fb544p0;
  private static final double PIO2_1T = 0x1.0b4611a626331p-34;
  private static final double PIO2_2 = 0x1.0b4611a6p-34;
  private static final double PIO2_2T = 0x1.3198a2e037073p-69;
  private static final double PIO2_3 = 0x1.3198a2ep-69;
  private static final double PIO2_3T = 0x1.b839a252049c1p-104;
  /** High words of n*pi/2, n = 1..32: where the first reduction step may cancel. */
  private static final int[] NPIO2_HW = {
    0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C,
    0x4025FDBB, 0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C,
    0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A,
    0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
    0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB,
    0x404858EB, 0x404921FB,
  };

  private static int hi(double x) {
    return (int) (Double.doubleToRawLongBits(x) >>> 32);
  }

  static double cos(double x) {
    int hx = hi(x);
    int ix = hx & 0x7fffffff;
    if (ix <= 0x3fe921fb) { // |x| <= pi/4: no reduction
      return kernelCos(x, 0.0);
    }
    if (ix > 0x413921fb) { // beyond the medium range, or Inf/NaN
      return StrictMath.cos(x);
    }
    // x = n pi/2 + (y0 + y1)
    int n;
    double y0, y1;
    if (ix < 0x4002d97c) { // |x| < 3pi/4: n = +-1
      double s = hx > 0 ? 1.0 : -1.0;
      double z = x - s * PIO2_1;
      if (ix != 0x3ff921fb) {
        y0 = z - s * PIO2_1T;
        y1 = (z - y0) - s * PIO2_1T;
      } else { // near pi/2: 33+33+53 bits of pi
        z -= s * PIO2_2;
        y0 = z - s * PIO2_2T;
        y1 = (z - y0) - s * PIO2_2T;
      }
      n = hx > 0 ? 1 : -1;
    } else {
      double t = Math.abs(x);
      n = (int) (t * INVPIO2 + 0.5);
      double fn = n;
      double r = t - fn * PIO2_1;
      double w = fn * PIO2_1T;
      y0 = r - w;
      if (n >= 32 || ix == NPIO2_HW[n - 1]) {
        int j = ix >> 20;
        if (j - ((hi(y0) >> 20) & 0x7ff) > 16) { // second step, good to 118 bits
          t = r;
          w = fn * PIO2_2;
          r = t - w;
          w = fn * PIO2_2T - ((t - r) - w);
          y0 = r - w;
          if (j - ((hi(y0) >> 20) & 0x7ff) > 49) { // third step, 151 bits
            t = r;
            w = fn * PIO2_3;
            r = t - w;
            w = fn * PIO2_3T - ((t - r) - w);
            y0 = r - w;
          }
        }
      }
      y1 = (r - y0) - w;
      if (hx < 0) {
        y0 = -y0;
        y1 = -y1;
        n = -n;
      }
    }
    switch (n & 3) {
      case 0: return kernelCos(y0, y1);
      case 1: return -kernelSin(y0, y1);
      case 2: return -kernelCos(y0, y1);
      default: return kernelSin(y0, y1);
    }
  }

  /** cos(x + y) for |x| <= pi/4, y the tail of x. */
  private static double kernelCos(double x, double y) {
    int ix = hi(x) & 0x7fffffff;
    if (ix < 0x3e400000 && (int) x == 0) { // |x| < 2^-27
      return 1.0;
    }
    double z = x * x;
    double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    if (ix < 0x3FD33333) { // |x| < 0.3
      return 1.0 - (0.5 * z - (z * r - x * y));
    }
    double qx = ix > 0x3fe90000 ? 0.28125 : Double.longBitsToDouble((long) (ix - 0x00200000) << 32);
    double hz = 0.5 * z - qx;
    double a = 1.0 - qx;
    return a - (hz - (z * r - x * y));
  }

  /** sin(x + y) for |x| <= pi/4, y the tail of x (fdlibm's iy = 1 case). */
  private static double kernelSin(double x, double y) {
    int ix = hi(x) & 0x7fffffff;
    if (ix < 0x3e400000 && (int) x == 0) { // |x| < 2^-27
      return x;
    }
    double z = x * x;
    double v = z * x;
    double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    return x - ((z * (0.5 * y - v * r) - y) - v * S1);
  }
}
