package org.hebb4j.nn;

import java.util.Arrays;
import org.hebb4j.kernel.Kernels;

/**
 * Layer normalisation over the last axis (spec/transformer.md#layer-norm (T8), backward (T14)):
 * {@code y = (x - mean) / sqrt(var + eps) * gamma + beta} per row of width {@code dim}, population
 * variance. The layer owns its parameters; per-batch state (normalised rows, 1/s, gradients) is in
 * a {@link Buffers}, so forward and backward allocate nothing.
 */
public final class LayerNorm {

  /** The contract's eps, 1e-5 (spec/transformer.md#layer-norm). */
  public static final float EPS = 1e-5f;

  /** Row width D. */
  public final int dim;
  /** The eps added to the variance. */
  public final float eps;
  /** Scale gamma [dim] (1 after {@link #reset}). */
  public final float[] gamma;
  /** Shift beta [dim] (0 after {@link #reset}). */
  public final float[] beta;

  /**
   * A layer norm with gamma = 1, beta = 0. See spec/transformer.md#layer-norm.
   *
   * @param dim the row width, at least 1
   * @param eps added to the variance, finite and at least 0
   * @throws IllegalArgumentException for dim &lt; 1 or a bad eps
   */
  public LayerNorm(int dim, float eps) {
    if (dim < 1) {
      throw new IllegalArgumentException("layer norm width must be at least 1, got " + dim);
    }
    if (!(eps >= 0) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException("layer norm eps must be finite and >= 0, got " + eps);
    }
    this.dim = dim;
    this.eps = eps;
    gamma = new float[dim];
    beta = new float[dim];
    reset();
  }

  /** Sets gamma = 1 and beta = 0 (the initialisation, spec/transformer.md#shapes). */
  public void reset() {
    Arrays.fill(gamma, 1f);
    Arrays.fill(beta, 0f);
  }

  /**
   * Buffers for up to {@code capacity} rows. See spec/transformer.md#performance.
   *
   * @param capacity the largest number of rows, at least 1
   * @return new buffers
   * @throws IllegalArgumentException for capacity &lt; 1
   */
  public Buffers buffers(int capacity) {
    return new Buffers(capacity);
  }

  /** Per-batch state: normalised rows, 1/s per row, and the parameter gradients. */
  public final class Buffers {
    final float[] xhat;
    final double[] rstd;
    final float[] dxhat;
    /** dL/dgamma [dim] of the last backward pass. */
    public final float[] dgamma;
    /** dL/dbeta [dim] of the last backward pass. */
    public final float[] dbeta;
    private final int capacity;

    Buffers(int capacity) {
      if (capacity < 1 || (long) capacity * dim > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("layer norm capacity must be in [1, "
            + (Integer.MAX_VALUE - 8) / dim + "], got " + capacity);
      }
      this.capacity = capacity;
      xhat = new float[capacity * dim];
      rstd = new double[capacity];
      dxhat = new float[dim];
      dgamma = new float[dim];
      dbeta = new float[dim];
    }

    /**
     * The largest number of rows. See spec/transformer.md#performance.
     *
     * @return the capacity
     */
    public int capacity() {
      return capacity;
    }
  }

  private void checkRows(int rows, Buffers b) {
    if (rows < 1 || rows > b.capacity) {
      throw new IllegalArgumentException("layer norm of " + rows + " rows, capacity "
          + b.capacity);
    }
  }

