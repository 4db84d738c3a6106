package org.hebb4j.io;

import static org.hebb4j.io.IoTestSupport.VECTORS;
import static org.hebb4j.io.IoTestSupport.assertRefused;
import static org.hebb4j.io.IoTestSupport.assertSameBits;
import static org.hebb4j.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

  @TempDir
  Path dir;

  @Test
  void floatRoundTripIsBitExact() throws IOException {
    for (Tensor t : new Tensor[] {SafeTensorsTest.specials(), Tensor.of(new float[] {2.5f}),
        Tensor.zeros(0), Tensor.zeros(2, 0, 3), Tensor.of(new float[24], 1, 2, 3, 4)}) {
      Path f = dir.resolve("t.npy");
      Npy.write(f, t);
      assertSameBits(t, Npy.read(f));
      assertEquals(0, (Files.size(f) - 4L * t.size()) % 64, "header aligned to 64 bytes");
    }
  }

  @Test
  void intRoundTrip() throws IOException {
    for (IntTensor t : new IntTensor[] {new IntTensor(new int[] {2, 2}, new int[] {0, -1,
        Integer.MAX_VALUE, Integer.MIN_VALUE}), new IntTensor(new int[0], new int[] {9}),
        new IntTensor(new int[] {0}, new int[0])}) {
      Path f = dir.resolve("t.npy");
      Npy.write(f, t);
      IntTensor back = Npy.readInt(f);
      assertArrayEquals(t.shape(), back.shape());
      assertArrayEquals(t.data(), back.data());
    }
  }

  /** hebb4j writes what numpy.save writes, byte for byte (the committed sample files). */
  @Test
  void writesNumpysBytes() throws IOException {
    Path f = dir.resolve("sample.npy");
    Npy.write(f, IoReferenceFilesTest.sampleNpy());
    assertArrayEquals(Files.readAllBytes(VECTORS.resolve("sample.npy")), Files.readAllBytes(f));
    Npy.write(f, IoReferenceFilesTest.sampleIntNpy());
    assertArrayEquals(Files.readAllBytes(VECTORS.resolve("sample_int.npy")),
        Files.readAllBytes(f));
  }

  @Test
  void readsVersions2And3() throws IOException {
    for (int major : new int[] {2, 3}) {
      String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
      Path f = npy(major, dict, 8);
      byte[] b = Files.readAllBytes(f);
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(b.length - 4, 1.25f);
      write(f, b);
      assertEquals(1.25f, Npy.read(f).data()[1]);
    }
  }

  @Test
  void acceptsDoubleQuotesAndAnyKeyOrder() throws IOException {
    Path f = npy(1, "{\"shape\": (1, 1), \"fortran_order\": False, \"descr\": \"<i4\"}\n", 4);
    assertArrayEquals(new int[] {1, 1}, Npy.readInt(f).shape());
  }

  /** A .npy of the given version, header text and number of zero data bytes. */
  private Path npy(int major, String dict, int dataBytes) throws IOException {
    byte[] h = dict.getBytes(StandardCharsets.UTF_8);
    int lenBytes = major == 1 ? 2 : 4;
    ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + h.length + dataBytes)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    b.put(h);
    return write(dir.resolve("bad.npy"), b.array());
  }

  private Path npy(String shape, int dataBytes) throws IOException {
    return npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }\n",
        dataBytes);
  }

  private void refused(Path f, String... parts) {
    assertRefused(f, () -> Npy.read(f), parts);
  }

  @Test
  void fortranOrderIsRefused() throws IOException {
    refused(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", 24),
        "fortran_order True (column-major data) is not supported");
  }

  @Test
  void lyingShapeFailsFastWithoutAllocating() throws IOException {
    refused(npy("(1048576, 1048576)", 8), "shape (1048576, 1048576)", "too many elements");
    refused(npy("(1000000000,)", 8),
        "shape (1000000000,) of <f4 needs 4000000000 data bytes, the file has 8");
    refused(npy("(0, 99999999999)", 0), "too many elements");
  }

  @Test
  void truncatedData() throws IOException {
    Path f = dir.resolve("t.npy");
    Npy.write(f, Tensor.zeros(3, 4));
    byte[] b = Files.readAllBytes(f);
    write(f, Arrays.copyOf(b, b.length - 1));
    refused(f, "shape (3, 4) of <f4 needs 48 data bytes, the file has 47", "truncated");
    write(f, Arrays.copyOf(b, b.length + 4));
    refused(f, "needs 48 data bytes, the file has 52");
    write(f, Arrays.copyOf(b, 60));
    refused(f, "header length 118 exceeds the 50 bytes that follow it");
    write(f, Arrays.copyOf(b, 9));
    refused(f, "9 bytes are too short for a .npy header");
  }

  @Test
  void badMagicVersionAndHeaderLength() throws IOException {
    refused(write(dir.resolve("bad.npy"), "PK\u0003\u0004 not numpy at all".getBytes(
        StandardCharsets.ISO_8859_1)), "not a .npy file");
    refused(npy(4, "{}", 0), ".npy version 4.0 is not supported");
    Path f = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4);
    byte[] b = Files.readAllBytes(f);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1 << 30);
    refused(write(f, b), "header length 1073741824 exceeds the limit of 65535 bytes");
  }

  @Test
  void unsupportedDtypes() throws IOException {
    refused(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4),
        "dtype '>f4' is not supported (big-endian)");
    refused(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", 4),
        "dtype '|u1' is not supported");
    refused(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4),
        "unexpected value");
    Path f = npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", 4);
    refused(f, "dtype <i4 is not a floating-point type");
    Path g = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
    assertRefused(g, () -> Npy.readInt(g), "dtype <f4 is not an integer type");
  }

  @Test
  void int64OutsideInt32IsRefused() throws IOException {
    Path f = npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 16);
    byte[] b = Files.readAllBytes(f);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(b.length - 8, 1L << 40);
    write(f, b);
    assertRefused(f, () -> Npy.readInt(f),
        "int64 value 1099511627776 at flat index 1 does not fit in int32");
  }

  @Test
  void strictShapeTuple() throws IOException {
    refused(npy("(3)", 12), "shape (3) is not a tuple");
    refused(npy("(2, -3)", 0), "shape (2, -3) has '-3', not a non-negative integer");
    refused(npy("(2.0,)", 8), "not a non-negative integer");
    refused(npy("(2 3)", 24), "expected ',' or ')'");
    refused(npy("[2, 3]", 24), "unexpected value");
  }

  @Test
  void strictDict() throws IOException {
    refused(npy(1, "{'descr': '<f4', 'shape': (1,), }", 4), "header has no fortran_order");
    refused(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': True}", 4),
        "unexpected key 'x'");
    refused(npy(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
        4), "duplicate key 'descr'");
    refused(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", 4),
        "unexpected text after the dict");
    refused(npy(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", 4),
        "unexpected value");
  }
}
