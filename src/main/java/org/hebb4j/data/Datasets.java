package org.hebb4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Picks the reader for a data folder: CIFAR-10 binary batches, else Fashion-MNIST/MNIST IDX. */
public final class Datasets {

  private Datasets() {}

  /**
   * Loads the data set in {@code dir}: CIFAR-10 when {@link Cifar10#isCifarDir(Path)} says so,
   * else Fashion-MNIST/MNIST IDX files (spec/data.md#cifar10, spec/data.md#idx).
   *
   * @param dir the data folder
   * @return its train and test sets, images in [0, 1]
   * @throws DataException if the files are missing or malformed; the message names the file,
   *     or says the folder holds neither kind of data set
   */
  public static Dataset.Split load(Path dir) {
    if (Cifar10.isCifarDir(dir)) {
      return Cifar10.load(dir);
    }
    if (Files.isDirectory(dir) && !hasIdxFile(dir)) {
      throw new DataException("no Fashion-MNIST/IDX or CIFAR-10 files in " + dir + "; "
          + FashionMnist.INSTALL_HINT);
    }
    return FashionMnist.load(dir);
  }

  /** Whether {@code dir} holds a file named like an IDX file ({@code *-idx?-ubyte[.gz]}). */
  private static boolean hasIdxFile(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().matches(".*-idx\\d-ubyte(\\.gz)?"));
    } catch (IOException e) {
      throw new DataException(dir + ": cannot list (" + e.getMessage() + ")");
    }
  }
}
