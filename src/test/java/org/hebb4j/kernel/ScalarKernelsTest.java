package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/**
 * The scalar reference against double-precision loops written independently here, and the
 * backward passes against the adjoint identity <dy, f(x)> = <df/dx^T dy, x> (exact for linear
 * maps), plus finite differences of the activations.
 */
class ScalarKernelsTest {

  private final Kernels k = KernelProvider.scalar();

  static float[] random(Rng r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.gaussianFloat();
    }
    return a;
  }

  @Test
  void gemmMatchesDoubleLoopsForAllTransposesOffsetsAndLeadingDimensions() {
    Rng r = new Rng(1);
    int[][] sizes = {{1, 1, 1}, {3, 7, 17}, {17, 33, 7}, {5, 1, 9}};
    for (int[] s : sizes) {
      int m = s[0], n = s[1], kk = s[2];
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
        int ar = ta ? kk : m, ac = ta ? m : kk, br = tb ? n : kk, bc = tb ? kk : n;
        int lda = ac + 2, ldb = bc + 3, ldc = n + 1, off = 5;
        float[] a = random(r, off + ar * lda), b = random(r, off + br * ldb);
        float[] c = random(r, off + m * ldc), c0 = c.clone();
        float alpha = -0.5f, beta = 0.75f;
        k.gemm(ta, tb, m, n, kk, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int p = 0; p < kk; p++) {
              double av = ta ? a[off + p * lda + i] : a[off + i * lda + p];
              double bv = tb ? b[off + j * ldb + p] : b[off + p * ldb + j];
              acc += av * bv;
            }
            double want = alpha * acc + beta * c0[off + i * ldc + j];
            assertEquals(want, c[off + i * ldc + j], 1e-5 * (1 + Math.sqrt(kk) * 4));
          }
          // the padding between rows is untouched
          for (int j = n; j < ldc && off + i * ldc + j < c.length; j++) {
            assertEquals(c0[off + i * ldc + j], c[off + i * ldc + j]);
          }
        }
      }
    }
  }

  @Test
  void gemmWithBetaZeroIgnoresNaNInC() {
    float[] a = {1, 2}, b = {3, 4}, c = {Float.NaN};
    k.gemm(false, false, 1, 1, 2, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 1);
    assertEquals(11f, c[0]);
  }

  @Test
  void convBackwardIsTheAdjointOfForward() {
    Rng r = new Rng(2);
    Conv2dShape[] shapes = {
        new Conv2dShape(2, 3, 7, 6, 4, 3, 2, 1, 1),
        new Conv2dShape(1, 2, 9, 9, 3, 5, 5, 2, 2),
        new Conv2dShape(3, 1, 5, 5, 2, 1, 1, 2, 0)};
    for (Conv2dShape s : shapes) {
      float[] x = random(r, s.inputSize()), w = random(r, s.weightSize());
      float[] dy = random(r, s.outputSize()), y = new float[s.outputSize()];
      float[] col = new float[s.colSize()];
      k.conv2dForward(s, x, w, null, y, col);
      float[] dx = new float[s.inputSize()], dw = new float[s.weightSize()];
      k.conv2dBackwardData(s, dy, w, dx, col);
      k.conv2dBackwardWeights(s, x, dy, dw, col);
      double lhs = dotD(dy, y), byX = dotD(dx, x), byW = dotD(dw, w);
      double tol = 1e-4 * Math.sqrt(s.outputSize()) * 10;
      assertEquals(lhs, byX, tol, "dx adjoint for " + s);
      assertEquals(lhs, byW, tol, "dw adjoint for " + s);
      float[] b = random(r, s.o()), yb = new float[s.outputSize()], db = new float[s.o()];
      k.conv2dForward(s, x, w, b, yb, col);
      k.conv2dBackwardBias(s, dy, db);
      double diff = 0;
      for (int i = 0; i < yb.length; i++) {
        diff += dy[i] * ((double) yb[i] - y[i]);
      }
      assertEquals(diff, dotD(db, b), tol, "db adjoint for " + s);
    }
  }

  @Test
  void avgPoolBackwardIsTheAdjointOfForward() {
    Rng r = new Rng(3);
    for (Pool2dShape s : new Pool2dShape[] {new Pool2dShape(2, 3, 8, 7, 2, 2),
        new Pool2dShape(1, 2, 7, 7, 3, 1), new Pool2dShape(1, 1, 9, 10, 2, 3)}) {
      float[] x = random(r, s.inputSize()), dy = random(r, s.outputSize());
      float[] y = new float[s.outputSize()], dx = new float[s.inputSize()];
      k.avgPool2dForward(s, x, y);
      k.avgPool2dBackward(s, dy, dx);
      assertEquals(dotD(dy, y), dotD(dx, x), 1e-4);
    }
  }

  @Test
  void activationDerivativesMatchCentralDifferences() {
    float[] points = {-3f, -0.7f, -0.1f, 0.2f, 1.3f, 4f};
    for (Activation act : Activation.values()) {
      for (float a : points) {
        double h = 1e-3;
        double fd = (act.apply((float) (a + h)) - (double) act.apply((float) (a - h))) / (2 * h);
        assertEquals(fd, act.derivative(a), 2e-3, act + " at " + a);
      }
    }
    assertEquals(0f, Activation.RELU.derivative(0f));
    assertEquals(0f, Activation.SIGMOID.apply(-200f));
    assertEquals(1f, Activation.SIGMOID.apply(200f));
  }

  @Test
  void reductionsAndBlas1() {
    float[] x = {1, 2, 3, 4};
    assertEquals(10f, k.sum(4, x, 0));
    assertEquals(30f, k.sumSquares(4, x, 0));
    assertEquals(2.5f, k.mean(4, x, 0));
    assertEquals(1.25f, k.variance(4, x, 0));
    assertEquals(20f, k.dot(2, x, 2, x, 0) + k.dot(1, x, 0, x, 0) + 8f);
    float[] y = {1, 1, 1, 1};
    k.axpy(3, 2f, x, 1, y, 0);
    assertEquals(5f, y[0]);
    assertEquals(9f, y[2]);
    assertEquals(1f, y[3]);
    k.scale(2, 0.5f, y, 1);
    assertEquals(3.5f, y[1]);
    float[] a = new float[6];
    k.outerAcc(2, 3, 2f, new float[] {1, 2}, 0, new float[] {1, 2, 3}, 0, a, 0, 3);
    assertEquals(12f, a[5]);
  }

  @Test
  void shapesRejectImpossibleGeometry() {
    assertThrows(IllegalArgumentException.class, () -> new Conv2dShape(1, 1, 3, 3, 1, 5, 5, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Conv2dShape(1, 1, 3, 3, 1, 3, 3, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Pool2dShape(1, 1, 2, 2, 3, 1));
    assertTrue(new Conv2dShape(1, 1, 28, 28, 1, 5, 5, 1, 0).oh() == 24);
  }

  static double dotD(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
