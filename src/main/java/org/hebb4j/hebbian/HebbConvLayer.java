package org.hebb4j.hebbian;

import java.util.Arrays;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.Pool2dShape;
import org.hebb4j.rng.Rng;

/**
 * One layer of a {@link HebbCnn} (spec/hebbcnn.md#network): its weights, pruning mask,
 * thresholds, geometry, and the buffers of one batch. Every array is allocated here, once.
 */
final class HebbConvLayer {

  final int index;                 // 0-based
  final HebbCnnConfig.Layer spec;
  final Conv2dShape conv;          // n = 1: one image
  final Pool2dShape pool;          // n = 1: one image's output
  final int inSize;                // C*H*W of the layer input
  final int outSize;               // O*PH*PW
  final float lr;
  final int k;                     // winners per position

  // parameters and state
  final float[] w;                 // [O, C, KH, KW]
  final float[] mask;              // same shape, 1 kept / 0 pruned; null when nothing is pruned
  SparseConv sparse;               // non-null for strongly pruned layers (rebuilt on load)
  final float[] theta;             // [O]

  // per-batch buffers
  final float[] in;                // standardised inputs [batch, C, H, W]
  final float[] rows;              // dense layers: input patches [batch, positions, Q] (im2row)
  final int[] win;                 // winners [batch, positions, k]
  final float[] pooled;            // outputs [batch, O, PH, PW]
  final float[] dw;                // [O, Q]
  final long[] batchWins;          // per channel, this batch
  final int[] bucket;              // (image * positions + pos) grouped by winner
  final int[] bucketStart;         // channel c's entries [start[c], start[c+1])

  // statistics since resetStats()
  final long[] statWins;
  long statSamples;
  final float[] w0;                // weights at the last resetStats()

  HebbConvLayer(int index, HebbCnnConfig.Layer spec, int c, int h, int wd, int capacity,
      boolean sparsePath, Rng rng) {
    this.index = index;
    this.spec = spec;
    conv = new Conv2dShape(1, c, h, wd, spec.channels(), spec.kernel(), spec.kernel(),
        spec.stride(), spec.padding());
    pool = new Pool2dShape(1, spec.channels(), conv.oh(), conv.ow(), spec.pool(), spec.pool());
    inSize = c * h * wd;
    outSize = pool.outputSize();
    int o = spec.channels(), q = conv.patchSize(), p = conv.positions();
    k = spec.k();
    lr = (float) spec.lr();
    theta = new float[o];
    w = new float[o * q];
    dw = new float[o * q];
    w0 = new float[o * q];
    in = new float[Math.multiplyExact(capacity, inSize)];
    win = new int[Math.multiplyExact(capacity, p * k)];
    pooled = new float[Math.multiplyExact(capacity, outSize)];
    batchWins = new long[o];
    bucket = new int[win.length];
    bucketStart = new int[o + 1];
    statWins = new long[o];
    mask = spec.keep() < 1.0 ? new float[o * q] : null;
    init(rng);
    System.arraycopy(w, 0, w0, 0, w.length);
    if (mask != null && sparsePath) {
      sparse = new SparseConv(conv, mask);
      rows = null;
    } else {
      rows = new float[Math.multiplyExact(capacity, Math.multiplyExact(p, q))];
    }
  }

  int channels() {
    return conv.o();
  }

  int pooledHeight() {
    return pool.oh();
  }

  int pooledWidth() {
    return pool.ow();
  }

  /** (N3) w = 0.01 N(0,1), then the mask (N2), then (N1); streams init/layerL, prune/layerL. */
  private void init(Rng rng) {
    String name = "layer" + (index + 1);
    Rng init = rng.derive("init").derive(name);
    init.fillGaussian(w, 0, w.length, 0.01f);
    int o = channels(), q = conv.patchSize();
    if (mask != null) {
      Rng pr = rng.derive("prune").derive(name);
      float keep = (float) spec.keep();
      for (int oc = 0; oc < o; oc++) {
        int kept = 0;
        for (int j = 0; j < q; j++) {
          if (pr.uniformFloat() < keep) {
            mask[oc * q + j] = 1f;
            kept++;
          }
        }
        if (kept == 0) { // never leave a filter without weights
          mask[oc * q + pr.nextInt(q)] = 1f;
        }
      }
    }
    for (int oc = 0; oc < o; oc++) {
      applyMaskAndNormalize(oc);
    }
  }

