package org.hebb4j.io;

import static org.hebb4j.json.Json.quote;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.hebb4j.tensor.Tensor;

/**
 * Reads and writes NumPy {@code .npz} archives (spec/io.md#npz): a zip file holding one
 * {@code NAME.npy} entry ({@link Npy}) per array.
 */
public final class Npz {

  /**
   * The largest ratio of an entry's declared size to its compressed size accepted: deflate
   * cannot compress better than about 1032 to 1, so a larger claim is a lie (a zip bomb).
   */
  static final long MAX_DEFLATE_RATIO = 1032;

  private static final LocalDateTime DOS_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

  private Npz() {}

  /**
   * Writes float32 arrays as an uncompressed {@code .npz}, like {@code numpy.savez}: one stored
   * (not deflated) entry {@code NAME.npy} per array, in the map's order, each a version 1.0
   * {@code <f4} {@code .npy} (spec/io.md#npz). Entries carry the fixed date 1980-01-01, so the
   * same arrays give the same bytes. The file is written to a temporary file in the same
   * directory and renamed into place (spec/io.md#writing).
   *
   * @param file the file to create or replace
   * @param arrays the arrays by name (the entry name without {@code .npy})
   * @throws IllegalArgumentException for a null or empty name or a null array
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Map<String, Tensor> arrays) throws IOException {
    for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
        throw new IllegalArgumentException(e.getKey() == null || e.getKey().isEmpty()
            ? "array name is null or empty" : "array " + quote(e.getKey()) + " is null");
      }
    }
    AtomicWrite.write(file, out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
        CRC32 crc = new CRC32();
        CheckedOutputStream counter = new CheckedOutputStream(OutputStream.nullOutputStream(),
            crc);
        Npy.writeTo(counter, e.getValue());
        long size = Npy.header(Npy.Descr.F4, e.getValue().shape()).length
            + 4L * e.getValue().size();
        ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(DOS_EPOCH);
        zip.putNextEntry(entry);
        Npy.writeTo(zip, e.getValue());
        zip.closeEntry();
      }
      zip.finish();
    });
  }

  /**
   * Reads a {@code .npz} archive written by {@code numpy.savez} or {@code numpy.savez_compressed}
   * (stored or deflated entries) as float32 arrays (spec/io.md#npz). Every entry must be a
   * {@code NAME.npy} of dtype {@code <f4} or {@code <f8} (see {@link Npy#read}). Each entry's
   * declared size is checked against its {@code .npy} header, and a deflated entry's against
   * {@value #MAX_DEFLATE_RATIO} times its compressed size, before its array is allocated; its
   * data must then match the declared size and CRC.
   *
   * @param file the file to read
   * @return the arrays by name without the {@code .npy} suffix, in the archive's order
   *     (unmodifiable)
   * @throws FormatException for a malformed archive or entry; the message names the file, the
   *     entry and the fault
   * @throws IOException if the file cannot be read
   */
  public static Map<String, Tensor> read(Path file) throws IOException {
    String label = file.toString();
    long fileSize = Files.size(file);
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
      // EOFException: a central directory that claims more than the file holds
      throw new FormatException(label + ": not a valid zip archive (" + message(e) + ")");
    }
    try (zip) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        String what = label + ": entry " + quote(e.getName());
        if (e.isDirectory() || !e.getName().endsWith(".npy")) {
          throw new FormatException(what + " is not a .npy file");
        }
        String name = e.getName().substring(0, e.getName().length() - 4);
        if (arrays.containsKey(name)) {
          throw new FormatException(what + " appears twice");
        }
        long size = e.getSize();
        long csize = e.getCompressedSize();
        if (size < 0 || csize < 0 || csize > fileSize) {
          throw new FormatException(what + ": declared sizes " + size + " and " + csize
              + " (compressed) are invalid for a " + fileSize + "-byte archive");
        }
        if (e.getMethod() == ZipEntry.STORED ? size != csize
            : size > Math.max(csize, 1) * MAX_DEFLATE_RATIO) {
          throw new FormatException(what + ": declared size " + size
              + " is impossible for " + csize + " compressed bytes");
        }
        arrays.put(name, entry(zip, e, size, what));
      }
    } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
      throw new FormatException(label + ": corrupt zip archive (" + message(e) + ")");
    }
    return Collections.unmodifiableMap(arrays);
  }

  private static Tensor entry(ZipFile zip, ZipEntry e, long size, String what)
      throws IOException {
    CRC32 crc = new CRC32();
    try (InputStream in = new CheckedInputStream(new BufferedInputStream(
        zip.getInputStream(e), LittleEndian.CHUNK), crc)) {
      Tensor t = Npy.readFloat(in, size, what);
      if (in.read() != -1) {
        throw new FormatException(what + ": holds more than its declared " + size + " bytes");
      }
      if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
        throw new FormatException(what + ": CRC-32 " + Long.toHexString(crc.getValue())
            + " differs from the declared " + Long.toHexString(e.getCrc()) + " (corrupt)");
      }
      return t;
    } catch (ZipException | java.io.EOFException x) {
      throw new FormatException(what + ": corrupt data (" + message(x) + ")");
    }
  }

  /** The JDK's reason, on one line (an EOFException has none). */
  private static String message(Exception e) {
    return e.getMessage() != null ? org.hebb4j.json.Json.printable(e.getMessage(), 200)
        : e instanceof java.io.EOFException ? "unexpected end of the file"
        : e.getClass().getSimpleName();
  }
}
