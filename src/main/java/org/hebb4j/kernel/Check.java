package org.hebb4j.kernel;

/**
 * The argument checks of every public kernel entry point, spec/kernels.md#checks, shared by the
 * scalar and vector paths. Each check is O(1) and allocates nothing unless it fails; it then
 * throws an {@link IllegalArgumentException} whose message names the operation, the argument and
 * the values ("gemm: lda 12 < k 16"). An array is checked only where the call touches it: a
 * zero-size operand may be any array, or null.
 */
final class Check {

  private Check() {}

  /** "op: name v < 0" unless v >= 0. */
  static void size(String op, String name, int v) {
    if (v < 0) {
      throw fail(op, name + " " + v + " < 0");
    }
  }

  /** "op: name v < 1" unless v >= 1. */
  static void positive(String op, String name, int v) {
    if (v < 1) {
      throw fail(op, name + " " + v + " < 1");
    }
  }

  /** {@code act} is not null. */
  static void activation(String op, Activation act) {
    if (act == null) {
      throw fail(op, "act is null");
    }
  }

  /** n >= 0 and, when n > 0, x[off, off + n) inside x; the offset argument is name + "Off". */
  static void vector(String op, int n, String name, float[] x, int off) {
    size(op, "n", n);
    offset(op, name, off);
    if (n > 0) {
      span(op, name, x, off, n);
    }
  }

  /**
   * A rows x cols matrix at x[off] with leading dimension ld (row-major): ld >= max(1, cols),
   * off >= 0, and, unless it is empty, its last element (off + (rows - 1) ld + cols - 1) inside
   * x. {@code colsName} names the size that cols is ("k" for A in gemm); {@code name} the
   * array, whose leading dimension argument is "ld" + name.
   */
  static void matrix(String op, String name, float[] x, int off, int rows, int cols, int ld,
      String colsName) {
    if (ld < cols) {
      throw fail(op, "ld" + name + " " + ld + " < " + colsName + " " + cols);
    }
    if (ld < 1) {
      throw fail(op, "ld" + name + " " + ld + " < 1");
    }
    offset(op, name, off);
    if (rows > 0 && cols > 0) {
      span(op, name, x, off, (long) (rows - 1) * ld + cols);
    }
  }

  /**
   * spec/kernels.md#gemm (K11): sizes m, n, k >= 0; A stored m x k (k x m when transA) with
   * lda, B stored k x n (n x k when transB) with ldb, C m x n with ldc, as in BLAS. A and B are
   * touched only when m, n and k are all positive, C only when m and n are.
   */
  static void gemm(String op, boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    size(op, "m", m);
    size(op, "n", n);
    size(op, "k", k);
    boolean product = m > 0 && n > 0 && k > 0;
    if (transA) {
      matrix(op, "a", a, aOff, product ? k : 0, m, lda, "m");
    } else {
      matrix(op, "a", a, aOff, product ? m : 0, k, lda, "k");
    }
    if (transB) {
      matrix(op, "b", b, bOff, product ? n : 0, k, ldb, "k");
    } else {
      matrix(op, "b", b, bOff, product ? k : 0, n, ldb, "n");
    }
    matrix(op, "c", c, cOff, m, n, ldc, "n");
  }

  /** dot, axpy: n >= 0, x[xOff, xOff + n) and y[yOff, yOff + n). */
  static void vectors(String op, int n, float[] x, int xOff, float[] y, int yOff) {
    vector(op, n, "x", x, xOff);
    vector(op, n, "y", y, yOff);
  }

  /** (K8): act, a[aOff, aOff + n), z[zOff, zOff + n). */
  static void activate(Activation act, int n, float[] a, int aOff, float[] z, int zOff) {
    activation("activate", act);
    vector("activate", n, "a", a, aOff);
    vector("activate", n, "z", z, zOff);
  }

  /** (K9), (K9b): act, the input (a or z, named {@code in}), dz and da, each of length n. */
  static void backward(String op, Activation act, int n, String in, float[] x, int xOff,
      float[] dz, int dzOff, float[] da, int daOff) {
    activation(op, act);
    vector(op, n, in, x, xOff);
    vector(op, n, "dz", dz, dzOff);
    vector(op, n, "da", da, daOff);
  }

  /**
   * (K10): x[xOff, xOff + m), y[yOff, yOff + n), and the m x n block of A with lda; when m or n
   * is 0, nothing is touched.
   */
  static void outerAcc(int m, int n, float[] x, int xOff, float[] y, int yOff, float[] a,
      int aOff, int lda) {
    size("outerAcc", "m", m);
    vector("outerAcc", m > 0 ? n : 0, "y", y, yOff);
    vector("outerAcc", n > 0 ? m : 0, "x", x, xOff);
    matrix("outerAcc", "a", a, aOff, m, n, lda, "n");
  }

