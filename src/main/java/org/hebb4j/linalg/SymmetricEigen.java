package org.hebb4j.linalg;

/**
 * Eigendecomposition of a real symmetric matrix, {@code A = U diag(lambda) U^T}, in double
 * precision: Householder reduction to tridiagonal form with the transformations accumulated, then
 * the implicit QL algorithm with Wilkinson-style shifts on the tridiagonal matrix
 * (spec/hebbcnn.md#eigen, equations (V1)-(V3)).
 *
 * <p>Storage is chosen so that every inner loop walks memory contiguously: the working matrix is
 * kept transposed, so the eigenvectors come out as the <em>rows</em> of {@link #vectors()}
 * (row i is the unit eigenvector of {@code values()[i]}). Eigenvalues are sorted ascending.
 * Eigenvectors are determined only up to sign (and, for repeated eigenvalues, up to a rotation
 * inside the eigenspace); functions of the matrix such as {@code U f(lambda) U^T} are not.
 */
public final class SymmetricEigen {

  private final int n;
  private final double[] values;
  private final double[] vectors;

  private SymmetricEigen(int n, double[] values, double[] vectors) {
    this.n = n;
    this.values = values;
    this.vectors = vectors;
  }

  /**
   * Decomposes the symmetric n x n matrix {@code a} (row-major; only symmetric input is meaningful,
   * the lower triangle is what is read). {@code a} is not modified. See spec/hebbcnn.md#eigen.
   *
   * @param a symmetric matrix [n, n]
   * @param n size
   * @return the decomposition
   * @throws IllegalArgumentException if n &lt; 1, {@code a.length < n * n}, or an entry is NaN or
   *     infinite
   * @throws ArithmeticException if the QL iteration does not converge for an eigenvalue
   */
  public static SymmetricEigen of(double[] a, int n) {
    if (n < 1 || a.length < (long) n * n) {
      throw new IllegalArgumentException("eigen: need an n x n matrix, n >= 1");
    }
    for (int i = 0; i < n * n; i++) {
      if (!Double.isFinite(a[i])) {
        throw new IllegalArgumentException("eigen: matrix contains NaN or infinity");
      }
    }
    // t = A^T (= A): t[j*n + k] plays the role of V[k][j] in the textbook (tred2/tql2) layout.
    double[] t = new double[n * n];
    for (int j = 0; j < n; j++) {
      for (int k = 0; k < n; k++) {
        t[j * n + k] = a[Math.max(j, k) * n + Math.min(j, k)];
      }
    }
    double[] d = new double[n];
    double[] e = new double[n];
    tridiagonalize(t, d, e, n);
    ql(t, d, e, n);
    return new SymmetricEigen(n, d, t);
  }

  /**
   * The order of the decomposed matrix (spec/hebbcnn.md#eigen).
   *
   * @return n, for an n x n matrix
   */
  public int size() {
    return n;
  }

  /**
   * Eigenvalues, ascending. Shared, not copied. See spec/hebbcnn.md#eigen.
   *
   * @return the n eigenvalues
   */
  public double[] values() {
    return values;
  }

  /**
   * Eigenvectors as rows (row i belongs to values()[i]), row-major n x n. Shared, not copied.
   * See spec/hebbcnn.md#eigen.
   *
   * @return U^T [n, n]
   */
  public double[] vectors() {
    return vectors;
  }

  /**
   * U diag(f(lambda)) U^T, row-major n x n: a function of the matrix (sign-invariant).
   * See spec/hebbcnn.md#eigen.
   *
   * @param f the function applied to every eigenvalue
   * @return the matrix [n, n]
   */
  public double[] apply(java.util.function.DoubleUnaryOperator f) {
    double[] fl = new double[n];
    for (int i = 0; i < n; i++) {
      fl[i] = f.applyAsDouble(values[i]);
    }
    double[] out = new double[n * n];
    double[] row = new double[n];
    // out[r][c] = sum_i U[r][i] f_i U[c][i], with U[r][i] = vectors[i*n + r]
    for (int i = 0; i < n; i++) {
      int vi = i * n;
      for (int r = 0; r < n; r++) {
        row[r] = vectors[vi + r] * fl[i];
      }
      for (int r = 0; r < n; r++) {
        double s = row[r];
        if (s == 0.0) {
          continue;
        }
        int o = r * n;
        for (int c = 0; c < n; c++) {
          out[o + c] += s * vectors[vi + c];
        }
      }
    }
    return out;
  }

