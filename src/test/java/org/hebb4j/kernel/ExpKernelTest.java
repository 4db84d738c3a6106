package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/**
 * (K21) spec/kernels.md#exp: both paths give {@code StrictMath.exp}'s bits for every input class
 * of fdlibm's e_exp.c (each branch, both sides of each threshold, the subnormal results, the
 * specials) and for random doubles over the whole range and in the softmax's domain (a float minus
 * a float, at most 0), at lengths that leave a scalar tail and at non-zero offsets.
 */
class ExpKernelTest {

  private static double[] inputs() {
    List<Double> v = new ArrayList<>();
    double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
        -Double.MAX_VALUE, 1.0, -1.0, 0.5, -0.5, 0x1.62e42fefa39efp9, -0x1.74910d52d3051p9,
        Double.longBitsToDouble(0x7ff8000000000123L), Double.longBitsToDouble(0xfff0000000000001L)};
    for (double s : special) {
      v.add(s);
    }
    long[] highWords = {0x3fd62e42L, 0x3fd62e43L, 0x3ff0a2b2L, 0x3ff0a2b1L, 0x3e300000L,
        0x3e2fffffL, 0x40862e42L, 0x40862e41L};
    for (long h : highWords) {
      for (long lo : new long[] {0, 1, 0x7fffffffL, 0xffffffffL}) {
        double d = Double.longBitsToDouble(h << 32 | lo);
        v.add(d);
        v.add(-d);
      }
    }
    for (double t : new double[] {0x1.62e42fefa39efp9, -0x1.74910d52d3051p9, -708.4, -709.8,
        -745.0, -744.5, 709.7, -1021 * Math.log(2), -1022 * Math.log(2), -1074 * Math.log(2)}) {
      double d = t;
      for (int i = 0; i < 4; i++) {
        v.add(d);
        v.add(Math.nextUp(d));
        d = Math.nextDown(d);
      }
    }
    Rng r = new Rng(21);
    for (int i = 0; i < 20000; i++) {
      v.add((r.uniformDouble() * 2 - 1) * 760);
      v.add((r.uniformDouble() * 2 - 1) * 3);
      v.add(Math.scalb(r.uniformDouble() * 2 - 1, -r.nextInt(60)));
      v.add(Double.longBitsToDouble(r.nextLong()));
      float a = (float) ((r.uniformDouble() * 2 - 1) * 20);
      float b = (float) ((r.uniformDouble() * 2 - 1) * 20);
      v.add((double) Math.min(a, b) - Math.max(a, b));
    }
    double[] x = new double[v.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = v.get(i);
    }
    return x;
  }

  private static void check(Kernels k) {
    double[] x = inputs();
    for (int off : new int[] {0, 3}) {
      int n = x.length - off - 5;
      double[] y = new double[x.length];
      k.exp(n, x, off, y, 1);
      for (int i = 0; i < n; i++) {
        double want = StrictMath.exp(x[off + i]);
        long got = Double.doubleToRawLongBits(y[1 + i]);
        if (got != Double.doubleToRawLongBits(want)) {
          assertEquals(Double.doubleToRawLongBits(want), got, k.name() + " exp("
              + x[off + i] + ") = " + y[1 + i] + ", StrictMath " + want);
        }
      }
    }
    double[] inPlace = inputs();
    k.exp(inPlace.length, inPlace, 0, inPlace, 0);
    double[] ref = inputs();
    for (int i = 0; i < ref.length; i++) {
      assertEquals(Double.doubleToRawLongBits(StrictMath.exp(ref[i])),
          Double.doubleToRawLongBits(inPlace[i]), "in place, exp(" + ref[i] + ")");
    }
  }

  @Test
  void scalarKernelsGiveStrictMathBits() {
    check(KernelProvider.scalar());
  }

  @Test
  void vectorKernelsGiveStrictMathBits() {
    KernelProvider.vector().ifPresent(ExpKernelTest::check);
  }

  @Test
  void badArgumentsAreNamed() {
    Kernels k = KernelProvider.get();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> k.exp(4, new double[3], 0, new double[4], 0));
    assertEquals("exp: x too short: needs 4 from offset 0, has 3", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> k.exp(-1, new double[3], 0,
        new double[4], 0));
    assertThrows(IllegalArgumentException.class, () -> k.exp(1, null, 0, new double[4], 0));
  }
}
