package org.hebb4j.experiment.sweep;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32;
import org.hebb4j.io.FormatException;

/**
 * The lossless record of one finished cell of a sweep (spec/emergence.md#cell-records), the file
 * {@code cells/NNNNNN.cell} of a run folder: a header naming the command, the sweep's options
 * digest, its number of cells and this cell's index, then the cell's payload (its key and every
 * number the outputs use, doubles and floats as raw IEEE bits), then a CRC-32 of everything
 * before it. Big-endian throughout. A record that is truncated, altered or from another sweep is
 * refused with one line naming the file.
 */
public final class CellRecord {

  private CellRecord() {}

  /** The first bytes of every record. */
  private static final byte[] MAGIC = "HEBB4J-CELL\n".getBytes(StandardCharsets.US_ASCII);
  /** The record layout's version. */
  public static final int FORMAT = 1;
  /** The largest record read (a lying or foreign file is refused before it is read). */
  public static final long MAX_BYTES = 1L << 30;

  /** Writes a cell's payload. */
  @FunctionalInterface
  public interface Payload {
    /**
     * Writes the payload.
     *
     * @param out the stream
     * @throws IOException never for the in-memory stream
     */
    void writeTo(DataOutputStream out) throws IOException;
  }

  /**
   * The file name of cell {@code c}: six or more digits and {@code .cell}, e.g.
   * {@code 000042.cell}.
   *
   * @param c the cell's index
   * @return the name
   */
  public static String fileName(int c) {
    return String.format(Locale.ROOT, "%06d.cell", c);
  }

  /**
   * The cell index a record file name gives, or -1 when the name is not a record's.
   *
   * @param name a file name
   * @return the index, or -1
   */
  public static int index(String name) {
    if (!name.matches("\\d{6,9}\\.cell")) {
      return -1;
    }
    int c = Integer.parseInt(name.substring(0, name.length() - 5));
    return fileName(c).equals(name) ? c : -1;
  }

