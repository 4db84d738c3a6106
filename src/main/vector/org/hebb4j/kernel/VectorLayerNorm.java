package org.hebb4j.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The layer norm kernels (spec/kernels.md#layer-norm (K19)-(K20)) on vectors: every lane performs
 * the scalar reference's ({@link LayerNormRows}) double operations on its element, and the row
 * statistics hold the eight partial sums of spec/kernels.md#reduction-order in double lanes
 * (partial sum l in lane l mod DL of accumulator l / DL), combined in the fixed order, so the bits
 * are those of {@link LayerNormRows} at every width.
 *
 * <p>Only part 0 conversions, and only the kernels' float species {@link #S}: a float vector
 * loaded at element i gives elements i .. i + DL - 1 in double lanes ({@code convertShape} part
 * 0), and a double vector rounds back into the low DL lanes of a float vector. Two other forms
 * lose on one JDK or the other (BENCHMARKS.md, the transformer step, third pass): a full float
 * vector split into two double halves (part 1, and part -1 with a blend back) compiles into a
 * slice or unslice, a shuffle with its index checks, per half; a float vector of half the width
 * (Float256 to Double512, the same lanes) is fast on JDK 25, but on JDK 17 the second float
 * species makes the Vector API's shared code (fromArray, fma) polymorphic and the GEMM's
 * full-width vectors miss their intrinsics and allocate.
 *
 * <p>Each chunk of DL results (xhat in the forward pass, dx in the backward) is stored as a whole
 * float vector straight into the destination at its element; the next chunk, or the next row,
 * then overwrites its high lanes with its own results. For dx those high lanes are dy's lanes at
 * those places (a blend), so they rewrite what dy held there and dx may alias dy. No element
 * outside the call's rows is written: the last row, whose last store would pass the end of the
 * range, takes the scalar code. y = fma(xhat, gamma, beta) is then computed from the block's
 * xhat in whole float vectors (the block's x is read by then, so y may alias x). Nothing goes
 * through a padded row copied out (the earlier form). The backward pass recomputes dy gamma (a
 * float product) per chunk rather than storing it, and sums dgamma and dbeta in registers down
 * the rows.
 *
 * <p>The rows run in stages over blocks of {@link #BLOCK}: each stage (sums, deviations, xhat, y;
 * the two means, dx) over the block before the next, so that the out-of-order core overlaps the
 * rows' long chains of statistics (row after row, each row waited for its own). Row widths that
 * are not a multiple of 8 take {@link LayerNormRows}.
 *
 * <p>Rows of 32 (the transformer's d) at 512 bits take their own stages over blocks of
 * {@link #BLOCK32} rows through a per-thread double scratch: each element is converted to double
 * once (forward: x, for its sum, its deviation and xhat; backward: dy gamma and xhat, for the two
 * means and dx) instead of once per pass, and the eight partial sums of each statistic are stored
 * and combined in scalars (the same fixed order) instead of taken lane by lane from the vector.
 * Every value is the same double as in the general stages, so the bits are too. One 1024 x 32
 * layer norm (thread CPU time, JDK 17): forward 23 to 16 us, backward 25 to 18 us
 * (BENCHMARKS.md).
 */
final class VectorLayerNorm {

  private VectorLayerNorm() {}

  private static final VectorSpecies<Float> S = VectorKernels.S;
  /** Float lanes of {@link #S}. */
  private static final int L = S.length();
  /** Double lanes of the kernels' width: 2, 4 or 8. */
  private static final VectorSpecies<Double> D =
      VectorSpecies.of(double.class, S.vectorShape());
  /** Lanes of {@link #D}: half of {@link #L}. */
  private static final int DL = D.length();
  /** 0, 1, 2, ..., L - 1: lane numbers, for the mask of the low DL lanes. */
  private static final float[] IOTA = new float[L];

  static {
    for (int i = 0; i < L; i++) {
      IOTA[i] = i;
    }
  }

  /** Rows per block: each stage runs over a block before the next stage starts. */
  private static final int BLOCK = 64;

  /**
   * Per thread: gamma in a row of at least dim + L floats (the lanes after dim reach only result
   * lanes that are overwritten) and two rows of BLOCK doubles.
   */
  private static final class Scratch {
    float[] gamma = new float[0];
    final double[] a = new double[BLOCK];
    final double[] b = new double[BLOCK];
    /**
     * {@link #BLOCK32} rows of 32 in double lanes, {@link #ROW32_DOUBLES} per row: forward x at
     * 0, its mean at 32, the partial sums of x at 64 and of the squared deviations at 72;
     * backward dy gamma at 0, xhat at 32, the partial sums of the two means at 64 and 72.
     */
    final double[] row = new double[BLOCK32 * ROW32_DOUBLES];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * The rows from row0 whose whole-vector stores stay inside the range: the last chunk of row r
   * stores up to (r + 1) dim - DL + L.
   */
  private static int vectorRows(int row0, int rows, int dim) {
    long end = (long) (row0 + rows) * dim;
    int n = 0;
    while (n < rows && (long) (row0 + rows - n) * dim + L - DL > end) {
      n++;
    }
    return rows - n;
  }

  /** (K19) on rows [row0, row0 + rows); arguments checked by the caller. */
  static void forward(int row0, int rows, int dim, float eps, float[] x, float[] gamma,
      float[] beta, float[] xhat, double[] rstd, float[] y) {
    if (dim % 8 != 0) {
      LayerNormRows.forward(row0, rows, dim, eps, x, gamma, beta, xhat, rstd, y);
      return;
    }
    Scratch sc = SCRATCH.get();
    double[] mu = sc.a;
    int end = row0 + vectorRows(row0, rows, dim);
    for (int r0 = row0; r0 < end; r0 += BLOCK) {
      int r1 = Math.min(end, r0 + BLOCK);
      if (ROW32 && dim == 32) {
        forward32(r0, r1, x, eps, xhat, rstd, sc.row);
      } else {
        for (int r = r0; r < r1; r++) {
          mu[r - r0] = sum8(dim, x, r * dim) / dim;
        }
        for (int r = r0; r < r1; r++) {
          rstd[r] = 1.0 / Math.sqrt(deviations8(dim, x, r * dim, mu[r - r0]) / dim + eps);
        }
        for (int r = r0; r < r1; r++) {
          normalize(dim, x, r * dim, mu[r - r0], rstd[r], xhat);
        }
      }
      for (int r = r0; r < r1; r++) {
        affine(dim, xhat, r * dim, gamma, beta, y);
      }
    }
    LayerNormRows.forward(end, row0 + rows - end, dim, eps, x, gamma, beta, xhat, rstd, y);
  }

  /** Rows of 32 at 512 bits, four chunks of DL = 8, take their own stages (class comment). */
  private static final boolean ROW32 = DL == 8;

  /** Rows per stage of {@link #forward32} and {@link #backward32}. */
  private static final int BLOCK32 = 16;
  /** Doubles per row in their scratch: two rows of 32 and two sets of eight sums. */
  private static final int ROW32_DOUBLES = 2 * 32 + 16;

  /**
   * xhat and rstd of (K19) for rows [r0, r1) of 32 at 512 bits, in blocks of {@link #BLOCK32}
   * rows, each stage over the block before the next (a vector stored and loaded straight back
   * would wait for the store): x in double lanes and its partial sums ({@link #sums32}), the
   * squared deviations ({@link #deviations32}), then xhat ({@link #xhat32}); the operations of
   * {@link #sum8}, {@link #deviations8} and {@link #normalize}, each element converted once.
   */
  private static void forward32(int r0, int r1, float[] x, float eps, float[] xhat,
      double[] rstd, double[] t) {
    for (int b0 = r0; b0 < r1; b0 += BLOCK32) {
      int b1 = Math.min(r1, b0 + BLOCK32);
      for (int r = b0; r < b1; r++) {
        sums32(x, r * 32, t, (r - b0) * ROW32_DOUBLES);
      }
      for (int r = b0; r < b1; r++) {
        deviations32(t, (r - b0) * ROW32_DOUBLES);
      }
      for (int r = b0; r < b1; r++) {
        xhat32(t, (r - b0) * ROW32_DOUBLES, eps, xhat, r * 32, rstd, r);
      }
    }
  }

  /** The row of 32 at x[off] in double lanes at t[at], its eight partial sums at at + 64. */
  private static void sums32(float[] x, int off, double[] t, int at) {
    DoubleVector a = DoubleVector.zero(D);
    for (int k = 0; k < 32; k += 8) {
      DoubleVector v = toDouble(x, off + k);
      v.intoArray(t, at + k);
      a = a.add(v);
    }
    a.intoArray(t, at + 64);
  }

  /**
   * The row's mean mu (K6) into t[at + 32] and the eight partial sums of (x - mu)^2 (K7) at
   * at + 72, from {@link #sums32}'s t.
   */
  private static void deviations32(double[] t, int at) {
    double mu = combine(t, at + 64) / 32;
    t[at + 32] = mu;
    DoubleVector vmu = DoubleVector.broadcast(D, mu);
    DoubleVector a = DoubleVector.zero(D);
    for (int k = 0; k < 32; k += 8) {
      DoubleVector d = DoubleVector.fromArray(D, t, at + k).sub(vmu);
      a = a.add(d.mul(d));
    }
    a.intoArray(t, at + 72);
  }

  /**
   * rstd[r] = 1 / sqrt(var + eps) and xhat = (float) ((x - mu) rstd) of the row from
   * {@link #deviations32}'s t; the whole-vector stores end at off + 40.
   */
  private static void xhat32(double[] t, int at, float eps, float[] xhat, int off,
      double[] rstd, int r) {
    double rs = 1.0 / Math.sqrt(combine(t, at + 72) / 32 + eps);
    rstd[r] = rs;
    DoubleVector vmu = DoubleVector.broadcast(D, t[at + 32]);
    DoubleVector vrs = DoubleVector.broadcast(D, rs);
    for (int k = 0; k < 32; k += 8) {
      toFloat(DoubleVector.fromArray(D, t, at + k).sub(vmu).mul(vrs)).intoArray(xhat, off + k);
    }
  }

  /** xhat of one row (K19); the whole-vector stores end at off + dim - DL + L. */
  private static void normalize(int dim, float[] x, int off, double mu, double rs,
      float[] xhat) {
    DoubleVector vmu = DoubleVector.broadcast(D, mu);
    DoubleVector vrs = DoubleVector.broadcast(D, rs);
    for (int i = 0; i < dim; i += DL) {
      toFloat(toDouble(x, off + i).sub(vmu).mul(vrs)).intoArray(xhat, off + i);
    }
  }

  /** y = fma(xhat, gamma, beta) of one row, in float. */
  private static void affine(int dim, float[] xhat, int off, float[] gamma, float[] beta,
      float[] y) {
    int i = 0;
    for (int bound = S.loopBound(dim); i < bound; i += L) {
      FloatVector.fromArray(S, xhat, off + i)
          .fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i))
          .intoArray(y, off + i);
    }
    for (; i < dim; i++) {
      y[off + i] = Math.fma(xhat[off + i], gamma[i], beta[i]);
    }
  }

  /** (K20) on rows [row0, row0 + rows); arguments checked by the caller. */
  static void backward(int row0, int rows, int dim, float[] dy, float[] xhat, double[] rstd,
      float[] gamma, float[] dgamma, float[] dbeta, float[] dxh, float[] dx) {
    if (dim % 8 != 0) {
      LayerNormRows.backward(row0, rows, dim, dy, xhat, rstd, gamma, dgamma, dbeta, dxh, dx);
      return;
    }
    Scratch sc = SCRATCH.get();
    if (sc.gamma.length < dim + L) {
      sc.gamma = new float[dim + L];
    }
    float[] g = sc.gamma;
    System.arraycopy(gamma, 0, g, 0, dim);
    double[] m1 = sc.a;
    double[] m2 = sc.b;
    int end = row0 + vectorRows(row0, rows, dim);
    paramGradients(row0, end, dim, dy, xhat, dgamma, dbeta);
    if (ROW32 && dim == 32) {
      backward32(row0, end, dy, xhat, rstd, g, sc.row, dx);
    } else {
      for (int r0 = row0; r0 < end; r0 += BLOCK) {
        int r1 = Math.min(end, r0 + BLOCK);
        for (int r = r0; r < r1; r++) {
          m2[r - r0] = moments(dim, dy, g, xhat, r * dim, m1, r - r0);
        }
        for (int r = r0; r < r1; r++) {
          inputGradient(dim, dy, xhat, r * dim, g, m1[r - r0], m2[r - r0], rstd[r], dx);
        }
      }
    }
    LayerNormRows.backward(end, row0 + rows - end, dim, dy, xhat, rstd, gamma, dgamma, dbeta,
        dxh, dx);
  }

  /**
   * dgamma = fma(dy, xhat, dgamma) and dbeta += dy over rows [r0, r1) in row order, in float:
   * two vectors of columns at a time, their sums in registers down the rows (through memory, each
   * row's update waited for the previous row's store).
   */
  static void paramGradients(int r0, int r1, int dim, float[] dy, float[] xhat,
      float[] dgamma, float[] dbeta) {
    int c = 0;
    for (; c + 2 * L <= dim; c += 2 * L) {
      FloatVector g0 = FloatVector.fromArray(S, dgamma, c);
      FloatVector g1 = FloatVector.fromArray(S, dgamma, c + L);
      FloatVector b0 = FloatVector.fromArray(S, dbeta, c);
      FloatVector b1 = FloatVector.fromArray(S, dbeta, c + L);
      for (int r = r0, o = r0 * dim + c; r < r1; r++, o += dim) {
        FloatVector d0 = FloatVector.fromArray(S, dy, o);
        FloatVector d1 = FloatVector.fromArray(S, dy, o + L);
        g0 = d0.fma(FloatVector.fromArray(S, xhat, o), g0);
        g1 = d1.fma(FloatVector.fromArray(S, xhat, o + L), g1);
        b0 = b0.add(d0);
        b1 = b1.add(d1);
      }
      g0.intoArray(dgamma, c);
      g1.intoArray(dgamma, c + L);
      b0.intoArray(dbeta, c);
      b1.intoArray(dbeta, c + L);
    }
    for (; c + L <= dim; c += L) {
      FloatVector g0 = FloatVector.fromArray(S, dgamma, c);
      FloatVector b0 = FloatVector.fromArray(S, dbeta, c);
      for (int r = r0, o = r0 * dim + c; r < r1; r++, o += dim) {
        FloatVector d0 = FloatVector.fromArray(S, dy, o);
        g0 = d0.fma(FloatVector.fromArray(S, xhat, o), g0);
        b0 = b0.add(d0);
      }
      g0.intoArray(dgamma, c);
      b0.intoArray(dbeta, c);
    }
    for (; c < dim; c++) {
      float g = dgamma[c];
      float b = dbeta[c];
      for (int r = r0, o = r0 * dim + c; r < r1; r++, o += dim) {
        float d = dy[o];
        g = Math.fma(d, xhat[o], g);
        b += d;
      }
      dgamma[c] = g;
      dbeta[c] = b;
    }
  }

  /**
   * dx of one row (K20); the whole-vector stores end at off + dim - DL + L, their high lanes
   * dy's (so dx may alias dy).
   */
  private static void inputGradient(int dim, float[] dy, float[] xhat, int off, float[] g,
      double m1, double m2, double rs, float[] dx) {
    VectorMask<Float> low = FloatVector.fromArray(S, IOTA, 0).compare(VectorOperators.LT, DL);
    DoubleVector vm1 = DoubleVector.broadcast(D, m1);
    DoubleVector vm2 = DoubleVector.broadcast(D, m2);
    DoubleVector vrs = DoubleVector.broadcast(D, rs);
    for (int i = 0; i < dim; i += DL) {
      FloatVector d = FloatVector.fromArray(S, dy, off + i);
      DoubleVector gd = toDouble(d.mul(FloatVector.fromArray(S, g, i)));
      DoubleVector xd = toDouble(FloatVector.fromArray(S, xhat, off + i));
      d.blend(toFloat(gd.sub(vm1).sub(xd.mul(vm2)).mul(vrs)), low).intoArray(dx, off + i);
    }
  }

  /**
   * dx of (K20) for rows [r0, r1) of 32 at 512 bits, in blocks of {@link #BLOCK32} rows: the
   * moments of the block's rows, then their dx (a vector stored and loaded straight back would
   * wait for the store).
   */
  private static void backward32(int r0, int r1, float[] dy, float[] xhat, double[] rstd,
      float[] gamma, double[] t, float[] dx) {
    for (int b0 = r0; b0 < r1; b0 += BLOCK32) {
      int b1 = Math.min(r1, b0 + BLOCK32);
      for (int r = b0; r < b1; r++) {
        moments32(dy, xhat, r * 32, gamma, t, (r - b0) * ROW32_DOUBLES);
      }
      for (int r = b0; r < b1; r++) {
        inputGradient32(dy, r * 32, t, (r - b0) * ROW32_DOUBLES, rstd[r], dx);
      }
    }
  }

  /**
   * The sums of the two means of (K20) for the row of 32 at off at 512 bits, as
   * {@link #moments}: g = dy gamma (float) and xhat in double lanes kept in t (g at 0, xhat at
   * 32) for {@link #inputGradient32}, the eight partial sums of g at 64 and of g xhat at 72
   * (combined there, in scalars). Two methods, and the combination through memory, rather than
   * one method: (K20) of a row in one method hits C2's inlining cutoff on JDK 17 (its last
   * Vector API calls are then not inlined, box their vectors and allocate).
   */
  private static void moments32(float[] dy, float[] xhat, int off, float[] gamma,
      double[] t, int at) {
    DoubleVector a = DoubleVector.zero(D);
    DoubleVector b = a;
    for (int k = 0; k < 32; k += 8) {
      DoubleVector g = product(dy, gamma, off + k, k);
      DoubleVector x = toDouble(xhat, off + k);
      g.intoArray(t, at + k);
      x.intoArray(t, at + 32 + k);
      a = a.add(g);
      b = b.add(g.mul(x));
    }
    a.intoArray(t, at + 64);
    b.intoArray(t, at + 72);
  }

  /** {@link Reductions#combine} of the eight sums s_l = t[o + l]. */
  private static double combine(double[] t, int o) {
    return Reductions.combine(t[o], t[o + 1], t[o + 2], t[o + 3], t[o + 4], t[o + 5], t[o + 6],
        t[o + 7]);
  }

  /**
   * dx of the row of 32 at off (K20) from {@link #moments32}'s t, as {@link #inputGradient}:
   * the whole-vector stores end at off + 40, their high lanes dy's (so dx may alias dy).
   */
  private static void inputGradient32(float[] dy, int off, double[] t, int at, double rs,
      float[] dx) {
    VectorMask<Float> low = FloatVector.fromArray(S, IOTA, 0).compare(VectorOperators.LT, DL);
    DoubleVector vm1 = DoubleVector.broadcast(D, combine(t, at + 64) / 32);
    DoubleVector vm2 = DoubleVector.broadcast(D, combine(t, at + 72) / 32);
    DoubleVector vrs = DoubleVector.broadcast(D, rs);
    for (int k = 0; k < 32; k += 8) {
      DoubleVector gd = DoubleVector.fromArray(D, t, at + k);
      DoubleVector xd = DoubleVector.fromArray(D, t, at + 32 + k);
      FloatVector.fromArray(S, dy, off + k)
          .blend(toFloat(gd.sub(vm1).sub(xd.mul(vm2)).mul(vrs)), low).intoArray(dx, off + k);
    }
  }

  /** The DL floats at x[i ..] in double lanes (exact); reads L floats. */
  private static DoubleVector toDouble(float[] x, int i) {
    return toDouble(FloatVector.fromArray(S, x, i));
  }

  /** The low DL lanes of v in double lanes (exact). */
  private static DoubleVector toDouble(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
  }

  /** The lanes of v rounded to float, in the low DL lanes (the others +0). */
  private static FloatVector toFloat(DoubleVector v) {
    return (FloatVector) v.convertShape(VectorOperators.D2F, S, 0);
  }

  // The eight partial sums of spec/kernels.md#reduction-order: term i to sum i mod 8, held as
  // lane i mod DL of accumulator (i mod 8) / DL (one, two or four accumulators), then the fixed
  // combination of Reductions.combine. n is a multiple of 8; each load reads L floats from its element.

  /** sum_i x_{off + i} in double. */
  private static double sum8(int n, float[] x, int off) {
    DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
    for (int i = off; i < off + n; i += 8) {
      a0 = a0.add(toDouble(x, i));
      if (DL < 8) {
        a1 = a1.add(toDouble(x, i + DL));
      }
      if (DL < 4) {
        a2 = a2.add(toDouble(x, i + 2 * DL));
        a3 = a3.add(toDouble(x, i + 3 * DL));
      }
    }
    return combine(a0, a1, a2, a3);
  }

  /** sum_i (x_i - mu)^2 in double (a product, then a sum: no fma). */
  private static double deviations8(int n, float[] x, int off, double mu) {
    DoubleVector vmu = DoubleVector.broadcast(D, mu);
    DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
    for (int i = off; i < off + n; i += 8) {
      DoubleVector d0 = toDouble(x, i).sub(vmu);
      a0 = a0.add(d0.mul(d0));
      if (DL < 8) {
        DoubleVector d1 = toDouble(x, i + DL).sub(vmu);
        a1 = a1.add(d1.mul(d1));
      }
      if (DL < 4) {
        DoubleVector d2 = toDouble(x, i + 2 * DL).sub(vmu);
        a2 = a2.add(d2.mul(d2));
        DoubleVector d3 = toDouble(x, i + 3 * DL).sub(vmu);
        a3 = a3.add(d3.mul(d3));
      }
    }
    return combine(a0, a1, a2, a3);
  }

  /**
   * m1 = (1/n) sum_i g_i into m1[at] and returns m2 = (1/n) sum_i g_i xhat_{off + i}, in double
   * (every product exact), with g_i = dy_{off + i} gamma_i rounded to float.
   */
  private static double moments(int n, float[] dy, float[] gamma, float[] xhat, int off,
      double[] m1, int at) {
    DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
    DoubleVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    for (int i = 0; i < n; i += 8) {
      int j = off + i;
      DoubleVector g0 = product(dy, gamma, j, i);
      a0 = a0.add(g0);
      b0 = b0.add(g0.mul(toDouble(xhat, j)));
      if (DL < 8) {
        DoubleVector g1 = product(dy, gamma, j + DL, i + DL);
        a1 = a1.add(g1);
        b1 = b1.add(g1.mul(toDouble(xhat, j + DL)));
      }
      if (DL < 4) {
        DoubleVector g2 = product(dy, gamma, j + 2 * DL, i + 2 * DL);
        a2 = a2.add(g2);
        b2 = b2.add(g2.mul(toDouble(xhat, j + 2 * DL)));
        DoubleVector g3 = product(dy, gamma, j + 3 * DL, i + 3 * DL);
        a3 = a3.add(g3);
        b3 = b3.add(g3.mul(toDouble(xhat, j + 3 * DL)));
      }
    }
    m1[at] = combine(a0, a1, a2, a3) / n;
    return combine(b0, b1, b2, b3) / n;
  }

  /** dy_{j ..} gamma_{i ..} rounded to float, its low DL lanes in double lanes. */
  private static DoubleVector product(float[] dy, float[] gamma, int j, int i) {
    return toDouble(FloatVector.fromArray(S, dy, j).mul(FloatVector.fromArray(S, gamma, i)));
  }

  /** ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)), sum l in lane l mod DL of a(l / DL). */
  private static double combine(DoubleVector a0, DoubleVector a1, DoubleVector a2,
      DoubleVector a3) {
    if (DL == 8) {
      return ((a0.lane(0) + a0.lane(4)) + (a0.lane(2) + a0.lane(6)))
          + ((a0.lane(1) + a0.lane(5)) + (a0.lane(3) + a0.lane(7)));
    }
    if (DL == 4) {
      return ((a0.lane(0) + a1.lane(0)) + (a0.lane(2) + a1.lane(2)))
          + ((a0.lane(1) + a1.lane(1)) + (a0.lane(3) + a1.lane(3)));
    }
    return ((a0.lane(0) + a2.lane(0)) + (a1.lane(0) + a3.lane(0)))
        + ((a0.lane(1) + a2.lane(1)) + (a1.lane(1) + a3.lane(1)));
  }
}