  /** (K12): x, w, y and col hold their tensors; b is null or holds o floats. */
  static void conv2dForward(Conv2dShape s, float[] x, float[] w, float[] b, float[] y,
      float[] col) {
    String op = "conv2dForward";
    shape(op, s);
    array(op, "x", x, s.inputSize());
    array(op, "w", w, s.weightSize());
    if (b != null) {
      array(op, "b", b, s.o());
    }
    array(op, "y", y, s.outputSize());
    array(op, "col", col, s.colSize());
  }

  /** (K13): dy, w, dx and col hold their tensors. */
  static void conv2dBackwardData(Conv2dShape s, float[] dy, float[] w, float[] dx, float[] col) {
    String op = "conv2dBackwardData";
    shape(op, s);
    array(op, "dy", dy, s.outputSize());
    array(op, "w", w, s.weightSize());
    array(op, "dx", dx, s.inputSize());
    array(op, "col", col, s.colSize());
  }

  /** (K14): x, dy, dw and col hold their tensors. */
  static void conv2dBackwardWeights(Conv2dShape s, float[] x, float[] dy, float[] dw,
      float[] col) {
    String op = "conv2dBackwardWeights";
    shape(op, s);
    array(op, "x", x, s.inputSize());
    array(op, "dy", dy, s.outputSize());
    array(op, "dw", dw, s.weightSize());
    array(op, "col", col, s.colSize());
  }

  /** (K15): dy holds the output gradient, db o floats. */
  static void conv2dBackwardBias(Conv2dShape s, float[] dy, float[] db) {
    String op = "conv2dBackwardBias";
    shape(op, s);
    array(op, "dy", dy, s.outputSize());
    array(op, "db", db, s.o());
  }

  /** (K18) one image: x[xOff, xOff + c h w) and the panel col. */
  static void im2col(String op, Conv2dShape s, float[] x, String xName, int xOff, float[] col) {
    shape(op, s);
    offset(op, xName, xOff);
    span(op, xName, x, xOff, (long) s.c() * s.h() * s.w());
    array(op, "col", col, s.colSize());
  }

  /** (K16): x holds the input, y the output. */
  static void avgPool2dForward(Pool2dShape s, float[] x, float[] y) {
    String op = "avgPool2dForward";
    shape(op, s);
    array(op, "x", x, s.inputSize());
    array(op, "y", y, s.outputSize());
  }

  /** (K17): dy holds the output gradient, dx the input gradient. */
  static void avgPool2dBackward(Pool2dShape s, float[] dy, float[] dx) {
    String op = "avgPool2dBackward";
    shape(op, s);
    array(op, "dy", dy, s.outputSize());
    array(op, "dx", dx, s.inputSize());
  }

  /** rows &gt;= 0, dim &gt;= 1 and rows x dim within an array. */
  private static void rowsByDim(String op, int rows, int dim) {
    size(op, "rows", rows);
    positive(op, "dim", dim);
    if ((long) rows * dim > Integer.MAX_VALUE) {
      throw fail(op, "rows " + rows + " x dim " + dim + " exceed an array");
    }
  }

  /** The arguments of (K19): sizes, then every array long enough for rows x dim. */
  static void layerNorm(String op, int rows, int dim, float[] x, String xName, float[] gamma,
      float[] beta, float[] xhat, double[] rstd, float[] y, String yName) {
    rowsByDim(op, rows, dim);
    array(op, "gamma", gamma, dim);
    array(op, "beta", beta, dim);
    if (rows > 0) {
      array(op, xName, x, rows * dim);
      array(op, "xhat", xhat, rows * dim);
      array(op, yName, y, rows * dim);
      if (rstd == null) {
        throw fail(op, "rstd is null");
      }
      if (rstd.length < rows) {
        throw fail(op, "rstd too short: needs " + rows + ", has " + rstd.length);
      }
    }
  }

  /** The arguments of (K24): A m x n at a[aOff] with leading dimension lda, y[yOff, yOff + n). */
  static void addRows(int m, int n, float[] a, int aOff, int lda, float[] y, int yOff) {
    size("addRows", "m", m);
    size("addRows", "n", n);
    matrix("addRows", "a", a, aOff, m, n, lda, "n");
    offset("addRows", "y", yOff);
    if (m > 0 && n > 0) {
      span("addRows", "y", y, yOff, n);
    }
  }

  /** The arguments of (K20)'s parameter gradients alone. */
  static void layerNormParamGradients(int rows, int dim, float[] dy, float[] xhat,
      float[] dgamma, float[] dbeta) {
    String op = "layerNormParamGradients";
    rowsByDim(op, rows, dim);
    array(op, "dgamma", dgamma, dim);
    array(op, "dbeta", dbeta, dim);
    if (rows > 0) {
      array(op, "dy", dy, rows * dim);
      array(op, "xhat", xhat, rows * dim);
    }
  }

  /** The arguments of (K20). */
  static void layerNormBackward(int rows, int dim, float[] dy, float[] xhat, double[] rstd,
      float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    layerNormBackwardRows(0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxhat, dx);
  }

