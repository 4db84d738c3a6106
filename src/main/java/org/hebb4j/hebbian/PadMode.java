package org.hebb4j.hebbian;

import org.hebb4j.util.Named;

/**
 * How a convolution's input is padded (spec/softhebb.md#padding, (SH2)): with zeros, or by
 * reflection about the edge without repeating it (PyTorch's {@code mode='reflect'}, SoftHebb's
 * choice).
 */
public enum PadMode implements Named {
  /** Zeros outside the image (spec/kernels.md#conv2d). */
  ZEROS("zeros"),
  /** Row {@code -i} for {@code i < 0}, {@code 2(H-1) - i} for {@code i > H-1} (SH2). */
  REFLECT("reflect");

  private final String id;

  PadMode(String id) {
    this.id = id;
  }

  /**
   * The word used in options and test vectors. See spec/softhebb.md#padding.
   *
   * @return "zeros" or "reflect"
   */
  public String id() {
    return id;
  }

  /**
   * The constant named {@code s} ({@link Named#parse}). See spec/softhebb.md#padding.
   *
   * @param s "zeros" or "reflect"
   * @return the constant
   * @throws IllegalArgumentException for another word (one line, listing them)
   */
  public static PadMode parse(String s) {
    return Named.parse(PadMode.class, "padding mode", s);
  }

  /**
   * Checks that padding {@code p} is possible on an {@code h x w} image: any {@code p >= 0} for
   * zeros, {@code p <= h - 1} and {@code p <= w - 1} for reflection (as PyTorch).
   *
   * @param h image rows (at least 1)
   * @param w image columns (at least 1)
   * @param p padding on each side
   * @throws IllegalArgumentException naming the padding and the image size when impossible
   */
  public void check(int h, int w, int p) {
    if (p < 0) {
      throw new IllegalArgumentException("padding " + p + " is negative");
    }
    if (this == REFLECT && (p > h - 1 || p > w - 1)) {
      throw new IllegalArgumentException("reflect padding " + p + " needs an image of at least "
          + (p + 1) + "x" + (p + 1) + ", got " + h + "x" + w);
    }
  }

  /**
   * Pads {@code n} images of {@code c} channels, {@code h x w}, by {@code p} on every side:
   * {@code xp [n, c, h + 2p, w + 2p]} (overwritten) from {@code x [n, c, h, w]}. (SH2)
   *
   * @param n images
   * @param c channels
   * @param h rows
   * @param w columns
   * @param p padding on each side ({@link #check})
   * @param x input, read from {@code xOff}
   * @param xOff offset of the first image in {@code x}
   * @param xp padded output [n, c, h + 2p, w + 2p], written from 0
   * @throws IllegalArgumentException when {@link #check} fails
   */
  public void pad(int n, int c, int h, int w, int p, float[] x, int xOff, float[] xp) {
    check(h, w, p);
    int hp = h + 2 * p, wp = w + 2 * p;
    for (int plane = 0; plane < n * c; plane++) {
      int src = xOff + plane * h * w, dst = plane * hp * wp;
      for (int i = -p; i < h + p; i++) {
        int row = dst + (i + p) * wp;
        int ri = source(i, h);
        for (int j = -p; j < w + p; j++) {
          int rj = source(j, w);
          xp[row + j + p] = ri < 0 || rj < 0 ? 0f : x[src + ri * w + rj];
        }
      }
    }
  }

  /** The source index of padded index {@code i} in a side of {@code n}, -1 for a zero. */
  private int source(int i, int n) {
    if (i >= 0 && i < n) {
      return i;
    }
    if (this == ZEROS) {
      return -1;
    }
    return i < 0 ? -i : 2 * (n - 1) - i;
  }
}
