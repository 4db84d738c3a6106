package org.hebb4j.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Fashion-MNIST (or MNIST) in IDX form, as installed by Debian's dataset-fashion-mnist. */
public final class FashionMnist {

  /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** How to get the files, appended to the "not found" message of {@link DataException}. */
  public static final String INSTALL_HINT =
      "install it with 'sudo apt-get install dataset-fashion-mnist' or pass --data DIR";

  private FashionMnist() {}

  /**
   * Loads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from {@code dir}, gzipped or not
   * (spec/data.md#idx).
   *
   * @param dir the folder, e.g. {@link #DEFAULT_DIR}
   * @return train (60000) and test (10000) sets of [N, 1, H, W] images in [0, 1] (H = W = 28
   *     for Fashion-MNIST), 10 classes
   * @throws DataException if {@code dir} is not a directory, a file is missing or malformed, or
   *     the train and test image sizes differ; the message names the file
   */
  public static Dataset.Split load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DataException("Fashion-MNIST not found: " + dir + " is not a directory; "
          + INSTALL_HINT);
    }
    Dataset train = Idx.dataset("fashion-mnist-train", find(dir, "train-images-idx3-ubyte"),
        find(dir, "train-labels-idx1-ubyte"), 10);
    Dataset test = Idx.dataset("fashion-mnist-test", find(dir, "t10k-images-idx3-ubyte"),
        find(dir, "t10k-labels-idx1-ubyte"), 10);
    if (train.h() != test.h() || train.w() != test.w()) {
      throw new DataException(dir + ": train images are " + train.h() + "x" + train.w()
          + " but test images are " + test.h() + "x" + test.w());
    }
    return new Dataset.Split(train, test);
  }

  static Path find(Path dir, String base) {
    for (String name : new String[] {base + ".gz", base}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataException("Fashion-MNIST file " + base + "[.gz] missing in " + dir + "; "
        + INSTALL_HINT);
  }
}