  /**
   * The arguments of (K19) on rows [row0, row0 + rows): row0 &gt;= 0, rows &gt;= 0, dim &gt;= 1,
   * every [*, dim] array holding (row0 + rows) dim floats and rstd row0 + rows doubles.
   */
  static void layerNormRows(String op, int row0, int rows, int dim, float[] x, String xName,
      float[] gamma, float[] beta, float[] xhat, double[] rstd, float[] y, String yName) {
    size(op, "row0", row0);
    size(op, "rows", rows);
    if ((long) row0 + rows > Integer.MAX_VALUE) {
      throw fail(op, "row0 " + row0 + " + rows " + rows + " exceed an int");
    }
    // no rows: only dim, gamma and beta are checked (an array is checked where it is touched)
    layerNorm(op, rows == 0 ? 0 : row0 + rows, dim, x, xName, gamma, beta, xhat, rstd, y, yName);
  }

  /** The arguments of (K20) on rows [row0, row0 + rows), as {@link #layerNormRows}. */
  static void layerNormBackwardRows(int row0, int rows, int dim, float[] dy, float[] xhat,
      double[] rstd, float[] gamma, float[] dgamma, float[] dbeta, float[] dxhat, float[] dx) {
    String op = "layerNormBackward";
    layerNormRows(op, row0, rows, dim, dy, "dy", gamma, gamma, xhat, rstd, dx, "dx");
    array(op, "dgamma", dgamma, dim);
    array(op, "dbeta", dbeta, dim);
    array(op, "dxhat", dxhat, dim);
  }

  /** A whole tensor at offset 0: x holds at least {@code need} floats. */
  static void array(String op, String name, float[] x, int need) {
    span(op, name, x, 0, need);
  }

  /** The shape record is not null. */
  static void shape(String op, Object s) {
    if (s == null) {
      throw fail(op, "shape is null");
    }
  }

  private static void offset(String op, String name, int off) {
    if (off < 0) {
      throw fail(op, name + "Off " + off + " < 0");
    }
  }

  /** (K21): x[xOff, xOff + n) and y[yOff, yOff + n), doubles. */
  static void exp(int n, double[] x, int xOff, double[] y, int yOff) {
    size("exp", "n", n);
    offset("exp", "x", xOff);
    offset("exp", "y", yOff);
    if (x == null) {
      throw fail("exp", "x is null");
    }
    if (y == null) {
      throw fail("exp", "y is null");
    }
    if (xOff + (long) n > x.length) {
      throw fail("exp", "x too short: needs " + n + " from offset " + xOff + ", has " + x.length);
    }
    if (yOff + (long) n > y.length) {
      throw fail("exp", "y too short: needs " + n + " from offset " + yOff + ", has " + y.length);
    }
  }

  /**
   * (K22), (K23): batch &gt;= 0, tokens, heads, dh &gt;= 1, the offsets &gt;= 0, and the sizes of
   * one batch row ({@code tokens heads dh} and {@code heads tokens tokens} elements) inside an
   * array; returns the elements of one batch row of q [tokens, heads dh].
   */
  static long attention(String op, int batch, int tokens, int heads, int dh, int xOff,
      int pOff) {
    size(op, "batch", batch);
    positive(op, "tokens", tokens);
    positive(op, "heads", heads);
    positive(op, "dh", dh);
    offset(op, "x", xOff);
    offset(op, "p", pOff);
    long dim = (long) heads * dh;
    long probs = (long) tokens * tokens;
    if (dim * tokens > Integer.MAX_VALUE || probs * heads > Integer.MAX_VALUE) {
      throw fail(op, "tokens " + tokens + " x heads " + heads + " x dh " + dh
          + " exceed an array");
    }
    return dim * tokens;
  }

  /** (K22), (K23): the batch rows' span of x from off, rowSize elements a row. */
  static void rows(String op, String name, float[] x, int off, int batch, long rowSize) {
    if (batch > 0) {
      span(op, name, x, off, batch * rowSize);
    }
  }

  /** {@link #rows} for doubles. */
  static void rows(String op, String name, double[] x, int off, int batch, long rowSize) {
    if (batch > 0) {
      if (x == null) {
        throw fail(op, name + " is null");
      }
      long need = batch * rowSize;
      if (off + need > x.length) {
        throw fail(op, name + " too short: needs " + need
            + (off == 0 ? "" : " from offset " + off) + ", has " + x.length);
      }
    }
  }

  /** x holds [off, off + need). */
  private static void span(String op, String name, float[] x, int off, long need) {
    if (x == null) {
      throw fail(op, name + " is null");
    }
    if (off + need > x.length) {
      throw fail(op, name + " too short: needs " + need
          + (off == 0 ? "" : " from offset " + off) + ", has " + x.length);
    }
  }

  static IllegalArgumentException fail(String op, String message) {
    return new IllegalArgumentException(op + ": " + message);
  }
}
