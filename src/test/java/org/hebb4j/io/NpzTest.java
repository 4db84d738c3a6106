package org.hebb4j.io;

import static org.hebb4j.io.IoTestSupport.assertRefused;
import static org.hebb4j.io.IoTestSupport.assertSameBits;
import static org.hebb4j.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

  @TempDir
  Path dir;

  static Map<String, Tensor> arrays() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("weights", SafeTensorsTest.specials());
    m.put("b", Tensor.of(new float[] {1, 2, 3}, 3));
    m.put("scalar", Tensor.of(new float[] {-0.0f}));
    m.put("empty", Tensor.zeros(0, 4));
    return m;
  }

  @Test
  void roundTripKeepsOrderAndBits() throws IOException {
    Path f = dir.resolve("a.npz");
    Npz.write(f, arrays());
    Map<String, Tensor> back = Npz.read(f);
    assertEquals(List.copyOf(arrays().keySet()), List.copyOf(back.keySet()));
    for (Map.Entry<String, Tensor> e : arrays().entrySet()) {
      assertSameBits(e.getValue(), back.get(e.getKey()));
    }
  }

  @Test
  void sameArraysSameBytes() throws IOException {
    Npz.write(dir.resolve("1.npz"), arrays());
    Npz.write(dir.resolve("2.npz"), arrays());
    assertArrayEquals(Files.readAllBytes(dir.resolve("1.npz")),
        Files.readAllBytes(dir.resolve("2.npz")));
  }

  @Test
  void writerRejectsBadNames() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("", Tensor.zeros(1));
    assertThrows(IllegalArgumentException.class, () -> Npz.write(dir.resolve("x.npz"), m));
  }

  private Path zip(boolean deflate, Map<String, byte[]> entries) throws IOException {
    Path f = dir.resolve("bad.npz");
    try (OutputStream out = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(
        out)) {
      z.setMethod(deflate ? ZipOutputStream.DEFLATED : ZipOutputStream.STORED);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey());
        if (!deflate) {
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(e.getValue());
          ze.setSize(e.getValue().length);
          ze.setCrc(crc.getValue());
        }
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return f;
  }

  private static byte[] npy(Tensor t) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    Npy.writeTo(b, t);
    return b.toByteArray();
  }

  private void refused(Path f, String... parts) {
    assertRefused(f, () -> Npz.read(f), parts);
  }

  @Test
  void notAZip() throws IOException {
    refused(write(dir.resolve("bad.npz"), new byte[100]), "not a valid zip archive");
  }

  @Test
  void entryThatIsNotNpy() throws IOException {
    refused(zip(false, Map.of("readme.txt", new byte[3])), "entry 'readme.txt' is not a .npy");
  }

  @Test
  void badNpyInsideNamesTheEntry() throws IOException {
    byte[] b = npy(Tensor.zeros(2, 3));
    String h = new String(b, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("False", "True ");
    System.arraycopy(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, b, 0, 128);
    refused(zip(true, Map.of("w.npy", b)), "entry 'w.npy': fortran_order True");
  }

  /** The central directory's sizes of the first entry, overwritten. */
  private static void lie(Path f, long csize, long size) throws IOException {
    byte[] b = Files.readAllBytes(f);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = b.length - 22; i >= 0; i--) {
      if (bb.getInt(i) == 0x02014b50) {
        bb.putInt(i + 20, (int) csize).putInt(i + 24, (int) size);
        Files.write(f, b);
        return;
      }
    }
    throw new AssertionError("no central directory");
  }

  @Test
  void declaredSizesAreCheckedBeforeAllocating() throws IOException {
    byte[] big = npy(Tensor.zeros(1000));
    Path f = zip(true, Map.of("w.npy", big));
    lie(f, Files.size(f) / 4, 0x7ffffff0L);
    refused(f, "entry 'w.npy': declared size 2147483632 is impossible for");
    f = zip(false, Map.of("w.npy", big));
    lie(f, 0x7ffffff0L, 0x7ffffff0L);
    refused(f, "entry 'w.npy': declared sizes", "invalid for a");
    // A header claiming 10^9 floats in an entry that declares its true, small size.
    byte[] lying = npy(Tensor.zeros(1000));
    String h = new String(lying, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("(1000,), ", "(1000000000,), ").replace("      \n", "\n");
    byte[] hb = h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    System.arraycopy(hb, 0, lying, 0, 128);
    refused(zip(true, Map.of("w.npy", lying)),
        "entry 'w.npy': shape (1000000000,) of <f4 needs 4000000000 data bytes");
  }

  @Test
  void declaredSizeSmallerThanTheData() throws IOException {
    byte[] b = npy(Tensor.zeros(100));
    Path f = zip(true, Map.of("w.npy", b));
    lie(f, Files.size(f) / 2, b.length - 4);
    refused(f, "entry 'w.npy'");
  }

  @Test
  void crcMismatch() throws IOException {
    byte[] b = npy(Tensor.zeros(4));
    Path f = zip(false, Map.of("w.npy", b));
    byte[] z = Files.readAllBytes(f);
    int at = 30 + "w.npy".length() + b.length - 1; // last data byte of the stored entry
    z[at] ^= 1;
    refused(write(f, z), "entry 'w.npy': CRC-32", "corrupt");
  }
}
