package org.hebb4j.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * spec/kernels.md#exp (K21) in double lanes: fdlibm's e_exp.c (the JDK's {@code StrictMath.exp},
 * {@code FdLibm.Exp}) with every branch computed in every lane and the lane's own branch chosen
 * by blends. Each lane performs exactly fdlibm's IEEE operations on its element (no fma, the
 * same constants, the same order; sums and products are commutative in IEEE arithmetic), so
 * the bits are {@code StrictMath.exp}'s, which the scalar tail calls. fdlibm's tests on the high
 * word {@code hx} of |x| are tests on |x| itself: for non-negative doubles the order of the bit
 * patterns is the order of the values, so {@code hx > h} is {@code |x| >= (h + 1) 2^32} as a bit
 * pattern and {@code hx < h} is {@code |x| < h 2^32}.
 */
final class VectorExp {

  private VectorExp() {}

  private static final VectorSpecies<Double> D =
      VectorSpecies.of(double.class, VectorKernels.S.vectorShape());
  private static final int DL = D.length();

  private static final double LN2HI = 0x1.62e42feep-1;
  private static final double LN2LO = 0x1.a39ef35793c76p-33;
  private static final double INVLN2 = 0x1.71547652b82fep0;
  private static final double P1 = 0x1.555555555553ep-3;
  private static final double P2 = -0x1.6c16c16bebd93p-9;
  private static final double P3 = 0x1.1566aaf25de2cp-14;
  private static final double P4 = -0x1.bbd41c5d26bf1p-20;
  private static final double P5 = 0x1.6376972bea4d0p-25;
  private static final double O_THRESHOLD = 0x1.62e42fefa39efp9;
  private static final double U_THRESHOLD = -0x1.74910d52d3051p9;
  private static final double TWOM1000 = 0x1.0p-1000;
  /** hx &gt; 0x3fd62e42 (|x| &gt; 0.5 ln 2): the argument is reduced. */
  private static final double REDUCE = Double.longBitsToDouble(0x3fd62e43L << 32);
  /** hx &lt; 0x3ff0a2b2 (|x| &lt; 1.5 ln 2): k = +-1. */
  private static final double NEAR = Double.longBitsToDouble(0x3ff0a2b2L << 32);
  /** hx &lt; 0x3e300000 (|x| &lt; 2^-28): 1 + x. */
  private static final double TINY = Double.longBitsToDouble(0x3e300000L << 32);

