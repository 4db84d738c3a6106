package org.hebb4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

class LinalgTest {

  static final Kernels K = KernelProvider.get();

  static double[] randomSymmetric(Rng r, int n) {
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = r.uniformDouble() * 2 - 1;
        a[i * n + j] = v;
        a[j * n + i] = v;
      }
    }
    return a;
  }

  /** max |A U - U Lambda| and max |U U^T - I| relative to the largest |eigenvalue|. */
  static void checkDecomposition(double[] a, int n, SymmetricEigen e, double tol) {
    double[] v = e.vectors(), l = e.values();
    double scale = Math.max(1e-300, Math.max(Math.abs(l[0]), Math.abs(l[n - 1])));
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        assertTrue(l[i - 1] <= l[i], "ascending");
      }
      for (int r = 0; r < n; r++) {
        double s = 0;
        for (int c = 0; c < n; c++) {
          s += a[r * n + c] * v[i * n + c];
        }
        assertEquals(l[i] * v[i * n + r], s, tol * scale, "residual");
      }
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int c = 0; c < n; c++) {
          s += v[i * n + c] * v[j * n + c];
        }
        assertEquals(i == j ? 1.0 : 0.0, s, tol, "orthonormal");
      }
    }
  }

  @Test
  void eigenOfRandomAndSpecialMatrices() {
    Rng r = new Rng(7);
    for (int n : new int[] {1, 2, 3, 5, 17, 60}) {
      double[] a = randomSymmetric(r, n);
      checkDecomposition(a, n, SymmetricEigen.of(a, n), 1e-12);
    }
    // zero, identity, diagonal with repeats, rank one
    int n = 9;
    double[] z = new double[n * n];
    SymmetricEigen ez = SymmetricEigen.of(z, n);
    for (double l : ez.values()) {
      assertEquals(0.0, l);
    }
    checkDecomposition(z, n, ez, 1e-12);
    double[] id = new double[n * n];
    double[] dg = new double[n * n];
    double[] r1 = new double[n * n];
    for (int i = 0; i < n; i++) {
      id[i * n + i] = 1;
      dg[i * n + i] = i % 3;
      for (int j = 0; j < n; j++) {
        r1[i * n + j] = (i + 1) * (j + 1);
      }
    }
    checkDecomposition(id, n, SymmetricEigen.of(id, n), 1e-12);
    SymmetricEigen ed = SymmetricEigen.of(dg, n);
    checkDecomposition(dg, n, ed, 1e-12);
    assertEquals(0.0, ed.values()[0], 1e-15);
    assertEquals(2.0, ed.values()[n - 1], 1e-15);
    SymmetricEigen e1 = SymmetricEigen.of(r1, n);
    checkDecomposition(r1, n, e1, 1e-12);
    assertEquals(285.0, e1.values()[n - 1], 1e-10); // sum (i+1)^2 for i < 9
  }

  @Test
  void choleskySolves() {
    Rng r = new Rng(3);
    int n = 23, m = 4;
    double[] b = new double[n * n];
    for (int i = 0; i < n * n; i++) {
      b[i] = r.uniformDouble() - 0.5;
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = i == j ? 0.5 : 0;
        for (int k = 0; k < n; k++) {
          s += b[i * n + k] * b[j * n + k];
        }
        a[i * n + j] = s;
      }
    }
    double[] x = new double[n * m];
    for (int i = 0; i < n * m; i++) {
      x[i] = r.uniformDouble();
    }
    double[] rhs = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < m; c++) {
        for (int k = 0; k < n; k++) {
          rhs[i * m + c] += a[i * n + k] * x[k * m + c];
        }
      }
    }
    Cholesky.of(a, n).solveInPlace(rhs, m);
    for (int i = 0; i < n * m; i++) {
      assertEquals(x[i], rhs[i], 1e-10);
    }
    double[] indefinite = {1, 2, 2, 1};
    assertThrows(ArithmeticException.class, () -> Cholesky.of(indefinite, 2));
  }

  /** Ridge against the normal equations solved by Gauss-Jordan with pivoting, in double. */
  @Test
  void ridgeMatchesNormalEquations() {
    Rng r = new Rng(11);
    int n = 300, d = 13, c = 4;
    double alpha = 1.0;
    float[] x = new float[n * d];
    float[] y = new float[n * c];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.uniformFloat() * 3 + (i % d);
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = r.uniformFloat();
    }
    float[] x0 = x.clone();
    // reference: augmented [X 1], penalty alpha on W only
    int p = d + 1;
    double[] a = new double[p * p];
    double[] rhs = new double[p * c];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        double xj = j < d ? x0[i * d + j] : 1.0;
        for (int k = 0; k < p; k++) {
          double xk = k < d ? x0[i * d + k] : 1.0;
          a[j * p + k] += xj * xk;
        }
        for (int q = 0; q < c; q++) {
          rhs[j * c + q] += xj * y[i * c + q];
        }
      }
    }
    for (int j = 0; j < d; j++) {
      a[j * p + j] += alpha;
    }
    double[] sol = gaussJordan(a, rhs, p, c);
    try (Workers w = new Workers(2)) {
      Ridge ridge = Ridge.fitInPlace(K, w, x, n, d, y, c, alpha);
      for (int j = 0; j < d; j++) {
        for (int q = 0; q < c; q++) {
          assertEquals(sol[j * c + q], ridge.weights()[j * c + q], 1e-6, "W");
        }
      }
      for (int q = 0; q < c; q++) {
        assertEquals(sol[d * c + q], ridge.intercept()[q], 1e-4, "b");
      }
      double[] s1 = ridge.scores(x0, n), s2 = ridge.scoresCentered(x, n);
      for (int i = 0; i < s1.length; i++) {
        assertEquals(s1[i], s2[i], 1e-4);
      }
    }
  }

  static double[] gaussJordan(double[] a0, double[] b0, int n, int m) {
    double[] a = a0.clone(), b = b0.clone();
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int i = col + 1; i < n; i++) {
        if (Math.abs(a[i * n + col]) > Math.abs(a[piv * n + col])) {
          piv = i;
        }
      }
      for (int k = 0; k < n; k++) {
        double t = a[col * n + k];
        a[col * n + k] = a[piv * n + k];
        a[piv * n + k] = t;
      }
      for (int k = 0; k < m; k++) {
        double t = b[col * m + k];
        b[col * m + k] = b[piv * m + k];
        b[piv * m + k] = t;
      }
      for (int i = 0; i < n; i++) {
        if (i == col) {
          continue;
        }
        double f = a[i * n + col] / a[col * n + col];
        for (int k = 0; k < n; k++) {
          a[i * n + k] -= f * a[col * n + k];
        }
        for (int k = 0; k < m; k++) {
          b[i * m + k] -= f * b[col * m + k];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < m; k++) {
        b[i * m + k] /= a[i * n + i];
      }
    }
    return b;
  }

  /** W C W = C (C + eps)^-1 : whitened data has covariance close to I on the strong directions. */
  @Test
  void zcaWhitens() {
    Rng r = new Rng(5);
    int n = 2000, d = 6;
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      float a = r.uniformFloat(), b = r.uniformFloat();
      for (int j = 0; j < d; j++) {
        x[i * d + j] = a * (j + 1) + b * (j % 2) + 0.1f * r.uniformFloat() + 5;
      }
    }
    try (Workers w = new Workers(1)) {
      Zca z = Zca.fit(K, w, x, n, d, 0.0);
      float[] xw = x.clone();
      z.apply(K, w, xw, n);
      double[] m = Gram.means(xw, n, d);
      for (double v : m) {
        assertEquals(0.0, v, 1e-3);
      }
      Gram.center(xw, n, d, m);
      double[] g = Gram.gram(K, w, xw, n, d);
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          assertEquals(i == j ? 1.0 : 0.0, g[i * d + j] / n, 2e-2);
        }
      }
      // symmetric
      double[] wm = z.matrix();
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          assertEquals(wm[i * d + j], wm[j * d + i], 1e-9);
        }
      }
    }
  }

  @Test
  void gramDoesNotDependOnThreads() {
    Rng r = new Rng(9);
    int n = 1000, d = 150;
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.uniformFloat() - 0.5f;
    }
    double[] g1, g2;
    try (Workers w = new Workers(1)) {
      g1 = Gram.gram(K, w, x, n, d);
    }
    try (Workers w = new Workers(3)) {
      g2 = Gram.gram(K, w, x, n, d);
    }
    assertTrue(java.util.Arrays.equals(g1, g2));
  }

  /**
   * The 784 x 784 check against numpy (spec/hebbcnn.md#eigen-check): eigenvalues, means and rows
   * of the ZCA matrix of a rank-deficient covariance (285 zero eigenvalues) built from the project
   * RNG, compared with numpy.linalg.eigh's result committed in test-vectors/zca_eigen_rng.json.
   */
  @Test
  void eigenSolverMatchesNumpyOn784x784() throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.hebb4j.verify.Verifier v = new org.hebb4j.verify.Verifier(K,
        new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    v.verifyFile(java.nio.file.Path.of("test-vectors/zca_eigen_rng.json"));
    assertEquals(0, v.failed(), bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(1, v.passed());
  }
}
