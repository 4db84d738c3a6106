package org.hebb4j.hebbian;

import java.util.function.IntConsumer;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * One block of a {@link SoftHebbNet} (spec/softhebb.md#block): batch norm (SH1), padding (SH2),
 * convolution without bias (SH3), and while learning the soft winner-take-all signal and update
 * (SH4)-(SH5), then triangle^p (SH7) and the pool (SH8). Its weights, statistics and the buffers
 * of one batch; every array is allocated here, once.
 *
 * <p>The fast path (spec/softhebb.md#fast-path): the whole batch's patches are one im2col panel
 * {@code col [C K K, n P]} (column {@code i P + q} is image i's position q), so the convolution is
 * one GEMM {@code u = W col} {@code [O, n P]} and the first term of (SH5) one GEMM
 * {@code y col^T}. u, y and z are kept channel-major, {@code [O, n P]}; the per-position work
 * (SH4), (SH7) runs over blocks of {@link #COLS} columns, the decay term of (SH5) and the step
 * (SH6) over blocks of {@link #ROWS} channels, the im2col and the pool per image, spread over
 * the workers. Every chunk is fixed by the shape and computes its own outputs in one order, so
 * any thread count gives the same bits (spec/parallel.md (P1)).
 */
final class SoftHebbConv {

  /** Columns (image positions) per chunk of the per-position work. */
  static final int COLS = 64;
  /** Channels per chunk of the decay term and the step. */
  static final int ROWS = 32;

  final int index;                  // 0-based
  final SoftHebbConfig.Block spec;
  final int c;                      // input channels, rows, columns
  final int h;
  final int wd;
  final int ch;                     // conv output rows and columns
  final int cw;
  final int oh;                     // output rows and columns (after the pool)
  final int ow;
  final int positions;              // ch * cw
  final int patch;                  // C K K
  final BatchNorm2d bn;

  final float[] w;                  // [O, C, KH, KW]
  final float[] dw;                 // [O, C, KH, KW]
  final float[] rates;              // [O] of the last step

  final float[] normed;             // [batch, C, H, W]
  final float[] padded;             // [batch, C, H + 2p, W + 2p]
  final float[] col;                // [C K K, batch P]
  final float[] u;                  // [O, batch P]
  final float[] y;                  // [O, batch P]
  final float[] z;                  // [O, batch P]
  final float[] out;                // [batch, O, OH, OW]
  final double[] ex;                // [O, batch P] the exponentials of (SH4)
  final float[] best;               // [batch P] largest u of each column
  final int[] winner;               // [batch P]
  final double[] sums;              // [batch P] softmax denominators, then channel sums
  final float[] chunkMax;           // max|dw| of each chunk of ROWS channels
  final boolean[] chunkFinite;      // whether each chunk's weights are finite after the step

  final long[] wins;                // per channel since resetStats()
  float lastMaxDw;

  private final Workers workers;    // null: every chunk on the caller
  private int n;                    // images of the current call
  private double ratePower;         // of the current step
  private final IntConsumer im2colTask = this::im2col;
  private final IntConsumer softWtaTask = this::softWta;
  private final IntConsumer decayTask = this::decay;
  private final IntConsumer triangleTask = this::triangle;
  private final IntConsumer poolTask = this::pool;
  private final IntConsumer maxTask = this::maxAbsDw;
  private final IntConsumer stepTask = this::stepRows;

  SoftHebbConv(int index, SoftHebbConfig.Block spec, int c, int h, int wd, int batch,
      SoftHebbConfig cfg, Workers workers, Rng rng) {
    this.index = index;
    this.spec = spec;
    this.c = c;
    this.h = h;
    this.wd = wd;
    this.workers = workers;
    int p = spec.padding(), o = spec.channels(), kk = spec.kernel();
    spec.padMode().check(h, wd, p);
    bn = new BatchNorm2d(c, cfg.bnEps(), cfg.bnMomentum());
    ch = h + 2 * p - kk + 1;
    cw = wd + 2 * p - kk + 1;
    if (ch < 1 || cw < 1) {
      throw new IllegalArgumentException("block " + (index + 1) + ": kernel " + kk
          + " larger than the padded " + (h + 2 * p) + "x" + (wd + 2 * p) + " input");
    }
    positions = ch * cw;
    patch = Math.multiplyExact(c, kk * kk);
    SoftHebbConfig.Pool pool = spec.pool();
    oh = pool.out(ch);
    ow = pool.out(cw);
    int cols = Math.multiplyExact(batch, positions);
    w = new float[Math.multiplyExact(o, patch)];
    dw = new float[w.length];
    rates = new float[o];
    normed = new float[Math.multiplyExact(batch, c * h * wd)];
    padded = new float[Math.multiplyExact(batch, Math.multiplyExact(c, (h + 2 * p)
        * (wd + 2 * p)))];
    col = new float[Math.multiplyExact(patch, cols)];
    u = new float[Math.multiplyExact(o, cols)];
    y = new float[u.length];
    z = new float[u.length];
    out = new float[Math.multiplyExact(batch, o * oh * ow)];
    ex = new double[u.length];
    best = new float[cols];
    winner = new int[cols];
    sums = new double[cols];
    chunkMax = new float[(o + ROWS - 1) / ROWS];
    chunkFinite = new boolean[chunkMax.length];
    wins = new long[o];
    // (spec/softhebb.md#step) N(0, (25 / sqrt(fan_in))^2)
    rng.derive("init").derive("block" + (index + 1)).fillGaussian(w, 0, w.length,
        (float) (25.0 / Math.sqrt(patch)));
  }

  int channels() {
    return spec.channels();
  }

  int outSize() {
    return spec.channels() * oh * ow;
  }

  /**
   * Forward over {@code n} images {@code x [n, C, H, W]} from {@code off}; with {@code learn}
   * batch statistics and dw (SH5) (the step is {@link #step}), else running statistics. The
   * triangle and the pool ({@link #out}) only when {@code output}.
   */
  void forward(Kernels k, float[] x, int off, int n, boolean learn, boolean output) {
    this.n = n;
    int hw = h * wd, len = n * c * hw, o = spec.channels(), cols = n * positions;
    System.arraycopy(x, off, normed, 0, len);
    if (learn) {
      bn.train(n, hw, normed, normed);
    } else {
      bn.eval(n, hw, normed, normed);
    }
    spec.padMode().pad(n, c, h, wd, spec.padding(), normed, 0, padded);
    run(n, im2colTask);
    k.gemmNN(o, cols, patch, 1f, w, 0, col, 0, 0f, u, 0); // (SH3)
    if (learn) {
      run(chunks(cols, COLS), softWtaTask); // (SH4)
      for (int j = 0; j < cols; j++) {
        wins[winner[j]]++;
      }
      k.gemmNT(o, patch, cols, 1f, y, 0, col, 0, 0f, dw, 0); // (SH5), sum y x_patch
      run(chunks(o, ROWS), decayTask); // (SH5), - (sum y u) W
    }
    if (output) {
      run(chunks(cols, COLS), triangleTask); // (SH7)
      run(n, poolTask); // (SH8)
    }
  }

  /**
   * (SH6) with the dw of the last learning forward; returns max|dw|. {@link #finite()} tells
   * whether the new weights are finite.
   */
  float step(double ratePower) {
    this.ratePower = ratePower;
    int chunks = chunkMax.length;
    run(chunks, maxTask);
    float max = 0f;
    for (float m : chunkMax) {
      max = Math.max(max, m);
    }
    lastMaxDw = max;
    run(chunks, stepTask);
    return max;
  }

  /** Whether every weight was finite after the last {@link #step}. */
  boolean finite() {
    for (boolean f : chunkFinite) {
      if (!f) {
        return false;
      }
    }
    return true;
  }

  private void run(int chunks, IntConsumer task) {
    if (workers == null) {
      for (int i = 0; i < chunks; i++) {
        task.accept(i);
      }
    } else {
      workers.run(chunks, task);
    }
  }

  private static int chunks(int len, int per) {
    return (len + per - 1) / per;
  }

  /** Image {@code img}'s patches into columns {@code img P ..} of col (K18), stride 1, pad 0. */
  private void im2col(int img) {
    int kk = spec.kernel(), hp = h + 2 * spec.padding(), wp = wd + 2 * spec.padding();
    int cols = n * positions, row = 0;
    for (int ci = 0; ci < c; ci++) {
      int plane = (img * c + ci) * hp * wp;
      for (int i = 0; i < kk; i++) {
        for (int j = 0; j < kk; j++, row++) {
          int dst = row * cols + img * positions, src = plane + i * wp + j;
          for (int r = 0; r < ch; r++) {
            System.arraycopy(padded, src + r * wp, col, dst + r * cw, cw);
          }
        }
      }
    }
  }

  /** (SH4) over columns {@code [blk COLS, ..)}: as {@link SoftHebbRules#softWta}, per column. */
  private void softWta(int blk) {
    int o = spec.channels(), cols = n * positions;
    int j0 = blk * COLS, j1 = Math.min(cols, j0 + COLS);
    double tInv = (float) spec.tInv();
    for (int j = j0; j < j1; j++) {
      best[j] = u[j];
      winner[j] = 0;
      sums[j] = 0;
    }
    for (int oc = 1; oc < o; oc++) {
      int row = oc * cols;
      for (int j = j0; j < j1; j++) {
        float v = u[row + j];
        if (v > best[j]) {
          best[j] = v;
          winner[j] = oc;
        }
      }
    }
    for (int oc = 0; oc < o; oc++) {
      int row = oc * cols;
      for (int j = j0; j < j1; j++) {
        double e = PortableMath.exp(tInv * u[row + j] - tInv * best[j]);
        ex[row + j] = e;
        sums[j] += e;
      }
    }
    for (int oc = 0; oc < o; oc++) {
      int row = oc * cols;
      for (int j = j0; j < j1; j++) {
        double s = ex[row + j] / sums[j];
        y[row + j] = (float) (oc == winner[j] ? s : -s);
      }
    }
  }

  /** (SH5) {@code dw_o -= (sum y_o u_o) w_o} for channels {@code [blk ROWS, ..)}. */
  private void decay(int blk) {
    int o = spec.channels(), cols = n * positions;
    for (int oc = blk * ROWS; oc < Math.min(o, (blk + 1) * ROWS); oc++) {
      double yu = 0; // batch order, then position order
      for (int j = oc * cols; j < (oc + 1) * cols; j++) {
        yu = Math.fma(y[j], u[j], yu);
      }
      float f = (float) -yu;
      for (int i = oc * patch; i < (oc + 1) * patch; i++) {
        dw[i] = Math.fma(f, w[i], dw[i]);
      }
    }
  }

  /** (SH7) over columns {@code [blk COLS, ..)}: as {@link SoftHebbRules#trianglePower}. */
  private void triangle(int blk) {
    int o = spec.channels(), cols = n * positions;
    int j0 = blk * COLS, j1 = Math.min(cols, j0 + COLS);
    double power = spec.power();
    for (int j = j0; j < j1; j++) {
      sums[j] = 0;
    }
    for (int oc = 0; oc < o; oc++) {
      int row = oc * cols;
      for (int j = j0; j < j1; j++) {
        sums[j] += u[row + j];
      }
    }
    for (int j = j0; j < j1; j++) {
      best[j] = (float) (sums[j] / o); // the mean
    }
    for (int oc = 0; oc < o; oc++) {
      int row = oc * cols;
      for (int j = j0; j < j1; j++) {
        float v = u[row + j] - best[j];
        z[row + j] = v <= 0f ? 0f : power == 1.0 ? v : (float) PortableMath.pow(v, power);
      }
    }
  }

  /** (SH8) image {@code img}: every channel's plane of z into out [img, O, OH, OW]. */
  private void pool(int img) {
    int o = spec.channels(), cols = n * positions, plane = oh * ow;
    for (int oc = 0; oc < o; oc++) {
      pool(spec.pool(), ch, cw, z, oc * cols + img * positions, out, (img * o + oc) * plane);
    }
  }

  /**
   * (SH8) one {@code h x w} plane from {@code xOff} into {@code y} from {@code yOff}: the max
   * (padding -infinity) or the mean of (K16) (the sum in window order, then times 1 / size^2).
   */
  static void pool(SoftHebbConfig.Pool pool, int h, int w, float[] x, int xOff, float[] y,
      int yOff) {
    int size = pool.size(), st = pool.stride(), pad = pool.pad();
    int ph = pool.out(h), pw = pool.out(w);
    if (pool.kind() == SoftHebbConfig.PoolKind.AVG) {
      float inv = 1f / (size * size);
      for (int i = 0; i < ph; i++) {
        for (int j = 0; j < pw; j++) {
          float acc = 0f;
          for (int r = 0; r < size; r++) {
            int row = xOff + (i * st + r) * w + j * st;
            for (int cc = 0; cc < size; cc++) {
              acc += x[row + cc];
            }
          }
          y[yOff + i * pw + j] = acc * inv;
        }
      }
      return;
    }
    for (int i = 0; i < ph; i++) {
      int r0 = Math.max(0, i * st - pad), r1 = Math.min(h, i * st - pad + size);
      for (int j = 0; j < pw; j++) {
        int c0 = Math.max(0, j * st - pad), c1 = Math.min(w, j * st - pad + size);
        float m = Float.NEGATIVE_INFINITY;
        for (int r = r0; r < r1; r++) {
          int row = xOff + r * w;
          for (int cc = c0; cc < c1; cc++) {
            m = Math.max(m, x[row + cc]);
          }
        }
        y[yOff + i * pw + j] = m;
      }
    }
  }

  /** max|dw| over channels {@code [blk ROWS, ..)} into chunkMax[blk]. */
  private void maxAbsDw(int blk) {
    int o = spec.channels();
    float max = 0f;
    for (int i = blk * ROWS * patch; i < Math.min(o, (blk + 1) * ROWS) * patch; i++) {
      max = Math.max(max, Math.abs(dw[i]));
    }
    chunkMax[blk] = max;
  }

  /** (SH6) for channels {@code [blk ROWS, ..)}: as {@link SoftHebbRules#step}. */
  private void stepRows(int blk) {
    int o = spec.channels();
    int r0 = blk * ROWS, r1 = Math.min(o, r0 + ROWS);
    SoftHebbRules.stepRows(r0, r1, patch, w, dw, spec.lr(), ratePower, lastMaxDw, rates);
    boolean finite = true;
    for (int i = r0 * patch; i < r1 * patch; i++) {
      finite &= Float.isFinite(w[i]);
    }
    chunkFinite[blk] = finite;
  }

  /** Puts this block's training state under prefix {@code p} (spec/io.md#checkpoints). */
  void saveState(org.hebb4j.io.Checkpoint.State s, String p) {
    s.put(p + "weight", w).put(p + "rates", rates).put(p + "wins", wins)
        .put(p + "last_max_dw", new float[] {lastMaxDw});
    bn.saveState(s, p + "bn.");
  }

  /** Restores what {@link #saveState} put; IllegalArgumentException naming a bad array. */
  void loadState(org.hebb4j.io.Checkpoint.State s, String p) {
    s.into(p + "weight", w);
    s.into(p + "rates", rates);
    s.into(p + "wins", wins);
    lastMaxDw = s.floats(p + "last_max_dw", 1)[0];
    bn.loadState(s, p + "bn.");
  }
}
