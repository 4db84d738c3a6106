package org.hebb4j.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
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

  /** y[yOff + i] = StrictMath.exp(x[xOff + i]); arguments checked by the caller. */
  static void exp(int n, double[] x, int xOff, double[] y, int yOff) {
    int bound = D.loopBound(n);
    int i = 0;
    for (; i < bound; i += DL) {
      lanes(DoubleVector.fromArray(D, x, xOff + i)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = StrictMath.exp(x[xOff + i]);
    }
  }

  /** fdlibm's exp of every lane of x. */
  private static DoubleVector lanes(DoubleVector x) {
    DoubleVector ax = x.abs();
    VectorMask<Double> neg = x.compare(VectorOperators.LT, 0.0); // xsb, for x != 0 and not NaN
    VectorMask<Double> reduce = ax.compare(VectorOperators.GE, REDUCE);
    VectorMask<Double> near = ax.compare(VectorOperators.LT, NEAR);
    DoubleVector zero = DoubleVector.zero(D);
    // 0.5 ln2 < |x| < 1.5 ln2: hi = x - ln2HI[xsb], lo = ln2LO[xsb], k = 1 - 2 xsb
    DoubleVector one = DoubleVector.broadcast(D, 1.0);
    DoubleVector kNear = one.blend(-1.0, neg);
    DoubleVector hiNear = x.sub(DoubleVector.broadcast(D, LN2HI).blend(-LN2HI, neg));
    DoubleVector loNear = DoubleVector.broadcast(D, LN2LO).blend(-LN2LO, neg);
    // |x| >= 1.5 ln2: k = (int) (invln2 x + half[xsb]), hi = x - k ln2HI, lo = k ln2LO
    DoubleVector half = DoubleVector.broadcast(D, 0.5).blend(-0.5, neg);
    DoubleVector kFar = (DoubleVector) ((LongVector) x.mul(INVLN2).add(half)
        .convert(VectorOperators.D2L, 0))
        .convert(VectorOperators.L2D, 0);
    DoubleVector hiFar = x.sub(kFar.mul(LN2HI));
    DoubleVector loFar = kFar.mul(LN2LO);
    DoubleVector k = kFar.blend(kNear, near);
    DoubleVector hi = hiFar.blend(hiNear, near);
    DoubleVector lo = loFar.blend(loNear, near);
    DoubleVector r = x.blend(hi.sub(lo), reduce);
    // the primary range
    DoubleVector t = r.mul(r);
    DoubleVector p = t.mul(P5).add(P4);
    p = t.mul(p).add(P3);
    p = t.mul(p).add(P2);
    p = t.mul(p).add(P1);
    DoubleVector c = r.sub(t.mul(p));
    DoubleVector rc = r.mul(c);
    // k == 0: 1 - ((x c) / (c - 2) - x)
    DoubleVector y0 = one.sub(rc.div(c.sub(2.0)).sub(r));
    // k != 0: y = 1 - ((lo - (x c) / (2 - c)) - hi), then k added to y's exponent
    DoubleVector y = one.sub(lo.sub(rc.div(DoubleVector.broadcast(D, 2.0).sub(c))).sub(hi));
    LongVector kl = (LongVector) k.convert(VectorOperators.D2L, 0);
    LongVector bits = y.reinterpretAsLongs();
    DoubleVector scaled = bits.add(kl.lanewise(VectorOperators.LSHL, 52)).reinterpretAsDoubles();
    DoubleVector small = bits.add(kl.add(1000).lanewise(VectorOperators.LSHL, 52))
        .reinterpretAsDoubles().mul(TWOM1000);
    DoubleVector result = y0.blend(scaled.blend(small, k.compare(VectorOperators.LT, -1021.0)),
        reduce);
    result = result.blend(one.add(x), ax.compare(VectorOperators.LT, TINY));
    result = result.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.GT, O_THRESHOLD));
    result = result.blend(zero, x.compare(VectorOperators.LT, U_THRESHOLD));
    return result.blend(x.add(x), x.test(VectorOperators.IS_NAN));
  }
}
