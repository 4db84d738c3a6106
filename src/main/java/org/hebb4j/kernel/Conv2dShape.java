package org.hebb4j.kernel;

/**
 * Geometry of a 2-D convolution (cross-correlation), spec/kernels.md#conv2d: input [n, c, h, w],
 * weights [o, c, kh, kw], output [n, o, oh, ow] with oh = (h + 2 pad - kh) / stride + 1.
 *
 * @param n batch size (images)
 * @param c input channels
 * @param h input rows
 * @param w input columns
 * @param o output channels (filters)
 * @param kh kernel rows
 * @param kw kernel columns
 * @param stride step between windows, in both directions
 * @param pad zero padding on all four sides
 */
public record Conv2dShape(int n, int c, int h, int w, int o, int kh, int kw, int stride, int pad) {

  /**
   * Checks the geometry (spec/kernels.md#checks).
   *
   * @param n batch size (images)
   * @param c input channels
   * @param h input rows
   * @param w input columns
   * @param o output channels (filters)
   * @param kh kernel rows
   * @param kw kernel columns
   * @param stride step between windows, in both directions
   * @param pad zero padding on all four sides
   * @throws IllegalArgumentException naming the argument and its value, e.g.
   *     "conv2d: kh 0 &lt; 1", when a size or the stride is below 1, pad is negative, the kernel
   *     does not fit the padded input, or a tensor would not fit a Java array
   */
  public Conv2dShape {
    String op = "conv2d";
    Check.positive(op, "n", n);
    Check.positive(op, "c", c);
    Check.positive(op, "h", h);
    Check.positive(op, "w", w);
    Check.positive(op, "o", o);
    Check.positive(op, "kh", kh);
    Check.positive(op, "kw", kw);
    Check.positive(op, "stride", stride);
    Check.size(op, "pad", pad);
    if (h + 2L * pad < kh || w + 2L * pad < kw) {
      throw Check.fail(op, "kernel kh " + kh + " x kw " + kw + " is larger than the padded input "
          + (h + 2L * pad) + "x" + (w + 2L * pad) + " (h " + h + ", w " + w + ", pad " + pad + ")");
    }
    // in double: a product of four ints can overflow a long
    double ohd = (h + 2L * pad - kh) / stride + 1, owd = (w + 2L * pad - kw) / stride + 1;
    double most = Math.max(Math.max((double) n * c * h * w, (double) n * o * ohd * owd),
        Math.max((double) o * c * kh * kw, (double) c * kh * kw * ohd * owd));
    if (most > Integer.MAX_VALUE - 8) {
      throw Check.fail(op, "a tensor of " + (long) most + " floats does not fit a Java array");
    }
  }

  /**
   * Output rows: (h + 2 pad - kh) / stride + 1. See spec/kernels.md#conv2d.
   *
   * @return oh
   */
  public int oh() { return (int) ((h + 2L * pad - kh) / stride + 1); }

  /**
   * Output columns: (w + 2 pad - kw) / stride + 1. See spec/kernels.md#conv2d.
   *
   * @return ow
   */
  public int ow() { return (int) ((w + 2L * pad - kw) / stride + 1); }

  /**
   * Rows of the im2col panel. See spec/kernels.md#conv2d.
   *
   * @return c kh kw
   */
  public int patchSize() { return c * kh * kw; }

  /**
   * Output positions per image. See spec/kernels.md#conv2d.
   *
   * @return oh ow
   */
  public int positions() { return oh() * ow(); }

  /**
   * Floats of the input x: n c h w. See spec/kernels.md#conv2d.
   *
   * @return the size
   */
  public int inputSize() { return Math.multiplyExact(n, Math.multiplyExact(c, h * w)); }

  /**
   * Floats of the weights w: o c kh kw. See spec/kernels.md#conv2d.
   *
   * @return the size
   */
  public int weightSize() { return Math.multiplyExact(o, patchSize()); }

  /**
   * Floats of the output y: n o oh ow. See spec/kernels.md#conv2d.
   *
   * @return the size
   */
  public int outputSize() { return Math.multiplyExact(n, Math.multiplyExact(o, positions())); }

  /**
   * Floats needed by the im2col workspace of one image. See spec/kernels.md#conv2d.
   *
   * @return c kh kw oh ow
   */
  public int colSize() { return Math.multiplyExact(patchSize(), positions()); }
}
