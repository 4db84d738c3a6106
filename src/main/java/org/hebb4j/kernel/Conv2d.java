package org.hebb4j.kernel;

import java.util.Arrays;

/**
 * Convolution through im2col + GEMM, shared by both kernel implementations (the GEMM is the
 * implementation's own). spec/kernels.md#conv2d, equations (K12)-(K15) and the im2col identity
 * (K18). One image at a time, so the workspace is one image's panel.
 */
public final class Conv2d {

  private Conv2d() {}

  /**
   * (K18) col[(ci kh + i) kw + j][oy ow + ox] = x[xOff + ci h w + (oy s - pad + i) w + ox s - pad
   * + j], 0 outside the image; {@code xOff} selects the image. Each panel row is copied as one
   * block of valid columns between two runs of zeros.
   *
   * @param s the geometry
   * @param x input batch [n, c, h, w]
   * @param xOff offset of the image, c h w floats
   * @param col the panel [c kh kw, oh ow], {@link Conv2dShape#colSize()} floats, overwritten
   * @throws IllegalArgumentException on a null shape, a bad offset or a short or null array
   *     (spec/kernels.md#checks)
   */
  public static void im2col(Conv2dShape s, float[] x, int xOff, float[] col) {
    Check.im2col("im2col", s, x, "x", xOff, col);
    int oh = s.oh(), ow = s.ow(), p = oh * ow, st = s.stride();
    int row = 0;
    for (int ci = 0; ci < s.c(); ci++) {
      int plane = xOff + ci * s.h() * s.w();
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int dst = row * p;
          int x0 = j - s.pad();
          int lo = validFrom(x0, st), hi = validTo(x0, st, s.w(), ow);
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * st - s.pad() + i, d = dst + oy * ow;
            if (iy < 0 || iy >= s.h() || lo >= hi) {
              Arrays.fill(col, d, d + ow, 0f);
              continue;
            }
            Arrays.fill(col, d, d + lo, 0f);
            int src = plane + iy * s.w() + x0;
            if (st == 1) {
              System.arraycopy(x, src + lo, col, d + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++) {
                col[d + ox] = x[src + ox * st];
              }
            }
            Arrays.fill(col, d + hi, d + ow, 0f);
          }
        }
      }
    }
  }

  /** First output column ox with ox * stride + x0 >= 0. */
  private static int validFrom(int x0, int stride) {
    return x0 >= 0 ? 0 : (-x0 + stride - 1) / stride;
  }

  /** One past the last output column ox (below ow) with ox * stride + x0 < w. */
  private static int validTo(int x0, int stride, int w, int ow) {
    if (x0 >= w) {
      return 0;
    }
    return Math.min(ow, (w - 1 - x0) / stride + 1);
  }

  /**
   * Adjoint of {@link #im2col}: dx[image at dxOff] += the panel's entries where they came from.
   *
   * @param s the geometry
   * @param col the panel [c kh kw, oh ow]
   * @param dx input-gradient batch [n, c, h, w], added to
   * @param dxOff offset of the image, c h w floats
   * @throws IllegalArgumentException on a null shape, a bad offset or a short or null array
   *     (spec/kernels.md#checks)
   */
  public static void col2imAdd(Conv2dShape s, float[] col, float[] dx, int dxOff) {
    Check.im2col("col2imAdd", s, dx, "dx", dxOff, col);
    int oh = s.oh(), ow = s.ow(), p = oh * ow, st = s.stride();
    int row = 0;
    for (int ci = 0; ci < s.c(); ci++) {
      int plane = dxOff + ci * s.h() * s.w();
      for (int i = 0; i < s.kh(); i++) {
        for (int j = 0; j < s.kw(); j++, row++) {
          int src = row * p;
          int x0 = j - s.pad();
          int lo = validFrom(x0, st), hi = validTo(x0, st, s.w(), ow);
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * st - s.pad() + i;
            if (iy < 0 || iy >= s.h()) {
              continue;
            }
            int d = plane + iy * s.w() + x0, c0 = src + oy * ow;
            for (int ox = lo; ox < hi; ox++) {
              dx[d + ox * st] += col[c0 + ox];
            }
          }
        }
      }
    }
  }

  /** (K12) y[n] = W col(x[n]) + b. */
  static void forward(Kernels k, Conv2dShape s, float[] x, float[] w, float[] b, float[] y,
      float[] col) {
    Check.conv2dForward(s, x, w, b, y, col);
    int o = s.o(), p = s.positions(), q = s.patchSize();
    for (int img = 0; img < s.n(); img++) {
      im2col(s, x, img * s.c() * s.h() * s.w(), col);
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
    Check.conv2dBackwardData(s, dy, w, dx, col);
    int o = s.o(), p = s.positions(), q = s.patchSize();
    Arrays.fill(dx, 0, s.inputSize(), 0f);
    for (int img = 0; img < s.n(); img++) {
      k.gemm(true, false, q, p, o, 1f, w, 0, q, dy, img * o * p, p, 0f, col, 0, p);
      col2imAdd(s, col, dx, img * s.c() * s.h() * s.w());
    }
  }

  /** (K14) dw = sum_n dy[n] col(x[n])^T. */
  static void backwardWeights(Kernels k, Conv2dShape s, float[] x, float[] dy, float[] dw,
      float[] col) {
    Check.conv2dBackwardWeights(s, x, dy, dw, col);
    int o = s.o(), p = s.positions(), q = s.patchSize();
    for (int img = 0; img < s.n(); img++) {
      im2col(s, x, img * s.c() * s.h() * s.w(), col);
      k.gemm(false, true, o, q, p, 1f, dy, img * o * p, p, col, 0, p, img == 0 ? 0f : 1f, dw, 0, q);
    }
  }

  /** (K15) db_o = sum_n sum_p dy[n][o][p]. */
  static void backwardBias(Kernels k, Conv2dShape s, float[] dy, float[] db) {
    Check.conv2dBackwardBias(s, dy, db);
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
