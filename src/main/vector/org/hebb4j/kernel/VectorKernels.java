package org.hebb4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.hebb4j.parallel.Workers;

/**
 * The Vector API kernels (jdk.incubator.vector): package-private, compiled alone with the incubator
 * module (src/main/vector), and instantiated only by {@link KernelProvider} after its module
 * check; no class outside this source root refers to a Vector API type. Every entry point runs
 * the argument checks of {@link ScalarKernels} ({@link Check}, spec/kernels.md#checks) first. Each
 * method computes what its {@link ScalarKernels} counterpart computes (spec/kernels.md), to float32
 * rounding: the vector loops add in a different order, so sums differ from the reference by a few
 * ulps times sqrt(n).
 *
 * <p>Style: one vector loop up to {@code S.loopBound(n)}, then a scalar loop for the tail (no
 * masked loads or stores); reductions keep vector accumulators and reduce their lanes once, after
 * the loop. Nothing here allocates, except {@link VectorGemm}'s per-thread packing buffers, which
 * are grown on demand and then reused.
 */
final class VectorKernels extends ScalarKernels implements ParallelGemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  VectorKernels() {}

  @Override
  public String name() {
    return "vector";
  }

  @Override
  public int vectorBitSize() {
    return S.vectorBitSize();
  }

  /** spec/kernels.md#dot (K1), two accumulators for two FMA pipes. */
  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    Check.vectors("dot", n, x, xOff, y, yOff);
    FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
    int i = 0;
    for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
      acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
      acc1 = FloatVector.fromArray(S, x, xOff + i + L)
          .fma(FloatVector.fromArray(S, y, yOff + i + L), acc1);
    }
    for (int bound = S.loopBound(n); i < bound; i += L) {
      acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
    }
    float[] lanes = LANES.get();
    acc0.add(acc1).intoArray(lanes, 0);
    float acc = sumInLaneOrder(lanes);
    for (; i < n; i++) {
      acc += x[xOff + i] * y[yOff + i];
    }
    return acc;
  }

  /** spec/kernels.md#axpy (K2). */
  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    Check.vectors("axpy", n, x, xOff, y, yOff);
    FloatVector va = FloatVector.broadcast(S, alpha);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  /** spec/kernels.md#scale (K3). */
  @Override
  public void scale(int n, float alpha, float[] x, int xOff) {
    Check.vector("scale", n, "x", x, xOff);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
    }
    for (; i < n; i++) {
      x[xOff + i] *= alpha;
    }
  }

  /** spec/kernels.md#reductions (K4). */
  @Override
  public float sum(int n, float[] x, int xOff) {
    Check.vector("sum", n, "x", x, xOff);
    FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
    int i = 0;
    for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
      acc0 = acc0.add(FloatVector.fromArray(S, x, xOff + i));
      acc1 = acc1.add(FloatVector.fromArray(S, x, xOff + i + L));
    }
    for (int bound = S.loopBound(n); i < bound; i += L) {
      acc0 = acc0.add(FloatVector.fromArray(S, x, xOff + i));
    }
    float[] lanes = LANES.get();
    acc0.add(acc1).intoArray(lanes, 0);
    float acc = sumInLaneOrder(lanes);
    for (; i < n; i++) {
      acc += x[xOff + i];
    }
    return acc;
  }

  // sumSquares, dsdot, mean, variance (K5)-(K7), (K5a): inherited, the one double code of both
  // paths (Reductions, spec/kernels.md#reduction-order), so they give the scalar path's bits.
  // (Holding its partial sums in DoubleVector lanes was tried: as fast in isolation, but inside
  // the SRE step C2 boxed the vectors, about 700 KB allocated per step.)

  /** spec/kernels.md#activations (K8). z may alias a. */
  @Override
  public void activate(Activation act, int n, float[] a, int aOff, float[] z, int zOff) {
    Check.activate(act, n, a, aOff, z, zOff);
    switch (act) {
      case LINEAR:
        System.arraycopy(a, aOff, z, zOff, n);
        return;
      case RELU:
        VectorActivations.relu(n, a, aOff, z, zOff);
        return;
      case TANH:
        VectorActivations.tanh(n, a, aOff, z, zOff);
        return;
      case SIGMOID:
        VectorActivations.sigmoid(n, a, aOff, z, zOff);
        return;
      default:
        super.activate(act, n, a, aOff, z, zOff);
    }
  }

  /** spec/kernels.md#activations (K9). da may alias dz. */
  @Override
  public void activateBackward(Activation act, int n, float[] a, int aOff, float[] dz, int dzOff,
      float[] da, int daOff) {
    Check.backward("activateBackward", act, n, "a", a, aOff, dz, dzOff, da, daOff);
    switch (act) {
      case LINEAR:
        System.arraycopy(dz, dzOff, da, daOff, n);
        return;
      case RELU:
        VectorActivations.reluBackward(n, a, aOff, dz, dzOff, da, daOff);
        return;
      case TANH:
        VectorActivations.tanhBackward(n, a, aOff, dz, dzOff, da, daOff);
        return;
      case SIGMOID:
        VectorActivations.sigmoidBackward(n, a, aOff, dz, dzOff, da, daOff);
        return;
      default:
        super.activateBackward(act, n, a, aOff, dz, dzOff, da, daOff);
    }
  }

  /** spec/kernels.md#activations (K9b); relu' from z is relu' from a: z > 0 exactly when a > 0. */
  @Override
  public void activateBackwardFromOutput(Activation act, int n, float[] z, int zOff, float[] dz,
      int dzOff, float[] da, int daOff) {
    Check.backward("activateBackwardFromOutput", act, n, "z", z, zOff, dz, dzOff, da, daOff);
    switch (act) {
      case LINEAR:
        System.arraycopy(dz, dzOff, da, daOff, n);
        return;
      case RELU:
        VectorActivations.reluBackward(n, z, zOff, dz, dzOff, da, daOff);
        return;
      case TANH:
        VectorActivations.tanhBackwardFromOutput(n, z, zOff, dz, dzOff, da, daOff);
        return;
      case SIGMOID:
        VectorActivations.sigmoidBackwardFromOutput(n, z, zOff, dz, dzOff, da, daOff);
        return;
      default:
        super.activateBackwardFromOutput(act, n, z, zOff, dz, dzOff, da, daOff);
    }
  }

  /** spec/kernels.md#gemm (K11): register-blocked, see {@link VectorGemm}. */
  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Check.gemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    VectorGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** spec/parallel.md (P5): packed panels of B shared by the workers, see {@link VectorGemm}. */
  @Override
  public void gemm(Workers workers, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Check.gemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    VectorGemm.gemm(workers, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
        cOff, ldc);
  }

  /** Per-thread room for one vector's lanes, see {@link #sumInLaneOrder}. */
  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

  /**
   * A vector's lanes, stored to {@code lanes}, added in lane order. Not {@code reduceLanes(ADD)}:
   * its order is unspecified and differs between interpreted and compiled code, so results would
   * depend on JIT timing. The vector is stored by the caller, never passed to a method: when C2
   * does not inline a call that takes a vector, the vector is boxed (64 bytes per call, seen in the
   * SRE step on JDK 17 and in the Hebbian-CNN standardisation on JDK 25).
   */
  static float sumInLaneOrder(float[] lanes) {
    float s = lanes[0];
    for (int i = 1; i < L; i++) {
      s += lanes[i];
    }
    return s;
  }
}
