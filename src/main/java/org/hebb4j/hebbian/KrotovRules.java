package org.hebb4j.hebbian;

import org.hebb4j.kernel.Kernels;

/**
 * The learning rule of Krotov and Hopfield (spec/krotov.md): currents (KH1), ranking (KH2),
 * update (KH3) and step (KH4), from the equations. {@link KrotovLayer} calls these on
 * preallocated buffers; the {@code krotov_dense} test vectors call them directly.
 */
public final class KrotovRules {

  private KrotovRules() {}

  /**
   * {@code wp = sign(w) |w|^(p-1)} elementwise (the weights of (KH1)); exact for p = 2 and 3,
   * else {@link SoftHebbRules#pow} in double.
   *
   * @param p the Lebesgue exponent (finite, &gt;= 1)
   * @param n elements
   * @param w weights
   * @param wp output (overwritten)
   */
  public static void powWeights(double p, int n, float[] w, float[] wp) {
    for (int i = 0; i < n; i++) {
      float v = w[i];
      if (p == 2.0) {
        wp[i] = v;
      } else if (p == 3.0) {
        wp[i] = v * Math.abs(v);
      } else {
        float m = (float) SoftHebbRules.pow(Math.abs(v), p - 1);
        wp[i] = v < 0 ? -m : v > 0 ? m : 0f;
      }
    }
  }

  /**
   * (KH1) {@code I [b, out] = v wp^T}, wp from {@link #powWeights}.
   *
   * @param k kernels
   * @param b samples
   * @param in inputs
   * @param out units
   * @param v inputs [b, in]
   * @param wp transformed weights [out, in]
   * @param currents output [b, out] (overwritten)
   */
  public static void currents(Kernels k, int b, int in, int out, float[] v, float[] wp,
      float[] currents) {
    k.gemmNT(b, out, in, 1f, v, wp, 0f, currents);
  }

  /**
   * (KH2) For each sample: the unit with the largest current and the {@code k}-th largest
   * (order: current descending, index ascending, so ties go to the lower index).
   *
   * @param b samples
   * @param out units (at least k)
   * @param k rank of the anti-Hebbian unit (2 .. out)
   * @param currents [b, out]
   * @param top output: the winner of each sample [b]
   * @param kth output: the k-th ranked unit of each sample [b]
   * @param ranked workspace of k ints
   */
  public static void rank(int b, int out, int k, float[] currents, int[] top, int[] kth,
      int[] ranked) {
    for (int s = 0; s < b; s++) {
      int off = s * out, len = 0;
      for (int o = 0; o < out; o++) {
        float v = currents[off + o];
        // insert o among the best `len` (strictly greater values stay ahead: ties keep the
        // lower index first)
        int pos = len;
        while (pos > 0 && v > currents[off + ranked[pos - 1]]) {
          pos--;
        }
        if (pos < k) {
          int end = Math.min(len, k - 1);
          System.arraycopy(ranked, pos, ranked, pos + 1, end - pos);
          ranked[pos] = o;
          len = Math.min(len + 1, k);
        }
      }
      top[s] = ranked[0];
      kth[s] = ranked[k - 1];
    }
  }

  /**
   * (KH3) {@code ds = sum_b (g_b v_b^T - diag(g_b * I_b) W)} with g = 1 at {@code top}, -delta
   * at {@code kth}, 0 elsewhere; samples in order.
   *
   * @param k kernels
   * @param b samples
   * @param in inputs
   * @param out units
   * @param delta strength of the anti-Hebbian unit
   * @param v inputs [b, in] from {@code vOff}
   * @param vOff offset of v
   * @param w weights [out, in]
   * @param currents [b, out]
   * @param top winners [b]
   * @param kth k-th ranked units [b]
   * @param gi workspace [out]: {@code sum_b g_bo I_bo}
   * @param ds output [out, in] (overwritten)
   */
  public static void update(Kernels k, int b, int in, int out, float delta, float[] v,
      int vOff, float[] w, float[] currents, int[] top, int[] kth, double[] gi, float[] ds) {
    java.util.Arrays.fill(ds, 0, out * in, 0f);
    java.util.Arrays.fill(gi, 0, out, 0.0);
    for (int s = 0; s < b; s++) {
      int t = top[s], r = kth[s];
      k.axpy(in, 1f, v, vOff + s * in, ds, t * in);
      gi[t] += currents[s * out + t];
      if (delta != 0f) {
        k.axpy(in, -delta, v, vOff + s * in, ds, r * in);
        gi[r] -= (double) delta * currents[s * out + r];
      }
    }
    for (int o = 0; o < out; o++) {
      if (gi[o] != 0) {
        k.axpy(in, (float) -gi[o], w, o * in, ds, o * in);
      }
    }
  }

  /**
   * (KH4) {@code w += eps ds / max(max|ds|, 1e-30)}.
   *
   * @param n elements
   * @param w weights (updated)
   * @param ds update
   * @param eps the step size of this epoch
   * @return {@code max|ds|}
   */
  public static float step(int n, float[] w, float[] ds, double eps) {
    float max = 0f;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.abs(ds[i]));
    }
    double f = eps / Math.max((double) max, 1e-30);
    for (int i = 0; i < n; i++) {
      w[i] = (float) Math.fma(f, ds[i], w[i]);
    }
    return max;
  }
}
