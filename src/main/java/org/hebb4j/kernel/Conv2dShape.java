package org.hebb4j.kernel;

/**
 * Geometry of a 2-D convolution (cross-correlation), spec/kernels.md#conv2d: input [n, c, h, w],
 * weights [o, c, kh, kw], output [n, o, oh, ow] with oh = (h + 2 pad - kh) / stride + 1.
 */
public record Conv2dShape(int n, int c, int h, int w, int o, int kh, int kw, int stride, int pad) {

  public Conv2dShape {
    if (n < 1 || c < 1 || h < 1 || w < 1 || o < 1 || kh < 1 || kw < 1) {
      throw new IllegalArgumentException("conv2d: every size must be at least 1, got " + this);
    }
    if (stride < 1) {
      throw new IllegalArgumentException("conv2d: stride must be at least 1, got " + stride);
    }
    if (pad < 0) {
      throw new IllegalArgumentException("conv2d: padding must be non-negative, got " + pad);
    }
    if (h + 2 * pad < kh || w + 2 * pad < kw) {
      throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw
          + " is larger than the padded input " + (h + 2 * pad) + "x" + (w + 2 * pad));
    }
    long ohl = (h + 2L * pad - kh) / stride + 1;
    long owl = (w + 2L * pad - kw) / stride + 1;
    long most = Math.max(Math.max((long) n * c * h * w, (long) n * o * ohl * owl),
        Math.max((long) o * c * kh * kw, (long) c * kh * kw * ohl * owl));
    if (most > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("conv2d: tensors too large for a Java array: " + this);
    }
  }

  public int oh() { return (h + 2 * pad - kh) / stride + 1; }

  public int ow() { return (w + 2 * pad - kw) / stride + 1; }

  /** Rows of the im2col panel: c * kh * kw. */
  public int patchSize() { return c * kh * kw; }

  /** Output positions per image: oh * ow. */
  public int positions() { return oh() * ow(); }

  public int inputSize() { return Math.multiplyExact(n, Math.multiplyExact(c, h * w)); }

  public int weightSize() { return Math.multiplyExact(o, patchSize()); }

  public int outputSize() { return Math.multiplyExact(n, Math.multiplyExact(o, positions())); }

  /** Floats needed by the im2col workspace of one image. */
  public int colSize() { return Math.multiplyExact(patchSize(), positions()); }
}
