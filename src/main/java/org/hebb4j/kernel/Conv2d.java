package org.hebb4j.kernel;

import java.util.Arrays;

/**
 * Convolution through im2col + GEMM, shared by both kernel implementations (the GEMM is the
 * implementation's own). spec/kernels.md#conv2d, equations (K12)-(K15) and the im2col identity
 * (K18). One image at a time, so the workspace is one image's panel.
 */
final class Conv2d {

  private Conv2d() {}

  /** (K18) col[(ci kh + i) kw + j][oy ow + ox] = x[img][ci][oy s - pad + i][ox s - pad + j], 0 outside. */
  static void im2col(Conv2dShape s, float[] x, int img, float[] col) {
    int oh = s.oh(), ow = s.ow(), p = oh * ow;
    int xBase = img * s.c() * s.h() * s.w();
    int row = 0;
    for (int ci = 0; ci < s.c(); ci++) {
      int plane = xBase + ci * s.h() * s.w();
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int dst = row * p;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * s.stride() - s.pad() + i;
            if (iy < 0 || iy >= s.h()) {
              Arrays.fill(col, dst + oy * ow, dst + oy * ow + ow, 0f);
              continue;
            }
            int src = plane + iy * s.w();
            for (int ox = 0; ox < ow; ox++) {
              int ix = ox * s.stride() - s.pad() + j;
              col[dst + oy * ow + ox] = (ix >= 0 && ix < s.w()) ? x[src + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /** Adjoint of {@link #im2col}: dx[img] += the panel's entries at the pixels they came from. */
  static void col2imAdd(Conv2dShape s, float[] col, float[] dx, int img) {
    int oh = s.oh(), ow = s.ow(), p = oh * ow;
    int xBase = img * s.c() * s.h() * s.w();
    int row = 0;
    for (int ci = 0; ci < s.c(); ci++) {
      int plane = xBase + ci * s.h() * s.w();
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int src = row * p;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * s.stride() - s.pad() + i;
            if (iy < 0 || iy >= s.h()) {
              continue;
            }
            int dst = plane + iy * s.w();
            for (int ox = 0; ox < ow; ox++) {
              int ix = ox * s.stride() - s.pad() + j;
              if (ix >= 0 && ix < s.w()) {
                dx[dst + ix] += col[src + oy * ow + ox];
              }
            }
          }
        }
      }
    }
  }

  /** (K12) y[n] = W col(x[n]) + b. */
  static void forward(Kernels k, Conv2dShape s, float[] x, float[] w, float[] b, float[] y,
      float[] col) {
    int o = s.o(), p = s.positions(), q = s.patchSize();
    for (int img = 0; img < s.n(); img++) {
      im2col(s, x, img, col);
      int yOff = img * o * p;
      float beta = 0f;
      if (b != null) {
        for (int oc = 0; oc < o; oc++) {
          Arrays.fill(y, yOff + oc * p, yOff + (oc + 1) * p, b[oc]);
        }
        beta = 1f;
      }
      k.gemm(false, false, o, p, q, 1f, w, 0, q, col, 0, p, beta, y, yOff, p);
    }
  }

  /** (K13) dx[n] = col2im(W^T dy[n]). */
  static void backwardData(Kernels k, Conv2dShape s, float[] dy, float[] w, float[] dx,
      float[] col) {
    int o = s.o(), p = s.positions(), q = s.patchSize();
    Arrays.fill(dx, 0, s.inputSize(), 0f);
    for (int img = 0; img < s.n(); img++) {
      k.gemm(true, false, q, p, o, 1f, w, 0, q, dy, img * o * p, p, 0f, col, 0, p);
      col2imAdd(s, col, dx, img);
    }
  }

  /** (K14) dw = sum_n dy[n] col(x[n])^T. */
  static void backwardWeights(Kernels k, Conv2dShape s, float[] x, float[] dy, float[] dw,
      float[] col) {
    int o = s.o(), p = s.positions(), q = s.patchSize();
    for (int img = 0; img < s.n(); img++) {
      im2col(s, x, img, col);
      k.gemm(false, true, o, q, p, 1f, dy, img * o * p, p, col, 0, p, img == 0 ? 0f : 1f, dw, 0, q);
    }
  }

  /** (K15) db_o = sum_n sum_p dy[n][o][p]. */
  static void backwardBias(Kernels k, Conv2dShape s, float[] dy, float[] db) {
    int o = s.o(), p = s.positions();
    for (int oc = 0; oc < o; oc++) {
      float acc = 0f;
      for (int img = 0; img < s.n(); img++) {
        acc += k.sum(p, dy, (img * o + oc) * p);
      }
      db[oc] = acc;
    }
  }
}
