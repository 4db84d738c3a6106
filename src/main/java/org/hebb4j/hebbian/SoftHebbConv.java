package org.hebb4j.hebbian;

import org.hebb4j.kernel.Conv2dShape;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.Pool2dShape;
import org.hebb4j.rng.Rng;

/**
 * One block of a {@link SoftHebbNet} (spec/softhebb.md#block): batch norm (SH1), padding (SH2),
 * convolution without bias (SH3), and while learning the soft winner-take-all signal and update
 * (SH4)-(SH5), then triangle^p (SH7) and the pool (SH8). Its weights, statistics and the buffers
 * of one batch; every array is allocated here, once.
 */
final class SoftHebbConv {

  final int index;                  // 0-based
  final SoftHebbConfig.Block spec;
  final int c;                      // input channels, rows, columns
  final int h;
  final int wd;
  final int oh;                     // output rows and columns (after the pool)
  final int ow;
  final BatchNorm2d bn;
  final Conv2dShape[] conv;         // conv[n]: n images over the padded input, pad 0
  final Pool2dShape[] avg;          // avg[n] for avg pools, else null

  final float[] w;                  // [O, C, KH, KW]
  final float[] dw;                 // [O, C, KH, KW]
  final float[] rates;              // [O] of the last step

  final float[] normed;             // [batch, C, H, W]
  final float[] padded;             // [batch, C, H + 2p, W + 2p]
  final float[] u;                  // [batch, O, CH, CW]
  final float[] y;                  // [batch, O, CH, CW]
  final float[] z;                  // [batch, O, CH, CW]
  final float[] out;                // [batch, O, OH, OW]
  final float[] col;                // im2col workspace of one image

  final long[] wins;                // per channel since resetStats()
  float lastMaxDw;

  SoftHebbConv(int index, SoftHebbConfig.Block spec, int c, int h, int wd, int batch,
      SoftHebbConfig cfg, Rng rng) {
    this.index = index;
    this.spec = spec;
    this.c = c;
    this.h = h;
    this.wd = wd;
    int p = spec.padding(), o = spec.channels();
    bn = new BatchNorm2d(c, cfg.bnEps(), cfg.bnMomentum());
    conv = new Conv2dShape[batch + 1];
    for (int n = 1; n <= batch; n++) {
      conv[n] = new Conv2dShape(n, c, h + 2 * p, wd + 2 * p, o, spec.kernel(), spec.kernel(), 1,
          0);
    }
    Conv2dShape one = conv[1];
    SoftHebbConfig.Pool pool = spec.pool();
    oh = pool.out(one.oh());
    ow = pool.out(one.ow());
    avg = pool.kind() == SoftHebbConfig.PoolKind.AVG ? new Pool2dShape[batch + 1] : null;
    for (int n = 1; avg != null && n <= batch; n++) {
      avg[n] = new Pool2dShape(n, o, one.oh(), one.ow(), pool.size(), pool.stride());
    }
    w = new float[one.weightSize()];
    dw = new float[w.length];
    rates = new float[o];
    normed = new float[Math.multiplyExact(batch, c * h * wd)];
    padded = new float[conv[batch].inputSize()];
    u = new float[conv[batch].outputSize()];
    y = new float[u.length];
    z = new float[u.length];
    out = new float[Math.multiplyExact(batch, o * oh * ow)];
    col = new float[one.colSize()];
    wins = new long[o];
    // (spec/softhebb.md#step) N(0, (25 / sqrt(fan_in))^2)
    rng.derive("init").derive("block" + (index + 1)).fillGaussian(w, 0, w.length,
        (float) (25.0 / Math.sqrt(one.patchSize())));
  }

  int channels() {
    return spec.channels();
  }

  int outSize() {
    return spec.channels() * oh * ow;
  }

  /**
   * Forward over {@code n} images {@code x [n, C, H, W]} from {@code off}; with {@code learn}
   * batch statistics and dw (SH5) (the step is {@link #step}), else running statistics.
   */
  void forward(Kernels k, float[] x, int off, int n, boolean learn) {
    int hw = h * wd, len = n * c * hw;
    System.arraycopy(x, off, normed, 0, len);
    if (learn) {
      bn.train(n, hw, normed, normed);
    } else {
      bn.eval(n, hw, normed, normed);
    }
    spec.padMode().pad(n, c, h, wd, spec.padding(), normed, 0, padded);
    Conv2dShape s = conv[n];
    k.conv2dForward(s, padded, w, null, u, col);
    int o = s.o(), p = s.positions(), per = o * p;
    if (learn) {
      float tInv = (float) spec.tInv();
      for (int i = 0; i < n; i++) {
        SoftHebbRules.softWta(o, p, tInv, u, i * per, y, i * per);
      }
      for (int i = 0; i < n * per; i++) {
        if (y[i] > 0f) { // the winner is the only positive signal (SH4)
          wins[(i / p) % o]++;
        }
      }
      SoftHebbRules.update(k, s, padded, u, y, w, dw, col);
    }
    System.arraycopy(u, 0, z, 0, n * per);
    for (int i = 0; i < n; i++) {
      SoftHebbRules.trianglePower(o, p, spec.power(), z, i * per);
    }
    if (avg != null) {
      k.avgPool2dForward(avg[n], z, out);
    } else {
      maxPool(n * o, s.oh(), s.ow(), spec.pool(), z, out);
    }
  }

  /** (SH6) with the dw of the last learning forward; returns max|dw|. */
  float step(double ratePower) {
    lastMaxDw = SoftHebbRules.step(spec.channels(), w.length / spec.channels(), w, dw,
        spec.lr(), ratePower, rates);
    return lastMaxDw;
  }

  /** (SH8) max pool over {@code planes} planes of {@code h x w}; padding is -infinity. */
  static void maxPool(int planes, int h, int w, SoftHebbConfig.Pool pool, float[] x, float[] y) {
    int size = pool.size(), st = pool.stride(), pad = pool.pad();
    int ph = pool.out(h), pw = pool.out(w);
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * h * w, dst = pl * ph * pw;
      for (int i = 0; i < ph; i++) {
        int r0 = Math.max(0, i * st - pad), r1 = Math.min(h, i * st - pad + size);
        for (int j = 0; j < pw; j++) {
          int c0 = Math.max(0, j * st - pad), c1 = Math.min(w, j * st - pad + size);
          float m = Float.NEGATIVE_INFINITY;
          for (int r = r0; r < r1; r++) {
            for (int cc = c0; cc < c1; cc++) {
              m = Math.max(m, x[src + r * w + cc]);
            }
          }
          y[dst + i * pw + j] = m;
        }
      }
    }
  }
}
