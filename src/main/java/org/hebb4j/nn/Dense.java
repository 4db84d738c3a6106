package org.hebb4j.nn;

import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;

/**
 * A dense layer (spec/emergence.md#dense): weights {@code w} [out, in] (row-major), optional bias
 * {@code b} [out], activation {@code act}. The layer owns its parameters only; the per-batch
 * buffers live in {@link Mlp.Workspace}, so forward and backward allocate nothing.
 */
public final class Dense {

  /**
   * GEMM's k block (spec/kernels.md#one-result (K11)). With at most this many inputs each output
   * is one fma chain s, stored as fma(C, beta, s): with C holding the bias and beta = 1 that is
   * the correctly rounded b + s, exactly the bias added after the product (an axpy with alpha 1,
   * fma(b, 1, a)), so the bias is added in the GEMM's store instead of a pass of one axpy call per
   * row (about 5% of the transformer's training step).
   */
  private static final int K_BLOCK = 512;

  /** Input width I. */
  public final int in;
  /** Output width O. */
  public final int out;
  /** The activation (E2). */
  public final Activation act;
  /** Weights [out, in]. */
  public final float[] w;
  /** Bias [out], or null for a bias-free layer. */
  public final float[] b;

  /**
   * A layer of zero parameters. See spec/emergence.md#dense.
   *
   * @param in input width, at least 1
   * @param out output width, at least 1
   * @param bias whether the layer has a bias
   * @param act the activation
   * @throws IllegalArgumentException if a width is below 1 or in * out exceeds an array
   * @throws NullPointerException if act is null
   */
  public Dense(int in, int out, boolean bias, Activation act) {
    java.util.Objects.requireNonNull(act, "act");
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException("layer sizes must be positive, got " + in + "->" + out);
    }
    if ((long) in * out > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("layer " + in + "->" + out
          + " has more weights than a Java array holds");
    }
    this.in = in;
    this.out = out;
    this.act = act;
    this.w = new float[out * in];
    this.b = bias ? new float[out] : null;
  }

  /**
   * Whether the layer has a bias. See spec/emergence.md#dense.
   *
   * @return b != null
   */
  public boolean hasBias() {
    return b != null;
  }

  /**
   * Number of parameters: out*in weights plus out biases when present. See spec/emergence.md#dense.
   *
   * @return the count
   */
  public int parameters() {
    return w.length + (b == null ? 0 : b.length);
  }

  /**
   * (E10) w ~ N(0, 1/in) from {@code r}, row after row; biases 0. See spec/emergence.md#dense.
   *
   * @param r the layer's stream
   * @throws NullPointerException if r is null
   */
  public void init(Rng r) {
    init(r, Conventions.HEBB4J);
  }

  /**
   * Draws the layer under conventions {@code c} (spec/emergence.md#conventions): HEBB4J is
   * (E10), w ~ N(0, 1/in) row after row, biases 0; TORCH is {@code nn.Linear}'s default (E27),
   * w and then b each ~ U(-1/sqrt(in), 1/sqrt(in)), row after row from the same stream.
   *
   * @param r the layer's stream
   * @param c the conventions
   * @throws NullPointerException if r or c is null
   */
  public void init(Rng r, Conventions c) {
    java.util.Objects.requireNonNull(r, "rng");
    java.util.Objects.requireNonNull(c, "conventions");
    if (c == Conventions.TORCH) {
      double bound = 1.0 / Math.sqrt(in);
      uniform(r, w, bound);
      if (b != null) {
        uniform(r, b, bound);
      }
      return;
    }
    r.fillGaussian(w, 0, w.length, (float) (1.0 / Math.sqrt(in)));
    if (b != null) {
      java.util.Arrays.fill(b, 0f);
    }
  }

  /**
   * (E27) every value of {@code v} ~ U(-bound, bound): {@code bound * (2u - 1)} in double with u
   * of (R4), rounded to float32, in index order. See spec/emergence.md#conventions.
   *
   * @param r the stream
   * @param v the values to fill
   * @param bound the half-width, &gt;= 0
   */
  public static void uniform(Rng r, float[] v, double bound) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (bound * (2 * r.uniformDouble() - 1));
    }
  }

  /**
   * (E1) a = hPre W^T + b ([rows, out]); (E2) z = act(a). z may be a (linear activation).
   * See spec/emergence.md#dense.
   *
   * @param k the kernels
   * @param rows batch rows
   * @param hPre the input [rows, in]
   * @param a receives the pre-activation [rows, out]
   * @param z receives the activation [rows, out]
   */
  public void forward(Kernels k, int rows, float[] hPre, float[] a, float[] z) {
    forward(k, 0, rows, hPre, a, z);
  }

  /**
   * {@link #forward(Kernels, int, float[], float[], float[])} for rows [row0, row0 + rows) of
   * hPre, a and z only: every output row depends on its input row alone (spec/kernels.md#one-result
   * (K11)), so a batch cut into row ranges gives the bits of one call
   * (spec/transformer.md#performance).
   *
   * @param k the kernels
   * @param row0 the first row
   * @param rows rows from row0
   * @param hPre the input [row0 + rows, in]
   * @param a receives the pre-activation of those rows
   * @param z receives their activation
   */
  public void forward(Kernels k, int row0, int rows, float[] hPre, float[] a, float[] z) {
    int x0 = row0 * in, a0 = row0 * out;
    if (b != null && in <= K_BLOCK) {
      // C = b on every row, then C = fma(C, 1, s): the bias added at the GEMM's store
      k.gemmNTBias(rows, out, in, hPre, x0, w, 0, b, 0, a, a0);
    } else {
      k.gemmNT(rows, out, in, 1f, hPre, x0, w, 0, 0f, a, a0);
      if (b != null) {
        for (int r = 0; r < rows; r++) {
          k.axpy(out, 1f, b, 0, a, a0 + r * out);
        }
      }
    }
    if (z != a || act != Activation.LINEAR) {
      k.activate(act, rows * out, a, a0, z, a0);
    }
  }

  /**
   * (E6) dW = delta^T hPre, db = sum_rows delta, for delta = dL/da [rows, out]. With
   * {@code accumulate} the results are added to dW and db instead of overwriting them.
   * See spec/emergence.md#backprop.
   *
   * @param k the kernels
   * @param rows batch rows
   * @param delta dL/da [rows, out]
   * @param hPre the layer's input [rows, in]
   * @param dW receives dL/dW [out, in]
   * @param db receives dL/db [out] (ignored for a bias-free layer)
   * @param accumulate add to dW and db instead of overwriting them
   */
  public void backwardParams(Kernels k, int rows, float[] delta, float[] hPre, float[] dW,
      float[] db, boolean accumulate) {
    backwardWeights(k, rows, delta, hPre, dW, accumulate, 0, out, 0, in);
    if (b != null) {
      backwardBias(k, rows, delta, db, accumulate, 0, out);
    }
  }

  /**
   * The block [o0, o1) x [i0, i1) of dW = delta^T hPre (E6) (added to with {@code accumulate}):
   * each element is summed over every batch row in the order of the whole product
   * (spec/kernels.md#one-result (K11)), so dW cut into blocks has the bits of one call
   * (spec/transformer.md#performance).
   *
   * @param k the kernels
   * @param rows batch rows
   * @param delta dL/da [rows, out]
   * @param hPre the layer's input [rows, in]
   * @param dW receives the block of dL/dW [out, in]
   * @param accumulate add to dW instead of overwriting it
   * @param o0 the first output (row of dW)
   * @param o1 the end of the outputs, at most out
   * @param i0 the first input (column of dW)
   * @param i1 the end of the inputs, at most in
   */
  public void backwardWeights(Kernels k, int rows, float[] delta, float[] hPre, float[] dW,
      boolean accumulate, int o0, int o1, int i0, int i1) {
    if (o1 > o0 && i1 > i0) {
      k.gemm(true, false, o1 - o0, i1 - i0, rows, 1f, delta, o0, out, hPre, i0, in,
          accumulate ? 1f : 0f, dW, o0 * in + i0, in);
    }
  }

  /**
   * Elements [o0, o1) of db = sum over rows of delta (E6), row after row (the sum of rows (K24),
   * the bits of an axpy with alpha 1 per row), added to with {@code accumulate}: db cut into
   * ranges has the bits of one call (spec/transformer.md#performance).
   *
   * @param k the kernels
   * @param rows batch rows
   * @param delta dL/da [rows, out]
   * @param db receives those elements of dL/db [out]
   * @param accumulate add to db instead of overwriting it
   * @param o0 the first output
   * @param o1 the end of the outputs, at most out
   */
  public void backwardBias(Kernels k, int rows, float[] delta, float[] db, boolean accumulate,
      int o0, int o1) {
    if (!accumulate) {
      java.util.Arrays.fill(db, o0, o1, 0f);
    }
    k.addRows(rows, o1 - o0, delta, o0, out, db, o0); // (K24): row after row, as an axpy each
  }

  /**
   * (E7) dIn = delta W ([rows, in]): the gradient with respect to this layer's input.
   * See spec/emergence.md#backprop.
   *
   * @param k the kernels
   * @param rows batch rows
   * @param delta dL/da [rows, out]
   * @param dIn receives dL/dhPre [rows, in]
   */
  public void backwardInput(Kernels k, int rows, float[] delta, float[] dIn) {
    backwardInput(k, 0, rows, delta, dIn);
  }

  /**
   * {@link #backwardInput(Kernels, int, float[], float[])} for rows [row0, row0 + rows) only:
   * each row of dIn depends on its row of delta alone. See spec/transformer.md#performance.
   *
   * @param k the kernels
   * @param row0 the first row
   * @param rows rows from row0
   * @param delta dL/da [row0 + rows, out]
   * @param dIn receives those rows of dL/dhPre [row0 + rows, in]
   */
  public void backwardInput(Kernels k, int row0, int rows, float[] delta, float[] dIn) {
    k.gemmNN(rows, in, out, 1f, delta, row0 * out, w, 0, 0f, dIn, row0 * in);
  }

  /**
   * (E7) carried through the activation of the layer below, (K9b): dIn = (delta W) * act'(a)
   * with the derivative taken from this layer's input {@code z = act(a)}, for rows
   * [row0, row0 + rows): the gradient with respect to the pre-activation of the layer below. The
   * bits of {@link #backwardInput(Kernels, int, int, float[], float[])} followed by
   * {@link Kernels#activateBackwardFromOutput} on those rows, in one call so that the kernels can
   * apply the derivative to rows of dIn as they are computed (spec/kernels.md#one-result,
   * spec/emergence.md#backprop).
   *
   * @param k the kernels
   * @param row0 the first row
   * @param rows rows from row0
   * @param delta dL/da [row0 + rows, out]
   * @param act the activation of the layer below
   * @param z this layer's input act(a) [row0 + rows, in]
   * @param dIn receives those rows of dL/da of the layer below [row0 + rows, in]
   */
  public void backwardInput(Kernels k, int row0, int rows, float[] delta, Activation act,
      float[] z, float[] dIn) {
    k.gemmNNBackwardFromOutput(act, rows, in, out, delta, row0 * out, w, 0, z, row0 * in, dIn,
        row0 * in);
  }
}
