package org.hebb4j.kernel;

/**
 * The scalar reference of the attention core, spec/kernels.md#attention (K22)-(K23): per batch
 * row and head, the products of spec/transformer.md#attention as fma chains (K11), the softmax
 * in double with (K21) and the backward pass's dS with (K5a). The vector path ({@code
 * VectorAttention}) computes the same operations on every element in vector lanes over batch
 * rows, and hands the rows of a group shorter than a vector to this code.
 */
final class AttentionCore {

  private AttentionCore() {}

  /** The arguments of (K22). */
  static void check(int batch, int tokens, int heads, int dh, float[] q, float[] k, float[] v,
      int xOff, float[] p, double[] e, int pOff, float[] o) {
    String op = "attention";
    long row = Check.attention(op, batch, tokens, heads, dh, xOff, pOff);
    long probs = (long) heads * tokens * tokens;
    Check.rows(op, "q", q, xOff, batch, row);
    Check.rows(op, "k", k, xOff, batch, row);
    Check.rows(op, "v", v, xOff, batch, row);
    Check.rows(op, "o", o, xOff, batch, row);
    Check.rows(op, "p", p, pOff, batch, probs);
    Check.rows(op, "e", e, pOff, batch, probs);
  }

  /** lanes, not null. */
  static AttentionLanes lanes(String op, AttentionLanes lanes) {
    if (lanes == null) {
      throw Check.fail(op, "lanes is null");
    }
    return lanes;
  }

  /** The arguments of (K23). */
  static void checkBackward(int batch, int tokens, int heads, int dh, float[] q, float[] k,
      float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds, int dsOff, float[] dq,
      float[] dk, float[] dv) {
    String op = "attentionBackward";
    long row = Check.attention(op, batch, tokens, heads, dh, xOff, pOff);
    if (dsOff < 0) {
      throw Check.fail(op, "dsOff " + dsOff + " < 0");
    }
    Check.rows(op, "q", q, xOff, batch, row);
    Check.rows(op, "k", k, xOff, batch, row);
    Check.rows(op, "v", v, xOff, batch, row);
    Check.rows(op, "dO", dO, xOff, batch, row);
    Check.rows(op, "p", p, pOff, batch, (long) heads * tokens * tokens);
    Check.rows(op, "ds", ds, dsOff, batch, (long) tokens * tokens);
    Check.rows(op, "dq", dq, xOff, batch, row);
    Check.rows(op, "dk", dk, xOff, batch, row);
    Check.rows(op, "dv", dv, xOff, batch, row);
  }

  /**
   * (K22) for the batch rows [b0, b1) counted from xOff and pOff; arguments checked by the
   * caller. kern provides (K21).
   */
  static void forward(Kernels kern, int b0, int b1, int t, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, int xOff, float[] p, double[] e, int pOff, float[] o) {
    if (b1 <= b0) {
      return;
    }
    int dim = heads * dh;
    for (int bi = b0; bi < b1; bi++) {
      for (int j = 0; j < heads; j++) {
        int off = xOff + bi * t * dim + j * dh, poff = pOff + (bi * heads + j) * t * t;
        productNT(t, t, dh, alpha, q, off, k, off, dim, p, poff, t);
      }
    }
    softmaxRows(kern, pOff + b0 * heads * t * t, (b1 - b0) * heads * t, t, p, e);
    for (int bi = b0; bi < b1; bi++) {
      for (int j = 0; j < heads; j++) {
        int off = xOff + bi * t * dim + j * dh, poff = pOff + (bi * heads + j) * t * t;
        productNN(t, dh, t, 1f, p, poff, t, v, off, dim, o, off);
      }
    }
  }

