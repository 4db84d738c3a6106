package org.hebb4j.hebbian;

import java.util.Arrays;
import org.hebb4j.kernel.Conv2dShape;

/**
 * Input patches of a convolution for one image at an offset (spec/kernels.md#conv2d (K18)): the
 * transposed im2col panel (the panel itself is {@code Conv2d.im2col}), and adding a single patch
 * into a row of a weight-shaped array. The shape's batch size is ignored; {@code xOff} selects
 * the image.
 */
public final class Patches {

  private Patches() {}

  /**
   * The transposed panel ("im2row"): rows[rOff + pos * patchSize() + (c kh + u) kw + v] =
   * x[image][c][i s - p + u][j s - p + v] for pos = i ow + j, 0 outside the image. Row pos is the
   * input patch under output position pos, contiguous. See spec/kernels.md#conv2d.
   *
   * @param s geometry (its n is ignored: one image)
   * @param x input images; the image read is [C, H, W] at {@code xOff}
   * @param xOff offset of the image in x
   * @param rows output [positions, patchSize] at {@code rOff}
   * @param rOff offset in rows
   */
  public static void im2row(Conv2dShape s, float[] x, int xOff, float[] rows, int rOff) {
    int oh = s.oh(), ow = s.ow(), q = s.patchSize(), hw = s.h() * s.w();
    int kh = s.kh(), kw = s.kw();
    for (int i = 0; i < oh; i++) {
      int y0 = i * s.stride() - s.pad();
      for (int j = 0; j < ow; j++) {
        int x0 = j * s.stride() - s.pad();
        int r = rOff + (i * ow + j) * q;
        boolean inside = y0 >= 0 && y0 + kh <= s.h() && x0 >= 0 && x0 + kw <= s.w();
        for (int c = 0; c < s.c(); c++) {
          int plane = xOff + c * hw;
          for (int u = 0; u < kh; u++) {
            int d = r + (c * kh + u) * kw;
            int iy = y0 + u;
            if (inside) {
              System.arraycopy(x, plane + iy * s.w() + x0, rows, d, kw);
              continue;
            }
            for (int v = 0; v < kw; v++) {
              int ix = x0 + v;
              rows[d + v] = (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w())
                  ? x[plane + iy * s.w() + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /**
   * dst[dOff + (c kh + u) kw + v] += x[image at xOff][c][i s - p + u][j s - p + v] for the output
   * position pos = i ow + j (terms outside the image are 0 and skipped).
   * See spec/kernels.md#conv2d.
   *
   * @param s geometry (one image)
   * @param x input images; the image read is [C, H, W] at {@code xOff}
   * @param xOff offset of the image in x
   * @param pos output position i ow + j
   * @param dst accumulator [patchSize] at {@code dOff}
   * @param dOff offset in dst
   */
  public static void addPatch(Conv2dShape s, float[] x, int xOff, int pos, float[] dst,
      int dOff) {
    int ow = s.ow(), hw = s.h() * s.w();
    int i = pos / ow, j = pos - i * ow;
    int y0 = i * s.stride() - s.pad(), x0 = j * s.stride() - s.pad();
    int kh = s.kh(), kw = s.kw();
    int uLo = Math.max(0, -y0), uHi = Math.min(kh, s.h() - y0);
    int vLo = Math.max(0, -x0), vHi = Math.min(kw, s.w() - x0);
    for (int c = 0; c < s.c(); c++) {
      int plane = xOff + c * hw;
      int wc = dOff + c * kh * kw;
      for (int u = uLo; u < uHi; u++) {
        int src = plane + (y0 + u) * s.w() + x0;
        int dr = wc + u * kw;
        for (int v = vLo; v < vHi; v++) {
          dst[dr + v] += x[src + v];
        }
      }
    }
  }
}
