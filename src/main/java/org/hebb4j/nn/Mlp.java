package org.hebb4j.nn;

import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;

/**
 * A multilayer perceptron of {@link Dense} layers with explicit backprop (spec/emergence.md#mlp).
 * Hidden layers use one activation, the output layer another (linear in every experiment). The
 * network holds the parameters; everything that depends on the batch is in a {@link Workspace},
 * allocated once per batch capacity, so a training step allocates nothing.
 */
public final class Mlp {

  private final Dense[] layers;
  private final int[] sizes;

  /**
   * {@code sizes} = {input, hidden..., output}; hidden layers use {@code hidden}, the last layer
   * {@code output}.
   */
  public Mlp(int[] sizes, Activation hidden, Activation output, boolean bias) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least an input and an output size");
    }
    this.sizes = sizes.clone();
    layers = new Dense[sizes.length - 1];
    for (int l = 0; l < layers.length; l++) {
      layers[l] = new Dense(sizes[l], sizes[l + 1], bias,
          l == layers.length - 1 ? output : hidden);
    }
  }

  /** Number of layers (weight matrices). */
  public int depth() {
    return layers.length;
  }

  /** Layer l, 0-based. */
  public Dense layer(int l) {
    return layers[l];
  }

  public int inputSize() {
    return sizes[0];
  }

  public int outputSize() {
    return sizes[sizes.length - 1];
  }

  /** {input, hidden..., output}. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** (E10) Layer l drawn from {@code r.derive("layer" + (l + 1))}. */
  public void init(Rng r) {
    for (int l = 0; l < layers.length; l++) {
      layers[l].init(r.derive("layer" + (l + 1)));
    }
  }

  /** Copies every parameter from {@code other} (same architecture). */
  public void copyFrom(Mlp other) {
    for (int l = 0; l < layers.length; l++) {
      Dense a = layers[l], b = other.layers[l];
      System.arraycopy(b.w, 0, a.w, 0, a.w.length);
      if (a.b != null) {
        System.arraycopy(b.b, 0, a.b, 0, a.b.length);
      }
    }
  }

  /** Buffers for batches of up to {@code capacity} rows. */
  public Workspace workspace(int capacity) {
    return new Workspace(capacity);
  }

  /**
   * Per-batch buffers: for each layer l its pre-activation {@code a} (the probe's h_post), its
   * activation {@code z} (the next layer's h_pre), {@code delta = dL/da}, and the parameter
   * gradients {@code dW}, {@code db}.
   */
  public final class Workspace {

    private final int capacity;
    private final float[][] a;
    private final float[][] z;
    private final float[][] delta;
    private final float[][] dz;
    /** dL/dW of each layer [out, in]. */
    public final float[][] dW;
    /** dL/db of each layer [out], null entries for bias-free layers. */
    public final float[][] db;
    private float[] x;
    private int rows;

    Workspace(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
      }
      this.capacity = capacity;
      int n = layers.length;
      a = new float[n][];
      z = new float[n][];
      delta = new float[n][];
      dz = new float[n][];
      dW = new float[n][];
      db = new float[n][];
      for (int l = 0; l < n; l++) {
        Dense d = layers[l];
        a[l] = new float[capacity * d.out];
        z[l] = d.act == Activation.LINEAR ? a[l] : new float[capacity * d.out];
        delta[l] = new float[capacity * d.out];
        dz[l] = l > 0 ? new float[capacity * d.in] : null;
        dW[l] = new float[d.w.length];
        db[l] = d.b == null ? null : new float[d.out];
      }
    }

    public int capacity() {
      return capacity;
    }

    /** Rows of the last forward pass. */
    public int rows() {
      return rows;
    }

    /** The network this workspace belongs to. */
    public Mlp net() {
      return Mlp.this;
    }

    /** (E1)-(E2) for every layer; returns the output [rows, outputSize] (owned here). */
    public float[] forward(Kernels k, float[] x, int rows) {
      if (rows < 1 || rows > capacity) {
        throw new IllegalArgumentException("batch of " + rows + " rows, capacity " + capacity);
      }
      this.x = x;
      this.rows = rows;
      float[] in = x;
      for (int l = 0; l < layers.length; l++) {
        layers[l].forward(k, rows, in, a[l], z[l]);
        in = z[l];
      }
      return in;
    }

    /** The network output of the last forward pass. */
    public float[] output() {
      return z[layers.length - 1];
    }

    /** The probe's h_pre of layer l: x for l = 0, else z of layer l-1 ([rows, in]). */
    public float[] hPre(int l) {
      return l == 0 ? x : z[l - 1];
    }

    /** The probe's h_post of layer l: its pre-activation a ([rows, out]). */
    public float[] hPost(int l) {
      return a[l];
    }

    /** dL/da of layer l from the last backward pass. */
    public float[] delta(int l) {
      return delta[l];
    }

    /**
     * Loss of the last forward pass, summed over its rows (E3)/(E4); also seeds the backward pass
     * with delta_L = scale * dloss/dout * act_L'(a_L) (E5). Returns the sum, not the mean.
     */
    public double loss(Loss loss, float[] y, int[] labels, float scale, Kernels k) {
      int last = layers.length - 1;
      Dense d = layers[last];
      double s = loss.sum(rows, d.out, z[last], y, labels, scale, delta[last]);
      if (d.act != Activation.LINEAR) {
        k.activateBackwardFromOutput(d.act, rows * d.out, z[last], 0, delta[last], 0,
            delta[last], 0);
      }
      return s;
    }

    /** Loss sum of the last forward pass without touching the backward buffers. */
    public double lossOnly(Loss loss, float[] y, int[] labels) {
      int last = layers.length - 1;
      return loss.sum(rows, layers[last].out, z[last], y, labels, 1f, null);
    }

    /**
     * Backprop (E5)-(E7) from delta_L set by {@link #loss}: fills dW and db of every layer
     * (added to them with {@code accumulate}).
     */
    public void backward(Kernels k, boolean accumulate) {
      for (int l = layers.length - 1; l >= 0; l--) {
        Dense d = layers[l];
        d.backwardParams(k, rows, delta[l], hPre(l), dW[l], db[l], accumulate);
        if (l > 0) {
          d.backwardInput(k, rows, delta[l], dz[l]);
          Dense prev = layers[l - 1];
          k.activateBackwardFromOutput(prev.act, rows * prev.out, z[l - 1], 0, dz[l], 0,
              delta[l - 1], 0);
        }
      }
    }

    /**
     * Direct feedback alignment (E20): the output layer as backprop; each hidden layer l gets
     * delta_l = (e B_l^T) * act'(a_l) with e = delta_L and the fixed {@code feedback[l]}
     * [out_l, outputSize]. Fills dW and db like {@link #backward}.
     */
    public void backwardDfa(Kernels k, float[][] feedback, boolean accumulate) {
      int last = layers.length - 1;
      float[] e = delta[last];
      int o = layers[last].out;
      for (int l = last; l >= 0; l--) {
        Dense d = layers[l];
        if (l < last) {
          dfaDelta(k, rows, o, d.out, e, feedback[l], d.act, a[l], delta[l]);
        }
        d.backwardParams(k, rows, delta[l], hPre(l), dW[l], db[l], accumulate);
      }
    }
  }

  /** (E20) delta = (e Bfb^T) * act'(a): e [rows, o], Bfb [h, o], a and delta [rows, h]. */
  public static void dfaDelta(Kernels k, int rows, int o, int h, float[] e, float[] bfb,
      Activation act, float[] a, float[] delta) {
    k.gemm(false, true, rows, h, o, 1f, e, 0, o, bfb, 0, o, 0f, delta, 0, h);
    k.activateBackward(act, rows * h, a, 0, delta, 0, delta, 0);
  }
}