  /**
   * (T8) y = xhat * gamma + beta per row; keeps xhat and 1/s in {@code b}. {@code y} may alias
   * {@code x}. See spec/transformer.md#layer-norm.
   *
   * @param k the kernels (mean and variance (K6)-(K7))
   * @param rows rows in [1, b.capacity()]
   * @param x input [rows, dim]
   * @param y receives the output [rows, dim]
   * @param b this layer's buffers
   * @throws IllegalArgumentException for rows outside [1, capacity]
   */
  public void forward(Kernels k, int rows, float[] x, float[] y, Buffers b) {
    checkRows(rows, b);
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      double mu;
      double var;
      if (dim % 8 == 0) {
        mu = sum8(dim, x, off) / dim;
        var = deviations8(dim, x, off, mu) / dim;
      } else {
        mu = k.mean(dim, x, off);
        var = k.variance(dim, x, off);
      }
      double rs = 1.0 / Math.sqrt(var + eps);
      b.rstd[r] = rs;
      for (int i = 0; i < dim; i++) {
        float xh = (float) ((x[off + i] - mu) * rs);
        b.xhat[off + i] = xh;
        y[off + i] = Math.fma(xh, gamma[i], beta[i]);
      }
    }
  }

  // The row statistics of rows whose width is a multiple of 8, written out here: through the
  // kernels' mean, variance and dsdot (a call, argument checks and a second pass for the mean per
  // row) the layer norms took about a sixth of the transformer's training step. They are the
  // kernels' sums exactly (spec/kernels.md#reduction-order (K5a)-(K7)): term i to double partial
  // sum i mod 8, combined as ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)), so the bits are
  // unchanged.

  /** The fixed combination of the eight partial sums (spec/kernels.md#reduction-order). */
  private static double combine(double s0, double s1, double s2, double s3, double s4,
      double s5, double s6, double s7) {
    return ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
  }

  /** (K6) without the division: sum_i x_i in double, n a multiple of 8. */
  private static double sum8(int n, float[] x, int off) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (int i = off; i < off + n; i += 8) {
      s0 += x[i];
      s1 += x[i + 1];
      s2 += x[i + 2];
      s3 += x[i + 3];
      s4 += x[i + 4];
      s5 += x[i + 5];
      s6 += x[i + 6];
      s7 += x[i + 7];
    }
    return combine(s0, s1, s2, s3, s4, s5, s6, s7);
  }

  /** (K7) without the division: sum_i (x_i - mu)^2 in double, n a multiple of 8. */
  private static double deviations8(int n, float[] x, int off, double mu) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (int i = off; i < off + n; i += 8) {
      double d0 = x[i] - mu, d1 = x[i + 1] - mu, d2 = x[i + 2] - mu, d3 = x[i + 3] - mu;
      double d4 = x[i + 4] - mu, d5 = x[i + 5] - mu, d6 = x[i + 6] - mu, d7 = x[i + 7] - mu;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
      s4 += d4 * d4;
      s5 += d5 * d5;
      s6 += d6 * d6;
      s7 += d7 * d7;
    }
    return combine(s0, s1, s2, s3, s4, s5, s6, s7);
  }

  /**
   * (T14) from dy = dL/dy of the last {@link #forward}: dx and the gradients dgamma, dbeta in
   * {@code b} (added to them with {@code accumulate}). {@code dx} may alias {@code dy}.
   * See spec/transformer.md#layer-norm-backward.
   *
   * @param k the kernels
   * @param rows rows of the last forward pass
   * @param dy dL/dy [rows, dim]
   * @param dx receives dL/dx [rows, dim]
   * @param b this layer's buffers
   * @param accumulate add to dgamma and dbeta instead of overwriting them
   * @throws IllegalArgumentException for rows outside [1, capacity]
   */
  public void backward(Kernels k, int rows, float[] dy, float[] dx, Buffers b,
      boolean accumulate) {
    checkRows(rows, b);
    if (!accumulate) {
      Arrays.fill(b.dgamma, 0f);
      Arrays.fill(b.dbeta, 0f);
    }
    float[] dxh = b.dxhat;
    float[] dg = b.dgamma;
    float[] db = b.dbeta;
    for (int r = 0; r < rows; r++) {
      int off = r * dim;
      for (int i = 0; i < dim; i++) {
        float d = dy[off + i];
        dg[i] = Math.fma(d, b.xhat[off + i], dg[i]);
        db[i] += d;
        dxh[i] = d * gamma[i];
      }
      double m1;
      double m2;
      if (dim % 8 == 0) {
        m1 = sum8(dim, dxh, 0) / dim;
        m2 = dot8(dim, dxh, b.xhat, off) / dim;
      } else {
        m1 = k.mean(dim, dxh, 0);
        m2 = k.dsdot(dim, dxh, 0, b.xhat, off) / dim;
      }
      double rs = b.rstd[r];
      for (int i = 0; i < dim; i++) {
        dx[off + i] = (float) ((dxh[i] - m1 - b.xhat[off + i] * m2) * rs);
      }
    }
  }

  /** (K5a) sum_i x_i y_{off + i} in double (every product exact), n a multiple of 8. */
  private static double dot8(int n, float[] x, float[] y, int off) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (int i = 0; i < n; i += 8) {
      int j = off + i;
      s0 += (double) x[i] * y[j];
      s1 += (double) x[i + 1] * y[j + 1];
      s2 += (double) x[i + 2] * y[j + 2];
      s3 += (double) x[i + 3] * y[j + 3];
      s4 += (double) x[i + 4] * y[j + 4];
      s5 += (double) x[i + 5] * y[j + 5];
      s6 += (double) x[i + 6] * y[j + 6];
      s7 += (double) x[i + 7] * y[j + 7];
    }
    return combine(s0, s1, s2, s3, s4, s5, s6, s7);
  }
}
