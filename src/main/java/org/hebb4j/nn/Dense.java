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

  public final int in;
  public final int out;
  public final Activation act;
  /** Weights [out, in]. */
  public final float[] w;
  /** Bias [out], or null for a bias-free layer. */
  public final float[] b;

  public Dense(int in, int out, boolean bias, Activation act) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException("layer sizes must be positive, got " + in + "->" + out);
    }
    this.in = in;
    this.out = out;
    this.act = act;
    this.w = new float[out * in];
    this.b = bias ? new float[out] : null;
  }

  public boolean hasBias() {
    return b != null;
  }

  /** Number of parameters: out*in weights plus out biases when present. */
  public int parameters() {
    return w.length + (b == null ? 0 : b.length);
  }

  /** (E10) w ~ N(0, 1/in) from {@code r}, row after row; biases 0. */
  public void init(Rng r) {
    r.fillGaussian(w, 0, w.length, (float) (1.0 / Math.sqrt(in)));
    if (b != null) {
      java.util.Arrays.fill(b, 0f);
    }
  }

  /** (E1) a = hPre W^T + b ([rows, out]); (E2) z = act(a). z may be a (linear activation). */
  public void forward(Kernels k, int rows, float[] hPre, float[] a, float[] z) {
    k.gemm(false, true, rows, out, in, 1f, hPre, 0, in, w, 0, in, 0f, a, 0, out);
    if (b != null) {
      for (int r = 0; r < rows; r++) {
        k.axpy(out, 1f, b, 0, a, r * out);
      }
    }
    if (z != a || act != Activation.LINEAR) {
      k.activate(act, rows * out, a, 0, z, 0);
    }
  }

  /**
   * (E6) dW = delta^T hPre, db = sum_rows delta, for delta = dL/da [rows, out]. With
   * {@code accumulate} the results are added to dW and db instead of overwriting them.
   */
  public void backwardParams(Kernels k, int rows, float[] delta, float[] hPre, float[] dW,
      float[] db, boolean accumulate) {
    k.gemm(true, false, out, in, rows, 1f, delta, 0, out, hPre, 0, in, accumulate ? 1f : 0f,
        dW, 0, in);
    if (b != null) {
      if (!accumulate) {
        java.util.Arrays.fill(db, 0, out, 0f);
      }
      for (int r = 0; r < rows; r++) {
        k.axpy(out, 1f, delta, r * out, db, 0);
      }
    }
  }

  /** (E7) dIn = delta W ([rows, in]): the gradient with respect to this layer's input. */
  public void backwardInput(Kernels k, int rows, float[] delta, float[] dIn) {
    k.gemm(false, false, rows, in, out, 1f, delta, 0, out, w, 0, in, 0f, dIn, 0, in);
  }
}