  /**
   * Softmax of the {@code rows} rows of p (width n) from element {@code start} in place: the row
   * maximum subtracted in double, exp as StrictMath.exp ((K21), one call for all rows: fdlibm in
   * vector lanes on the vector path, the same bits), the sum in double in row order, each exp
   * rounded to float and scaled by 1 / sum. e is scratch at the same places.
   */
  static void softmaxRows(Kernels kern, int start, int rows, int n, float[] p, double[] e) {
    int len = start + rows * n;
    for (int off = start; off < len; off += n) {
      float m = p[off];
      for (int i = 1; i < n; i++) {
        m = Math.max(m, p[off + i]);
      }
      for (int i = 0; i < n; i++) {
        e[off + i] = (double) p[off + i] - m;
      }
    }
    kern.exp(len - start, e, start, e, start);
    for (int off = start; off < len; off += n) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += e[off + i];
      }
      double inv = 1.0 / s;
      for (int i = 0; i < n; i++) {
        p[off + i] = (float) ((float) e[off + i] * inv);
      }
    }
  }

  /**
   * (K23) for the batch rows [b0, b1) counted from xOff, pOff and dsOff; arguments checked by
   * the caller. kern provides (K5a).
   */
  static void backward(Kernels kern, int b0, int b1, int t, int heads, int dh, float alpha,
      float[] q, float[] k, float[] v, float[] dO, int xOff, float[] p, int pOff, float[] ds,
      int dsOff, float[] dq, float[] dk, float[] dv) {
    int dim = heads * dh;
    for (int bi = b0; bi < b1; bi++) {
      int so = dsOff + bi * t * t; // this batch row's dS scratch
      for (int j = 0; j < heads; j++) {
        int off = xOff + bi * t * dim + j * dh, poff = pOff + (bi * heads + j) * t * t;
        // dP = do_j v_j^T; dv_j = P^T do_j
        productNT(t, t, dh, 1f, dO, off, v, off, dim, ds, so, t);
        productTN(t, dh, t, 1f, p, poff, t, dO, off, dim, dv, off);
        // dS = P * (dP - rowsum(dP * P))
        for (int r = 0; r < t; r++) {
          double dot = kern.dsdot(t, ds, so + r * t, p, poff + r * t);
          for (int c = 0; c < t; c++) {
            ds[so + r * t + c] = (float) (p[poff + r * t + c] * (ds[so + r * t + c] - dot));
          }
        }
        productNN(t, dh, t, alpha, ds, so, t, k, off, dim, dq, off);
        productTN(t, dh, t, alpha, ds, so, t, q, off, dim, dk, off);
      }
    }
  }

  // The per-(batch row, head) products are T x T x dh (4 x 4 x 8 at the defaults): called as
  // GEMMs, 6 of them per (b, j) and 6144 per training step, the calls' checks and packing (B
  // padded to a 16- or 32-wide panel) cost more than the arithmetic, about a third of the step
  // (BENCHMARKS.md, the transformer step). Written out here, each element is the GEMM's
  // (spec/kernels.md#one-result (K11)): the fma chain over the inner index p from 0 (+0), then
  // times alpha when alpha != 1, so the bits are those of kern.gemm on either kernel path. Two
  // rows by four columns of C are computed together, eight chains in registers side by side:
  // one chain after another waits on the fma latency at every step.

  // One method per layout, its strides written out (a single method with the four strides as
  // arguments was too big to inline and indexed every load through two multiplications); the
  // rows and columns the 2 x 4 blocks leave go through chain().

  /** c = alpha a b^T: a [m, k] at aOff, b [n, k] at bOff, row stride ld; c row stride ldc. */
  static void productNT(int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
      int bOff, int ld, float[] c, int cOff, int ldc) {
    int r = 0;
    for (; r + 2 <= m; r += 2) {
      int a0 = aOff + r * ld, a1 = a0 + ld, c0 = cOff + r * ldc, c1 = c0 + ldc;
      int col = 0;
      for (; col + 4 <= n; col += 4) {
        int b0 = bOff + col * ld, b1 = b0 + ld, b2 = b1 + ld, b3 = b2 + ld;
        float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
        for (int p = 0; p < k; p++) {
          float x0 = a[a0 + p], x1 = a[a1 + p];
          float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
          s00 = Math.fma(x0, y0, s00);
          s01 = Math.fma(x0, y1, s01);
          s02 = Math.fma(x0, y2, s02);
          s03 = Math.fma(x0, y3, s03);
          s10 = Math.fma(x1, y0, s10);
          s11 = Math.fma(x1, y1, s11);
          s12 = Math.fma(x1, y2, s12);
          s13 = Math.fma(x1, y3, s13);
        }
        store(alpha, c, c0 + col, s00, s01, s02, s03);
        store(alpha, c, c1 + col, s10, s11, s12, s13);
      }
      for (; col < n; col++) {
        c[c0 + col] = chain(k, alpha, a, a0, 1, b, bOff + col * ld, 1);
        c[c1 + col] = chain(k, alpha, a, a1, 1, b, bOff + col * ld, 1);
      }
    }
    for (; r < m; r++) {
      for (int col = 0; col < n; col++) {
        c[cOff + r * ldc + col] = chain(k, alpha, a, aOff + r * ld, 1, b, bOff + col * ld, 1);
      }
    }
  }

  /** c = alpha a b: a [m, k] at aOff (row stride lda), b [k, n] at bOff and c, row stride ld. */
  static void productNN(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ld, float[] c, int cOff) {
    int r = 0;
    for (; r + 2 <= m; r += 2) {
      int a0 = aOff + r * lda, a1 = a0 + lda, c0 = cOff + r * ld, c1 = c0 + ld;
      int col = 0;
      for (; col + 4 <= n; col += 4) {
        float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
        for (int p = 0, bi = bOff + col; p < k; p++, bi += ld) {
          float x0 = a[a0 + p], x1 = a[a1 + p];
          float y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
          s00 = Math.fma(x0, y0, s00);
          s01 = Math.fma(x0, y1, s01);
          s02 = Math.fma(x0, y2, s02);
          s03 = Math.fma(x0, y3, s03);
          s10 = Math.fma(x1, y0, s10);
          s11 = Math.fma(x1, y1, s11);
          s12 = Math.fma(x1, y2, s12);
          s13 = Math.fma(x1, y3, s13);
        }
        store(alpha, c, c0 + col, s00, s01, s02, s03);
        store(alpha, c, c1 + col, s10, s11, s12, s13);
      }
      for (; col < n; col++) {
        c[c0 + col] = chain(k, alpha, a, a0, 1, b, bOff + col, ld);
        c[c1 + col] = chain(k, alpha, a, a1, 1, b, bOff + col, ld);
      }
    }
    for (; r < m; r++) {
      for (int col = 0; col < n; col++) {
        c[cOff + r * ld + col] = chain(k, alpha, a, aOff + r * lda, 1, b, bOff + col, ld);
      }
    }
  }

  /** c = alpha a^T b: a [k, m] at aOff (row stride lda), b [k, n] at bOff and c, row stride ld. */
  static void productTN(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] b, int bOff, int ld, float[] c, int cOff) {
    int r = 0;
    for (; r + 2 <= m; r += 2) {
      int c0 = cOff + r * ld, c1 = c0 + ld;
      int col = 0;
      for (; col + 4 <= n; col += 4) {
        float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
        for (int p = 0, ai = aOff + r, bi = bOff + col; p < k; p++, ai += lda, bi += ld) {
          float x0 = a[ai], x1 = a[ai + 1];
          float y0 = b[bi], y1 = b[bi + 1], y2 = b[bi + 2], y3 = b[bi + 3];
          s00 = Math.fma(x0, y0, s00);
          s01 = Math.fma(x0, y1, s01);
          s02 = Math.fma(x0, y2, s02);
          s03 = Math.fma(x0, y3, s03);
          s10 = Math.fma(x1, y0, s10);
          s11 = Math.fma(x1, y1, s11);
          s12 = Math.fma(x1, y2, s12);
          s13 = Math.fma(x1, y3, s13);
        }
        store(alpha, c, c0 + col, s00, s01, s02, s03);
        store(alpha, c, c1 + col, s10, s11, s12, s13);
      }
      for (; col < n; col++) {
        c[c0 + col] = chain(k, alpha, a, aOff + r, lda, b, bOff + col, ld);
        c[c1 + col] = chain(k, alpha, a, aOff + r + 1, lda, b, bOff + col, ld);
      }
    }
    for (; r < m; r++) {
      for (int col = 0; col < n; col++) {
        c[cOff + r * ld + col] = chain(k, alpha, a, aOff + r, lda, b, bOff + col, ld);
      }
    }
  }

  /** c[i .. i + 3] = the four sums, each times alpha unless alpha is 1 (the GEMM's store). */
  private static void store(float alpha, float[] c, int i, float s0, float s1, float s2,
      float s3) {
    c[i] = scaled(alpha, s0);
    c[i + 1] = scaled(alpha, s1);
    c[i + 2] = scaled(alpha, s2);
    c[i + 3] = scaled(alpha, s3);
  }

  /** One element: alpha (times) the fma chain over p of a[ai + p ap] b[bi + p bp]. */
  private static float chain(int k, float alpha, float[] a, int ai, int ap, float[] b, int bi,
      int bp) {
    float s = 0f;
    for (int p = 0; p < k; p++) {
      s = Math.fma(a[ai + p * ap], b[bi + p * bp], s);
    }
    return scaled(alpha, s);
  }

  /** alpha s, or s itself for alpha 1 (the GEMM's store, (K11)). */
  private static float scaled(float alpha, float s) {
    return alpha == 1f ? s : alpha * s;
  }
}
