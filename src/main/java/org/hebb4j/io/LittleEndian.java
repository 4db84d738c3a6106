package org.hebb4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian array data in chunks of at most {@value #CHUNK} bytes, so that nothing but the
 * destination array grows with the data. Float bits are copied raw (NaN payloads, -0.0 and
 * subnormals unchanged).
 */
final class LittleEndian {

  static final int CHUNK = 1 << 16;

  private LittleEndian() {}

  static void writeFloats(OutputStream out, float[] src) throws IOException {
    byte[] b = new byte[(int) Math.min(CHUNK, 4L * src.length)];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < src.length; ) {
      int n = Math.min(b.length / 4, src.length - i);
      bb.clear();
      bb.asFloatBuffer().put(src, i, n);
      out.write(b, 0, 4 * n);
      i += n;
    }
  }

  static void writeInts(OutputStream out, int[] src) throws IOException {
    byte[] b = new byte[(int) Math.min(CHUNK, 4L * src.length)];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < src.length; ) {
      int n = Math.min(b.length / 4, src.length - i);
      bb.clear();
      bb.asIntBuffer().put(src, i, n);
      out.write(b, 0, 4 * n);
      i += n;
    }
  }

  /** Reads {@code 4 * dst.length} bytes of float32. */
  static void readFloats(InputStream in, float[] dst, String what) throws IOException {
    byte[] b = new byte[(int) Math.min(CHUNK, 4L * dst.length)];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < dst.length; ) {
      int n = Math.min(b.length / 4, dst.length - i);
      fill(in, b, 4 * n, 4L * i, 4L * dst.length, what);
      bb.clear();
      bb.asFloatBuffer().get(dst, i, n);
      i += n;
    }
  }

  /** Reads {@code 4 * dst.length} bytes of int32. */
  static void readInts(InputStream in, int[] dst, String what) throws IOException {
    byte[] b = new byte[(int) Math.min(CHUNK, 4L * dst.length)];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < dst.length; ) {
      int n = Math.min(b.length / 4, dst.length - i);
      fill(in, b, 4 * n, 4L * i, 4L * dst.length, what);
      bb.clear();
      bb.asIntBuffer().get(dst, i, n);
      i += n;
    }
  }

  /** Reads {@code 8 * dst.length} bytes of float64, each rounded to the nearest float32. */
  static void readDoublesAsFloats(InputStream in, float[] dst, String what) throws IOException {
    byte[] b = new byte[(int) Math.min(CHUNK, 8L * dst.length)];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < dst.length; ) {
      int n = Math.min(b.length / 8, dst.length - i);
      fill(in, b, 8 * n, 8L * i, 8L * dst.length, what);
      for (int j = 0; j < n; j++) {
        dst[i + j] = (float) bb.getDouble(8 * j);
      }
      i += n;
    }
  }

  /** Reads {@code 8 * dst.length} bytes of int64, each of which must fit in an int. */
  static void readLongsAsInts(InputStream in, int[] dst, String what) throws IOException {
    byte[] b = new byte[(int) Math.min(CHUNK, 8L * dst.length)];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < dst.length; ) {
      int n = Math.min(b.length / 8, dst.length - i);
      fill(in, b, 8 * n, 8L * i, 8L * dst.length, what);
      for (int j = 0; j < n; j++) {
        long v = bb.getLong(8 * j);
        if (v != (int) v) {
          throw new FormatException(what + ": int64 value " + v + " at flat index " + (i + j)
              + " does not fit in int32");
        }
        dst[i + j] = (int) v;
      }
      i += n;
    }
  }

  /** Reads exactly {@code len} bytes or fails naming how far the data got. */
  static void fill(InputStream in, byte[] b, int len, long done, long total, String what)
      throws IOException {
    int got = in.readNBytes(b, 0, len);
    if (got < len) {
      throw new FormatException(what + ": data ends after " + (done + got) + " of " + total
          + " bytes (truncated?)");
    }
  }
}
