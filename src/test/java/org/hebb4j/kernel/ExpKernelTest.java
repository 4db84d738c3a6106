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
 * a float, at most 0), at lengths that leave a scalar tail and at non-zero offsets; and for the
 * vector path's rewritings (spec/kernels.md#exp-lanes): every k's rounding boundaries, blocks
 * wholly in the common range |x| &lt;= 708 and such blocks with one special argument anywhere.
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

  /** y = exp(x) out of place (offsets 0 and 3 to 1) and in place, against StrictMath. */
  private static void assertBits(Kernels k, double[] x, String what) {
    for (int off : new int[] {0, 3}) {
      int n = x.length - off;
      double[] y = new double[n + 1];
      k.exp(n, x, off, y, 1);
      for (int i = 0; i < n; i++) {
        long want = Double.doubleToRawLongBits(StrictMath.exp(x[off + i]));
        if (want != Double.doubleToRawLongBits(y[1 + i])) {
          assertEquals(want, Double.doubleToRawLongBits(y[1 + i]), k.name() + " " + what
              + ": exp(" + x[off + i] + ") = " + y[1 + i] + " at " + i + " from offset " + off);
        }
      }
    }
    double[] inPlace = x.clone();
    k.exp(inPlace.length, inPlace, 0, inPlace, 0);
    for (int i = 0; i < x.length; i++) {
      long want = Double.doubleToRawLongBits(StrictMath.exp(x[i]));
      if (want != Double.doubleToRawLongBits(inPlace[i])) {
        assertEquals(want, Double.doubleToRawLongBits(inPlace[i]), k.name() + " " + what
            + ", in place: exp(" + x[i] + ") at " + i);
      }
    }
  }

  /**
   * Around every k of the reduction (-1075 .. 1024): x = (k +- 1/2) ln 2 and k ln 2, where the
   * truncation of x / ln 2 +- 1/2 changes, 4 neighbouring doubles each; and the common range's
   * edge +-708 and the high words of the reduction's branches, 64 neighbours each.
   */
  private static double[] boundaries() {
    List<Double> v = new ArrayList<>();
    for (int k = -1076; k <= 1025; k++) {
      for (double c : new double[] {(k - 0.5) * Math.log(2), (k + 0.5) * Math.log(2),
          k * Math.log(2)}) {
        double d = Math.nextDown(Math.nextDown(c));
        for (int i = 0; i < 4; i++) {
          v.add(d);
          d = Math.nextUp(d);
        }
      }
    }
    double[] edges = {708, Double.longBitsToDouble(0x3fd62e43L << 32),
        Double.longBitsToDouble(0x3ff0a2b2L << 32), Double.longBitsToDouble(0x3e300000L << 32),
        Double.longBitsToDouble(0x40862e42L << 32), 0.5 * Math.log(2), 1.5 * Math.log(2)};
    for (double e : edges) {
      for (double sign : new double[] {1, -1}) {
        double d = sign * e;
        for (int i = 0; i < 32; i++) {
          d = Math.nextDown(d);
        }
        for (int i = 0; i < 64; i++) {
          v.add(d);
          d = Math.nextUp(d);
        }
      }
    }
    double[] x = new double[v.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = v.get(i);
    }
    return x;
  }

  /**
   * The softmax's arguments (a float score minus its row's maximum, rows of 4) over three blocks
   * and a tail; with one special argument planted at block and vector edges.
   */
  private static void checkCommonBlocks(Kernels k) {
    Rng r = new Rng(37);
    double[] x = new double[3 * 256 + 13];
    for (int row = 0; row + 4 <= x.length; row += 4) {
      float[] s = new float[4];
      float m = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < 4; c++) {
        s[c] = (float) ((r.uniformDouble() * 2 - 1) * Math.scalb(1.0, r.nextInt(10)));
        m = Math.max(m, s[c]);
      }
      for (int c = 0; c < 4; c++) {
        x[row + c] = (double) s[c] - m;
      }
    }
    x[x.length - 1] = Math.scalb(-1.0, -40); // tiny: 1 + x
    assertBits(k, x, "softmax arguments");
    // |x| < 2^-28 (1 + x): ties of 1 + x, where fdlibm's k = 0 form would round differently
    double[] tiny = new double[2 * 256];
    for (int i = 0; i < tiny.length; i += 4) {
      tiny[i] = (2 * i + 1) * 0x1.0p-53;
      tiny[i + 1] = -(2 * i + 1) * 0x1.0p-54;
      tiny[i + 2] = Math.scalb(r.uniformDouble() * 2 - 1, -28 - r.nextInt(30));
      tiny[i + 3] = Math.nextDown(Double.longBitsToDouble(0x3e300000L << 32)) * (1 - 2 * (i & 4));
    }
    assertBits(k, tiny, "|x| < 2^-28");
    double[] planted = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Math.nextUp(-708.0), Math.nextDown(-708.0), Math.nextUp(708.0), -708.0, 708.0, -745.5,
        -720, 709.5, 710, 1e300, -1e300, Double.MIN_VALUE, -0.0};
    for (double special : planted) {
      for (int at : new int[] {0, 1, 7, 8, 255, 256, 300, 511, 767, 768, x.length - 1}) {
        double[] y = x.clone();
        y[at] = special;
        assertBits(k, y, "softmax arguments with " + special + " at " + at);
      }
    }
  }

  @Test
  void vectorRewritingsGiveStrictMathBits() {
    for (Kernels k : new Kernels[] {KernelProvider.scalar(),
        KernelProvider.vector().orElse(KernelProvider.scalar())}) {
      assertBits(k, boundaries(), "k boundaries");
      checkCommonBlocks(k);
      Rng r = new Rng(41);
      double[] wide = new double[1 << 14];
      for (int i = 0; i < wide.length; i++) {
        wide[i] = i % 2 == 0 ? r.uniformDouble() * 1456 - 746 : (r.uniformDouble() - 1) * 708;
      }
      assertBits(k, wide, "uniform");
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
