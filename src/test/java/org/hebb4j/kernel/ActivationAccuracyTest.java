package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The errors of the one tanh (K8a), sigmoid (K8b) and tanh' (K9) against the exact values
 * (StrictMath in double, whose own error is below 1 double ulp), as stated in
 * spec/kernels.md#one-result. The test sweeps every 1021st float; {@link #main} with stride 1
 * sweeps every float and prints the figures the spec states.
 */
class ActivationAccuracyTest {

  /** Worst errors of one sweep. */
  record Errors(double tanhRel, float tanhAt, double sigmoidAbs, float sigmoidAt,
      double tanhPrimeAbs, float tanhPrimeAt, long floats) {}

  /**
   * Every {@code stride}-th float bit pattern of either sign from 0 to +infinity (NaNs excluded;
   * both activations give NaN for NaN).
   */
  static Errors sweep(int stride) {
    double tRel = 0, sAbs = 0, dAbs = 0;
    float tAt = 0, sAt = 0, dAt = 0;
    long count = 0;
    for (long bits = 0; bits <= 0x7f800000L; bits += stride) {
      for (int sign = 0; sign < 2; sign++) {
        float a = Float.intBitsToFloat((int) bits | (sign << 31));
        count++;
        double exact = a == Float.POSITIVE_INFINITY ? 1 : a == Float.NEGATIVE_INFINITY ? -1
            : StrictMath.tanh(a);
        float t = Activation.TANH.apply(a);
        double rel = exact == 0 ? Math.abs(t) : Math.abs(t - exact) / Math.abs(exact);
        if (rel > tRel) {
          tRel = rel;
          tAt = a;
        }
        double d = Math.abs(Activation.TANH.derivative(a) - (1 - exact * exact));
        if (d > dAbs) {
          dAbs = d;
          dAt = a;
        }
        double s = 1 / (1 + StrictMath.exp(-(double) a));
        double e = Math.abs(Activation.SIGMOID.apply(a) - s);
        if (e > sAbs) {
          sAbs = e;
          sAt = a;
        }
      }
    }
    return new Errors(tRel, tAt, sAbs, sAt, dAbs, dAt, count);
  }

  @Test
  void errorsAreWithinTheStatedBounds() {
    Errors e = sweep(1021);
    assertTrue(e.tanhRel() <= 3.5e-7, "tanh: " + e);
    assertTrue(e.sigmoidAbs() <= 2e-7, "sigmoid: " + e);
    assertTrue(e.tanhPrimeAbs() <= 1e-6, "tanh': " + e);
  }

  @Test
  void specialValues() {
    assertEquals(0f, Activation.TANH.apply(0f));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Activation.TANH.apply(-0f)));
    assertEquals(Float.MIN_VALUE, Activation.TANH.apply(Float.MIN_VALUE)); // no underflow to 0
    assertTrue(Float.isNaN(Activation.TANH.apply(Float.NaN)));
    assertTrue(Float.isNaN(Activation.SIGMOID.apply(Float.NaN)));
    assertEquals(0.5f, Activation.SIGMOID.apply(0f));
    for (float a : new float[] {1e-3f, 0.5f, 3f, 7f, 100f, Float.POSITIVE_INFINITY}) {
      assertEquals(-Activation.TANH.apply(a), Activation.TANH.apply(-a), "odd at " + a);
    }
  }

  /**
   * Prints the worst errors over every {@code args[0]}-th float (default 1: every float).
   *
   * @param args the stride
   */
  public static void main(String[] args) {
    int stride = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    System.out.println(sweep(stride));
  }
}
