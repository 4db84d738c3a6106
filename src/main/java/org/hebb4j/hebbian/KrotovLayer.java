package org.hebb4j.hebbian;

import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.rng.Rng;

/**
 * A dense layer of competing hidden units trained by the rule of Krotov and Hopfield
 * (spec/krotov.md): currents (KH1), ranking (KH2), update (KH3), step (KH4). Workspaces are
 * allocated by the constructor for {@link KrotovConfig#batch()} samples; a full training batch
 * allocates nothing. Initial weights N(0, 1) from {@code rng.derive("init")}; the same seed gives
 * the same bits for any thread count of the kernels.
 */
public final class KrotovLayer {

  private final KrotovConfig config;
  private final Kernels k;
  private final float[] w;          // [O, I]
  private final float[] wp;         // sign(w) |w|^(p-1)
  private final float[] currents;   // [batch, O]
  private final float[] ds;         // [O, I]
  private final double[] gi;        // [O]
  private final int[] top;
  private final int[] kth;
  private final int[] ranked;
  private final long[] wins;
  private long step;
  private float lastMaxDs;

  /**
   * A layer with fresh N(0, 1) weights.
   *
   * @param config settings
   * @param k kernels
   * @param rng source of the initial weights
   */
  public KrotovLayer(KrotovConfig config, Kernels k, Rng rng) {
    this.config = config;
    this.k = k;
    int o = config.units(), in = config.inputs();
    w = new float[Math.multiplyExact(o, in)];
    wp = new float[w.length];
    ds = new float[w.length];
    currents = new float[Math.multiplyExact(config.batch(), o)];
    gi = new double[o];
    top = new int[config.batch()];
    kth = new int[config.batch()];
    ranked = new int[config.k()];
    wins = new long[o];
    rng.derive("init").fillGaussian(w, 0, w.length, 1f);
  }

  /**
   * The settings.
   *
   * @return the config
   */
  public KrotovConfig config() {
    return config;
  }

  /**
   * One step on {@code n} samples {@code v [n, I]} from {@code off} with step size {@code eps}
   * ({@link KrotovConfig#epsilon}): (KH1)-(KH4).
   *
   * @param v inputs (the paper: pixels in [0, 1])
   * @param off offset of the first sample
   * @param n samples, 1 .. batch
   * @param eps step size
   * @throws IllegalArgumentException if n is outside 1 .. batch or the samples lie outside v
   * @throws DivergedException when the weights become NaN or infinite
   */
  public void train(float[] v, int off, int n, double eps) {
    int o = config.units(), in = config.inputs();
    if (n < 1 || n > config.batch()) {
      throw new IllegalArgumentException("a training batch needs 1 .. " + config.batch()
          + " samples, got " + n);
    }
    if (off < 0 || (long) off + (long) n * in > v.length) {
      throw new IllegalArgumentException("samples [" + off + ", +" + n + " x " + in
          + ") out of range for length " + v.length);
    }
    KrotovRules.powWeights(config.p(), w.length, w, wp);
    k.gemmNT(n, o, in, 1f, v, off, wp, 0, 0f, currents, 0);
    KrotovRules.rank(n, o, config.k(), currents, top, kth, ranked);
    for (int s = 0; s < n; s++) {
      wins[top[s]]++;
    }
    KrotovRules.update(k, n, in, o, (float) config.delta(), v, off, w, currents, top, kth, gi,
        ds);
    lastMaxDs = KrotovRules.step(w.length, w, ds, eps);
    step++;
    for (float x : w) {
      if (!Float.isFinite(x)) {
        throw DivergedException.at(step, "Krotov layer weights");
      }
    }
  }

  /**
   * Currents {@code I = v (sign(W) |W|^(p-1))^T} of {@code n} samples: {@code out [n, O]}.
   *
   * @param v inputs [n, I] from {@code off}
   * @param off offset
   * @param n samples (any n &gt;= 0)
   * @param out destination [n, O] from 0
   * @throws IllegalArgumentException if the arrays are too short
   */
  public void currents(float[] v, int off, int n, float[] out) {
    int o = config.units(), in = config.inputs();
    if (n < 0 || off < 0 || (long) off + (long) n * in > v.length || (long) n * o > out.length) {
      throw new IllegalArgumentException("currents: " + n + " samples do not fit the arrays");
    }
    if (n == 0) {
      return;
    }
    KrotovRules.powWeights(config.p(), w.length, w, wp);
    k.gemmNT(n, o, in, 1f, v, off, wp, 0, 0f, out, 0);
  }

  /**
   * A copy of the weights {@code [O, I]}.
   *
   * @return the weights
   */
  public float[] weights() {
    return w.clone();
  }

  /**
   * Training steps taken.
   *
   * @return steps
   */
  public long step() {
    return step;
  }

  /**
   * max|ds| of the last step.
   *
   * @return the scale of (KH4)
   */
  public float lastMaxDs() {
    return lastMaxDs;
  }

  /**
   * Entropy (bits) of the winning units since the last {@link #resetStats()}.
   *
   * @return entropy; log2(O) when every unit wins equally often
   */
  public double winnerEntropy() {
    long total = 0;
    for (long x : wins) {
      total += x;
    }
    double ent = 0;
    for (long x : wins) {
      if (x > 0) {
        double q = (double) x / total;
        ent -= q * StrictMath.log(q) / StrictMath.log(2);
      }
    }
    return ent;
  }

  /**
   * Puts the training state (spec/io.md#checkpoints): weight, wins (since {@link #resetStats}),
   * step and last_max_ds.
   *
   * @param s the state to fill
   */
  public void saveState(org.hebb4j.io.Checkpoint.State s) {
    s.put("weight", w).put("wins", wins).putLong("step", step)
        .put("last_max_ds", new float[] {lastMaxDs});
  }

  /**
   * Restores a state put by {@link #saveState} into a layer of the same configuration.
   *
   * @param s the state
   * @throws IllegalArgumentException naming a missing array or one of the wrong length
   */
  public void loadState(org.hebb4j.io.Checkpoint.State s) {
    long st = s.getLong("step");
    float m = s.floats("last_max_ds", 1)[0];
    s.into("weight", w);
    s.into("wins", wins);
    step = st;
    lastMaxDs = m;
  }

  /** Restarts the winner counts. */
  public void resetStats() {
    java.util.Arrays.fill(wins, 0L);
  }
}
