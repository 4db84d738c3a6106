package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every method {@code VectorKernels} overrides, checked against {@link ScalarKernels} on random
 * inputs (uniform in [-1, 1) from {@link Rng}) of sizes that are not multiples of the vector width,
 * at non-zero offsets and with leading dimensions larger than the rows; GEMM in all four transpose
 * cases, with several alpha and beta (beta = 0 over a C full of NaN), and on shapes larger than
 * its cache blocks; conv2d through the interface's default methods, which run on the vector GEMM.
 *
 * <p>Exact: the vector kernels perform the scalar kernels' operations in the same order
 * (spec/kernels.md#one-result), so every value must have the reference's bits (NaN equal to NaN).
 * (Until the order was fixed this test allowed 1e-5 sqrt(k) (1 + |expected|) for a sum of k
 * terms.) Whole arrays are compared, so elements outside the written range (offsets, row padding)
 * must come out as the reference leaves them.
 *
 * <p>Skipped (JUnit assumption) when {@link KernelProvider#vector()} is empty: the JVM was started
 * without {@code --add-modules jdk.incubator.vector}, or its preferred vectors are below 128 bits.
 */
class VectorKernelsTest {

  private static final int[] SIZES = {1, 3, 7, 17, 33, 100};
  private static final Kernels REF = KernelProvider.scalar();
  private static final Kernels VEC = KernelProvider.vector().orElse(null);

  @BeforeEach
  void requireVectorApi() {
    Assumptions.assumeTrue(VEC != null, "Vector API kernels unavailable");
  }

  @Test
  void identifiesItself() {
    assertEquals("vector", VEC.name());
    assertTrue(VEC.vectorBitSize() >= 128, "vector width " + VEC.vectorBitSize());
  }

  @Test
  void dotSumSquaresSumVariance() {
    Rng rng = new Rng(1);
    for (int n : SIZES) {
      float[] x = random(rng, n + 5), y = random(rng, n + 9);
      check(REF.dot(n, x, 5, y, 9), VEC.dot(n, x, 5, y, 9), n, "dot n=" + n);
      check(REF.sum(n, x, 5), VEC.sum(n, x, 5), n, "sum n=" + n);
      // the double reductions are one code on both paths: the same bits (spec/kernels.md)
      assertEquals(REF.sumSquares(n, y, 9), VEC.sumSquares(n, y, 9), "sumSquares n=" + n);
      assertEquals(REF.dsdot(n, x, 5, y, 9), VEC.dsdot(n, x, 5, y, 9), "dsdot n=" + n);
      assertEquals(REF.nrm2(n, y, 9), VEC.nrm2(n, y, 9), "nrm2 n=" + n);
      assertEquals(REF.mean(n, x, 5), VEC.mean(n, x, 5), "mean n=" + n);
      assertEquals(REF.variance(n, x, 5), VEC.variance(n, x, 5), "variance n=" + n);
    }
    // A large offset mean: the two-pass variance must not cancel catastrophically.
    float[] z = random(rng, 1000);
    for (int i = 0; i < z.length; i++) {
      z[i] += 1000f;
    }
    assertEquals(REF.variance(1000, z, 0), VEC.variance(1000, z, 0), "variance offset");
  }

  @Test
  void axpyScaleOuter() {
    Rng rng = new Rng(2);
    for (int n : SIZES) {
      float[] x = random(rng, n + 3), y0 = random(rng, n + 11);
      float[] yr = y0.clone(), yv = y0.clone();
      REF.axpy(n, -0.75f, x, 3, yr, 4);
      VEC.axpy(n, -0.75f, x, 3, yv, 4);
      checkAll(yr, yv, 1, "axpy n=" + n);
      REF.scale(n, 1.25f, yr, 2);
      VEC.scale(n, 1.25f, yv, 2);
      checkAll(yr, yv, 1, "scale n=" + n);
      for (int m : new int[] {1, 4, 9}) {
        int lda = n + 6;
        float[] a0 = random(rng, 3 + m * lda), u = random(rng, m + 1);
        float[] ar = a0.clone(), av = a0.clone();
        REF.outerAcc(m, n, 0.5f, u, 1, y0, 2, ar, 3, lda);
        VEC.outerAcc(m, n, 0.5f, u, 1, y0, 2, av, 3, lda);
        checkAll(ar, av, 1, "outerAcc " + m + "x" + n);
      }
    }
  }

  @Test
  void activationsForwardAndBackward() {
    Rng rng = new Rng(3);
    for (Activation act : Activation.values()) {
      for (int n : SIZES) {
        float[] a = preActivations(rng, n);
        float[] dz = random(rng, n + 1);
        float[] zr = random(rng, n + 4), zv = zr.clone();
        REF.activate(act, n, a, 2, zr, 3);
        VEC.activate(act, n, a, 2, zv, 3);
        checkAll(zr, zv, 1, act + " forward n=" + n);
        float[] dr = random(rng, n + 7), dv = dr.clone();
        REF.activateBackward(act, n, a, 2, dz, 1, dr, 7);
        VEC.activateBackward(act, n, a, 2, dz, 1, dv, 7);
        checkAll(dr, dv, 1, act + " backward n=" + n);
        // In place: z aliases a, da aliases dz.
        float[] ir = a.clone(), iv = a.clone();
        REF.activate(act, n, ir, 2, ir, 2);
        VEC.activate(act, n, iv, 2, iv, 2);
        checkAll(ir, iv, 1, act + " in place n=" + n);
        float[] gr = dz.clone(), gv = dz.clone();
        REF.activateBackward(act, n, a, 2, gr, 1, gr, 1);
        VEC.activateBackward(act, n, a, 2, gv, 1, gv, 1);
        checkAll(gr, gv, 1, act + " backward in place n=" + n);
      }
    }
  }

  /**
   * (K9b) from z = act(a) of (K8) gives the bits of (K9) from a, on each path, for every
   * activation, special values included, in place too.
   */
  @Test
  void backwardFromOutputHasTheBitsOfBackwardFromInput() {
    Rng rng = new Rng(31);
    for (Kernels k : new Kernels[] {REF, VEC}) {
      for (Activation act : Activation.values()) {
        for (int n : SIZES) {
          float[] a = preActivations(rng, n);
          float[] z = new float[n + 5];
          k.activate(act, n, a, 2, z, 5);
          float[] dz = random(rng, n + 1);
          float[] fromA = random(rng, n + 3), fromZ = fromA.clone();
          k.activateBackward(act, n, a, 2, dz, 1, fromA, 3);
          k.activateBackwardFromOutput(act, n, z, 5, dz, 1, fromZ, 3);
          String what = k.name() + " " + act + " n=" + n;
          // the same bits, NaN equal to NaN whatever its sign and payload (spec/kernels.md#one-result):
          // Java leaves a NaN result's bits open, and C2 may swap a product's two NaN operands
          for (int i = 0; i < fromA.length; i++) {
            assertEquals(Float.floatToIntBits(fromA[i]), Float.floatToIntBits(fromZ[i]),
                what + " at " + i);
          }
          float[] inPlace = dz.clone();
          k.activateBackwardFromOutput(act, n, z, 5, inPlace, 1, inPlace, 1);
          for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(fromA[3 + i]),
                Float.floatToIntBits(inPlace[1 + i]), what + " in place at " + i);
          }
        }
      }
    }
  }

  /** n pre-activations at offset 2, at three scales, with {@link #special}'s values. */
  private static float[] preActivations(Rng rng, int n) {
    float[] a = random(rng, n + 2);
    for (int i = 0; i < a.length; i++) {
      a[i] *= (i % 3 == 0) ? 20f : (i % 3 == 1 ? 2f : 1e-3f);
    }
    special(a, n);
    return a;
  }

  /** Puts 0, -0, NaN, +-inf and huge values in a's first 20 elements (after the offset 2). */
  private static void special(float[] a, int n) {
    float[] s = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 100f, -100f,
        1e-30f, -1e-30f, 88f, -88f, 1e-7f, -1e-7f, 9f, -9f, 17f, -17f, 0.5f, -0.5f, 1f};
    if (n >= 17) {
      System.arraycopy(s, 0, a, 2, Math.min(s.length, n));
    }
  }

  @Test
  void gemmAllTransposesSizesAlphaBeta() {
    Rng rng = new Rng(4);
    float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {0.25f, 0f}, {0f, 0.5f}, {0f, 0f}};
    int[] sizes = {1, 3, 7, 17, 33};
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        for (int m : sizes) {
          for (int n : sizes) {
            for (int k : sizes) {
              float[] ab = alphaBeta[(m + 2 * n + 3 * k) % alphaBeta.length];
              checkGemm(rng, ta, tb, m, n, k, ab[0], ab[1]);
            }
          }
        }
        checkGemm(rng, ta, tb, 100, 100, 100, 1f, 0f);
        checkGemm(rng, ta, tb, 100, 33, 7, 1.5f, -1f);
        checkGemm(rng, ta, tb, 7, 100, 17, -1f, 1f);
      }
    }
  }

  @Test
  void gemmLargerThanCacheBlocks() {
    Rng rng = new Rng(5);
    // Beyond VectorGemm's blocks (MC = 64 rows, KC = 512 deep, NC = 1024 columns): m in the
    // first three shapes, n in the first (1030) and k in the second (600).
    checkGemm(rng, false, false, 131, 1030, 261, 1f, 0f);
    checkGemm(rng, true, true, 150, 37, 600, 0.5f, 1f);
    checkGemm(rng, true, false, 261, 45, 300, 1f, 0f);
    checkGemm(rng, false, true, 45, 261, 300, -1f, 0.5f);
  }

  /**
   * GEMM around VectorGemm's register tile (MR = 4 or 8 rows, NR = two vectors) and the cases
   * where it reads B in place: m and n on both sides of multiples of the tile (and m past one
   * block of 64 rows by a half tile), k = 1, small, and past one KC block, leading dimensions
   * equal to the widths (B one contiguous panel, or whole panels read in place beside a transposed
   * A) or padded, with and without offsets; on one thread and through ThreadedKernels.
   */
  @Test
  void gemmAroundTheTileAndBInPlace() {
    Rng rng = new Rng(8);
    int nr = 2 * VEC.vectorBitSize() / 32;
    int[] ms = {1, 4, 7, 8, 9, 12, 20, 68};
    int[] ns = {3, nr - 1, nr, nr + 5, 2 * nr, 3 * nr, 9 * nr};
    int[] ks = {1, 3, 32, 513};
    float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {0.25f, 0f}, {1f, -1f}};
    try (Workers w = new Workers(2)) {
      Kernels threaded = new ThreadedKernels(VEC, w);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          for (int mi = 0; mi < ms.length; mi++) {
            for (int ni = 0; ni < ns.length; ni++) {
              int k = ks[(mi + ni) % ks.length];
              float[] ab = alphaBeta[(mi + 2 * ni) % alphaBeta.length];
              boolean tight = (mi + ni) % 3 != 2;
              Kernels kern = (mi + ni) % 2 == 0 ? VEC : threaded;
              checkGemmTight(rng, kern, ta, tb, ms[mi], ns[ni], k, ab[0], ab[1], tight);
            }
          }
        }
      }
      // A transposed against B of 8 columns (an embedding's dW), computed as C^T with 8-row tiles
      int[] ks2 = {1, 5, 513, 1100};
      for (int i = 0; i < 8; i++) {
        float[] ab = alphaBeta[i % alphaBeta.length];
        checkGemmTight(rng, VEC, true, false, (1 + i % 3) * nr, 8, ks2[i % 4], ab[0], ab[1],
            i % 3 != 2);
        checkGemmTight(rng, threaded, true, false, nr, 8, ks2[i % 4], ab[0], ab[1], i < 4);
      }
    }
  }

  /**
   * {@link #checkGemm} on {@code kern}, with leading dimensions equal to the widths and A, B, C at
   * offset 0 when {@code tight}, else padded and offset.
   */
  private static void checkGemmTight(Rng rng, Kernels kern, boolean ta, boolean tb, int m, int n,
      int k, float alpha, float beta, boolean tight) {
    int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
    int pad = tight ? 0 : 3, off = tight ? 0 : 5;
    int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
    float[] a = random(rng, off + aRows * lda);
    float[] b = random(rng, off + bRows * ldb);
    float[] c0 = random(rng, off + m * ldc);
    float[] cr = c0.clone(), cv = c0.clone();
    REF.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, cr, off, ldc);
    kern.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, cv, off, ldc);
    checkAll(cr, cv, k, kern.name() + " gemm transA=" + ta + " transB=" + tb + " " + m + "x" + n
        + "x" + k + " alpha=" + alpha + " beta=" + beta + (tight ? " tight" : " padded"));
  }

  /**
   * gemmNTBias (a dense layer's forward, the bias added at the 8-row kernel's store) has the bits
   * of C = bias on every row then gemmNT with alpha = beta = 1, on whole tiles (m a multiple of
   * 8, n of two vectors, k in one block), ragged shapes, k past one block and k = 0, with offsets;
   * C starts as NaN, which must not leak.
   */
  @Test
  void gemmNTBiasIsBiasThenGemmNT() {
    Rng rng = new Rng(9);
    int nr = 2 * VEC.vectorBitSize() / 32;
    int[][] shapes = {
      {1024, nr, 32}, {64, 4 * nr, 32}, {16, nr, 128}, {8, 8 * nr, 1}, {24, 9 * nr, 5},
      {7, nr, 32}, {16, nr + 3, 32}, {16, nr, 513}, {9, 3, 0}, {0, nr, 4}, {256, nr, 8}};
    for (int[] sh : shapes) {
      int m = sh[0], n = sh[1], k = sh[2];
      int aOff = 3, bOff = 1, biasOff = 2, cOff = 5;
      float[] a = random(rng, aOff + m * k), b = random(rng, bOff + n * k);
      float[] bias = random(rng, biasOff + n);
      float[] cr = new float[cOff + m * n + 2];
      Arrays.fill(cr, Float.NaN);
      float[] cv = cr.clone();
      for (int r = 0; r < m; r++) {
        System.arraycopy(bias, biasOff, cr, cOff + r * n, n);
      }
      REF.gemmNT(m, n, k, 1f, a, aOff, b, bOff, 1f, cr, cOff);
      VEC.gemmNTBias(m, n, k, a, aOff, b, bOff, bias, biasOff, cv, cOff);
      checkAll(cr, cv, Math.max(k, 1), "gemmNTBias " + m + "x" + n + "x" + k);
    }
  }

  /**
   * gemmNNBackwardFromOutput (a dense layer's input gradient through the activation below, the
   * derivative applied to each 8 or 4 rows as they are done) has the bits of gemmNN with alpha 1
   * and beta 0 followed by activateBackwardFromOutput, for every activation, on whole tiles (m a
   * multiple of 8, n of two vectors, k in one block), ragged shapes, k past one block and k = 0,
   * with offsets; C starts as NaN, which must not leak.
   */
  @Test
  void gemmNNBackwardFromOutputIsGemmNNThenDerivative() {
    Rng rng = new Rng(10);
    int nr = 2 * VEC.vectorBitSize() / 32;
    int[][] shapes = {
      {1024, 4 * nr, 32}, {64, nr, 32}, {16, nr, 128}, {8, 8 * nr, 1}, {24, 9 * nr, 5},
      {7, nr, 32}, {16, nr + 3, 32}, {16, nr, 513}, {9, 3, 0}, {0, nr, 4}, {256, 2 * nr, 8}};
    for (Activation act : Activation.values()) {
      for (int[] sh : shapes) {
        int m = sh[0], n = sh[1], k = sh[2];
        int aOff = 3, bOff = 1, zOff = 2, cOff = 5;
        float[] a = random(rng, aOff + m * k), b = random(rng, bOff + k * n);
        float[] z = new float[zOff + m * n];
        REF.activate(act, m * n, random(rng, zOff + m * n), zOff, z, zOff);
        float[] cr = new float[cOff + m * n + 2];
        Arrays.fill(cr, Float.NaN);
        float[] cv = cr.clone();
        REF.gemmNN(m, n, k, 1f, a, aOff, b, bOff, 0f, cr, cOff);
        REF.activateBackwardFromOutput(act, m * n, z, zOff, cr, cOff, cr, cOff);
        VEC.gemmNNBackwardFromOutput(act, m, n, k, a, aOff, b, bOff, z, zOff, cv, cOff);
        checkAll(cr, cv, Math.max(k, 1), "gemmNNBackwardFromOutput " + act + " " + m + "x" + n
            + "x" + k);
        float[] cs = cr.clone();
        Arrays.fill(cs, Float.NaN);
        REF.gemmNNBackwardFromOutput(act, m, n, k, a, aOff, b, bOff, z, zOff, cs, cOff);
        checkAll(cr, cs, Math.max(k, 1), "scalar gemmNNBackwardFromOutput " + act);
      }
    }
  }

  @Test
  void gemmEmptyShapes() {
    Rng rng = new Rng(6);
    checkGemm(rng, false, false, 5, 7, 0, 1f, 0f);
    checkGemm(rng, true, true, 5, 7, 0, 1f, 3f);
    checkGemm(rng, false, false, 0, 7, 5, 1f, 0f);
    checkGemm(rng, false, false, 7, 0, 5, 1f, 0f);
  }

  /**
   * C = alpha op(A) op(B) + beta C with offsets and padded leading dimensions; beta == 0 runs over
   * a C full of NaN (which must not leak); the padding of C between rows must stay untouched.
   */
  private static void checkGemm(Rng rng, boolean ta, boolean tb, int m, int n, int k,
      float alpha, float beta) {
    int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
    int lda = aCols + 3, ldb = bCols + 5, ldc = n + 2;
    int aOff = 7, bOff = 2, cOff = 9;
    float[] a = random(rng, aOff + aRows * lda);
    float[] b = random(rng, bOff + bRows * ldb);
    float[] c0 = random(rng, cOff + m * ldc + 3);
    if (beta == 0f) {
      for (int i = 0; i < m; i++) {
        Arrays.fill(c0, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
      }
    }
    float[] cr = c0.clone(), cv = c0.clone();
    REF.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cr, cOff, ldc);
    VEC.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cv, cOff, ldc);
    String what = "gemm transA=" + ta + " transB=" + tb + " " + m + "x" + n + "x" + k
        + " alpha=" + alpha + " beta=" + beta;
    checkAll(cr, cv, Math.max(k, 1), what);
  }

  @Test
  void conv2dThroughVectorGemm() {
    Rng rng = new Rng(7);
    Conv2dShape[] shapes = {
      new Conv2dShape(2, 3, 9, 7, 5, 3, 2, 1, 1),
      new Conv2dShape(3, 2, 11, 13, 7, 5, 5, 2, 0),
      new Conv2dShape(1, 1, 28, 28, 16, 5, 5, 1, 2),
      new Conv2dShape(2, 4, 5, 5, 3, 1, 1, 1, 0),
    };
    for (Conv2dShape s : shapes) {
      float[] x = random(rng, s.inputSize()), w = random(rng, s.weightSize());
      float[] bias = random(rng, s.o()), dy = random(rng, s.outputSize());
      float[] colR = new float[s.colSize()], colV = new float[s.colSize()];
      for (float[] bb : new float[][] {bias, null}) {
        float[] yr = random(rng, s.outputSize()), yv = yr.clone();
        REF.conv2dForward(s, x, w, bb, yr, colR);
        VEC.conv2dForward(s, x, w, bb, yv, colV);
        checkAll(yr, yv, s.patchSize(), "conv2d forward " + s + " bias=" + (bb != null));
      }
      float[] dxr = random(rng, s.inputSize()), dxv = dxr.clone();
      REF.conv2dBackwardData(s, dy, w, dxr, colR);
      VEC.conv2dBackwardData(s, dy, w, dxv, colV);
      checkAll(dxr, dxv, s.o() * s.kh() * s.kw(), "conv2d backward data " + s);
      float[] dwr = random(rng, s.weightSize()), dwv = dwr.clone();
      REF.conv2dBackwardWeights(s, x, dy, dwr, colR);
      VEC.conv2dBackwardWeights(s, x, dy, dwv, colV);
      checkAll(dwr, dwv, s.n() * s.positions(), "conv2d backward weights " + s);
      float[] dbr = new float[s.o()], dbv = new float[s.o()];
      REF.conv2dBackwardBias(s, dy, dbr);
      VEC.conv2dBackwardBias(s, dy, dbv);
      checkAll(dbr, dbv, s.n() * s.positions(), "conv2d backward bias " + s);
    }
  }

  private static float[] random(Rng rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = 2f * rng.uniformFloat() - 1f;
    }
    return x;
  }

  private static void checkAll(float[] expected, float[] actual, int k, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      check(expected[i], actual[i], k, what + " at [" + i + "]");
    }
  }

  /** The same bits (spec/kernels.md#one-result); NaN equals NaN. k no longer matters. */
  private static void check(float expected, float actual, int k, String what) {
    if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
      fail(what + ": expected " + expected + " but was " + actual + " (k " + k + ")");
    }
  }
}
