package org.hebb4j.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** (R6a) The project's fdlibm cosine returns StrictMath.cos's bits. */
class CosineTest {
  private static void same(double x) {
    long want = Double.doubleToRawLongBits(StrictMath.cos(x));
    long got = Double.doubleToRawLongBits(Cosine.cos(x));
    if (want != got) {
      assertEquals(StrictMath.cos(x), Cosine.cos(x), "cos(" + x + ") = cos(" + Double.toHexString(x)
          + ")");
    }
  }

  @Test
  void everyBoxMullerArgumentShapeMatchesStrictMath() {
    Rng r = new Rng(2024);
    for (int i = 0; i < 2_000_000; i++) {
      same(2 * Math.PI * r.uniformDouble());
    }
  }

  @Test
  void neighboursOfEveryReductionBoundaryMatch() {
    // around k pi/4 (kernel switch, n changes, cancellation near n pi/2) and the kernels' own
    // thresholds 2^-27, 0.3, 0.78125
    double[] centres = {Math.PI / 4, 3 * Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2,
        2 * Math.PI, 5 * Math.PI / 4, 7 * Math.PI / 4, 9 * Math.PI / 4, 0x1p-27, 0.3, 0.78125,
        100 * Math.PI / 2, 0x1p19 * Math.PI / 2, 0.0};
    for (double c : centres) {
      for (double s : new double[] {c, -c}) {
        double up = s, down = s;
        for (int i = 0; i < 20_000; i++) {
          same(up);
          same(down);
          up = Math.nextUp(up);
          down = Math.nextDown(down);
        }
      }
    }
  }

  @Test
  void wideRandomArgumentsAndSpecialValuesMatch() {
    Rng r = new Rng(7);
    for (int i = 0; i < 1_000_000; i++) {
      double x = (r.uniformDouble() * 2 - 1) * Math.scalb(1.0, r.nextInt(48) - 30);
      same(x);
    }
    for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, -0.0, 1e300}) {
      same(x);
    }
  }
}
