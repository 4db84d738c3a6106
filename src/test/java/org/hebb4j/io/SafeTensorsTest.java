package org.hebb4j.io;

import static org.hebb4j.io.IoTestSupport.assertRefused;
import static org.hebb4j.io.IoTestSupport.assertSameBits;
import static org.hebb4j.io.IoTestSupport.bits;
import static org.hebb4j.io.IoTestSupport.safetensors;
import static org.hebb4j.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  @TempDir
  Path dir;

  /** NaN payloads (quiet, signalling, negative), -0.0, subnormals, infinities, extremes. */
  static Tensor specials() {
    return Tensor.of(bits(0x7fc00001, 0x7f800001, 0xffffffff, 0x80000000, 0x00000001,
        0x807fffff, 0x7f800000, 0xff800000, 0x7f7fffff, 0x3f800000), 2, 5);
  }

  static Map<String, Tensor> sampleTensors() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("z.last_first", specials());
    t.put("scalar", Tensor.of(new float[] {-1.5f}));
    t.put("empty", Tensor.zeros(0));
    t.put("empty.2d", Tensor.zeros(3, 0));
    t.put("conv.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2));
    t.put("a", Tensor.of(new float[] {0.25f}, 1));
    return t;
  }

  static Map<String, String> sampleMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", "pt");
    m.put("unicode", "caf\u00e9 \u03b7 \ud83d\ude00");
    m.put("quotes \"and\" \\ back", "line\nbreak\ttab \u0001 \"q\" 'single' /");
    m.put("", "");
    return m;
  }

  @Test
  void roundTripIsBitExactAndKeepsOrder() throws IOException {
    Path f = dir.resolve("m.safetensors");
    Map<String, IntTensor> ints = new LinkedHashMap<>();
    ints.put("labels", new IntTensor(new int[] {2, 2}, new int[] {0, -1, Integer.MAX_VALUE,
        Integer.MIN_VALUE}));
    ints.put("count", new IntTensor(new int[0], new int[] {7}));
    SafeTensors.write(f, sampleTensors(), ints, sampleMetadata());
    SafeTensors.Contents c = SafeTensors.read(f);
    assertEquals(List.copyOf(sampleTensors().keySet()), List.copyOf(c.tensors().keySet()));
    for (Map.Entry<String, Tensor> e : sampleTensors().entrySet()) {
      assertSameBits(e.getValue(), c.tensors().get(e.getKey()));
    }
    assertEquals(List.of("labels", "count"), List.copyOf(c.intTensors().keySet()));
    assertArrayEquals(new int[] {2, 2}, c.intTensors().get("labels").shape());
    assertArrayEquals(ints.get("labels").data(), c.intTensors().get("labels").data());
    assertArrayEquals(new int[0], c.intTensors().get("count").shape());
    assertArrayEquals(new int[] {7}, c.intTensors().get("count").data());
    assertEquals(sampleMetadata(), c.metadata());
    assertEquals(List.copyOf(sampleMetadata().keySet()), List.copyOf(c.metadata().keySet()));
  }

  @Test
  void layoutIsTheReferenceWritersLayout() throws IOException {
    Path f = dir.resolve("m.safetensors");
    SafeTensors.write(f, sampleTensors(), Map.of("k", "v"));
    byte[] b = Files.readAllBytes(f);
    long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8, "header padded to a multiple of 8");
    String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{\"k\":\"v\"},\"z.last_first\":{\"dtype\":"
        + "\"F32\",\"shape\":[2,5],\"data_offsets\":[0,40]},\"scalar\":{"), header);
    assertTrue(header.stripTrailing().endsWith("}"), header);
    assertTrue(header.length() - header.stripTrailing().length() < 8, "padding < 8 spaces");
    // 10 + 1 + 0 + 0 + 8 + 1 floats, contiguous after the header.
    assertEquals(8 + n + 4 * 20, b.length);
  }

  @Test
  void emptyFileHasNoMetadataKeyAndReadsBack() throws IOException {
    Path f = dir.resolve("e.safetensors");
    SafeTensors.write(f, Map.of(), Map.of());
    byte[] b = Files.readAllBytes(f);
    assertEquals("{}      ", new String(b, 8, b.length - 8, StandardCharsets.UTF_8));
    SafeTensors.Contents c = SafeTensors.read(f);
    assertTrue(c.tensors().isEmpty() && c.intTensors().isEmpty() && c.metadata().isEmpty());
  }

  @Test
  void writerRejectsBadArguments() {
    Path f = dir.resolve("x.safetensors");
    Tensor t = Tensor.zeros(1);
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(f, Map.of("__metadata__", t), Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(f, Map.of("", t), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, Map.of("a", t),
        Map.of("a", new IntTensor(new int[] {1}, new int[] {1})), Map.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(f, Map.of("bad\ud800", t), Map.of()));
    assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.write(f, Map.of("a", t), Map.of("k", "\udc00")));
    assertTrue(Files.notExists(f));
  }

  @Test
  void failedWriteLeavesThePreviousFileAndNoTemporary() throws IOException {
    Path f = dir.resolve("keep.safetensors");
    SafeTensors.write(f, Map.of("a", Tensor.of(new float[] {1, 2}, 2)), Map.of());
    byte[] before = Files.readAllBytes(f);
    IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(f, out -> {
      out.write(new byte[100_000]);
      throw new IOException("disk full");
    }));
    assertEquals(f + ": cannot write (disk full)", e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(f));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList(), "no temporary file left behind");
    }
    SafeTensors.write(f, Map.of("b", Tensor.of(new float[] {3}, 1)), Map.of());
    assertEquals(List.of("b"), List.copyOf(SafeTensors.read(f).tensors().keySet()));
  }

  // ---- One test per validation rule: each names the file and the fault, and allocates little.

  private Path file(String header, int dataBytes) throws IOException {
    return write(dir.resolve("bad.safetensors"), safetensors(header, new byte[dataBytes]));
  }

  private void refused(Path f, String... parts) {
    assertRefused(f, () -> SafeTensors.read(f), parts);
  }

  private static final String A16 = "\"a\":{\"dtype\":\"F32\",\"shape\":[4],"
      + "\"data_offsets\":[0,16]}";

  @Test
  void acceptsAHandWrittenFile() throws IOException {
    Path f = file("{" + A16 + "}", 16);
    assertEquals(4, SafeTensors.read(f).tensors().get("a").size());
  }

  @Test
  void headerOrderNeedNotBeDataOrder() throws IOException {
    byte[] data = new byte[20];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 1.5f).putInt(4, -7)
        .putFloat(16, 2.5f);
    Path f = write(dir.resolve("order.safetensors"), safetensors("{"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]},"
        + "\"n\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[4,16]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", data));
    SafeTensors.Contents c = SafeTensors.read(f);
    assertEquals(List.of("b", "a"), List.copyOf(c.tensors().keySet()));
    assertEquals(2.5f, c.tensors().get("b").data()[0]);
    assertEquals(1.5f, c.tensors().get("a").data()[0]);
    assertArrayEquals(new int[] {-7, 0, 0}, c.intTensors().get("n").data());
  }

  @Test
  void truncatedFiles() throws IOException {
    Path good = dir.resolve("good.safetensors");
    SafeTensors.write(good, sampleTensors(), sampleMetadata());
    byte[] b = Files.readAllBytes(good);
    Path f = dir.resolve("cut.safetensors");
    write(f, Arrays.copyOf(b, 5));
    refused(f, "5 bytes", "shorter than the 8-byte header size");
    write(f, Arrays.copyOf(b, 40));
    refused(f, "not a safetensors file: header length", "exceeds the file's 40 bytes",
        "truncated");
    write(f, Arrays.copyOf(b, b.length - 3));
    refused(f, "tensor 'a'", "lie outside the", "data buffer");
  }

  @Test
  void headerSizeLargerThanTheFile() throws IOException {
    byte[] b = safetensors("{" + A16 + "}", new byte[16]);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5000);
    Path f = write(dir.resolve("big.safetensors"), b);
    refused(f, "not a safetensors file: header length 5000 exceeds the file's", "truncated");
  }

  @Test
  void hugeHeaderSize() throws IOException {
    for (long n : new long[] {1L << 62, -1L, SafeTensors.MAX_HEADER_SIZE + 1}) {
      byte[] b = safetensors("{}", new byte[0]);
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
      Path f = write(dir.resolve("huge.safetensors"), b);
      refused(f, "not a safetensors file: header length " + Long.toUnsignedString(n),
          "exceeds the file's " + b.length + " bytes");
    }
  }

  @Test
  void headerSizeOverTheLimitInALargeFile() throws IOException {
    long n = SafeTensors.MAX_HEADER_SIZE + 1;
    Path f = dir.resolve("large.safetensors");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
        java.nio.file.StandardOpenOption.SPARSE)) {
      ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n));
      ch.write(ByteBuffer.wrap(new byte[] {'{'}), n + 8);
    }
    refused(f, "header size " + n, "exceeds the limit of 100000000");
  }

  @Test
  void anNpyFileIsNotASafetensorsFile() throws IOException {
    Path f = dir.resolve("x.npy");
    Npy.write(f, Tensor.zeros(2, 3));
    refused(f, "x.npy: not a safetensors file: header length", "exceeds the file's");
  }

  @Test
  void overlappingOffsets() throws IOException {
    refused(file("{" + A16 + ",\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}",
        24), "tensors 'a' [0, 16] and 'b' [8, 24] overlap");
  }

  @Test
  void gapBetweenTensors() throws IOException {
    refused(file("{" + A16 + ",\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[20,24]}}",
        24), "bytes [16, 20) of the data buffer belong to no tensor", "'b'");
  }

  @Test
  void trailingBytesAfterTheLastTensor() throws IOException {
    refused(file("{" + A16 + "}", 20), "bytes [16, 20) of the data buffer belong to no tensor");
  }

  @Test
  void wrongByteCount() throws IOException {
    refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", 12),
        "tensor 'x': data_offsets [0, 12] do not match shape [4] of F32 (16 bytes)");
  }

  @Test
  void offsetsEndingBeforeTheyBegin() throws IOException {
    refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8),
        "tensor 'x': data_offsets [8, 4] end before they begin");
  }

  @Test
  void offsetsThatAreNotTwoNonNegativeIntegers() throws IOException {
    for (String offs : new String[] {"[0]", "[0,16,16]", "[-1,15]", "[0,16.0]", "[\"0\",16]",
        "[0,99999999999999999999999]"}) {
      String h = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":" + offs + "}}";
      refused(file(h, 16), "tensor 'x': data_offsets");
    }
  }

  @Test
  void negativeDimension() throws IOException {
    refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,0]}}", 0),
        "tensor 'x': shape [2, -3] has -3, not a non-negative integer");
    refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,0]}}", 0),
        "shape [2.5] has 2.5, not a non-negative integer");
  }

  @Test
  void lyingShapeFailsFastWithoutAllocating() throws IOException {
    // 2^40 elements: more than a Java array holds.
    refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1048576,1048576],"
        + "\"data_offsets\":[0,4398046511104]}}", 16), "too many elements");
    refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[0,4294967296],"
        + "\"data_offsets\":[0,0]}}", 0), "too many elements");
    // 10^9 elements that fit an array, in a 16-byte buffer.
    refused(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1000000000],"
        + "\"data_offsets\":[0,4000000000]}}", 16), "lie outside the 16-byte data buffer");
  }

  @Test
  void unknownAndUnsupportedDtypes() throws IOException {
    for (String dtype : new String[] {"Q7", "F16", "BF16", "F64", "I64", "f32"}) {
      refused(file("{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":[4],\"data_offsets\":[0,16]}}",
          16), "tensor 'w': dtype '" + dtype + "' is not supported");
    }
  }

  @Test
  void duplicateName() throws IOException {
    refused(file("{" + A16 + "," + A16 + "}", 16), "duplicate tensor name 'a'");
    refused(file("{\"__metadata__\":{},\"__metadata__\":{}}", 0), "duplicate key '__metadata__'");
    refused(file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0), "duplicate key 'k'");
  }

  @Test
  void nonStringMetadata() throws IOException {
    refused(file("{\"__metadata__\":{\"epochs\":10}," + A16 + "}", 16),
        "__metadata__ value for key 'epochs' is 10, not a string");
    refused(file("{\"__metadata__\":[\"x\"]," + A16 + "}", 16), "__metadata__ is not");
  }

  @Test
  void badJson() throws IOException {
    refused(file("{\"a\":{\"dtype\":\"F32\",", 0), "header JSON", "at the end");
    refused(file("{\"a\" 1}", 0), "header JSON: expected ':' at character 5");
    refused(file("{" + A16 + "} x", 16), "unexpected text after the JSON value");
    refused(file("[1]", 0), "header does not start with '{'");
    refused(file("", 0), "header does not start with '{'");
    byte[] b = safetensors("{\"\u00e9\":1}", new byte[0]);
    b[10] = (byte) 0xff;
    refused(write(dir.resolve("bad.safetensors"), b), "header is not valid UTF-8");
  }

  @Test
  void malformedEntries() throws IOException {
    refused(file("{\"a\":[1]}", 0), "tensor 'a': entry is not a JSON object");
    refused(file("{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", 4), "tensor 'a': missing dtype");
    refused(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "missing shape");
    refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[]}}", 4), "missing data_offsets");
    refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":1}}", 4),
        "tensor 'a': unexpected key 'x'");
    refused(file("{\"a\\nb\":{\"dtype\":1,\"shape\":[],\"data_offsets\":[0,4]}}", 4),
        "tensor 'a\\u000ab': dtype is not a string");
  }
}
