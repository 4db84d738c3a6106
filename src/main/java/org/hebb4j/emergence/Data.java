package org.hebb4j.emergence;

/**
 * A training or evaluation set: {@code n} rows of {@code x} ([n, d]) with regression targets
 * {@code y} ([n, o]) or class labels ({@code labels}, [n], with {@code o} classes).
 */
public record Data(float[] x, int d, float[] y, int[] labels, int o, int n) {

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

  public static Data regression(float[] x, int d, float[] y, int o) {
    return new Data(x, d, y, null, o, x.length / d);
  }

  public static Data classification(float[] x, int d, int[] labels, int classes) {
    return new Data(x, d, null, labels, classes, labels.length);
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** Copies rows {@code idx[from .. from+rows)} into the batch buffers (no allocation). */
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