  /**
   * A record's bytes.
   *
   * @param command the sweep's command, e.g. "emergence"
   * @param digest the sweep's options digest
   * @param cells the sweep's number of cells
   * @param index this cell's index
   * @param payload writes the key and the numbers
   * @return the bytes of the file
   */
  public static byte[] encode(String command, String digest, int cells, int index,
      Payload payload) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      payload.writeTo(new DataOutputStream(body));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.size() + 128);
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeInt(FORMAT);
      out.writeUTF(command);
      out.writeUTF(digest);
      out.writeInt(cells);
      out.writeInt(index);
      out.writeInt(body.size());
      body.writeTo(out);
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
  }

  /**
   * Checks a record's header and CRC against the sweep and the cell the file should hold, and
   * opens its payload.
   *
   * @param file the file, for messages
   * @param bytes its content
   * @param command the sweep's command
   * @param digest the sweep's options digest
   * @param cells the sweep's number of cells
   * @param index the cell the file should hold
   * @return the payload
   * @throws FormatException "FILE: not a hebb4j cell record", "FILE: corrupt cell record (CRC
   *     ...)", "FILE: cell record of another sweep (...)" and the like, one line
   */
  public static In open(Path file, byte[] bytes, String command, String digest, int cells,
      int index) throws FormatException {
    In in = new In(file, ByteBuffer.wrap(bytes));
    for (byte b : MAGIC) {
      if (in.remaining() < 1 || in.buf.get() != b) {
        throw new FormatException(file + ": not a hebb4j cell record");
      }
    }
    if (bytes.length < MAGIC.length + 8) {
      throw new FormatException(file + ": truncated cell record (" + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (crc.getValue() != stored) {
      throw new FormatException(file + ": corrupt cell record (CRC-32 mismatch; delete it to run"
          + " the cell again)");
    }
    int format = in.readInt();
    if (format != FORMAT) {
      throw new FormatException(file + ": cell record format " + format + ", this hebb4j reads "
          + FORMAT);
    }
    String cmd = in.readString();
    String dig = in.readString();
    int n = in.readInt();
    int c = in.readInt();
    if (!cmd.equals(command) || !dig.equals(digest) || n != cells) {
      throw new FormatException(file + ": cell record of another sweep (" + cmd + ", options "
          + shortDigest(dig) + ", " + n + " cells; expected " + command + ", options "
          + shortDigest(digest) + ", " + cells + " cells)");
    }
    if (c != index) {
      throw new FormatException(file + ": holds cell " + c + ", not cell " + index);
    }
    int len = in.readInt();
    if (len != in.remaining() - 8) {
      throw new FormatException(file + ": payload length " + len + " does not match the file ("
          + (in.remaining() - 8) + " bytes)");
    }
    return new In(file, ByteBuffer.wrap(bytes, in.buf.position(), len).slice());
  }

  /** The first 12 hex digits of a digest, for messages. */
  static String shortDigest(String d) {
    return d.length() > 12 ? d.substring(0, 12) : d;
  }

  /** Reads a payload, every read bounded by the bytes left; faults name the file. */
  public static final class In {
    private final Path file;
    private final ByteBuffer buf;

    In(Path file, ByteBuffer buf) {
      this.file = file;
      this.buf = buf;
    }

    /**
     * The bytes not yet read.
     *
     * @return the count
     */
    public int remaining() {
      return buf.remaining();
    }

    private void need(long n, String what) throws FormatException {
      if (n < 0 || n > buf.remaining()) {
        throw new FormatException(file + ": truncated cell record (" + what + ": " + n
            + " bytes needed, " + buf.remaining() + " left)");
      }
    }

    /**
     * A big-endian int.
     *
     * @return the value
     * @throws FormatException when the payload ends
     */
    public int readInt() throws FormatException {
      need(4, "int");
      return buf.getInt();
    }

    /**
     * A big-endian long.
     *
     * @return the value
     * @throws FormatException when the payload ends
     */
    public long readLong() throws FormatException {
      need(8, "long");
      return buf.getLong();
    }

    /**
     * A double from its raw bits.
     *
     * @return the value
     * @throws FormatException when the payload ends
     */
    public double readDouble() throws FormatException {
      return Double.longBitsToDouble(readLong());
    }

    /**
     * A boolean (one byte, 0 or 1).
     *
     * @return the value
     * @throws FormatException when the payload ends or the byte is neither
     */
    public boolean readBoolean() throws FormatException {
      need(1, "boolean");
      byte b = buf.get();
      if (b != 0 && b != 1) {
        throw fault("boolean byte " + b);
      }
      return b == 1;
    }

    /**
     * A length (an int in [0, max]) checked against the bytes left at {@code bytesEach} each.
     *
     * @param what the length's name, for messages
     * @param bytesEach bytes per element that follow
     * @return the length
     * @throws FormatException for a negative or impossible length
     */
    public int readLength(String what, int bytesEach) throws FormatException {
      int n = readInt();
      if (n < 0) {
        throw fault(what + " length " + n);
      }
      need((long) n * bytesEach, what);
      return n;
    }

    /**
     * A string as {@link DataOutputStream#writeUTF} writes it.
     *
     * @return the value
     * @throws FormatException when the payload ends
     */
    public String readString() throws FormatException {
      need(2, "string length");
      int n = buf.getShort() & 0xffff;
      need(n, "string");
      byte[] b = new byte[n];
      buf.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * A length-prefixed array of doubles (raw bits).
     *
     * @param what its name, for messages
     * @return a new array
     * @throws FormatException when the payload ends
     */
    public double[] readDoubles(String what) throws FormatException {
      double[] v = new double[readLength(what, 8)];
      for (int i = 0; i < v.length; i++) {
        v[i] = buf.getDouble();
      }
      return v;
    }

    /**
     * A length-prefixed array of longs.
     *
     * @param what its name, for messages
     * @return a new array
     * @throws FormatException when the payload ends
     */
    public long[] readLongs(String what) throws FormatException {
      long[] v = new long[readLength(what, 8)];
      for (int i = 0; i < v.length; i++) {
        v[i] = buf.getLong();
      }
      return v;
    }

    /**
     * A length-prefixed array of floats (raw bits).
     *
     * @param what its name, for messages
     * @return a new array
     * @throws FormatException when the payload ends
     */
    public float[] readFloats(String what) throws FormatException {
      float[] v = new float[readLength(what, 4)];
      for (int i = 0; i < v.length; i++) {
        v[i] = buf.getFloat();
      }
      return v;
    }

    /**
     * Checks that the whole payload was read.
     *
     * @throws FormatException naming the bytes left over
     */
    public void end() throws FormatException {
      if (buf.hasRemaining()) {
        throw fault(buf.remaining() + " bytes after the payload");
      }
    }

    /**
     * A fault of this record: "FILE: bad cell record (WHAT)".
     *
     * @param what what is wrong
     * @return the exception to throw
     */
    public FormatException fault(String what) {
      return new FormatException(file + ": bad cell record (" + what + ")");
    }
  }

  /**
   * Writes a double array with its length.
   *
   * @param out the stream
   * @param v the values
   * @throws IOException from the stream
   */
  public static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
    out.writeInt(v.length);
    for (double x : v) {
      out.writeLong(Double.doubleToRawLongBits(x));
    }
  }

  /**
   * Writes a double's raw bits.
   *
   * @param out the stream
   * @param x the value
   * @throws IOException from the stream
   */
  public static void writeDouble(DataOutputStream out, double x) throws IOException {
    out.writeLong(Double.doubleToRawLongBits(x));
  }

  /**
   * Writes a long array with its length.
   *
   * @param out the stream
   * @param v the values
   * @throws IOException from the stream
   */
  public static void writeLongs(DataOutputStream out, long[] v) throws IOException {
    out.writeInt(v.length);
    for (long x : v) {
      out.writeLong(x);
    }
  }

  /**
   * Writes a float array with its length (raw bits).
   *
   * @param out the stream
   * @param v the values
   * @throws IOException from the stream
   */
  public static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float x : v) {
      out.writeInt(Float.floatToRawIntBits(x));
    }
  }
}
