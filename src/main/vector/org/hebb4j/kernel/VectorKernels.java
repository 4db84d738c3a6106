package org.hebb4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.hebb4j.parallel.Workers;

/**
 * The Vector API kernels (jdk.incubator.vector): package-private, compiled alone with the incubator
 * module (src/main/vector), and instantiated only by {@link KernelProvider} after its module
 * check; no class outside this source root refers to a Vector API type. Every entry point runs
 * the argument checks of {@link ScalarKernels} ({@link Check}, spec/kernels.md#checks) first. Each
 * method computes exactly what its {@link ScalarKernels} counterpart computes, in the same
 * operations and the same order, at every vector width (spec/kernels.md#one-result): the same
 * bits.
 *
 * <p>Style: one vector loop up to {@code S.loopBound(n)}, then a scalar loop for the tail (no
 * masked loads or stores); the reductions dot and sum hold the {@link Reductions#WIDTH} partial
 * sums of the one order in {@code WIDTH / L} vector accumulators, and hand them, with the tail, to
 * the scalar code. Nothing here allocates, except {@link VectorGemm}'s per-thread packing buffers,
 * which are grown on demand and then reused.
 */
final class VectorKernels extends ScalarKernels implements ParallelGemm {

  /**
   * The species of every vector kernel: {@code -Dhebb4j.vectorBits} (128, 256, 512) when set, else
   * the preferred one, at most 512 bits (so that its lanes divide {@link Reductions#WIDTH}).
   */
  static final VectorSpecies<Float> S = species(
      System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY));
  private static final int L = S.length();
  /** Vector accumulators holding the WIDTH partial sums of dot and sum: 8, 4 or 2. */
  private static final int W = Reductions.WIDTH / L;
  /**
   * Whether the double-lane kernels (layer norm, exp) run on vectors: at 256 and 512 bits. At 128
   * bits a float vector's part-0 conversion to two double lanes (and the two-lane double code)
   * ran the Vector API's Java fallback and allocated, on JDK 17 and 25 (about 66 MB per step);
   * those widths take the scalar code, the same bits.
   */
  private static final boolean DOUBLE_LANES = S.vectorBitSize() >= 256;

  static {
    // before C2 compiles a kernel (spec/kernels.md#operator-caches)
    OperatorCaches.fill(S.vectorShape());
  }

  private static VectorSpecies<Float> species(String bits) {
    String bad = KernelProvider.checkVectorBits(bits);
    if (bad != null) {
      throw new IllegalStateException(bad);
    }
    if (bits != null) {
      return VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(bits)));
    }
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    return preferred.vectorBitSize() > 512 ? FloatVector.SPECIES_512 : preferred;
  }

  VectorKernels() {}

  @Override
  public String name() {
    return "vector";
  }

  @Override
  public int vectorBitSize() {
    return S.vectorBitSize();
  }

  /**
   * spec/kernels.md#dot (K1) in the order of spec/kernels.md#one-result: full blocks of
   * {@link Reductions#WIDTH} terms in W independent vector accumulators (lane l of accumulator q
   * is partial sum q L + l), then the tail and the fixed tree in {@link Reductions#dotFrom}.
   */
  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    Check.vectors("dot", n, x, xOff, y, yOff);
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    FloatVector s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    int i = 0;
    for (int bound = n - Reductions.WIDTH; i <= bound; i += Reductions.WIDTH) {
      int a = xOff + i, b = yOff + i;
      s0 = FloatVector.fromArray(S, x, a).fma(FloatVector.fromArray(S, y, b), s0);
      s1 = FloatVector.fromArray(S, x, a + L).fma(FloatVector.fromArray(S, y, b + L), s1);
      if (W > 2) {
        s2 = FloatVector.fromArray(S, x, a + 2 * L).fma(FloatVector.fromArray(S, y, b + 2 * L), s2);
        s3 = FloatVector.fromArray(S, x, a + 3 * L).fma(FloatVector.fromArray(S, y, b + 3 * L), s3);
      }
      if (W > 4) {
        s4 = FloatVector.fromArray(S, x, a + 4 * L).fma(FloatVector.fromArray(S, y, b + 4 * L), s4);
        s5 = FloatVector.fromArray(S, x, a + 5 * L).fma(FloatVector.fromArray(S, y, b + 5 * L), s5);
        s6 = FloatVector.fromArray(S, x, a + 6 * L).fma(FloatVector.fromArray(S, y, b + 6 * L), s6);
        s7 = FloatVector.fromArray(S, x, a + 7 * L).fma(FloatVector.fromArray(S, y, b + 7 * L), s7);
      }
    }
    float[] p = Reductions.partials(); // lanes stored here, never passed (C2 would box them)
    s0.intoArray(p, 0);
    s1.intoArray(p, L);
    if (W > 2) {
      s2.intoArray(p, 2 * L);
      s3.intoArray(p, 3 * L);
    }
    if (W > 4) {
      s4.intoArray(p, 4 * L);
      s5.intoArray(p, 5 * L);
      s6.intoArray(p, 6 * L);
      s7.intoArray(p, 7 * L);
    }
    return Reductions.dotFrom(i, n, x, xOff, y, yOff, p);
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
      y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]);
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

  /**
   * spec/kernels.md#sum-of-rows (K24): chunks of y in vector registers (four, two or one at a
   * time) down all the rows, each lane the column's chain of float additions in row order.
   */
  @Override
  public void addRows(int m, int n, float[] a, int aOff, int lda, float[] y, int yOff) {
    Check.addRows(m, n, a, aOff, lda, y, yOff);
    if (m == 0) {
      return; // nothing to add: y is not touched (spec/kernels.md#checks)
    }
    int j = 0;
    for (; j + 4 * L <= n; j += 4 * L) {
      int c = yOff + j;
      FloatVector s0 = FloatVector.fromArray(S, y, c);
      FloatVector s1 = FloatVector.fromArray(S, y, c + L);
      FloatVector s2 = FloatVector.fromArray(S, y, c + 2 * L);
      FloatVector s3 = FloatVector.fromArray(S, y, c + 3 * L);
      for (int i = 0, ai = aOff + j; i < m; i++, ai += lda) {
        s0 = s0.add(FloatVector.fromArray(S, a, ai));
        s1 = s1.add(FloatVector.fromArray(S, a, ai + L));
        s2 = s2.add(FloatVector.fromArray(S, a, ai + 2 * L));
        s3 = s3.add(FloatVector.fromArray(S, a, ai + 3 * L));
      }
      s0.intoArray(y, c);
      s1.intoArray(y, c + L);
      s2.intoArray(y, c + 2 * L);
      s3.intoArray(y, c + 3 * L);
    }
    for (; j + 2 * L <= n; j += 2 * L) {
      int c = yOff + j;
      FloatVector s0 = FloatVector.fromArray(S, y, c);
      FloatVector s1 = FloatVector.fromArray(S, y, c + L);
      for (int i = 0, ai = aOff + j; i < m; i++, ai += lda) {
        s0 = s0.add(FloatVector.fromArray(S, a, ai));
        s1 = s1.add(FloatVector.fromArray(S, a, ai + L));
      }
      s0.intoArray(y, c);
      s1.intoArray(y, c + L);
    }
    for (; j + L <= n; j += L) {
      int c = yOff + j;
      FloatVector s0 = FloatVector.fromArray(S, y, c);
      for (int i = 0, ai = aOff + j; i < m; i++, ai += lda) {
        s0 = s0.add(FloatVector.fromArray(S, a, ai));
      }
      s0.intoArray(y, c);
    }
    for (; j < n; j++) {
      float s = y[yOff + j];
      for (int i = 0, ai = aOff + j; i < m; i++, ai += lda) {
        s += a[ai];
      }
      y[yOff + j] = s;
    }
  }

  /** spec/kernels.md#reductions (K4) in the order of {@link #dot}. */
  @Override
  public float sum(int n, float[] x, int xOff) {
    Check.vector("sum", n, "x", x, xOff);
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    FloatVector s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    int i = 0;
    for (int bound = n - Reductions.WIDTH; i <= bound; i += Reductions.WIDTH) {
      int a = xOff + i;
      s0 = s0.add(FloatVector.fromArray(S, x, a));
      s1 = s1.add(FloatVector.fromArray(S, x, a + L));
      if (W > 2) {
        s2 = s2.add(FloatVector.fromArray(S, x, a + 2 * L));
        s3 = s3.add(FloatVector.fromArray(S, x, a + 3 * L));
      }
      if (W > 4) {
        s4 = s4.add(FloatVector.fromArray(S, x, a + 4 * L));
        s5 = s5.add(FloatVector.fromArray(S, x, a + 5 * L));
        s6 = s6.add(FloatVector.fromArray(S, x, a + 6 * L));
        s7 = s7.add(FloatVector.fromArray(S, x, a + 7 * L));
      }
    }
    float[] p = Reductions.partials(); // lanes stored here, never passed (C2 would box them)
    s0.intoArray(p, 0);
    s1.intoArray(p, L);
    if (W > 2) {
      s2.intoArray(p, 2 * L);
      s3.intoArray(p, 3 * L);
    }
    if (W > 4) {
      s4.intoArray(p, 4 * L);
      s5.intoArray(p, 5 * L);
      s6.intoArray(p, 6 * L);
      s7.intoArray(p, 7 * L);
    }
    return Reductions.sumFrom(i, n, x, xOff, p);
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

  /** (K21) in double lanes, fdlibm's operations per lane ({@link VectorExp}). */
  @Override
  public void exp(int n, double[] x, int xOff, double[] y, int yOff) {
    Check.exp(n, x, xOff, y, yOff);
    if (DOUBLE_LANES) {
      VectorExp.exp(n, x, xOff, y, yOff);
    } else {
      super.exp(n, x, xOff, y, yOff);
    }
  }

  /** (K19) in double lanes at 256 and 512 bits ({@link VectorLayerNorm}). */
  @Override
  public void layerNorm(int rows, int dim, float eps, float[] x, float[] gamma, float[] beta,
      float[] xhat, double[] rstd, float[] y) {
    Check.layerNorm("layerNorm", rows, dim, x, "x", gamma, beta, xhat, rstd, y, "y");
    layerNormRows(0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
  }

  /** (K19) on rows [row0, row0 + rows), as {@link #layerNorm}. */
  @Override
  public void layerNorm(int row0, int rows, int dim, float eps, float[] x, float[] gamma,
      float[] beta, float[] xhat, double[] rstd, float[] y) {
    Check.layerNormRows("layerNorm", row0, rows, dim, x, "x", gamma, beta, xhat, rstd, y, "y");
    layerNormRows(row0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
  }

  private static void layerNormRows(int row0, int rows, int dim, float eps, float[] x,
      float[] gamma, float[] beta, float[] xhat, double[] rstd, float[] y) {
    if (DOUBLE_LANES) {
      VectorLayerNorm.forward(row0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
    } else {
      LayerNormRows.forward(row0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
    }
  }

  @Override
  public void layerNormBackward(int rows, int dim, float[] dy, float[] xhat, double[] rstd,
      float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    Check.layerNormBackward(rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
    layerNormBackwardRows(0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
  }

  /** (K20) on rows [row0, row0 + rows), as {@link #layerNormBackward}. */
  @Override
  public void layerNormBackward(int row0, int rows, int dim, float[] dy, float[] xhat,
      double[] rstd, float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    Check.layerNormBackwardRows(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
    layerNormBackwardRows(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
  }

  /** (K20)'s dgamma and dbeta alone, in float vectors (no double lanes: every width). */
  @Override
  public void layerNormParamGradients(int rows, int dim, float[] dy, float[] xhat,
      float[] dgamma, float[] dbeta) {
    Check.layerNormParamGradients(rows, dim, dy, xhat, dgamma, dbeta);
    VectorLayerNorm.paramGradients(0, rows, dim, dy, xhat, dgamma, dbeta);
  }

  private static void layerNormBackwardRows(int row0, int rows, int dim, float[] dy,
      float[] xhat, double[] rstd, float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat,
      float[] dx) {
    if (DOUBLE_LANES) {
      VectorLayerNorm.backward(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
    } else {
      LayerNormRows.backward(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
    }
  }

  /**
   * (K22) in vector lanes over batch rows at 256 and 512 bits ({@link VectorAttention}); at 128
   * bits the scalar reference (the double lanes, as for {@link #exp}).
   */
  @Override
  public void attention(int batch, int tokens, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o) {
    AttentionCore.check(batch, tokens, heads, dh, q, k, v, xOff, p, e, pOff, o);
    if (DOUBLE_LANES) {
      VectorAttention.forward(this, batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff,
          o);
    } else {
      AttentionCore.forward(this, 0, batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff,
          o);
    }
  }

  /** (K23) in vector lanes over batch rows, as {@link #attention}. */
  @Override
  public void attentionBackward(int batch, int tokens, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv) {
    AttentionCore.checkBackward(batch, tokens, heads, dh, q, k, v, dO, xOff, p, pOff, ds, dsOff,
        dq, dk, dv);
    if (DOUBLE_LANES) {
      VectorAttention.backward(this, batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p, pOff,
          ds, dsOff, dq, dk, dv);
    } else {
      AttentionCore.backward(this, 0, batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p,
          pOff, ds, dsOff, dq, dk, dv);
    }
  }

  /** (K22) keeping the lanes for the backward pass (spec/kernels.md#attention). */
  @Override
  public void attention(int batch, int tokens, int heads, int dh, float alpha, float[] q,
      float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o,
      AttentionLanes lanes) {
    if (!DOUBLE_LANES) {
      super.attention(batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o,
          lanes);
      return;
    }
    AttentionCore.check(batch, tokens, heads, dh, q, k, v, xOff, p, e, pOff, o);
    int first = AttentionCore.lanes("attention", lanes).firstRow("attention", batch, tokens,
        heads, dh, xOff, pOff);
    lanes.allocate();
    VectorAttention.forward(this, batch, tokens, heads, dh, alpha, q, k, v, xOff, p, e, pOff, o,
        lanes, first);
  }

  /** (K23) from the lanes of the forward pass (spec/kernels.md#attention). */
  @Override
  public void attentionBackward(int batch, int tokens, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv, AttentionLanes lanes) {
    if (!DOUBLE_LANES) {
      super.attentionBackward(batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p,
          pOff, ds, dsOff, dq, dk, dv, lanes);
      return;
    }
    AttentionCore.checkBackward(batch, tokens, heads, dh, q, k, v, dO, xOff, p, pOff, ds, dsOff,
        dq, dk, dv);
    String op = "attentionBackward";
    AttentionLanes l = AttentionCore.lanes(op, lanes);
    int first = l.firstRow(op, batch, tokens, heads, dh, xOff, pOff);
    l.requireForward(op, first, batch);
    l.allocate();
    VectorAttention.backward(this, batch, tokens, heads, dh, alpha, q, k, v, dO, xOff, p, pOff,
        ds, dsOff, dq, dk, dv, l, first);
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Check.gemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    VectorGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** The bias added at the store of the 8-row kernel, see {@link VectorGemm#gemmBias}. */
  @Override
  public void gemmNTBias(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] bias, int biasOff, float[] c, int cOff) {
    Check.gemm("gemmNTBias", false, true, m, n, k, a, aOff, Math.max(1, k), b, bOff,
        Math.max(1, k), c, cOff, Math.max(1, n));
    Check.vector("gemmNTBias", n, "bias", bias, biasOff);
    VectorGemm.gemmBias(m, n, k, a, aOff, b, bOff, bias, biasOff, c, cOff);
  }

  /** The derivative applied to MR rows of C as they are done ({@link VectorGemm#gemmBackward}). */
  @Override
  public void gemmNNBackwardFromOutput(Activation act, int m, int n, int k, float[] a, int aOff,
      float[] b, int bOff, float[] z, int zOff, float[] c, int cOff) {
    Check.gemm("gemmNNBackwardFromOutput", false, false, m, n, k, a, aOff, Math.max(1, k), b,
        bOff, Math.max(1, n), c, cOff, Math.max(1, n));
    Check.backward("gemmNNBackwardFromOutput", act, m * n, "z", z, zOff, c, cOff, c, cOff);
    VectorGemm.gemmBackward(this, act, m, n, k, a, aOff, b, bOff, z, zOff, c, cOff);
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
}
