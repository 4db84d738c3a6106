package org.hebb4j.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The layer norm kernels (spec/kernels.md#layer-norm (K19)-(K20)) on vectors: the elementwise
 * double arithmetic of each row (float to double, the subtraction of the mean, the products, the
 * rounding back to float) in double lanes, the row statistics in the shared scalar code of
 * {@link LayerNormRows}. Every lane performs the scalar reference's operations on its element,
 * so the bits are those of {@link LayerNormRows} at every width. Written for JDK 17's C2, which
 * compiles the scalar float-to-double conversions with a dependency on the previous value of the
 * destination register: the scalar normalisation ran at about 8 cycles per element (2.5 ns; JDK
 * 25: 1.1 ns), most of a layer norm's time and about a sixth of the transformer's training step.
 */
final class VectorLayerNorm {

  private VectorLayerNorm() {}

  private static final VectorSpecies<Float> S = VectorKernels.S;
  /** Double lanes of the kernels' width: 2, 4 or 8. */
  private static final VectorSpecies<Double> D =
      VectorSpecies.of(double.class, S.vectorShape());
  /** Lanes of {@link #D}: half of S's. */
  private static final int W = D.length();
  /** The upper half of S's lanes. */
  private static final VectorMask<Float> UPPER = S.indexInRange(-W, W);

  /** (K19); arguments checked by the caller. */
  static void forward(int rows, int dim, float eps, float[] x, float[] gamma, float[] beta,
      float[] xhat, double[] rstd, float[] y) {
    int bound = S.loopBound(dim);
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      double mu = LayerNormRows.mean(dim, x, off);
      double rs = LayerNormRows.rstd(dim, x, off, mu, eps);
      rstd[r] = rs;
      DoubleVector vmu = DoubleVector.broadcast(D, mu);
      DoubleVector vrs = DoubleVector.broadcast(D, rs);
      int i = 0;
      for (; i < bound; i += S.length()) {
        FloatVector xv = FloatVector.fromArray(S, x, off + i);
        DoubleVector lo = (DoubleVector) xv.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector hi = (DoubleVector) xv.convertShape(VectorOperators.F2D, D, 1);
        FloatVector xh = toFloat(lo.sub(vmu).mul(vrs), hi.sub(vmu).mul(vrs));
        xh.intoArray(xhat, off + i);
        xh.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i))
            .intoArray(y, off + i);
      }
      for (; i < dim; i++) {
        float xh = (float) ((x[off + i] - mu) * rs);
        xhat[off + i] = xh;
        y[off + i] = Math.fma(xh, gamma[i], beta[i]);
      }
    }
  }

  /** (K20); arguments checked by the caller. */
  static void backward(int rows, int dim, float[] dy, float[] xhat, double[] rstd, float[] gamma,
      float[] dgamma, float[] dbeta, float[] dxh, float[] dx) {
    int fbound = S.loopBound(dim);
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      int i = 0;
      for (; i < fbound; i += S.length()) {
        FloatVector d = FloatVector.fromArray(S, dy, off + i);
        d.fma(FloatVector.fromArray(S, xhat, off + i), FloatVector.fromArray(S, dgamma, i))
            .intoArray(dgamma, i);
        FloatVector.fromArray(S, dbeta, i).add(d).intoArray(dbeta, i);
        d.mul(FloatVector.fromArray(S, gamma, i)).intoArray(dxh, i);
      }
      for (; i < dim; i++) {
        float d = dy[off + i];
        dgamma[i] = Math.fma(d, xhat[off + i], dgamma[i]);
        dbeta[i] += d;
        dxh[i] = d * gamma[i];
      }
      double m1 = LayerNormRows.mean(dim, dxh, 0);
      double m2 = LayerNormRows.dotMean(dim, dxh, xhat, off);
      double rs = rstd[r];
      DoubleVector vm1 = DoubleVector.broadcast(D, m1);
      DoubleVector vm2 = DoubleVector.broadcast(D, m2);
      DoubleVector vrs = DoubleVector.broadcast(D, rs);
      i = 0;
      for (; i < fbound; i += S.length()) {
        FloatVector g = FloatVector.fromArray(S, dxh, i);
        FloatVector xv = FloatVector.fromArray(S, xhat, off + i);
        DoubleVector g0 = (DoubleVector) g.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector g1 = (DoubleVector) g.convertShape(VectorOperators.F2D, D, 1);
        DoubleVector x0 = (DoubleVector) xv.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector x1 = (DoubleVector) xv.convertShape(VectorOperators.F2D, D, 1);
        toFloat(g0.sub(vm1).sub(x0.mul(vm2)).mul(vrs), g1.sub(vm1).sub(x1.mul(vm2)).mul(vrs))
            .intoArray(dx, off + i);
      }
      for (; i < dim; i++) {
        dx[off + i] = (float) ((dxh[i] - m1 - xhat[off + i] * m2) * rs);
      }
    }
  }

  /** The float vector whose lanes are lo's then hi's, each rounded to float. */
  private static FloatVector toFloat(DoubleVector lo, DoubleVector hi) {
    FloatVector f0 = (FloatVector) lo.convertShape(VectorOperators.D2F, S, 0);
    FloatVector f1 = (FloatVector) hi.convertShape(VectorOperators.D2F, S, -1);
    return f0.blend(f1, UPPER);
  }
}
