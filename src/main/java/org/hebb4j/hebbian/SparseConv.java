package org.hebb4j.hebbian;

import java.util.Arrays;
import org.hebb4j.kernel.Conv2dShape;

/**
 * Convolution (K12, no bias) of one image with weights restricted to a fixed pruning mask: only
 * the kept taps are visited, so a layer keeping 1% of its weights costs about 1% of the dense
 * GEMM (spec/hebbcnn.md#performance). The mask is fixed for the network's life, the weight values
 * are read at every call. Each output sums its taps in index order, so the result does not depend
 * on threads (it differs from the GEMM path by float rounding only).
 */
final class SparseConv {

  private final Conv2dShape s;
  private final int[] start;   // taps of filter o: [start[o], start[o+1])
  private final int[] index;   // position of the tap inside the filter (c*kh + u)*kw + v
  private final int[] offset;  // input offset c*h*w + (u - pad)*w + (v - pad)
  private final int[] iLo;
  private final int[] iHi;     // valid output rows [iLo, iHi)
  private final int[] jLo;
  private final int[] jHi;     // valid output columns [jLo, jHi)

  SparseConv(Conv2dShape s, float[] mask) {
    this.s = s;
    int o = s.o(), q = s.patchSize();
    int nnz = 0;
    for (float m : mask) {
      if (m != 0f) {
        nnz++;
      }
    }
    start = new int[o + 1];
    index = new int[nnz];
    offset = new int[nnz];
    iLo = new int[nnz];
    iHi = new int[nnz];
    jLo = new int[nnz];
    jHi = new int[nnz];
    int t = 0, hw = s.h() * s.w(), st = s.stride(), p = s.pad();
    for (int oc = 0; oc < o; oc++) {
      start[oc] = t;
      for (int j = 0; j < q; j++) {
        if (mask[oc * q + j] == 0f) {
          continue;
        }
        int c = j / (s.kh() * s.kw()), r = j % (s.kh() * s.kw());
        int u = r / s.kw(), v = r % s.kw();
        index[t] = j;
        offset[t] = c * hw + (u - p) * s.w() + (v - p);
        // rows i with 0 <= i*st - p + u < h
        iLo[t] = Math.min(s.oh(), ceilDiv(Math.max(0, p - u), st));
        iHi[t] = Math.max(iLo[t], Math.min(s.oh(), floorDiv(s.h() - 1 + p - u, st) + 1));
        jLo[t] = Math.min(s.ow(), ceilDiv(Math.max(0, p - v), st));
        jHi[t] = Math.max(jLo[t], Math.min(s.ow(), floorDiv(s.w() - 1 + p - v, st) + 1));
        t++;
      }
    }
    start[o] = t;
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  private static int floorDiv(int a, int b) {
    return Math.floorDiv(a, b);
  }

  /** Number of kept taps. */
  int nonZeros() {
    return index.length;
  }

  /**
   * Floats of scratch {@link #forward(float[], float[], int, float[], float[])} needs: o * oh * w
   * (stride 1 and no padding), else 0.
   */
  int scratchSize() {
    return s.stride() == 1 && s.pad() == 0 ? s.o() * s.oh() * s.w() : 0;
  }

  /**
   * u [o, oh*ow] = conv(x image at xOff, w) over the kept taps. With stride 1 and no padding, each
   * tap is one long contiguous loop over an output laid out with the input's row stride (in
   * {@code ext}, at least {@link #scratchSize()} floats; columns past ow are dropped), which
   * performs the same additions in the same order as the row-by-row form.
   */
  void forward(float[] w, float[] x, int xOff, float[] u, float[] ext) {
    if (s.stride() != 1 || s.pad() != 0) {
      forward(w, x, xOff, u);
      return;
    }
    int o = s.o(), q = s.patchSize(), oh = s.oh(), ow = s.ow(), wd = s.w();
    int plane = oh * wd, len = (oh - 1) * wd + ow, positions = oh * ow;
    for (int oc = 0; oc < o; oc++) {
      int eb = oc * plane;
      Arrays.fill(ext, eb, eb + len, 0f);
      for (int t = start[oc]; t < start[oc + 1]; t++) {
        float wt = w[oc * q + index[t]];
        int base = xOff + offset[t];
        for (int m = 0; m < len; m++) {
          ext[eb + m] += wt * x[base + m];
        }
      }
      int ub = oc * positions;
      for (int i = 0; i < oh; i++) {
        System.arraycopy(ext, eb + i * wd, u, ub + i * ow, ow);
      }
    }
  }

  /**
   * dst[dOff + tap] += the input value under output position pos for every kept tap of filter oc
   * (the kept part of {@link Patches#addPatch}; the pruned part is discarded by the mask anyway).
   */
  void addKeptPatch(int oc, float[] x, int xOff, int pos, float[] dst, int dOff) {
    int ow = s.ow(), pi = pos / ow, pj = pos - pi * ow;
    int shift = pi * s.stride() * s.w() + pj * s.stride();
    for (int t = start[oc]; t < start[oc + 1]; t++) {
      if (pi >= iLo[t] && pi < iHi[t] && pj >= jLo[t] && pj < jHi[t]) {
        dst[dOff + index[t]] += x[xOff + offset[t] + shift];
      }
    }
  }

  /** u [o, oh*ow] = conv(x image at xOff, w) over the kept taps. */
  void forward(float[] w, float[] x, int xOff, float[] u) {
    int o = s.o(), q = s.patchSize(), ow = s.ow(), positions = s.positions();
    int st = s.stride(), wd = s.w();
    Arrays.fill(u, 0, o * positions, 0f);
    for (int oc = 0; oc < o; oc++) {
      int ub = oc * positions;
      for (int t = start[oc]; t < start[oc + 1]; t++) {
        float wt = w[oc * q + index[t]];
        int base = xOff + offset[t];
        int j0 = jLo[t], j1 = jHi[t];
        for (int i = iLo[t]; i < iHi[t]; i++) {
          int row = base + i * st * wd;
          int ur = ub + i * ow;
          if (st == 1) {
            for (int j = j0; j < j1; j++) {
              u[ur + j] += wt * x[row + j];
            }
          } else {
            for (int j = j0; j < j1; j++) {
              u[ur + j] += wt * x[row + j * st];
            }
          }
        }
      }
    }
  }
}