  /** (N2) w_o *= mask_o, then (N1) w_o /= ||w_o|| (left as is when the norm is 0). */
  void applyMaskAndNormalize(int oc) {
    int q = conv.patchSize(), off = oc * q;
    if (mask != null) {
      for (int j = 0; j < q; j++) {
        if (mask[off + j] == 0f) {
          w[off + j] = 0f;
        }
      }
    }
    double ss = 0;
    for (int j = 0; j < q; j++) {
      ss += (double) w[off + j] * w[off + j];
    }
    if (ss > 0) {
      float inv = (float) (1.0 / Math.sqrt(ss));
      for (int j = 0; j < q; j++) {
        w[off + j] *= inv;
      }
    }
  }

  /**
   * Forward pass (N4) of images i0..i1 of the batch, whose inputs are at {@code src[srcOff + i
   * inSize]}: (T1), the convolution (one GEMM for all of them, or the sparse taps), (C1)-(C3)
   * and the pooling (K16) into {@link #pooled}. {@code badLayer[i]}, when 0, is set to this
   * layer's number if image i's input is not finite.
   */
  void forward(Kernels kk, float[] src, int srcOff, int i0, int i1, HebbCnn.Workspace s,
      boolean triangle, int[] badLayer) {
    int o = conv.o(), p = conv.positions(), q = conv.patchSize(), m = i1 - i0;
    for (int i = i0; i < i1; i++) {
      // (T1) per-sample standardisation of the layer input (NaN propagates; reported later)
      if (!Standardize.sample(kk, inSize, src, srcOff + i * inSize, in, i * inSize,
          Standardize.EPS) && badLayer[i] == 0) {
        badLayer[i] = index + 1;
      }
      if (sparse == null) {
        Patches.im2row(conv, in, i * inSize, rows, i * p * q); // (K18), transposed
      }
    }
    if (sparse == null) {
      // (K12) u = W col for the task's images at once: [o, m p] = W [o, q] x rows^T [q, m p]
      kk.gemmNT(o, m * p, q, 1f, w, 0, rows, i0 * p * q, 0f, s.uAll, 0);
    }
    for (int i = i0; i < i1; i++) {
      if (sparse != null) {
        sparse.forward(w, in, i * inSize, s.u, s.ext); // kept taps only
      } else {
        int g = (i - i0) * p;
        for (int c = 0; c < o; c++) {
          System.arraycopy(s.uAll, c * m * p + g, s.u, c * p, p);
        }
      }
      // (C1) winners, (C2)/(C3) output, pooling (K16)
      Competition.winners(o, p, k, s.u, 0, theta, win, i * p * k, s.sum);
      if (triangle) {
        Competition.triangle(o, p, s.u, 0, theta, s.z, 0, s.sum);
      } else {
        Competition.binary(o, p, k, win, i * p * k, s.z, 0);
      }
      kk.avgPool2dForward(pool, s.z, s.pooled);
      System.arraycopy(s.pooled, 0, pooled, i * outSize, outSize);
    }
  }

  /** Counts this batch's wins per channel and groups the (image, position) pairs by winner. */
  void countWins(int n) {
    long[] cnt = batchWins;
    Arrays.fill(cnt, 0);
    int total = n * conv.positions() * k;
    for (int t = 0; t < total; t++) {
      int c = win[t];
      if (c >= 0) {
        cnt[c]++;
      }
    }
    for (int c = 0; c < cnt.length; c++) {
      statWins[c] += cnt[c];
    }
    statSamples += (long) n * conv.positions();
    // counting sort by winning channel, keeping the (image, position) order
    int[] start = bucketStart;
    start[0] = 0;
    for (int c = 0; c < cnt.length; c++) {
      start[c + 1] = start[c] + (int) cnt[c];
    }
    for (int t = 0; t < total; t++) {
      int c = win[t];
      if (c >= 0) {
        bucket[start[c]++] = t / k; // image * positions + pos
      }
    }
    for (int c = cnt.length; c > 0; c--) { // restore the starts
      start[c] = start[c - 1];
    }
    start[0] = 0;
  }

