package org.hebb4j.io;

import static org.hebb4j.json.Json.quote;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hebb4j.json.Json;
import org.hebb4j.json.JsonException;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/**
 * Reads and writes safetensors files (spec/io.md#safetensors), the format of PyTorch and Hugging
 * Face: an 8-byte little-endian header size N, N bytes of UTF-8 JSON naming each tensor's dtype,
 * shape and byte range, then the little-endian tensor data. hebb4j reads and writes the dtypes
 * {@code F32} ({@link Tensor}) and {@code I32} ({@link IntTensor}); a file holding any other dtype
 * is refused with a {@link FormatException} naming the tensor and the dtype.
 */
public final class SafeTensors {

  /** The largest header accepted, in bytes: the reference (Rust) implementation's limit. */
  public static final long MAX_HEADER_SIZE = 100_000_000L;

  private static final String METADATA = "__metadata__";

  private SafeTensors() {}

  /**
   * What a safetensors file holds. The maps are unmodifiable, in the order of the header.
   *
   * @param tensors the {@code F32} tensors by name
   * @param intTensors the {@code I32} tensors by name
   * @param metadata the header's {@code __metadata__} (empty if absent)
   */
  public record Contents(Map<String, Tensor> tensors, Map<String, IntTensor> intTensors,
                         Map<String, String> metadata) {

    /**
     * Copies the maps, keeping their order. See spec/io.md#safetensors.
     *
     * @param tensors the {@code F32} tensors by name
     * @param intTensors the {@code I32} tensors by name
     * @param metadata the header's {@code __metadata__}
     */
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      intTensors = Collections.unmodifiableMap(new LinkedHashMap<>(intTensors));
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  /** One tensor of the header. */
  private record Entry(String name, Dtype dtype, int[] shape, int count, long begin, long end) {
    String range() {
      return "[" + begin + ", " + end + "]";
    }
  }

  /** The dtypes hebb4j reads and writes. */
  private enum Dtype {
    F32, I32;

    static final int SIZE = 4;
  }

  /**
   * Writes {@code F32} tensors and metadata; see {@link #write(Path, Map, Map, Map)}.
   * See spec/io.md#writing.
   *
   * @param file the file to create or replace
   * @param tensors the tensors by name, written in the map's order
   * @param metadata the header's {@code __metadata__} (omitted when empty)
   * @throws IllegalArgumentException for a name or value that cannot be written
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, Map.of(), metadata);
  }

  /**
   * Writes a safetensors file (spec/io.md#safetensors): the {@code F32} tensors in the order of
   * {@code tensors}, then the {@code I32} tensors in the order of {@code intTensors}, contiguous,
   * after a compact JSON header padded with spaces to a multiple of 8 bytes. The file is written
   * to a temporary file in the same directory and renamed into place (spec/io.md#writing).
   *
   * @param file the file to create or replace
   * @param tensors the float32 tensors by name
   * @param intTensors the int32 tensors by name
   * @param metadata the header's {@code __metadata__}, string to string (omitted when empty)
   * @throws IllegalArgumentException for a null or empty name, a name used twice (in both maps)
   *     or equal to {@code __metadata__}, a null value, or a string with an unpaired surrogate
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Map<String, Tensor> tensors,
                           Map<String, IntTensor> intTensors, Map<String, String> metadata)
      throws IOException {
    AtomicWrite.write(file, body(tensors, intTensors, metadata));
  }

  /**
   * The bytes of a safetensors file, as {@link #write(Path, Map, Map, Map)} writes them, for a
   * writer that streams them itself (the checkpoint writer, {@link Checkpoint}).
   *
   * @throws IllegalArgumentException as {@link #write(Path, Map, Map, Map)}, before any byte
   */
  static AtomicWrite.Body body(Map<String, Tensor> tensors, Map<String, IntTensor> intTensors,
      Map<String, String> metadata) {
    List<Item> items = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = nonNull(e);
      items.add(new Item(e.getKey(), Dtype.F32, t.shape(), t.size(), t.data()));
    }
    for (Map.Entry<String, IntTensor> e : intTensors.entrySet()) {
      IntTensor t = nonNull(e);
      int[] shape = t.shape().clone();
      if (Tensor.size(shape) != t.size()) {
        throw new IllegalArgumentException("tensor " + quote(e.getKey()) + ": shape "
            + Arrays.toString(shape) + " does not match its " + t.size() + " values");
      }
      items.add(new Item(e.getKey(), Dtype.I32, shape, t.size(), t.data()));
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long offset = 0;
    for (Item it : items) {
      if (!names.add(checkName(it.name()))) {
        throw new IllegalArgumentException("tensor name " + quote(it.name())
            + " is in both tensors and intTensors");
      }
      long end = offset + (long) Dtype.SIZE * it.count();
      entries.add(new Entry(it.name(), it.dtype(), it.shape(), it.count(), offset, end));
      offset = end;
    }
    byte[] header = header(entries, metadata);
    return out -> {
      byte[] size = new byte[8];
      ByteBuffer.wrap(size).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
      out.write(size);
      out.write(header);
      for (Item it : items) {
        if (it.data() instanceof float[] f) {
          LittleEndian.writeFloats(out, f);
        } else {
          LittleEndian.writeInts(out, (int[]) it.data());
        }
      }
    };
  }

  /** A tensor to write: its data is a float[] (F32) or an int[] (I32). */
  private record Item(String name, Dtype dtype, int[] shape, int count, Object data) {}

  private static <T> T nonNull(Map.Entry<String, T> e) {
    if (e.getValue() == null) {
      throw new IllegalArgumentException("tensor " + (e.getKey() == null ? "null"
          : quote(e.getKey())) + " is null");
    }
    return e.getValue();
  }

  private static String checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("tensor name is " + (name == null ? "null" : "empty"));
    }
    if (name.equals(METADATA)) {
      throw new IllegalArgumentException("tensor name " + METADATA + " is reserved");
    }
    return checkUnicode(name, "tensor name");
  }

  private static String checkUnicode(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " " + quote(s)
            + " has an unpaired surrogate at index " + i + " (not encodable in UTF-8)");
      }
    }
    return s;
  }

  /** The compact JSON header, padded with spaces to a multiple of 8 bytes. */
  private static byte[] header(List<Entry> entries, Map<String, String> metadata) {
    StringBuilder b = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      appendString(b, METADATA);
      b.append(":{");
      String sep = "";
      for (Map.Entry<String, String> m : metadata.entrySet()) {
        if (m.getKey() == null || m.getValue() == null) {
          throw new IllegalArgumentException("metadata has a null "
              + (m.getKey() == null ? "key" : "value for key " + quote(m.getKey())));
        }
        b.append(sep);
        appendString(b, checkUnicode(m.getKey(), "metadata key"));
        b.append(':');
        appendString(b, checkUnicode(m.getValue(), "metadata value"));
        sep = ",";
      }
      b.append('}');
    }
    for (Entry e : entries) {
      b.append(b.length() > 1 ? "," : "");
      appendString(b, e.name());
      b.append(":{\"dtype\":\"").append(e.dtype()).append("\",\"shape\":[");
      for (int i = 0; i < e.shape().length; i++) {
        b.append(i > 0 ? "," : "").append(e.shape()[i]);
      }
      b.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
    }
    b.append('}');
    byte[] json = b.toString().getBytes(StandardCharsets.UTF_8);
    byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    return padded;
  }

  private static void appendString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        case '\b': b.append("\\b"); break;
        case '\f': b.append("\\f"); break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  /**
   * Reads a safetensors file (spec/io.md#safetensors). The whole header is validated before any
   * tensor is allocated (spec/io.md#safetensors-validation): header size, UTF-8, JSON syntax,
   * each entry's dtype, shape and data_offsets, and that the tensors tile the data buffer
   * exactly, without overlap or gap.
   *
   * @param file the file to read
   * @return the tensors and metadata, in the order of the header
   * @throws FormatException for a malformed file or a dtype other than {@code F32} and
   *     {@code I32}; the message names the file and the fault
   * @throws IOException if the file cannot be read
   */
  public static Contents read(Path file) throws IOException {
    String label = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new FormatException(label + ": file of " + size
            + " bytes is shorter than the 8-byte header size (truncated?)");
      }
      InputStream in = new BufferedInputStream(Channels.newInputStream(ch),
          LittleEndian.CHUNK);
      byte[] prefix = in.readNBytes(8);
      long n = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (n < 0 || n > size - 8) {
        throw new FormatException(label + ": not a safetensors file: header length "
            + Long.toUnsignedString(n) + " exceeds the file's " + size + " bytes"
            + (n >= 0 && n <= MAX_HEADER_SIZE ? " (truncated?)" : ""));
      }
      if (n > MAX_HEADER_SIZE) {
        throw new FormatException(label + ": header size " + n + " exceeds the limit of "
            + MAX_HEADER_SIZE + " bytes");
      }
      byte[] headerBytes = in.readNBytes((int) n);
      if (headerBytes.length != n) {
        throw new FormatException(label + ": file ends inside the header (truncated?)");
      }
      String header = decodeUtf8(headerBytes, label);
      if (header.isEmpty() || header.charAt(0) != '{') {
        throw new FormatException(label + ": header does not start with '{'");
      }
      Object root = parseHeader(header, label);
      if (!(root instanceof Map<?, ?> top)) {
        throw new FormatException(label + ": header is not a JSON object");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : top.entrySet()) {
        String key = (String) e.getKey();
        if (key.equals(METADATA)) {
          metadata = metadata(e.getValue(), label);
        } else {
          entries.add(entry(key, e.getValue(), label));
        }
      }
      checkLayout(entries, size - 8 - n, label);
      return readData(in, entries, metadata, label);
    }
  }

  /** The header's JSON value; a syntax error or repeated key names the file and the offset. */
  private static Object parseHeader(String header, String label) throws FormatException {
    try {
      return Json.parse(header);
    } catch (JsonException e) {
      String problem = e.problem();
      if (e.duplicateKey() != null && e.depth() == 0 && !e.duplicateKey().equals(METADATA)) {
        problem = "duplicate tensor name " + quote(e.duplicateKey());
      }
      throw new FormatException(label + ": header JSON: " + problem + " "
          + (e.atEnd() ? "at the end" : "at character " + e.offset()));
    }
  }

  /**
   * A JSON integer as a long: itself if non-negative, Long.MAX_VALUE if beyond a long (any
   * limit rejects it then); -1 for anything else.
   */
  private static long nonNegative(Object v) {
    if (v instanceof Long n) {
      return n >= 0 ? n : -1;
    }
    return v instanceof BigInteger b && b.signum() > 0 ? Long.MAX_VALUE : -1;
  }

  private static String decodeUtf8(byte[] bytes, String label) throws FormatException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new FormatException(label + ": header is not valid UTF-8");
    }
  }

  private static Map<String, String> metadata(Object v, String label) throws FormatException {
    if (!(v instanceof Map<?, ?> m)) {
      throw new FormatException(label + ": " + METADATA + " is not a JSON object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw new FormatException(label + ": " + METADATA + " value for key "
            + quote((String) e.getKey()) + " is " + shown(e.getValue()) + ", not a string");
      }
      out.put((String) e.getKey(), s);
    }
    return out;
  }

  /** One header entry, checked on its own: keys, dtype, shape, offsets against the shape. */
  private static Entry entry(String name, Object v, String label) throws FormatException {
    String what = label + ": tensor " + quote(name);
    if (!(v instanceof Map<?, ?> m)) {
      throw new FormatException(what + ": entry is not a JSON object");
    }
    for (Object key : m.keySet()) {
      if (!List.of("dtype", "shape", "data_offsets").contains(key)) {
        throw new FormatException(what + ": unexpected key " + quote((String) key));
      }
    }
    if (!(m.get("dtype") instanceof String dtypeName)) {
      throw new FormatException(what + ": " + (m.containsKey("dtype") ? "dtype is not a string"
          : "missing dtype"));
    }
    Dtype dtype;
    try {
      dtype = Dtype.valueOf(dtypeName);
    } catch (IllegalArgumentException e) {
      throw new FormatException(what + ": dtype " + quote(dtypeName)
          + " is not supported (hebb4j reads F32 and I32)");
    }
    if (!(m.get("shape") instanceof List<?> dims)) {
      throw new FormatException(what + ": " + (m.containsKey("shape") ? "shape is not an array"
          : "missing shape"));
    }
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      long d = nonNegative(dims.get(i));
      if (d < 0) {
        throw new FormatException(what + ": shape " + shown(dims) + " has " + shown(dims.get(i))
            + ", not a non-negative integer");
      }
      if (d > Integer.MAX_VALUE) {
        throw tooLarge(what, dims);
      }
      shape[i] = (int) d;
    }
    long count = elements(shape, dims, what);
    if (!(m.get("data_offsets") instanceof List<?> offs)) {
      throw new FormatException(what + ": " + (m.containsKey("data_offsets")
          ? "data_offsets is not an array" : "missing data_offsets"));
    }
    long begin = offs.size() == 2 ? nonNegative(offs.get(0)) : -1;
    long end = offs.size() == 2 ? nonNegative(offs.get(1)) : -1;
    if (begin < 0 || end < 0) {
      throw new FormatException(what + ": data_offsets " + shown(offs)
          + " is not two non-negative integers");
    }
    if (end < begin) {
      throw new FormatException(what + ": data_offsets " + shown(offs)
          + " end before they begin");
    }
    long bytes = count * Dtype.SIZE;
    if (end - begin != bytes) {
      throw new FormatException(what + ": data_offsets " + shown(offs) + " do not match shape "
          + shown(dims) + " of " + dtype + " (" + bytes + " bytes)");
    }
    return new Entry(name, dtype, shape, (int) count, begin, end);
  }

  /** Number of elements of a non-negative shape, within the limits of {@link Tensor#size}. */
  static int elements(int[] shape, Object shown, String what) throws FormatException {
    try {
      return Tensor.size(shape);
    } catch (IllegalArgumentException e) {
      throw tooLarge(what, shown);
    }
  }

  static FormatException tooLarge(String what, Object shape) {
    return new FormatException(what + ": shape " + shown(shape)
        + " has too many elements for a Java array");
  }

  /** A value read from the header, on one line (its strings may hold line breaks). */
  private static String shown(Object v) {
    return Json.printable(String.valueOf(v), 200);
  }

  /** The tensors must tile [0, bufferSize) exactly: no overlap, no gap, nothing outside. */
  private static void checkLayout(List<Entry> entries, long bufferSize, String label)
      throws FormatException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long at = 0;
    Entry prev = null;
    for (Entry e : sorted) {
      if (e.end() > bufferSize) {
        throw new FormatException(label + ": tensor " + quote(e.name()) + ": data_offsets "
            + e.range() + " lie outside the " + bufferSize + "-byte data buffer");
      }
      if (e.begin() < at) {
        throw new FormatException(label + ": tensors " + quote(prev.name()) + " "
            + prev.range() + " and " + quote(e.name()) + " " + e.range() + " overlap");
      }
      if (e.begin() > at) {
        throw new FormatException(label + ": bytes [" + at + ", " + e.begin()
            + ") of the data buffer belong to no tensor (gap before " + quote(e.name()) + ")");
      }
      at = e.end();
      prev = e;
    }
    if (at != bufferSize) {
      throw new FormatException(label + ": bytes [" + at + ", " + bufferSize
          + ") of the data buffer belong to no tensor (trailing data)");
    }
  }

  /** Reads the validated tensors, which lie in offset order right after the header. */
  private static Contents readData(InputStream in, List<Entry> entries,
                                   Map<String, String> metadata, String label)
      throws IOException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    Map<String, Object> values = new LinkedHashMap<>();
    for (Entry e : sorted) {
      String what = label + ": tensor " + quote(e.name());
      if (e.dtype() == Dtype.F32) {
        float[] d = new float[e.count()];
        LittleEndian.readFloats(in, d, what);
        values.put(e.name(), Tensor.of(d, e.shape()));
      } else {
        int[] d = new int[e.count()];
        LittleEndian.readInts(in, d, what);
        values.put(e.name(), new IntTensor(e.shape(), d));
      }
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, IntTensor> ints = new LinkedHashMap<>();
    for (Entry e : entries) {
      Object v = values.get(e.name());
      if (v instanceof Tensor t) {
        tensors.put(e.name(), t);
      } else {
        ints.put(e.name(), (IntTensor) v);
      }
    }
    return new Contents(tensors, ints, metadata);
  }
}
