package org.hebb4j.io;

import static org.hebb4j.json.Json.quote;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.json.Json;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/**
 * Reads and writes NumPy {@code .npy} files (spec/io.md#npy): a magic string, a version, a
 * Python-literal header {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} and
 * the row-major little-endian data. Writes version 1.0 with the byte layout of
 * {@code numpy.save}; reads versions 1.0, 2.0 and 3.0.
 */
public final class Npy {

  /** The largest header accepted, in bytes (the most a version 1.0 header can hold). */
  public static final int MAX_HEADER_LENGTH = 65535;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;
  /** numpy leaves room to grow the first dimension in place to this many digits. */
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;

  private Npy() {}

  /** The element types read; the first two are also written. */
  enum Descr {
    F4("<f4", 4), I4("<i4", 4), F8("<f8", 8), I8("<i8", 8);

    final String text;
    final int size;

    Descr(String text, int size) {
      this.text = text;
      this.size = size;
    }
  }

  /** A validated header: the data that follows holds exactly {@code count} elements. */
  record Header(Descr descr, int[] shape, int count) {}

  /**
   * Writes a float32 tensor as a version 1.0 {@code .npy} file of dtype {@code <f4}, byte for
   * byte what {@code numpy.save} writes for the same array (spec/io.md#npy). The file is written
   * to a temporary file in the same directory and renamed into place (spec/io.md#writing).
   *
   * @param file the file to create or replace
   * @param t the tensor, any shape (a scalar has shape {@code []})
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Tensor t) throws IOException {
    AtomicWrite.write(file, out -> writeTo(out, t));
  }

  /**
   * Writes an int32 tensor as a version 1.0 {@code .npy} file of dtype {@code <i4}
   * (spec/io.md#npy), through a temporary file renamed into place (spec/io.md#writing).
   *
   * @param file the file to create or replace
   * @param t the tensor, any shape
   * @throws IllegalArgumentException if the tensor's shape does not match its data
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, IntTensor t) throws IOException {
    int[] shape = t.shape().clone();
    if (Tensor.size(shape) != t.size()) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape)
          + " does not match the tensor's " + t.size() + " values");
    }
    AtomicWrite.write(file, out -> {
      out.write(header(Descr.I4, shape));
      LittleEndian.writeInts(out, t.data());
    });
  }

  static void writeTo(OutputStream out, Tensor t) throws IOException {
    out.write(header(Descr.F4, t.shape()));
    LittleEndian.writeFloats(out, t.data());
  }

  /**
   * Reads a {@code .npy} file as a float32 tensor (spec/io.md#npy). The dtype must be
   * {@code <f4}, or {@code <f8}, whose values are then rounded to the nearest float32 (values
   * beyond the float32 range become infinities). The header is validated, and the data size
   * checked against the file size, before anything is allocated.
   *
   * @param file the file to read
   * @return the tensor, of the file's shape
   * @throws FormatException for a malformed file, another dtype, or {@code fortran_order: True};
   *     the message names the file and the fault
   * @throws IOException if the file cannot be read
   */
  public static Tensor read(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file),
        LittleEndian.CHUNK)) {
      return readFloat(in, size, file.toString());
    }
  }

  /**
   * Reads a {@code .npy} file as an int32 tensor (spec/io.md#npy). The dtype must be
   * {@code <i4}, or {@code <i8} with every value within the int32 range. The header is
   * validated, and the data size checked against the file size, before anything is allocated.
   *
   * @param file the file to read
   * @return the tensor, of the file's shape
   * @throws FormatException for a malformed file, another dtype, an int64 value beyond int32,
   *     or {@code fortran_order: True}; the message names the file and the fault
   * @throws IOException if the file cannot be read
   */
  public static IntTensor readInt(Path file) throws IOException {
    long size = Files.size(file);
    String what = file.toString();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file),
        LittleEndian.CHUNK)) {
      Header h = readHeader(in, size, what);
      if (h.descr() != Descr.I4 && h.descr() != Descr.I8) {
        throw new FormatException(what + ": dtype " + h.descr().text
            + " is not an integer type (read it with Npy.read)");
      }
      int[] d = new int[h.count()];
      if (h.descr() == Descr.I4) {
        LittleEndian.readInts(in, d, what);
      } else {
        LittleEndian.readLongsAsInts(in, d, what);
      }
      return new IntTensor(h.shape(), d);
    }
  }

  /** A float tensor from {@code size} bytes of {@code .npy} (a file or a zip entry). */
  static Tensor readFloat(InputStream in, long size, String what) throws IOException {
    Header h = readHeader(in, size, what);
    if (h.descr() != Descr.F4 && h.descr() != Descr.F8) {
      throw new FormatException(what + ": dtype " + h.descr().text
          + " is not a floating-point type (read it with Npy.readInt)");
    }
    float[] d = new float[h.count()];
    if (h.descr() == Descr.F4) {
      LittleEndian.readFloats(in, d, what);
    } else {
      LittleEndian.readDoublesAsFloats(in, d, what);
    }
    return Tensor.of(d, h.shape());
  }

  /** The version 1.0 header bytes numpy writes: magic, version, length, padded dict, newline. */
  static byte[] header(Descr descr, int[] shape) {
    StringBuilder dict = new StringBuilder("{'descr': '").append(descr.text)
        .append("', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      dict.append(i > 0 ? ", " : "").append(shape[i]);
    }
    dict.append(shape.length == 1 ? ",), }" : "), }");
    if (shape.length > 0) {
      dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - String.valueOf(shape[0]).length()));
    }
    int hlen = dict.length() + 1;
    int pad = ALIGN - (MAGIC.length + 2 + 2 + hlen) % ALIGN;
    dict.append(" ".repeat(pad)).append('\n');
    byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
    return b.array();
  }

  /**
   * Reads and validates the header of {@code size} bytes of {@code .npy}: after it, exactly
   * {@code count * descr.size} bytes must remain.
   */
  static Header readHeader(InputStream in, long size, String what) throws IOException {
    if (size < MAGIC.length + 4) {
      throw new FormatException(what + ": " + size
          + " bytes are too short for a .npy header (truncated?)");
    }
    byte[] pre = in.readNBytes(MAGIC.length + 2);
    if (pre.length < MAGIC.length + 2
        || !Arrays.equals(Arrays.copyOf(pre, MAGIC.length), MAGIC)) {
      throw new FormatException(what + ": not a .npy file (no \\x93NUMPY magic string)");
    }
    int major = pre[6] & 0xff;
    int minor = pre[7] & 0xff;
    if (minor != 0 || major < 1 || major > 3) {
      throw new FormatException(what + ": .npy version " + major + "." + minor
          + " is not supported (1.0, 2.0 and 3.0 are)");
    }
    int lengthBytes = major == 1 ? 2 : 4;
    long prefix = MAGIC.length + 2 + lengthBytes;
    byte[] lb = in.readNBytes(lengthBytes);
    if (size < prefix || lb.length < lengthBytes) {
      throw new FormatException(what + ": file ends inside the .npy header (truncated?)");
    }
    ByteBuffer lbb = ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN);
    long hlen = major == 1 ? lbb.getShort() & 0xffffL : lbb.getInt() & 0xffffffffL;
    if (hlen > MAX_HEADER_LENGTH) {
      throw new FormatException(what + ": header length " + hlen + " exceeds the limit of "
          + MAX_HEADER_LENGTH + " bytes");
    }
    if (hlen > size - prefix) {
      throw new FormatException(what + ": header length " + hlen + " exceeds the "
          + (size - prefix) + " bytes that follow it (truncated?)");
    }
    byte[] hb = in.readNBytes((int) hlen);
    if (hb.length < hlen) {
      throw new FormatException(what + ": file ends inside the .npy header (truncated?)");
    }
    String text = new String(hb, major == 3 ? StandardCharsets.UTF_8
        : StandardCharsets.ISO_8859_1);
    Header h = new DictParser(text, what).header();
    long dataBytes = (long) h.count() * h.descr().size;
    long have = size - prefix - hlen;
    if (dataBytes != have) {
      throw new FormatException(what + ": shape " + tuple(h.shape()) + " of " + h.descr().text
          + " needs " + dataBytes + " data bytes, the file has " + have
          + (dataBytes > have ? " (truncated or a lying header?)" : ""));
    }
    return h;
  }

  private static String tuple(int[] shape) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return b.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /**
   * The header's Python dict literal, parsed strictly: exactly the keys {@code descr},
   * {@code fortran_order} and {@code shape}; strings in single or double quotes, without
   * escapes; {@code True}/{@code False}; a shape tuple of non-negative decimal integers (a
   * 1-tuple needs its comma); trailing whitespace only.
   */
  private static final class DictParser {
    private final String s;
    private final String what;
    private int pos;

    DictParser(String s, String what) {
      this.s = s;
      this.what = what;
    }

    Header header() throws FormatException {
      Map<String, Object> d = new LinkedHashMap<>();
      skipWs();
      expect('{');
      while (true) {
        skipWs();
        if (peek() == '}') {
          pos++;
          break;
        }
        int keyPos = pos;
        String key = string();
        skipWs();
        expect(':');
        skipWs();
        Object v = value();
        if (d.put(key, v) != null) {
          pos = keyPos;
          throw error("duplicate key " + quote(key));
        }
        skipWs();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      skipWs();
      if (pos != s.length()) {
        throw error("unexpected text after the dict");
      }
      for (String key : d.keySet()) {
        if (!List.of("descr", "fortran_order", "shape").contains(key)) {
          throw new FormatException(what + ": header has the unexpected key " + quote(key));
        }
      }
      return new Header(descr(d), shape(d), count(d));
    }

    private Descr descr(Map<String, Object> d) throws FormatException {
      if (!(d.get("descr") instanceof String descr)) {
        throw new FormatException(what + ": header " + (d.containsKey("descr")
            ? "descr is not a string (structured dtypes are not supported)" : "has no descr"));
      }
      if (!(d.get("fortran_order") instanceof Boolean fortran)) {
        throw new FormatException(what + ": header " + (d.containsKey("fortran_order")
            ? "fortran_order is not True or False" : "has no fortran_order"));
      }
      if (fortran) {
        throw new FormatException(what + ": fortran_order True (column-major data) is not"
            + " supported; save a C-ordered array (numpy.ascontiguousarray)");
      }
      for (Descr x : Descr.values()) {
        if (x.text.equals(descr)) {
          return x;
        }
      }
      throw new FormatException(what + ": dtype " + quote(descr) + " is not supported"
          + (descr.startsWith(">") ? " (big-endian)" : "") + "; hebb4j reads <f4, <f8, <i4, <i8");
    }

    private int[] shape(Map<String, Object> d) throws FormatException {
      if (!(d.get("shape") instanceof int[] shape)) {
        throw new FormatException(what + ": header " + (d.containsKey("shape")
            ? "shape is not a tuple" : "has no shape"));
      }
      return shape;
    }

    private int count(Map<String, Object> d) throws FormatException {
      int[] shape = (int[]) d.get("shape");
      return SafeTensors.elements(shape, Npy.tuple(shape), what);
    }

    private Object value() throws FormatException {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      if (c == '(') {
        return tuple();
      }
      throw error("unexpected value");
    }

    private String string() throws FormatException {
      char q = peek();
      if (q != '\'' && q != '"') {
        throw error("expected a quoted string");
      }
      int end = s.indexOf(q, pos + 1);
      if (end < 0) {
        throw error("unterminated string");
      }
      String v = s.substring(pos + 1, end);
      if (v.indexOf('\\') >= 0 || v.indexOf('\n') >= 0) {
        throw error("escape or newline in a string");
      }
      pos = end + 1;
      return v;
    }

    private int[] tuple() throws FormatException {
      int start = pos;
      pos++;
      List<Integer> dims = new ArrayList<>();
      boolean comma = false;
      while (true) {
        skipWs();
        if (peek() == ')') {
          pos++;
          break;
        }
        if (!dims.isEmpty() && !comma) {
          throw error("expected ',' or ')' in the shape");
        }
        dims.add(dimension(start));
        skipWs();
        comma = peek() == ',';
        if (comma) {
          pos++;
        }
      }
      if (dims.size() == 1 && !comma) {
        throw error("shape " + Json.printable(s.substring(start, pos), 100)
            + " is not a tuple (a 1-tuple is (n,))");
      }
      return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private int dimension(int tupleStart) throws FormatException {
      int start = pos;
      while (pos < s.length() && ",) \t\r\n".indexOf(s.charAt(pos)) < 0) {
        pos++;
      }
      String digits = s.substring(start, pos);
      int close = s.indexOf(')', start);
      String shown = Json.printable(close < 0 ? s.substring(tupleStart)
          : s.substring(tupleStart, close + 1), 100); // the header may hold line breaks
      if (!digits.matches("0|[1-9][0-9]*")) {
        pos = start;
        throw new FormatException(what + ": shape " + shown + " has "
            + quote(digits) + ", not a non-negative integer");
      }
      if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
        throw SafeTensors.tooLarge(what, shown);
      }
      return Integer.parseInt(digits);
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c) throws FormatException {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private void skipWs() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n'
          || s.charAt(pos) == '\t' || s.charAt(pos) == '\r')) {
        pos++;
      }
    }

    private FormatException error(String msg) {
      return new FormatException(what + ": .npy header: " + msg
          + (pos >= s.length() ? " at the end" : " at character " + pos));
    }
  }
}