  /**
   * (H5) with the binary plasticity signal of (C2) for channels o0..o1:
   * {@code dw_o = sum over the (image, position) pairs o won of the input patch there}, minus
   * {@code wins_o w_o} for instar and Oja (y^2 = y); then {@code w_o += lr dw_o}, (N2), (N1).
   * Images and positions are visited in order, so the sums do not depend on threads.
   */
  void update(Kernels kk, HebbRule rule, int o0, int o1) {
    int q = conv.patchSize(), p = conv.positions();
    Arrays.fill(dw, o0 * q, o1 * q, 0f);
    for (int c = o0; c < o1; c++) {
      for (int e = bucketStart[c]; e < bucketStart[c + 1]; e++) { // (image, position) ascending
        int i = bucket[e] / p, pos = bucket[e] - i * p;
        if (sparse != null) {
          sparse.addKeptPatch(c, in, i * inSize, pos, dw, c * q);
        } else {
          int ro = bucket[e] * q, dOff = c * q; // the im2row row of (image, pos): its patch
          for (int j = 0; j < q; j++) {
            dw[dOff + j] += rows[ro + j];
          }
        }
      }
    }
    for (int c = o0; c < o1; c++) {
      if (rule != HebbRule.PLAIN) {
        kk.axpy(q, -(float) batchWins[c], w, c * q, dw, c * q);
      }
      kk.axpy(q, lr, dw, c * q, w, c * q);
      applyMaskAndNormalize(c);
    }
  }

  /** Puts this layer's training state under prefix {@code p} (spec/io.md#checkpoints). */
  void saveState(Checkpoint.State s, String p) {
    s.put(p + "weight", w).put(p + "theta", theta).put(p + "w0", w0).put(p + "wins", statWins)
        .putLong(p + "samples", statSamples);
    if (mask != null) {
      s.put(p + "mask", mask);
    }
  }

  /** Restores what {@link #saveState} put; IllegalArgumentException naming a missing array. */
  void loadState(Checkpoint.State s, String p) {
    s.into(p + "weight", w);
    s.into(p + "theta", theta);
    s.into(p + "w0", w0);
    s.into(p + "wins", statWins);
    statSamples = s.getLong(p + "samples");
    if (mask != null) {
      s.into(p + "mask", mask);
      if (sparse != null) {
        sparse = new SparseConv(conv, mask);
      }
    }
  }

  void resetStats() {
    Arrays.fill(statWins, 0);
    statSamples = 0;
    System.arraycopy(w, 0, w0, 0, w.length);
  }

  /** The statistics since {@link #resetStats()} (spec/hebbcnn.md#experiment, training log). */
  HebbCnn.LayerStats stats() {
    double tMean = 0, tMin = Double.MAX_VALUE, tMax = -Double.MAX_VALUE;
    for (float t : theta) {
      tMean += t;
      tMin = Math.min(tMin, t);
      tMax = Math.max(tMax, t);
    }
    tMean /= theta.length;
    double rMin = Double.MAX_VALUE, rMax = 0;
    int dead = 0;
    for (long wv : statWins) {
      double rate = (double) wv / statSamples;
      rMin = Math.min(rMin, rate);
      rMax = Math.max(rMax, rate);
      if (wv == 0) {
        dead++;
      }
    }
    int o = theta.length, q = w.length / o;
    double normSum = 0, diff = 0, ref = 0;
    for (int f = 0; f < o; f++) {
      double s = 0;
      for (int j = 0; j < q; j++) {
        s += (double) w[f * q + j] * w[f * q + j];
      }
      normSum += Math.sqrt(s);
    }
    for (int j = 0; j < w.length; j++) {
      float d = w[j] - w0[j]; // the value Math.pow(d, 2) squared before: d * d in double
      diff += (double) d * d;
      ref += (double) w0[j] * w0[j];
    }
    return new HebbCnn.LayerStats(o, tMean, tMin, tMax, (double) k / o, rMin, rMax, dead,
        normSum / o, Math.sqrt(diff / Math.max(ref, 1e-300)), statSamples);
  }
}
