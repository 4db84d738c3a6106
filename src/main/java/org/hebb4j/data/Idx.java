package org.hebb4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * IDX files (MNIST, Fashion-MNIST), plain or gzip (spec/data.md#idx). The header is checked first;
 * the payload is read in chunks, so a header that claims more data than the file holds ends in a
 * {@link DataException}, never an OutOfMemoryError.
 */
public final class Idx {

  private static final int UNSIGNED_BYTE = 0x08;

  private Idx() {}

  /**
   * An unsigned-byte IDX array: its dimensions and payload (spec/data.md#idx).
   *
   * @param dims the dimensions from the header, outermost first, each positive
   * @param data the row-major payload, exactly the product of {@code dims} bytes (unsigned)
   */
  public record Array(int[] dims, byte[] data) {}

  /**
   * Reads an unsigned-byte IDX array of rank {@code rank}, plain or gzip (spec/data.md#idx).
   * The header is validated before the payload is allocated.
   *
   * @param file the IDX file; a gzip stream is recognised by its magic bytes
   * @param rank the expected number of dimensions (3 for images, 1 for labels)
   * @return the dimensions and the payload
   * @throws DataException if the file is missing or unreadable, has a bad magic number, an element
   *     type other than unsigned byte, another rank, a dimension &lt;= 0, more than 2^31 values,
   *     or a payload shorter or longer than the header says; the message names the file
   */
  public static Array read(Path file, int rank) {
    try (InputStream in = open(file)) {
      byte[] head = readUpTo(in, 4, file, "header");
      if (head.length < 4 || head[0] != 0 || head[1] != 0) {
        throw new DataException(file + ": not an IDX file (bad magic number)");
      }
      if ((head[2] & 0xff) != UNSIGNED_BYTE) {
        throw new DataException(file + ": IDX element type 0x"
            + Integer.toHexString(head[2] & 0xff) + " is not unsigned byte (0x08)");
      }
      if (head[3] != rank) {
        throw new DataException(file + ": IDX array has " + head[3] + " dimensions, expected "
            + rank);
      }
      byte[] dimBytes = readUpTo(in, 4 * rank, file, "header");
      if (dimBytes.length < 4 * rank) {
        throw new DataException(file + ": truncated IDX header");
      }
      int[] dims = new int[rank];
      long size = 1;
      for (int i = 0; i < rank; i++) {
        int o = 4 * i;
        dims[i] = ((dimBytes[o] & 0xff) << 24) | ((dimBytes[o + 1] & 0xff) << 16)
            | ((dimBytes[o + 2] & 0xff) << 8) | (dimBytes[o + 3] & 0xff);
        if (dims[i] <= 0) {
          throw new DataException(file + ": IDX dimension " + i + " is " + dims[i]);
        }
        size *= dims[i];
        if (size > Integer.MAX_VALUE - 16) {
          throw new DataException(file + ": IDX header claims more than 2^31 values");
        }
      }
      byte[] data = readUpTo(in, (int) size, file, "data");
      if (data.length < size) {
        throw new DataException(file + ": truncated: header " + Arrays.toString(dims) + " needs "
            + size + " bytes of data, the file has " + data.length);
      }
      if (in.read() != -1) {
        throw new DataException(file + ": more data than the header " + Arrays.toString(dims)
            + " describes");
      }
      return new Array(dims, data);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file");
    } catch (ZipException | java.io.EOFException e) {
      throw new DataException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new DataException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /** Opens a file, decompressing when it starts with the gzip magic number. */
  static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read(), b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(raw, 1 << 16);
    }
    return raw;
  }

  /**
   * Reads up to {@code max} bytes, growing the buffer only as data actually arrives, so memory
   * follows the real file and not what its header claims.
   */
  static byte[] readUpTo(InputStream in, int max, Path file, String what) throws IOException {
    byte[] buf = new byte[Math.min(max, 1 << 16)]; // a lying header costs 64 KiB at most
    int n = 0;
    while (n < max) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(max, 2L * buf.length));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    return n == buf.length ? buf : Arrays.copyOf(buf, n);
  }

  /**
   * Images [n, rows, cols] and labels [n] as a one-channel {@link Dataset} of [n, 1, rows, cols]
   * values pixel / 255 in [0, 1] (spec/data.md#idx).
   *
   * @param name the data set's name
   * @param images an IDX file of rank 3
   * @param labels an IDX file of rank 1
   * @param classes the number of classes; every label must be below it
   * @return the labelled images
   * @throws DataException if either file is malformed (see {@link #read(Path, int)}), the counts
   *     differ, or a label is {@code >= classes}; the message names the file
   */
  public static Dataset dataset(String name, Path images, Path labels, int classes) {
    Array im = read(images, 3);
    Array lb = read(labels, 1);
    int n = im.dims()[0];
    if (lb.dims()[0] != n) {
      throw new DataException(labels + ": " + lb.dims()[0] + " labels for " + n + " images in "
          + images.getFileName());
    }
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = lb.data()[i] & 0xff;
      if (y[i] >= classes) {
        throw new DataException(labels + ": label " + y[i] + " at index " + i + " is outside 0.."
            + (classes - 1));
      }
    }
    return new Dataset(name, toUnit(im.data()), y, n, 1, im.dims()[1], im.dims()[2], classes);
  }

  /** Pixel bytes to float32 in [0, 1]: v / 255. */
  static float[] toUnit(byte[] bytes) {
    float[] x = new float[bytes.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (bytes[i] & 0xff) / 255f;
    }
    return x;
  }
}
