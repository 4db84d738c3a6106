package org.hebb4j.data;

import java.nio.file.Path;

/** Picks the reader for a data folder: CIFAR-10 binary batches, else Fashion-MNIST/MNIST IDX. */
public final class Datasets {

  private Datasets() {}

  /**
   * Loads the data set in {@code dir}: CIFAR-10 when {@link Cifar10#isCifarDir(Path)} says so,
   * else Fashion-MNIST/MNIST IDX files (spec/data.md#cifar10, spec/data.md#idx).
   *
   * @param dir the data folder
   * @return its train and test sets, images in [0, 1]
   * @throws DataException if the files are missing or malformed; the message names the file
   */
  public static Dataset.Split load(Path dir) {
    return Cifar10.isCifarDir(dir) ? Cifar10.load(dir) : FashionMnist.load(dir);
  }
}
