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
   * @param k the kernels (layer norm (K19))
   * @param rows rows in [1, b.capacity()]
   * @param x input [rows, dim]
   * @param y receives the output [rows, dim]
   * @param b this layer's buffers
   * @throws IllegalArgumentException for rows outside [1, capacity]
   */
  public void forward(Kernels k, int rows, float[] x, float[] y, Buffers b) {
    checkRows(rows, b);
    k.layerNorm(rows, dim, eps, x, gamma, beta, b.xhat, b.rstd, y); // (K19)
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
    k.layerNormBackward(rows, dim, dy, b.xhat, b.rstd, gamma, b.dgamma, b.dbeta, b.dxhat, dx);
  }

  /**
   * Scratch for the layer norm backward pass of one range of rows: the range's dgamma and dbeta
   * (discarded: {@link #paramGradients} sums every row) and the kernel's dxhat row. One per range
   * computed at a time (spec/transformer.md#performance).
   */
  static final class Scratch {
    final float[] dxhat;
    final float[] dgamma;
    final float[] dbeta;

    Scratch(int dim) {
      dxhat = new float[dim];
      dgamma = new float[dim];
      dbeta = new float[dim];
    }
  }

  /**
   * (T8) for rows [row0, row0 + rows) of x and y (K19 on those rows): each row's result depends
   * on that row alone, so a batch cut into row ranges has the bits of one {@link #forward} call.
   */
  void forward(Kernels k, int row0, int rows, float[] x, float[] y, Buffers b) {
    k.layerNorm(row0, rows, dim, eps, x, gamma, beta, b.xhat, b.rstd, y);
  }

  /**
   * dx of (T14) for rows [row0, row0 + rows) (K20 on those rows), without dgamma and dbeta,
   * which sum over every row ({@link #paramGradients}). Each row's dx depends on that row alone.
   */
  void backwardInput(Kernels k, int row0, int rows, float[] dy, float[] dx, Buffers b,
      Scratch s) {
    Arrays.fill(s.dgamma, 0f);
    Arrays.fill(s.dbeta, 0f);
    k.layerNormBackward(row0, rows, dim, dy, b.xhat, b.rstd, gamma, s.dgamma, s.dbeta, s.dxhat,
        dx);
  }

  /**
   * dgamma and dbeta of (T14) from dy = dL/dy [rows, dim] of the last {@link #forward} (added to
   * with {@code accumulate}): (K20)'s sums, row after row, dgamma = fma(dy, xhat, dgamma) and
   * dbeta += dy, so the bits are those of {@link #backward}.
   */
  void paramGradients(Kernels k, int rows, float[] dy, Buffers b, boolean accumulate) {
    if (!accumulate) {
      Arrays.fill(b.dgamma, 0f);
      Arrays.fill(b.dbeta, 0f);
    }
    k.layerNormParamGradients(rows, dim, dy, b.xhat, b.dgamma, b.dbeta);
  }
}
