package org.hebb4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small IDX and CIFAR files made here, good and broken. */
class IdxTest {

  @TempDir
  Path dir;

  static byte[] idx(int[] dims, int payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload);
    b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    for (int i = 0; i < payload; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(bytes)) {
      z.write(raw);
    }
    return bytes.toByteArray();
  }

  Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void readsPlainAndGzipFashionMnistLayout() throws IOException {
    write("train-images-idx3-ubyte.gz", gzip(idx(new int[] {6, 4, 3}, 72)));
    write("train-labels-idx1-ubyte.gz", gzip(idx(new int[] {6}, 6)));
    write("t10k-images-idx3-ubyte", idx(new int[] {2, 4, 3}, 24));
    write("t10k-labels-idx1-ubyte", idx(new int[] {2}, 2));
    Dataset.Split s = Datasets.load(dir);
    assertEquals(6, s.train().n());
    assertEquals(12, s.train().features());
    assertEquals(5, s.train().labels()[5]);
    assertEquals(9 / 255f, s.train().x()[9]);
    assertEquals(2, s.test().n());
  }

  @Test
  void lyingAndBrokenFilesGiveOneLineErrors() throws IOException {
    Path lying = write("lying.gz", gzip(idx(new int[] {60000, 28, 28}, 100)));
    DataException e = assertThrows(DataException.class, () -> Idx.read(lying, 3));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    Path huge = write("huge", idx(new int[] {2_000_000_000, 28, 28}, 10));
    e = assertThrows(DataException.class, () -> Idx.read(huge, 3));
    assertTrue(e.getMessage().contains("more than 2^31"), e.getMessage());
    Path magic = write("magic", new byte[] {1, 2, 3, 4, 5});
    assertThrows(DataException.class, () -> Idx.read(magic, 3));
    Path rank = write("rank", idx(new int[] {3}, 3));
    e = assertThrows(DataException.class, () -> Idx.read(rank, 3));
    assertTrue(e.getMessage().contains("1 dimensions, expected 3"), e.getMessage());
    byte[] gz = gzip(idx(new int[] {5, 2, 2}, 20));
    Path cut = write("cut.gz", java.util.Arrays.copyOf(gz, gz.length - 12));
    assertThrows(DataException.class, () -> Idx.read(cut, 3));
    Path extra = write("extra", idx(new int[] {2, 2, 2}, 9));
    e = assertThrows(DataException.class, () -> Idx.read(extra, 3));
    assertTrue(e.getMessage().contains("more data"), e.getMessage());
    e = assertThrows(DataException.class, () -> FashionMnist.load(dir.resolve("nothing")));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    write("t10k-labels-idx1-ubyte", idx(new int[] {2}, 2));
    e = assertThrows(DataException.class, () -> FashionMnist.load(dir));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
  }

  @Test
  void cifarBatchesAreValidatedBeforeReading() throws IOException {
    byte[] rec = new byte[3073 * 2];
    rec[0] = 3;
    rec[3073] = 7;
    rec[1] = (byte) 255;
    Path f = write("test_batch.bin", rec);
    Dataset d = Cifar10.read("t", f);
    assertEquals(2, d.n());
    assertEquals(3, d.c());
    assertEquals(7, d.labels()[1]);
    assertEquals(1f, d.x()[0]);
    Path cut = write("cut.bin", java.util.Arrays.copyOf(rec, 5000));
    DataException e = assertThrows(DataException.class, () -> Cifar10.read("t", cut));
    assertTrue(e.getMessage().contains("not a whole number"), e.getMessage());
    rec[0] = 12;
    Path bad = write("bad.bin", rec);
    assertThrows(DataException.class, () -> Cifar10.read("t", bad));
  }
}
