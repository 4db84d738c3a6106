package org.hebb4j.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * spec/kernels.md#exp (K21) in double lanes: fdlibm's e_exp.c (the JDK's {@code StrictMath.exp},
 * {@code FdLibm.Exp}) with the lane's own branch chosen by blends. Each lane performs fdlibm's
 * IEEE operations on its element (no fma, the same constants; sums and products are commutative
 * in IEEE arithmetic), or operations that give the same bits for every input
 * (spec/kernels.md#exp-lanes: one division, one reduction for every |x| &gt; 0.5 ln 2, k = 0 as a
 * reduction by zero, the exponent added in long lanes, the common range), so the bits are {@code
 * StrictMath.exp}'s, which the scalar tail calls. fdlibm's tests on the high word {@code hx} of
 * |x| are tests on |x| itself: for non-negative doubles the order of the bit patterns is the order
 * of the values, so {@code hx > h} is {@code |x| >= (h + 1) 2^32} as a bit pattern and {@code hx
 * < h} is {@code |x| < h 2^32}.
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
  /** hx &lt; 0x3e300000 (|x| &lt; 2^-28): 1 + x. */
  private static final double TINY = Double.longBitsToDouble(0x3e300000L << 32);
  /**
   * |x| &lt;= 708: no special case but 1 + x, and k &gt;= -1021 (the result is normal, fdlibm's
   * first scaling).
   */
  private static final double COMMON = 708;

  private static final DoubleVector ONE = DoubleVector.broadcast(D, 1.0);
  private static final DoubleVector V_TWOM1000 = DoubleVector.broadcast(D, TWOM1000);
  private static final DoubleVector V_INF = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);

  /** Elements per block: each stage runs over the block before the next. */
  private static final int BLOCK = 256;
  /** 2^52: (a + 2^52) - 2^52 rounds 0 &lt;= a &lt; 2^52 to an integer. */
  private static final double TWO52 = 0x1.0p52;
  /** 1.5 2^52: the bits of k + 1.5 2^52 end in k's two's complement (|k| &lt; 2^51). */
  private static final double SHIFTER = 0x1.8p52;
  /** 0.5 as bits: or-ed with x's sign bit, fdlibm's half[xsb]. */
  private static final long HALF_BITS = Double.doubleToRawLongBits(0.5);
  /** Per-thread rows of a block: k, the reduced argument r, the quotient q, the result. */
  private static final ThreadLocal<double[][]> K =
      ThreadLocal.withInitial(() -> new double[4][BLOCK]);

  /** y[yOff + i] = StrictMath.exp(x[xOff + i]); arguments checked by the caller. */
  static void exp(int n, double[] x, int xOff, double[] y, int yOff) {
    double[][] scratch = K.get();
    int bound = D.loopBound(n);
    for (int b = 0; b < bound; b += BLOCK) {
      int len = Math.min(BLOCK, bound - b);
      int xb = xOff + b;
      // stage by stage over the block (a vector stored to a row and loaded right back by the
      // next stage waited for the store); a block in the common range takes two stages and no
      // special case
      boolean common = reduce(len, x, xb, scratch[0], scratch[1]);
      if (common) {
        finishCommon(len, x, xb, y, yOff + b, scratch[0], scratch[1]);
      } else {
        polynomial(len, scratch[1], scratch[2]);
        result(len, x, xb, scratch[0], scratch[2], scratch[3]);
        specials(len, x, xb, y, yOff + b, scratch[3]);
      }
    }
    for (int i = bound; i < n; i++) {
      y[yOff + i] = StrictMath.exp(x[xOff + i]);
    }
  }

  // fdlibm's exp in small methods, each a loop over the block's len doubles (a multiple of DL)
  // through per-thread rows (k, r, q, the result before the special cases): in larger methods
  // JDK 17's C2 reached its node count cutoff for inlining before the last operations, whose
  // intrinsics then failed and allocated a vector each (BENCHMARKS.md, the transformer step, third
  // pass). Called per vector, each method paid its frame, its constants and the rows' bounds
  // checks (half the time of the exp). Vector arguments would be boxed: each method loads its
  // own. x is read again by the last, so y may alias x at the same offset.

  /**
   * The argument reduction of in[xOff ..]: k = (int) (invln2 x + half[xsb]) where |x| &gt; 0.5
   * ln 2, else +0 (to kr), and r = (x - k ln2HI) - k ln2LO (to r; x itself for k = 0). half[xsb]
   * is 0.5 with x's sign bit (xsb); the truncation is the integer part of |v|, (|v| + 2^52) -
   * 2^52 less 1 where that rounded up, with v's sign, which is xsb where |x| &gt; 0.5 ln 2. For
   * 0.5 ln 2 &lt; |x| &lt; 1.5 ln 2, k is fdlibm's +-1 and these are fdlibm's hi and lo
   * (spec/kernels.md#exp-lanes). Returns whether every lane has |x| &lt;= 708 (not NaN).
   */
  private static boolean reduce(int len, double[] in, int xOff, double[] kr, double[] r) {
    DoubleVector amax = DoubleVector.zero(D); // the largest |x|, NaN if any x is (Math.max)
    for (int i = 0; i < len; i += DL) {
      DoubleVector x = DoubleVector.fromArray(D, in, xOff + i);
      LongVector sx = x.reinterpretAsLongs().and(Long.MIN_VALUE);
      DoubleVector v = x.mul(INVLN2).add(sx.or(HALF_BITS).reinterpretAsDoubles());
      DoubleVector av = v.abs();
      DoubleVector fl = av.add(TWO52).sub(TWO52);
      fl = fl.blend(fl.sub(1.0), fl.compare(VectorOperators.GT, av));
      DoubleVector ax = x.abs();
      DoubleVector k = DoubleVector.zero(D).blend(
          fl.reinterpretAsLongs().or(sx).reinterpretAsDoubles(),
          ax.compare(VectorOperators.GE, REDUCE));
      k.intoArray(kr, i);
      x.sub(k.mul(LN2HI)).sub(k.mul(LN2LO)).intoArray(r, i);
      amax = amax.max(ax);
    }
    return amax.compare(VectorOperators.LE, COMMON).allTrue();
  }

  /**
   * fdlibm's polynomial c of the reduced arguments rr and the quotient q = r c / (c - 2) (to q),
   * which is -(r c / (2 - c)) exactly (spec/kernels.md#exp-lanes).
   */
  private static void polynomial(int len, double[] rr, double[] q) {
    for (int i = 0; i < len; i += DL) {
      DoubleVector r = DoubleVector.fromArray(D, rr, i);
      DoubleVector t = r.mul(r);
      DoubleVector p = t.mul(P5).add(P4);
      p = t.mul(p).add(P3);
      p = t.mul(p).add(P2);
      p = t.mul(p).add(P1);
      DoubleVector c = r.sub(t.mul(p));
      r.mul(c).div(c.sub(2.0)).intoArray(q, i);
    }
  }

  /**
   * The common range (every |x| &lt;= 708): from r (rr), {@link #polynomial}'s q, then y = 1 -
   * ((lo + q) - hi) with hi = x - k ln2HI, lo = k ln2LO, k (&gt;= -1021) added to y's exponent
   * field, and 1 + x where |x| &lt; 2^-28, to out. The polynomial is {@link #polynomial}'s,
   * written out again rather than called: a helper returning a vector is boxed wherever C2 does
   * not inline it, and this method is past C2's inlining size limit for non-forced callees.
   */
  private static void finishCommon(int len, double[] in, int xOff, double[] out, int yOff,
      double[] kk, double[] rr) {
    for (int i = 0; i < len; i += DL) {
      DoubleVector r = DoubleVector.fromArray(D, rr, i);
      DoubleVector t = r.mul(r);
      DoubleVector p = t.mul(P5).add(P4);
      p = t.mul(p).add(P3);
      p = t.mul(p).add(P2);
      p = t.mul(p).add(P1);
      DoubleVector c = r.sub(t.mul(p));
      DoubleVector q = r.mul(c).div(c.sub(2.0));
      DoubleVector x = DoubleVector.fromArray(D, in, xOff + i);
      DoubleVector k = DoubleVector.fromArray(D, kk, i);
      DoubleVector hi = x.sub(k.mul(LN2HI));
      DoubleVector y = ONE.sub(k.mul(LN2LO).add(q).sub(hi));
      LongVector e = k.add(SHIFTER).reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52);
      y = y.reinterpretAsLongs().add(e).reinterpretAsDoubles();
      y.blend(x.add(1.0), x.abs().compare(VectorOperators.LT, TINY)).intoArray(out, yOff + i);
    }
  }

  /**
   * y = 1 - ((lo + q) - hi) (to out) with k added to its exponent field: k + 1000 and a product
   * by 2^-1000 where k &lt; -1021 (a subnormal result), as fdlibm.
   */
  private static void result(int len, double[] in, int xOff, double[] kk, double[] qq,
      double[] out) {
    for (int i = 0; i < len; i += DL) {
      DoubleVector x = DoubleVector.fromArray(D, in, xOff + i);
      DoubleVector k = DoubleVector.fromArray(D, kk, i);
      DoubleVector q = DoubleVector.fromArray(D, qq, i);
      DoubleVector hi = x.sub(k.mul(LN2HI));
      DoubleVector y = ONE.sub(k.mul(LN2LO).add(q).sub(hi));
      VectorMask<Double> sub = k.compare(VectorOperators.LT, -1021.0);
      LongVector e = k.blend(k.add(1000.0), sub).add(SHIFTER).reinterpretAsLongs()
          .lanewise(VectorOperators.LSHL, 52);
      y.reinterpretAsLongs().add(e).reinterpretAsDoubles().mul(ONE.blend(V_TWOM1000, sub))
          .intoArray(out, i);
    }
  }

  /**
   * fdlibm's early returns over {@link #result}'s res, to y: 1 + x for |x| &lt; 2^-28, +inf
   * above the overflow threshold, +0 below the underflow one, x + x for NaN.
   */
  private static void specials(int len, double[] in, int xOff, double[] y, int yOff,
      double[] res) {
    for (int i = 0; i < len; i += DL) {
      DoubleVector x = DoubleVector.fromArray(D, in, xOff + i);
      DoubleVector result = DoubleVector.fromArray(D, res, i)
          .blend(x.add(1.0), x.abs().compare(VectorOperators.LT, TINY));
      result = result.blend(V_INF, x.compare(VectorOperators.GT, O_THRESHOLD))
          .blend(DoubleVector.zero(D), x.compare(VectorOperators.LT, U_THRESHOLD));
      result.blend(x.add(x), x.compare(VectorOperators.NE, x)).intoArray(y, yOff + i); // NaN
    }
  }
}
