package org.hebb4j.kernel;

/**
 * Geometry of 2-D average pooling without padding, spec/kernels.md#avgpool2d: input [n, c, h, w],
 * output [n, c, oh, ow] with oh = (h - size) / stride + 1.
 *
 * @param n batch size (images)
 * @param c channels
 * @param h input rows
 * @param w input columns
 * @param size window side
 * @param stride step between windows, in both directions
 */
public record Pool2dShape(int n, int c, int h, int w, int size, int stride) {

  /**
   * Checks the geometry (spec/kernels.md#checks).
   *
   * @param n batch size (images)
   * @param c channels
   * @param h input rows
   * @param w input columns
   * @param size window side
   * @param stride step between windows, in both directions
   * @throws IllegalArgumentException naming the argument and its value, e.g.
   *     "avgpool2d: size 3 &gt; h 2", when a size or the stride is below 1, the window does not fit
   *     the input, or the input would not fit a Java array
   */
  public Pool2dShape {
    String op = "avgpool2d";
    Check.positive(op, "n", n);
    Check.positive(op, "c", c);
    Check.positive(op, "h", h);
    Check.positive(op, "w", w);
    Check.positive(op, "size", size);
    Check.positive(op, "stride", stride);
    if (size > h || size > w) {
      throw Check.fail(op, "size " + size + " > " + (size > h ? "h " + h : "w " + w));
    }
    double input = (double) n * c * h * w;
    if (input > Integer.MAX_VALUE - 8) {
      throw Check.fail(op, "an input of " + (long) input + " floats does not fit a Java array");
    }
  }

  /**
   * Output rows: (h - size) / stride + 1. See spec/kernels.md#avgpool2d.
   *
   * @return oh
   */
  public int oh() { return (h - size) / stride + 1; }

  /**
   * Output columns: (w - size) / stride + 1. See spec/kernels.md#avgpool2d.
   *
   * @return ow
   */
  public int ow() { return (w - size) / stride + 1; }

  /**
   * Floats of the input x: n c h w. See spec/kernels.md#avgpool2d.
   *
   * @return the size
   */
  public int inputSize() { return Math.multiplyExact(n, Math.multiplyExact(c, h * w)); }

  /**
   * Floats of the output y: n c oh ow. See spec/kernels.md#avgpool2d.
   *
   * @return the size
   */
  public int outputSize() { return Math.multiplyExact(n, Math.multiplyExact(c, oh() * ow())); }
}