  /** Blend constants in every lane. */
  private static final DoubleVector M_ONE = DoubleVector.broadcast(D, -1.0);
  private static final DoubleVector M_LN2HI = DoubleVector.broadcast(D, -LN2HI);
  private static final DoubleVector M_LN2LO = DoubleVector.broadcast(D, -LN2LO);
  private static final DoubleVector M_HALF = DoubleVector.broadcast(D, -0.5);
  private static final DoubleVector V_INF = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);

  private static final DoubleVector ONE = DoubleVector.broadcast(D, 1.0);
  private static final DoubleVector HALF = DoubleVector.broadcast(D, 0.5);
  private static final DoubleVector LN2HI_V = DoubleVector.broadcast(D, LN2HI);
  private static final DoubleVector LN2LO_V = DoubleVector.broadcast(D, LN2LO);

  /** Elements per block: the lanes' results and exponents, then the scaling loop. */
  private static final int BLOCK = 256;
  /** 2^52: (a + 2^52) - 2^52 rounds 0 &lt;= a &lt; 2^52 to an integer. */
  private static final double TWO52 = 0x1.0p52;
  /** Per-thread rows of a block (see lanes). */
  private static final ThreadLocal<double[][]> K =
      ThreadLocal.withInitial(() -> new double[5][BLOCK]);

  /** y[yOff + i] = StrictMath.exp(x[xOff + i]); arguments checked by the caller. */
  static void exp(int n, double[] x, int xOff, double[] y, int yOff) {
    double[][] scratch = K.get();
    double[] kb = scratch[0];
    int bound = D.loopBound(n);
    for (int b = 0; b < bound; b += BLOCK) {
      int len = Math.min(BLOCK, bound - b);
      // stage by stage over the block: a vector stored to a row and loaded right back by the next
      // stage waited for the store (per element 6.3 ns chunk by chunk, 4.1 ns stage by stage on
      // JDK 17; StrictMath.exp 5.6 ns)
      for (int i = 0; i < len; i += DL) {
        far(x, xOff + b + i, scratch, i);
      }
      for (int i = 0; i < len; i += DL) {
        lanes(x, xOff + b + i, scratch, i);
      }
      for (int i = 0; i < len; i += DL) {
        polynomial(scratch, i);
      }
      for (int i = 0; i < len; i += DL) {
        primary(scratch, i);
      }
      for (int i = 0; i < len; i += DL) {
        specials(x, xOff + b + i, y, yOff + b + i, scratch, i);
      }
      // fdlibm adds k to y's exponent field (two cases); k = 0 (a finished lane) adds nothing,
      // so no branch on it
      for (int i = 0; i < len; i++) {
        int j = yOff + b + i;
        long bits = Double.doubleToRawLongBits(y[j]);
        long kk = (long) kb[i];
        y[j] = kk >= -1021 ? Double.longBitsToDouble(bits + (kk << 52))
            : Double.longBitsToDouble(bits + ((kk + 1000) << 52)) * TWOM1000;
      }
    }
    for (int i = bound; i < n; i++) {
      y[yOff + i] = StrictMath.exp(x[xOff + i]);
    }
  }

  // fdlibm's exp of DL lanes in five methods, through per-thread rows (s[0] k, s[1] hi and
  // then the k != 0 result, s[2] lo, s[3] the reduced argument and then the k = 0 result, s[4]
  // the polynomial c): in larger methods JDK 17's C2 reached its node count cutoff for inlining
  // before the last operations, whose intrinsics then failed and allocated a vector each
  // (BENCHMARKS.md, the transformer step, third pass). Vector arguments would be boxed: each
  // method loads its own. x is read again by the last, so y may alias x.

  /**
   * The argument reduction of the DL doubles at in[xOff ..]: k, hi, lo and the reduced argument
   * r (x itself below 0.5 ln 2) to s[0], s[1], s[2], s[3] at kOff. Double lanes only: k's
   * truncation is a rounding by 2^52; the addition of k to the exponent field is the scalar
   * loop of {@link #exp}.
   */
  private static void lanes(double[] in, int xOff, double[][] s, int kOff) {
    DoubleVector x = DoubleVector.fromArray(D, in, xOff);
    DoubleVector ax = x.abs();
    VectorMask<Double> neg = x.compare(VectorOperators.LT, 0.0); // xsb, for x != 0 and not NaN
    VectorMask<Double> reduce = ax.compare(VectorOperators.GE, REDUCE);
    VectorMask<Double> near = ax.compare(VectorOperators.LT, NEAR);
    // 0.5 ln2 < |x| < 1.5 ln2: hi = x - ln2HI[xsb], lo = ln2LO[xsb], k = 1 - 2 xsb;
    // |x| >= 1.5 ln2: hi = x - k ln2HI, lo = k ln2LO with k from far()
    DoubleVector kFar = DoubleVector.fromArray(D, s[0], kOff);
    DoubleVector k = kFar.blend(ONE.blend(M_ONE, neg), near);
    DoubleVector hi = x.sub(kFar.mul(LN2HI)).blend(x.sub(LN2HI_V.blend(M_LN2HI, neg)), near);
    DoubleVector lo = kFar.mul(LN2LO).blend(LN2LO_V.blend(M_LN2LO, neg), near);
    k.intoArray(s[0], kOff);
    hi.intoArray(s[1], kOff);
    lo.intoArray(s[2], kOff);
    x.blend(hi.sub(lo), reduce).intoArray(s[3], kOff);
  }

  /**
   * k = (int) (invln2 x + half[xsb]) of the DL doubles at in[xOff ..] to s[0], truncated: the
   * integer part of |v|, (|v| + 2^52) - 2^52 less 1 where that rounded up, with v's sign.
   */
  private static void far(double[] in, int xOff, double[][] s, int kOff) {
    DoubleVector x = DoubleVector.fromArray(D, in, xOff);
    VectorMask<Double> neg = x.compare(VectorOperators.LT, 0.0);
    DoubleVector v = x.mul(INVLN2).add(HALF.blend(M_HALF, neg));
    DoubleVector av = v.abs();
    DoubleVector fl = av.add(TWO52).sub(TWO52);
    fl = fl.blend(fl.sub(1.0), fl.compare(VectorOperators.GT, av));
    fl.blend(fl.neg(), v.compare(VectorOperators.LT, 0.0)).intoArray(s[0], kOff);
  }

  /** fdlibm's polynomial c of the reduced arguments (s[3]) to s[4]. */
  private static void polynomial(double[][] s, int kOff) {
    DoubleVector r = DoubleVector.fromArray(D, s[3], kOff);
    DoubleVector t = r.mul(r);
    DoubleVector p = t.mul(P5).add(P4);
    p = t.mul(p).add(P3);
    p = t.mul(p).add(P2);
    p = t.mul(p).add(P1);
    r.sub(t.mul(p)).intoArray(s[4], kOff);
  }

  /**
   * From r (s[3]), c (s[4]), hi (s[1]) and lo (s[2]): the k = 0 result to s[3], the k != 0 one
   * (before the scaling) to s[1].
   */
  private static void primary(double[][] s, int kOff) {
    DoubleVector r = DoubleVector.fromArray(D, s[3], kOff);
    DoubleVector c = DoubleVector.fromArray(D, s[4], kOff);
    DoubleVector hi = DoubleVector.fromArray(D, s[1], kOff);
    DoubleVector lo = DoubleVector.fromArray(D, s[2], kOff);
    DoubleVector one = DoubleVector.broadcast(D, 1.0);
    DoubleVector rc = r.mul(c);
    // k == 0: 1 - ((x c) / (c - 2) - x); k != 0: 1 - ((lo - (x c) / (2 - c)) - hi), scaled later
    one.sub(lo.sub(rc.div(DoubleVector.broadcast(D, 2.0).sub(c))).sub(hi)).intoArray(s[1], kOff);
    one.sub(rc.div(c.sub(2.0)).sub(r)).intoArray(s[3], kOff);
  }

  /**
   * fdlibm's early returns over {@link #lanes}' results: 1 + x for |x| &lt; 2^-28, +inf above
   * the overflow threshold, +0 below the underflow one, x + x for NaN (k = 0: final). A method
   * of its own (see the note before {@link #lanes}).
   */
  private static void specials(double[] in, int xOff, double[] y, int yOff, double[][] s,
      int kOff) {
    DoubleVector x = DoubleVector.fromArray(D, in, xOff);
    DoubleVector ax = x.abs();
    VectorMask<Double> reduce = ax.compare(VectorOperators.GE, REDUCE);
    DoubleVector zero = DoubleVector.zero(D);
    DoubleVector result = DoubleVector.fromArray(D, s[3], kOff)
        .blend(DoubleVector.fromArray(D, s[1], kOff), reduce);
    DoubleVector k = zero.blend(DoubleVector.fromArray(D, s[0], kOff), reduce);
    result = result.blend(x.add(1.0), ax.compare(VectorOperators.LT, TINY));
    VectorMask<Double> over = x.compare(VectorOperators.GT, O_THRESHOLD);
    VectorMask<Double> under = x.compare(VectorOperators.LT, U_THRESHOLD);
    result = result.blend(V_INF, over).blend(zero, under);
    result.blend(x.add(x), x.compare(VectorOperators.NE, x)).intoArray(y, yOff); // NaN
    k.blend(zero, over.or(under)).intoArray(s[0], kOff);
  }
}
