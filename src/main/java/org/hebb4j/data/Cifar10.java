package org.hebb4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CIFAR-10 binary batches (spec/data.md#cifar10): records of 1 label byte and 3072 pixel bytes
 * (1024 red, 1024 green, 1024 blue, row-major 32x32). Sizes are checked before reading.
 */
public final class Cifar10 {

  private static final int RECORD = 1 + 3 * 32 * 32;

  /** How to get the files, appended to the "missing file" message of {@link DataException}. */
  public static final String INSTALL_HINT = "download the CIFAR-10 binary version "
      + "(cifar-10-binary.tar.gz) on a machine with network access, unpack it, and pass --data DIR";

  private Cifar10() {}

  /**
   * Whether {@code dir} (or its cifar-10-batches-bin subfolder) holds the batches, judged by the
   * presence of test_batch.bin (spec/data.md#cifar10). Reads no file.
   *
   * @param dir a folder, which need not exist
   * @return true when test_batch.bin is a regular file there
   */
  public static boolean isCifarDir(Path dir) {
    return Files.isRegularFile(resolve(dir).resolve("test_batch.bin"));
  }

  /**
   * Loads data_batch_1..5.bin (50000 training images) and test_batch.bin (10000 test images)
   * from {@code dir} or its cifar-10-batches-bin subfolder (spec/data.md#cifar10).
   *
   * @param dir the folder of the unpacked binary version
   * @return train and test sets of [N, 3, 32, 32] images in [0, 1], 10 classes
   * @throws DataException if a file is missing, unreadable, not a whole number of 3073-byte
   *     records, or holds a label outside 0..9; the message names the file
   */
  public static Dataset.Split load(Path dir) {
    Path d = resolve(dir);
    Path[] trainFiles = new Path[5];
    for (int i = 0; i < 5; i++) {
      trainFiles[i] = d.resolve("data_batch_" + (i + 1) + ".bin");
    }
    return new Dataset.Split(read("cifar10-train", trainFiles),
        read("cifar10-test", d.resolve("test_batch.bin")));
  }

  private static Path resolve(Path dir) {
    Path sub = dir.resolve("cifar-10-batches-bin");
    return Files.isDirectory(sub) ? sub : dir;
  }

  /**
   * Reads and concatenates batch files in the given order, validating each length before
   * allocating (spec/data.md#cifar10).
   *
   * @param name the data set's name, kept in {@link Dataset#name()}
   * @param files the batch files, each a whole number of 3073-byte records
   * @return [N, 3, 32, 32] images as pixel / 255 and their labels in 0..9
   * @throws DataException if a file is missing, unreadable, empty, not a whole number of records,
   *     holds a label outside 0..9, or the total is too large for one array; the message names
   *     the file
   */
  public static Dataset read(String name, Path... files) {
    long total = 0;
    for (Path f : files) {
      long size;
      try {
        size = Files.size(f);
      } catch (NoSuchFileException e) {
        throw new DataException("CIFAR-10 file missing: " + f + "; " + INSTALL_HINT);
      } catch (IOException e) {
        throw new DataException(f + ": cannot read (" + e.getMessage() + ")");
      }
      if (size == 0 || size % RECORD != 0) {
        throw new DataException(f + ": " + size + " bytes is not a whole number of "
            + RECORD + "-byte CIFAR-10 records (truncated or not a CIFAR-10 batch)");
      }
      total += size / RECORD;
    }
    if (total * (RECORD - 1) > Integer.MAX_VALUE - 16) {
      throw new DataException("CIFAR-10: too many records (" + total + ")");
    }
    int n = (int) total;
    float[] x = new float[n * (RECORD - 1)];
    int[] y = new int[n];
    int img = 0;
    for (Path f : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(f);
      } catch (IOException e) {
        throw new DataException(f + ": cannot read (" + e.getMessage() + ")");
      }
      for (int r = 0; r + RECORD <= bytes.length; r += RECORD, img++) {
        int label = bytes[r] & 0xff;
        if (label > 9) {
          throw new DataException(f + ": label " + label + " in record " + (r / RECORD)
              + " is outside 0..9");
        }
        y[img] = label;
        for (int i = 1; i < RECORD; i++) {
          x[img * (RECORD - 1) + i - 1] = (bytes[r + i] & 0xff) / 255f;
        }
      }
    }
    return new Dataset(name, x, y, n, 3, 32, 32, 10);
  }
}
