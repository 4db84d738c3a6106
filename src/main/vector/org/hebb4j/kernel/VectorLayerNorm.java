package org.hebb4j.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
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
 * 0), and a double vector rounds back into the low DL lanes of a float vector, stored whole into a
 * padded per-thread row (the next store overwrites the high lanes), then copied to the
 * destination. Two other forms lose on one JDK or the other (BENCHMARKS.md, the transformer step,
 * third pass): a full float vector split into two double halves (part 1, and part -1 with a blend
 * back) compiles into a slice or unslice, a shuffle with its index checks, per half; a float
 * vector of half the width (Float256 to Double512, the same lanes) is fast on JDK 25, but on JDK
 * 17 the second float species makes the Vector API's shared code (fromArray, fma) polymorphic and
 * the GEMM's full-width vectors miss their intrinsics and allocate. The statistics in double lanes
 * replace the scalar loops of {@link LayerNormRows}, whose float-to-double conversions JDK 17's C2
 * compiles with a dependency on the destination register's previous value (about 8 cycles per
 * element). Row widths that are not a multiple of 8 take the statistics from {@link Reductions}
 * through {@link LayerNormRows}.
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

  /** Three rows of at least dim + L floats per thread, grown on demand, then reused. */
  private static final ThreadLocal<float[][]> ROWS =
      ThreadLocal.withInitial(() -> new float[3][0]);

  private static float[][] rows(int dim) {
    float[][] s = ROWS.get();
    if (s[0].length < dim + L) {
      for (int k = 0; k < s.length; k++) {
        s[k] = new float[dim + L];
      }
    }
    return s;
  }

  /** (K19); arguments checked by the caller. */
  static void forward(int rows, int dim, float eps, float[] x, float[] gamma, float[] beta,
      float[] xhat, double[] rstd, float[] y) {
    float[][] s = rows(dim);
    float[] a = s[0];
    float[] h = s[1];
    int fbound = S.loopBound(dim);
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      double mu;
      double rs;
      float[] src = x;
      int so = off;
      if (off + dim + L > x.length) {
        System.arraycopy(x, off, a, 0, dim);
        src = a;
        so = 0;
      }
      if (dim % 8 == 0) {
        mu = sum8(dim, src, so) / dim;
        rs = 1.0 / Math.sqrt(deviations8(dim, src, so, mu) / dim + eps);
      } else {
        mu = LayerNormRows.mean(dim, src, so);
        rs = LayerNormRows.rstd(dim, src, so, mu, eps);
      }
      rstd[r] = rs;
      DoubleVector vmu = DoubleVector.broadcast(D, mu);
      DoubleVector vrs = DoubleVector.broadcast(D, rs);
      for (int i = 0; i < dim; i += DL) { // lanes past dim: padding, never copied out
        toFloat(toDouble(src, so + i).sub(vmu).mul(vrs)).intoArray(h, i);
      }
      int i = 0;
      for (; i < fbound; i += L) {
        FloatVector xh = FloatVector.fromArray(S, h, i);
        xh.intoArray(xhat, off + i);
        xh.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i))
            .intoArray(y, off + i);
      }
      for (; i < dim; i++) {
        float xh = h[i];
        xhat[off + i] = xh;
        y[off + i] = Math.fma(xh, gamma[i], beta[i]);
      }
    }
  }

  /** (K20); arguments checked by the caller. */
  static void backward(int rows, int dim, float[] dy, float[] xhat, double[] rstd, float[] gamma,
      float[] dgamma, float[] dbeta, float[] dxh, float[] dx) {
    float[][] s = rows(dim);
    float[] a = s[0];
    float[] b = s[1];
    float[] c = s[2];
    int fbound = S.loopBound(dim);
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      int i = 0;
      for (; i < fbound; i += L) {
        FloatVector d = FloatVector.fromArray(S, dy, off + i);
        FloatVector g = d.mul(FloatVector.fromArray(S, gamma, i));
        d.fma(FloatVector.fromArray(S, xhat, off + i), FloatVector.fromArray(S, dgamma, i))
            .intoArray(dgamma, i);
        FloatVector.fromArray(S, dbeta, i).add(d).intoArray(dbeta, i);
        g.intoArray(dxh, i);
        g.intoArray(a, i);
      }
      for (; i < dim; i++) {
        float d = dy[off + i];
        dgamma[i] = Math.fma(d, xhat[off + i], dgamma[i]);
        dbeta[i] += d;
        dxh[i] = d * gamma[i];
        a[i] = dxh[i];
      }
      float[] xs = xhat;
      int xo = off;
      if (off + dim + L > xhat.length) {
        System.arraycopy(xhat, off, b, 0, dim);
        xs = b;
        xo = 0;
      }
      double m1;
      double m2;
      if (dim % 8 == 0) {
        m1 = sum8(dim, a, 0) / dim;
        m2 = dot8(dim, a, xs, xo) / dim;
      } else {
        m1 = LayerNormRows.mean(dim, a, 0);
        m2 = LayerNormRows.dotMean(dim, a, xs, xo);
      }
      double rs = rstd[r];
      DoubleVector vm1 = DoubleVector.broadcast(D, m1);
      DoubleVector vm2 = DoubleVector.broadcast(D, m2);
      DoubleVector vrs = DoubleVector.broadcast(D, rs);
      for (i = 0; i < dim; i += DL) { // lanes past dim: padding, never copied out
        toFloat(toDouble(a, i).sub(vm1).sub(toDouble(xs, xo + i).mul(vm2)).mul(vrs))
            .intoArray(c, i);
      }
      System.arraycopy(c, 0, dx, off, dim);
    }
  }

  /** The DL floats at x[i ..] in double lanes (exact); reads L floats. */
  private static DoubleVector toDouble(float[] x, int i) {
    return (DoubleVector) FloatVector.fromArray(S, x, i).convertShape(VectorOperators.F2D, D, 0);
  }

  /** The lanes of v rounded to float, in the low DL lanes (the others +0). */
  private static FloatVector toFloat(DoubleVector v) {
    return (FloatVector) v.convertShape(VectorOperators.D2F, S, 0);
  }

  // The eight partial sums of spec/kernels.md#reduction-order: term i to sum i mod 8, held as
  // lane i mod DL of accumulator (i mod 8) / DL (one, two or four accumulators), then the fixed
  // combination of LayerNormRows. n is a multiple of 8; the rows are padded by L floats.

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

  /** sum_i x_i y_{off + i} in double (every product exact). */
  private static double dot8(int n, float[] x, float[] y, int off) {
    DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
    for (int i = 0; i < n; i += 8) {
      int j = off + i;
      a0 = a0.add(toDouble(x, i).mul(toDouble(y, j)));
      if (DL < 8) {
        a1 = a1.add(toDouble(x, i + DL).mul(toDouble(y, j + DL)));
      }
      if (DL < 4) {
        a2 = a2.add(toDouble(x, i + 2 * DL).mul(toDouble(y, j + 2 * DL)));
        a3 = a3.add(toDouble(x, i + 3 * DL).mul(toDouble(y, j + 3 * DL)));
      }
    }
    return combine(a0, a1, a2, a3);
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
