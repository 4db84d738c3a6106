package org.hebb4j.data;

import java.util.Arrays;

/**
 * Labelled images, NCHW float32 in [0, 1] (pixel / 255), labels in [0, classes).
 *
 * @param x {@code n * c * h * w} values, image after image
 */
public record Dataset(String name, float[] x, int[] labels, int n, int c, int h, int w,
    int classes) {

  public Dataset {
    if ((long) n * c * h * w != x.length || labels.length != n) {
      throw new IllegalArgumentException("dataset " + name + ": " + n + " images of " + c + "x"
          + h + "x" + w + " do not match " + x.length + " values and " + labels.length
          + " labels");
    }
  }

  /** Values per image: c * h * w. */
  public int features() {
    return c * h * w;
  }

  /** The first {@code count} images (all of them when count >= n). */
  public Dataset first(int count) {
    if (count >= n) {
      return this;
    }
    return new Dataset(name, Arrays.copyOf(x, count * features()), Arrays.copyOf(labels, count),
        count, c, h, w, classes);
  }

  /** Train and test parts of a dataset. */
  public record Split(Dataset train, Dataset test) {}
}
