package org.hebb4j.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.hebb4j.kernel.Activation;

/**
 * Vector loops for spec/kernels.md#activations (K8, K9); tails reuse {@link Activation}'s scalar
 * formulas. tanh and exp are the Vector API's lanewise TANH and EXP, which C2 compiles to the
 * JDK's SVML stubs on x86: measured on JDK 17 and 25 over 2^20 arguments in [-20, 20], their error
 * against Math.tanh / Math.exp is at most 6e-8 and 7e-8 relative (about one ulp), well within the
 * 1e-6 the kernels promise. The sigmoid follows the reference's overflow-safe form:
 * e = exp(-|a|), s = 1 / (1 + e) for a >= 0 and e / (1 + e) below.
 *
 * <p>relu is a compare and a blend (not max), so that NaN maps to 0 exactly as in
 * {@code a > 0 ? a : 0}. These masks select lanes; no load or store is masked.
 */
final class VectorActivations {

  private VectorActivations() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
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

  static void tanh(int n, float[] a, int aOff, float[] z, int zOff) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(S, a, aOff + i).lanewise(VectorOperators.TANH).intoArray(z, zOff + i);
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

  /** Overflow-safe logistic: exp is only ever taken of -|a|. */
  private static FloatVector sigmoid(FloatVector v) {
    FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
    FloatVector r = FloatVector.broadcast(S, 1f).div(e.add(1f));
    return r.blend(e.mul(r), v.compare(VectorOperators.LT, 0f));
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
      FloatVector t = FloatVector.fromArray(S, a, aOff + i).lanewise(VectorOperators.TANH);
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
}
