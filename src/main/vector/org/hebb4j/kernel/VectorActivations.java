package org.hebb4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops for spec/kernels.md#activations (K8, K9); tails reuse {@link Activation}'s scalar
 * formulas, which are the same operations in the same order, so every element gets the same bits
 * wherever it sits in the array and at every vector width (spec/kernels.md#one-result). tanh is
 * the rational minimax form of spec/kernels.md#activations (K8a): a clamp to
 * |a| <= 7.9988, then a (P(a^2) / Q(a^2)) with polynomials of degree 6 and 3 in Horner form, all
 * FMAs, one division and one product; its error against the exact tanh is at most 3.5e-7
 * relative (6 ulp) over every float, subnormals included, and it runs 2-3x faster than the
 * Vector API's lanewise TANH on JDK 17 and 25. The sigmoid
 * is (K8b) s = 1/2 + tanh(a / 2) / 2 on the same approximation (absolute error below 2e-7).
 *
 * <p>No lanewise transcendental (TANH, EXP) and no reduceLanes is used: their results are not
 * specified to the bit and differ between interpreted and compiled code, which would make results
 * depend on JIT timing. Every operation here is an IEEE add, multiply, FMA, division, min or max,
 * identical in both.
 *
 * <p>relu is a compare and a blend (not max), so that NaN maps to 0 exactly as in
 * {@code a > 0 ? a : 0}. These masks select lanes; no load or store is masked.
 */
final class VectorActivations {

  private VectorActivations() {}

  private static final VectorSpecies<Float> S = VectorKernels.S;
  private static final int L = S.length();

  static void relu(int n, float[] a, int aOff, float[] z, int zOff) {
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(S, a, aOff + i);
      zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(z, zOff + i);
    }
    for (; i < n; i++) {
      z[zOff + i] = Activation.RELU.apply(a[aOff + i]);
    }
  }

  private static final float CLAMP = Activation.CLAMP;
  private static final float A1 = Activation.A1, A3 = Activation.A3, A5 = Activation.A5,
      A7 = Activation.A7, A9 = Activation.A9, A11 = Activation.A11, A13 = Activation.A13;
  private static final float B0 = Activation.B0, B2 = Activation.B2, B4 = Activation.B4,
      B6 = Activation.B6;

  /**
   * (K8a) tanh(x) ~ x (P(x^2) / Q(x^2)) on the clamped argument. The ratio first, then the product
   * with x: (x P) / Q would underflow for subnormal x (tanh of the smallest float came out 0),
   * while P / Q is about 1 there.
   */
  static FloatVector tanh(FloatVector v) {
    // the clamp min(max(a, -c), c) as two compares and a blend: +-c where |a| > c, a itself in
    // every other lane (NaN, -0 and the subnormals included), so the same x; Java's float min
    // and max (NaN and -0 rules) took C2 several instructions each, and tanh 30-40% longer
    // (BENCHMARKS.md)
    FloatVector x = v.blend(c(-CLAMP).blend(c(CLAMP), v.compare(VectorOperators.GT, 0f)),
        v.abs().compare(VectorOperators.GT, CLAMP));
    FloatVector x2 = x.mul(x);
    FloatVector p = x2.fma(c(A13), c(A11)).fma(x2, c(A9)).fma(x2, c(A7)).fma(x2, c(A5))
        .fma(x2, c(A3)).fma(x2, c(A1));
    FloatVector q = x2.fma(c(B6), c(B4)).fma(x2, c(B2)).fma(x2, c(B0));
    return p.div(q).mul(x);
  }

  private static FloatVector c(float v) {
    return FloatVector.broadcast(S, v);
  }

  static void tanh(int n, float[] a, int aOff, float[] z, int zOff) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      tanh(FloatVector.fromArray(S, a, aOff + i)).intoArray(z, zOff + i);
    }
    for (; i < n; i++) {
      z[zOff + i] = Activation.TANH.apply(a[aOff + i]);
    }
  }

  static void sigmoid(int n, float[] a, int aOff, float[] z, int zOff) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      sigmoid(FloatVector.fromArray(S, a, aOff + i)).intoArray(z, zOff + i);
    }
    for (; i < n; i++) {
      z[zOff + i] = Activation.SIGMOID.apply(a[aOff + i]);
    }
  }

  /** (K8b) sigmoid(a) = 1/2 + tanh(a / 2) / 2, never overflows. */
  private static FloatVector sigmoid(FloatVector v) {
    FloatVector half = FloatVector.broadcast(S, 0.5f);
    return tanh(v.mul(half)).fma(half, half);
  }

  static void reluBackward(int n, float[] a, int aOff, float[] dz, int dzOff, float[] da,
      int daOff) {
    FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      VectorMask<Float> pos = FloatVector.fromArray(S, a, aOff + i).compare(VectorOperators.GT, 0f);
      // dz * 1 or dz * 0, as the reference computes it (so 0 * inf is NaN there too)
      FloatVector.fromArray(S, dz, dzOff + i).mul(zero.blend(one, pos)).intoArray(da, daOff + i);
    }
    for (; i < n; i++) {
      da[daOff + i] = dz[dzOff + i] * Activation.RELU.derivative(a[aOff + i]);
    }
  }

  static void tanhBackward(int n, float[] a, int aOff, float[] dz, int dzOff, float[] da,
      int daOff) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector t = tanh(FloatVector.fromArray(S, a, aOff + i));
      FloatVector d = one.sub(t.mul(t)); // 1 - t^2, rounded as in the reference
      FloatVector.fromArray(S, dz, dzOff + i).mul(d).intoArray(da, daOff + i);
    }
    for (; i < n; i++) {
      da[daOff + i] = dz[dzOff + i] * Activation.TANH.derivative(a[aOff + i]);
    }
  }

  static void sigmoidBackward(int n, float[] a, int aOff, float[] dz, int dzOff, float[] da,
      int daOff) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector s = sigmoid(FloatVector.fromArray(S, a, aOff + i));
      FloatVector d = s.mul(s.neg().add(1f)); // s (1 - s)
      FloatVector.fromArray(S, dz, dzOff + i).mul(d).intoArray(da, daOff + i);
    }
    for (; i < n; i++) {
      da[daOff + i] = dz[dzOff + i] * Activation.SIGMOID.derivative(a[aOff + i]);
    }
  }

  /** (K9b) da = dz (1 - z^2), rounded as {@link #tanhBackward} rounds it. */
  static void tanhBackwardFromOutput(int n, float[] z, int zOff, float[] dz, int dzOff,
      float[] da, int daOff) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector t = FloatVector.fromArray(S, z, zOff + i);
      FloatVector d = one.sub(t.mul(t));
      FloatVector.fromArray(S, dz, dzOff + i).mul(d).intoArray(da, daOff + i);
    }
    for (; i < n; i++) {
      da[daOff + i] = dz[dzOff + i] * Activation.TANH.derivativeFromOutput(z[zOff + i]);
    }
  }

  /** (K9b) da = dz s (1 - s) with s = z, rounded as {@link #sigmoidBackward} rounds it. */
  static void sigmoidBackwardFromOutput(int n, float[] z, int zOff, float[] dz, int dzOff,
      float[] da, int daOff) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector s = FloatVector.fromArray(S, z, zOff + i);
      FloatVector d = s.mul(s.neg().add(1f));
      FloatVector.fromArray(S, dz, dzOff + i).mul(d).intoArray(da, daOff + i);
    }
    for (; i < n; i++) {
      da[daOff + i] = dz[dzOff + i] * Activation.SIGMOID.derivativeFromOutput(z[zOff + i]);
    }
  }
}
