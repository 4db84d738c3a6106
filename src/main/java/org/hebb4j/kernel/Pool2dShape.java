package org.hebb4j.kernel;

/**
 * Geometry of 2-D average pooling without padding, spec/kernels.md#avgpool2d: input [n, c, h, w],
 * output [n, c, oh, ow] with oh = (h - size) / stride + 1.
 */
public record Pool2dShape(int n, int c, int h, int w, int size, int stride) {

  public Pool2dShape {
    if (n < 1 || c < 1 || h < 1 || w < 1) {
      throw new IllegalArgumentException("avgpool2d: every size must be at least 1, got " + this);
    }
    if (size < 1 || stride < 1) {
      throw new IllegalArgumentException("avgpool2d: size and stride must be at least 1");
    }
    if (size > h || size > w) {
      throw new IllegalArgumentException(
          "avgpool2d: window " + size + " is larger than the input " + h + "x" + w);
    }
    if ((long) n * c * h * w > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("avgpool2d: input too large for a Java array: " + this);
    }
  }

  public int oh() { return (h - size) / stride + 1; }

  public int ow() { return (w - size) / stride + 1; }

  public int inputSize() { return Math.multiplyExact(n, Math.multiplyExact(c, h * w)); }

  public int outputSize() { return Math.multiplyExact(n, Math.multiplyExact(c, oh() * ow())); }
}
