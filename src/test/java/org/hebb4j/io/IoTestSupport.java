package org.hebb4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.function.Executable;

/** Helpers shared by the io tests. */
final class IoTestSupport {

  /** Where io_reference.py and its committed sample files live. */
  static final Path VECTORS = Path.of("test-vectors", "io");

  /** Most a refused file may cost to read: far below what its lying header claims. */
  static final long ALLOCATION_LIMIT = 4 << 20;

  private IoTestSupport() {}

  /** A safetensors file: the header size, the header text as given, the data. */
  static byte[] safetensors(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length).put(h).put(data).array();
  }

  /**
   * Runs {@code read}, which must throw a FormatException naming {@code file} and containing
   * every one of {@code parts}, in one line, having allocated at most {@link #ALLOCATION_LIMIT}
   * bytes.
   */
  static FormatException assertRefused(Path file, Executable read, String... parts) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    boolean counting = mx.isThreadAllocatedMemorySupported();
    if (counting) {
      mx.setThreadAllocatedMemoryEnabled(true);
    }
    long tid = Thread.currentThread().getId();
    long before = counting ? mx.getThreadAllocatedBytes(tid) : 0;
    FormatException e = assertThrows(FormatException.class, read);
    long allocated = counting ? mx.getThreadAllocatedBytes(tid) - before : 0;
    String m = e.getMessage();
    assertTrue(m.startsWith(file.toString() + ": "), "message names the file: " + m);
    for (String p : parts) {
      assertTrue(m.contains(p), "message contains '" + p + "': " + m);
    }
    assertFalse(m.contains("\n"), "one line: " + m);
    assertTrue(allocated < ALLOCATION_LIMIT, "refusing allocated " + allocated + " bytes: " + m);
    return e;
  }

  /** Asserts the two tensors have the same shape and the same bits. */
  static void assertSameBits(Tensor want, Tensor got) {
    assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()));
    for (int i = 0; i < want.size(); i++) {
      assertEquals(Float.floatToRawIntBits(want.data()[i]),
          Float.floatToRawIntBits(got.data()[i]), "bits at flat index " + i);
    }
  }

  static Path write(Path file, byte[] bytes) throws java.io.IOException {
    Files.write(file, bytes);
    return file;
  }

  /** float32 values from raw bit patterns. */
  static float[] bits(int... raw) {
    float[] f = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      f[i] = Float.intBitsToFloat(raw[i]);
    }
    return f;
  }
}