  /**
   * (V1) Householder reduction A = Q T Q^T to tridiagonal T (diagonal d, sub-diagonal e[1..n-1]),
   * with Q accumulated into t (transposed storage, see the class comment).
   */
  private static void tridiagonalize(double[] t, double[] d, double[] e, int n) {
    for (int j = 0; j < n; j++) {
      d[j] = t[j * n + n - 1];
    }
    for (int i = n - 1; i > 0; i--) {
      double scale = 0.0, h = 0.0;
      for (int k = 0; k < i; k++) {
        scale += Math.abs(d[k]);
      }
      if (scale == 0.0) {
        e[i] = d[i - 1];
        for (int j = 0; j < i; j++) {
          d[j] = t[j * n + i - 1];
          t[j * n + i] = 0.0;
          t[i * n + j] = 0.0;
        }
      } else {
        // Householder vector from the scaled row i.
        for (int k = 0; k < i; k++) {
          d[k] /= scale;
          h += d[k] * d[k];
        }
        double f = d[i - 1];
        double g = Math.sqrt(h);
        if (f > 0) {
          g = -g;
        }
        e[i] = scale * g;
        h -= f * g;
        d[i - 1] = f - g;
        for (int j = 0; j < i; j++) {
          e[j] = 0.0;
        }
        // p = A u / h (into e), using the lower triangle held in t.
        for (int j = 0; j < i; j++) {
          f = d[j];
          t[i * n + j] = f;
          int tj = j * n;
          g = e[j] + t[tj + j] * f;
          for (int k = j + 1; k <= i - 1; k++) {
            g += t[tj + k] * d[k];
            e[k] += t[tj + k] * f;
          }
          e[j] = g;
        }
        f = 0.0;
        for (int j = 0; j < i; j++) {
          e[j] /= h;
          f += e[j] * d[j];
        }
        double hh = f / (h + h);
        for (int j = 0; j < i; j++) {
          e[j] -= hh * d[j];
        }
        // A <- A - u q^T - q u^T
        for (int j = 0; j < i; j++) {
          f = d[j];
          g = e[j];
          int tj = j * n;
          for (int k = j; k <= i - 1; k++) {
            t[tj + k] -= (f * e[k] + g * d[k]);
          }
          d[j] = t[tj + i - 1];
          t[tj + i] = 0.0;
        }
      }
      d[i] = h;
    }
    // Accumulate the transformations.
    for (int i = 0; i < n - 1; i++) {
      t[i * n + n - 1] = t[i * n + i];
      t[i * n + i] = 1.0;
      double h = d[i + 1];
      int ti1 = (i + 1) * n;
      if (h != 0.0) {
        for (int k = 0; k <= i; k++) {
          d[k] = t[ti1 + k] / h;
        }
        for (int j = 0; j <= i; j++) {
          int tj = j * n;
          double g = 0.0;
          for (int k = 0; k <= i; k++) {
            g += t[ti1 + k] * t[tj + k];
          }
          for (int k = 0; k <= i; k++) {
            t[tj + k] -= g * d[k];
          }
        }
      }
      for (int k = 0; k <= i; k++) {
        t[ti1 + k] = 0.0;
      }
    }
    for (int j = 0; j < n; j++) {
      d[j] = t[j * n + n - 1];
      t[j * n + n - 1] = 0.0;
    }
    t[(n - 1) * n + n - 1] = 1.0;
    e[0] = 0.0;
  }

  /**
   * (V2) Implicit QL iterations on the tridiagonal (d, e) with shifts, rotating the rows of t;
   * then (V3) sorts ascending.
   */
  private static void ql(double[] t, double[] d, double[] e, int n) {
    for (int i = 1; i < n; i++) {
      e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    double f = 0.0, tst1 = 0.0;
    final double eps = 0x1p-52;
    for (int l = 0; l < n; l++) {
      tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
      int m = l;
      while (m < n) {
        if (Math.abs(e[m]) <= eps * tst1) {
          break;
        }
        m++;
      }
      if (m == n) {
        m = n - 1; // e[n-1] == 0, cannot happen; defensive
      }
      if (m > l) {
        int iter = 0;
        do {
          if (++iter > 100) {
            throw new ArithmeticException("eigen: QL did not converge for eigenvalue " + l);
          }
          double g = d[l];
          double p = (d[l + 1] - g) / (2.0 * e[l]);
          double r = StrictMath.hypot(p, 1.0);
          if (p < 0) {
            r = -r;
          }
          d[l] = e[l] / (p + r);
          d[l + 1] = e[l] * (p + r);
          double dl1 = d[l + 1];
          double h = g - d[l];
          for (int i = l + 2; i < n; i++) {
            d[i] -= h;
          }
          f += h;
          p = d[m];
          double c = 1.0, c2 = c, c3 = c;
          double el1 = e[l + 1];
          double s = 0.0, s2 = 0.0;
          for (int i = m - 1; i >= l; i--) {
            c3 = c2;
            c2 = c;
            s2 = s;
            g = c * e[i];
            h = c * p;
            r = StrictMath.hypot(p, e[i]);
            e[i + 1] = s * r;
            s = e[i] / r;
            c = p / r;
            p = c * d[i] - s * g;
            d[i + 1] = h + s * (c * g + s * d[i]);
            // rotate eigenvector rows i and i+1
            int ri = i * n, ri1 = (i + 1) * n;
            for (int k = 0; k < n; k++) {
              double hk = t[ri1 + k];
              double vk = t[ri + k];
              t[ri1 + k] = s * vk + c * hk;
              t[ri + k] = c * vk - s * hk;
            }
          }
          p = -s * s2 * c3 * el1 * e[l] / dl1;
          e[l] = s * p;
          d[l] = c * p;
        } while (Math.abs(e[l]) > eps * tst1);
      }
      d[l] = d[l] + f;
      e[l] = 0.0;
    }
    // (V3) sort ascending (selection sort, swapping eigenvector rows)
    double[] tmp = new double[n];
    for (int i = 0; i < n - 1; i++) {
      int k = i;
      double p = d[i];
      for (int j = i + 1; j < n; j++) {
        if (d[j] < p) {
          k = j;
          p = d[j];
        }
      }
      if (k != i) {
        d[k] = d[i];
        d[i] = p;
        System.arraycopy(t, i * n, tmp, 0, n);
        System.arraycopy(t, k * n, t, i * n, n);
        System.arraycopy(tmp, 0, t, k * n, n);
      }
    }
  }
}
