package org.hebb4j.linalg;

/**
 * Cholesky factorisation {@code A = L L^T} of a symmetric positive definite matrix in double
 * precision, and solves with it (spec/hebbcnn.md#ridge, equation (L3)).
 */
public final class Cholesky {

  private final int n;
  private final double[] l;

  private Cholesky(int n, double[] l) {
    this.n = n;
    this.l = l;
  }

  /**
   * Factorises the n x n row-major {@code a} (only the lower triangle is read; {@code a} is not
   * modified). Throws {@link ArithmeticException} when a pivot is not positive.
   * See spec/hebbcnn.md#ridge.
   *
   * @param a symmetric positive definite matrix [n, n]
   * @param n size
   * @return the factorisation
   * @throws ArithmeticException if a pivot is not positive (the matrix is not positive definite)
   * @throws ArrayIndexOutOfBoundsException if {@code a.length < n * n}
   */
  public static Cholesky of(double[] a, int n) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      int li = i * n;
      for (int j = 0; j <= i; j++) {
        int lj = j * n;
        double s = a[li + j];
        for (int k = 0; k < j; k++) {
          s -= l[li + k] * l[lj + k];
        }
        if (i == j) {
          if (!(s > 0.0)) {
            throw new ArithmeticException("Cholesky: matrix is not positive definite (pivot "
                + i + " is " + s + ")");
          }
          l[li + i] = Math.sqrt(s);
        } else {
          l[li + j] = s / l[lj + j];
        }
      }
    }
    return new Cholesky(n, l);
  }

  /**
   * The factor L, row-major n x n (upper triangle zero). Shared, not copied.
   * See spec/hebbcnn.md#ridge.
   *
   * @return L [n, n]
   */
  public double[] factor() {
    return l;
  }

  /**
   * Solves A X = B in place for B of shape n x m (row-major). See spec/hebbcnn.md#ridge.
   *
   * @param b right-hand sides [n, m], overwritten by X
   * @param m number of right-hand sides
   */
  public void solveInPlace(double[] b, int m) {
    // L Y = B (forward), rows of B
    for (int i = 0; i < n; i++) {
      int li = i * n, bi = i * m;
      for (int k = 0; k < i; k++) {
        double lik = l[li + k];
        if (lik != 0.0) {
          int bk = k * m;
          for (int c = 0; c < m; c++) {
            b[bi + c] -= lik * b[bk + c];
          }
        }
      }
      double inv = 1.0 / l[li + i];
      for (int c = 0; c < m; c++) {
        b[bi + c] *= inv;
      }
    }
    // L^T X = Y (backward)
    for (int i = n - 1; i >= 0; i--) {
      int bi = i * m;
      for (int k = i + 1; k < n; k++) {
        double lki = l[k * n + i];
        if (lki != 0.0) {
          int bk = k * m;
          for (int c = 0; c < m; c++) {
            b[bi + c] -= lki * b[bk + c];
          }
        }
      }
      double inv = 1.0 / l[i * n + i];
      for (int c = 0; c < m; c++) {
        b[bi + c] *= inv;
      }
    }
  }
}
