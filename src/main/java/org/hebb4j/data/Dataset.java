package org.hebb4j.data;

import java.util.Arrays;

/**
 * Labelled images, NCHW float32 in [0, 1] (pixel / 255), labels in [0, classes)
 * (spec/data.md#idx, spec/data.md#cifar10). Arrays are shared, not copied.
 *
 * @param name the data set's name, used in messages and reports, e.g. "fashion-mnist-train"
 * @param x [n, c, h, w] row-major: {@code n * c * h * w} values, image after image
 * @param labels [n] class indices, in [0, classes)
 * @param n the number of images
 * @param c channels per image (1 for Fashion-MNIST, 3 for CIFAR-10)
 * @param h image height in pixels
 * @param w image width in pixels
 * @param classes the number of classes (10 for both data sets)
 */
public record Dataset(String name, float[] x, int[] labels, int n, int c, int h, int w,
    int classes) {

  /**
   * Checks the sizes. See spec/data.md#idx.
   *
   * @param name the data set's name
   * @param x [n, c, h, w] row-major values in [0, 1]
   * @param labels [n] class indices in [0, classes)
   * @param n the number of images
   * @param c channels per image
   * @param h image height in pixels
   * @param w image width in pixels
   * @param classes the number of classes
   * @throws IllegalArgumentException if {@code x.length != n * c * h * w} or
   *     {@code labels.length != n}; the message names the data set
   */
  public Dataset {
    if ((long) n * c * h * w != x.length || labels.length != n) {
      throw new IllegalArgumentException("dataset " + name + ": " + n + " images of " + c + "x"
          + h + "x" + w + " do not match " + x.length + " values and " + labels.length
          + " labels");
    }
  }

  /**
   * Values per image. See spec/data.md#idx.
   *
   * @return {@code c * h * w}
   */
  public int features() {
    return c * h * w;
  }

  /**
   * The first {@code count} images, copied (this data set itself when count &gt;= n).
   * See spec/data.md#idx.
   *
   * @param count the number of images to keep, 0 or more
   * @return a data set of min(count, n) images with the same name, shape and classes
   * @throws NegativeArraySizeException if {@code count < 0}
   */
  public Dataset first(int count) {
    if (count >= n) {
      return this;
    }
    return new Dataset(name, Arrays.copyOf(x, count * features()), Arrays.copyOf(labels, count),
        count, c, h, w, classes);
  }

  /**
   * Train and test parts of a dataset.
   *
   * @param train the training images
   * @param test the held-out test images, of the same image shape
   */
  public record Split(Dataset train, Dataset test) {}
}
