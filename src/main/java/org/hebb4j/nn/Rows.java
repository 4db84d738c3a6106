package org.hebb4j.nn;

/** Row-wise operations on row-major matrices that are not kernels (spec/emergence.md#loss). */
public final class Rows {

  private Rows() {}

  /**
   * The index in [0, n) of the largest of {@code x[off .. off+n)}, the first one on ties (a NaN
   * is never chosen over an earlier value, as in a {@code >} scan). Allocates nothing.
   * See spec/emergence.md#loss.
   *
   * @param x the values
   * @param off the first value's index
   * @param n the number of values, at least 1
   * @return the argmax, 0-based from {@code off}
   * @throws IllegalArgumentException if n &lt; 1 or the range lies outside x
   */
  public static int argmax(float[] x, int off, int n) {
    if (n < 1 || off < 0 || off > x.length - n) {
      throw new IllegalArgumentException("argmax of " + n + " values from offset " + off
          + " in an array of " + x.length);
    }
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (x[off + j] > x[off + best]) {
        best = j;
      }
    }
    return best;
  }

  /**
   * {@link #argmax(float[], int, int)} on doubles (decoder scores). See spec/emergence.md#loss.
   *
   * @param x the values
   * @param off the first value's index
   * @param n the number of values, at least 1
   * @return the argmax, 0-based from {@code off}
   * @throws IllegalArgumentException if n &lt; 1 or the range lies outside x
   */
  public static int argmax(double[] x, int off, int n) {
    if (n < 1 || off < 0 || off > x.length - n) {
      throw new IllegalArgumentException("argmax of " + n + " values from offset " + off
          + " in an array of " + x.length);
    }
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (x[off + j] > x[off + best]) {
        best = j;
      }
    }
    return best;
  }
}
