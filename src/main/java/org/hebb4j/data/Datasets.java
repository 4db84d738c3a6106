package org.hebb4j.data;

import java.nio.file.Path;

/** Picks the reader for a data folder: CIFAR-10 binary batches, else Fashion-MNIST/MNIST IDX. */
public final class Datasets {

  private Datasets() {}

  public static Dataset.Split load(Path dir) {
    return Cifar10.isCifarDir(dir) ? Cifar10.load(dir) : FashionMnist.load(dir);
  }
}
