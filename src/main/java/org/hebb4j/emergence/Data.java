package org.hebb4j.emergence;

/**
 * A training or evaluation set: {@code n} rows of {@code x} ([n, d]) with regression targets
 * {@code y} ([n, o]) or class labels ({@code labels}, [n], with {@code o} classes).
 *
 * @param x inputs [n, d]
 * @param d the input width
 * @param y targets [n, o], or null with labels
 * @param labels labels [n] in [0, o), or null with targets
 * @param o the target width or the number of classes
 * @param n the rows
 */
public record Data(float[] x, int d, float[] y, int[] labels, int o, int n) {

  /**
   * Checks the sizes. See spec/emergence.md#sre.
   *
   * @param x inputs [n, d]
   * @param d the input width
   * @param y targets [n, o], or null with labels
   * @param labels labels [n], or null with targets
   * @param o the target width or the number of classes
   * @param n the rows
   * @throws IllegalArgumentException when a length does not match or not exactly one of y and
   *     labels is given
   */
  public Data {
    if ((long) n * d != x.length) {
      throw new IllegalArgumentException(n + " rows of " + d + " do not match " + x.length);
    }
    if ((y == null) == (labels == null)) {
      throw new IllegalArgumentException("give exactly one of targets and labels");
    }
    if (y != null && (long) n * o != y.length) {
      throw new IllegalArgumentException(n + " targets of " + o + " do not match " + y.length);
    }
    if (labels != null && labels.length != n) {
      throw new IllegalArgumentException(n + " rows but " + labels.length + " labels");
    }
  }

  /**
   * A regression set. See spec/emergence.md#sre.
   *
   * @param x inputs [n, d]
   * @param d the input width
   * @param y targets [n, o]
   * @param o the target width
   * @return the set
   */
  public static Data regression(float[] x, int d, float[] y, int o) {
    return new Data(x, d, y, null, o, x.length / d);
  }

  /**
   * A classification set. See spec/emergence.md#sce.
   *
   * @param x inputs [n, d]
   * @param d the input width
   * @param labels labels [n]
   * @param classes the number of classes
   * @return the set
   */
  public static Data classification(float[] x, int d, int[] labels, int classes) {
    return new Data(x, d, null, labels, classes, labels.length);
  }

  /**
   * Whether the set has class labels. See spec/emergence.md#sre.
   *
   * @return labels != null
   */
  public boolean hasLabels() {
    return labels != null;
  }

  /**
   * Copies rows {@code idx[from .. from+rows)} into the batch buffers (no allocation).
   * See spec/emergence.md#sre.
   *
   * @param idx row indices in [0, n); entries [from, from + rows) are used
   * @param from the first entry of idx to use
   * @param rows the number of rows
   * @param xb receives the inputs [rows, d]
   * @param yb receives the targets [rows, o] (regression)
   * @param lb receives the labels [rows] (classification)
   */
  public void gather(int[] idx, int from, int rows, float[] xb, float[] yb, int[] lb) {
    for (int r = 0; r < rows; r++) {
      int i = idx[from + r];
      System.arraycopy(x, i * d, xb, r * d, d);
      if (y != null) {
        System.arraycopy(y, i * o, yb, r * o, o);
      } else {
        lb[r] = labels[i];
      }
    }
  }
}
