package org.hebb4j.kernel;

/**
 * The layer norm kernels (spec/kernels.md#layer-norm (K19)-(K20)), the scalar reference. The row
 * statistics are the double reductions of spec/kernels.md#reduction-order, called straight from
 * {@link Reductions} (no argument checks per row, and the variance around the mean already
 * computed): through the kernels' mean, variance and dsdot (a call, the checks and a second pass
 * for the mean per row) the layer norms took about a sixth of the transformer's training step.
 */
final class LayerNormRows {

  private LayerNormRows() {}

  /** (K19) on rows [row0, row0 + rows), plain loops; see {@link Kernels#layerNorm}. */
  static void forward(int row0, int rows, int dim, float eps, float[] x, float[] gamma,
      float[] beta, float[] xhat, double[] rstd, float[] y) {
    for (int r = row0; r < row0 + rows; r++) {
      int off = r * dim;
      double mu = Reductions.mean(dim, x, off);
      double rs = rstd(dim, x, off, mu, eps);
      rstd[r] = rs;
      for (int i = 0; i < dim; i++) {
        float xh = (float) ((x[off + i] - mu) * rs);
        xhat[off + i] = xh;
        y[off + i] = Math.fma(xh, gamma[i], beta[i]);
      }
    }
  }

  /** (K20) on rows [row0, row0 + rows), plain loops; see {@link Kernels#layerNormBackward}. */
  static void backward(int row0, int rows, int dim, float[] dy, float[] xhat, double[] rstd,
      float[] gamma, float[] dgamma, float[] dbeta, float[] dxh, float[] dx) {
    for (int r = row0; r < row0 + rows; r++) {
      int off = r * dim;
      for (int i = 0; i < dim; i++) {
        float d = dy[off + i];
        dgamma[i] = Math.fma(d, xhat[off + i], dgamma[i]);
        dbeta[i] += d;
        dxh[i] = d * gamma[i];
      }
      double m1 = Reductions.mean(dim, dxh, 0);
      double m2 = dotMean(dim, dxh, xhat, off);
      double rs = rstd[r];
      for (int i = 0; i < dim; i++) {
        dx[off + i] = (float) ((dxh[i] - m1 - xhat[off + i] * m2) * rs);
      }
    }
  }

  /**
   * (K20)'s dgamma = fma(dy, xhat, dgamma) and dbeta += dy over rows [0, rows), row after row;
   * see {@link Kernels#layerNormParamGradients}. Eight columns at a time, their sums in registers
   * down the rows (the same chains).
   */
  static void paramGradients(int rows, int dim, float[] dy, float[] xh, float[] dg,
      float[] db) {
    int c = 0;
    for (; c + 8 <= dim; c += 8) {
      float g0 = dg[c], g1 = dg[c + 1], g2 = dg[c + 2], g3 = dg[c + 3];
      float g4 = dg[c + 4], g5 = dg[c + 5], g6 = dg[c + 6], g7 = dg[c + 7];
      float b0 = db[c], b1 = db[c + 1], b2 = db[c + 2], b3 = db[c + 3];
      float b4 = db[c + 4], b5 = db[c + 5], b6 = db[c + 6], b7 = db[c + 7];
      for (int i = c; i < rows * dim; i += dim) {
        float d0 = dy[i], d1 = dy[i + 1], d2 = dy[i + 2], d3 = dy[i + 3];
        float d4 = dy[i + 4], d5 = dy[i + 5], d6 = dy[i + 6], d7 = dy[i + 7];
        g0 = Math.fma(d0, xh[i], g0);
        g1 = Math.fma(d1, xh[i + 1], g1);
        g2 = Math.fma(d2, xh[i + 2], g2);
        g3 = Math.fma(d3, xh[i + 3], g3);
        g4 = Math.fma(d4, xh[i + 4], g4);
        g5 = Math.fma(d5, xh[i + 5], g5);
        g6 = Math.fma(d6, xh[i + 6], g6);
        g7 = Math.fma(d7, xh[i + 7], g7);
        b0 += d0;
        b1 += d1;
        b2 += d2;
        b3 += d3;
        b4 += d4;
        b5 += d5;
        b6 += d6;
        b7 += d7;
      }
      dg[c] = g0;
      dg[c + 1] = g1;
      dg[c + 2] = g2;
      dg[c + 3] = g3;
      dg[c + 4] = g4;
      dg[c + 5] = g5;
      dg[c + 6] = g6;
      dg[c + 7] = g7;
      db[c] = b0;
      db[c + 1] = b1;
      db[c + 2] = b2;
      db[c + 3] = b3;
      db[c + 4] = b4;
      db[c + 5] = b5;
      db[c + 6] = b6;
      db[c + 7] = b7;
    }
    for (; c < dim; c++) {
      float g = dg[c], s = db[c];
      for (int i = c; i < rows * dim; i += dim) {
        g = Math.fma(dy[i], xh[i], g);
        s += dy[i];
      }
      dg[c] = g;
      db[c] = s;
    }
  }

  /** 1 / sqrt(var + eps) with var (K7) of the row around {@code mu} (= (K6) of the row). */
  static double rstd(int dim, float[] x, int off, double mu, float eps) {
    double var = Reductions.deviationsFrom(0, dim, x, off, mu, 0, 0, 0, 0, 0, 0, 0, 0) / dim;
    return 1.0 / Math.sqrt(var + eps);
  }

  /** (K5a) / dim: (1/dim) sum_i x_i y_{off + i} in double. */
  static double dotMean(int dim, float[] x, float[] y, int off) {
    return Reductions.dsdot(dim, x, 0, y, off) / dim;
  }
}
