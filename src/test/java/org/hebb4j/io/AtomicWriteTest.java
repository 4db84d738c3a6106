package org.hebb4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors of {@link AtomicWrite} name the target file, never the temporary one. */
class AtomicWriteTest {

  @TempDir
  Path dir;

  private static final AtomicWrite.Body NEVER = out -> fail("the body must not be written");

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void anExistingFolderIsRefusedBeforeWriting() throws IOException {
    Path target = Files.createDirectory(dir.resolve("m.safetensors"));
    IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(target, NEVER));
    assertEquals(target + ": is a folder", e.getMessage());
    assertEquals(List.of(target), files());
  }

  @Test
  void aMissingParentFolderIsRefusedBeforeWriting() {
    Path target = dir.resolve("no/such/f.npz");
    IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(target, NEVER));
    assertEquals(target + ": folder " + dir.resolve("no/such") + " does not exist",
        e.getMessage());
  }

  @Test
  void aFailedBodyNamesTheTargetAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("f.npz");
    IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(target, out -> {
      out.write(new byte[100_000]);
      throw new IOException("No space left on device");
    }));
    assertEquals(target + ": cannot write (No space left on device)", e.getMessage());
    assertEquals(List.of(), files());
  }

  @Test
  void aFolderThatRefusesFilesNamesTheTarget() {
    Path proc = Path.of("/proc");
    assumeTrue(Files.isDirectory(proc.resolve("self")), "needs Linux /proc");
    Path target = proc.resolve("o.npz");
    IOException e = assertThrows(IOException.class,
        () -> AtomicWrite.write(target, out -> out.write(1)));
    assertTrue(e.getMessage().startsWith(target + ": cannot write ("), e.getMessage());
    assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void aGoodWriteReplacesTheTarget() throws IOException {
    Path target = Files.writeString(dir.resolve("f.npz"), "old");
    AtomicWrite.write(target, out -> out.write("new".getBytes()));
    assertEquals("new", Files.readString(target));
    assertEquals(List.of(target), files());
  }
  @Test
  void aWriterFailingHalfWayLeavesThePreviousFileWhole() throws IOException {
    Path target = Files.writeString(dir.resolve("phase.csv"), "sigma,gamma\n1,2\n");
    for (Throwable failure : List.of(new IOException("disk full"),
        new IllegalStateException("a bug in the body"), new OutOfMemoryError("heap"))) {
      Throwable t = assertThrows(Throwable.class, () -> AtomicWrite.write(target, out -> {
        out.write("sigma,gamma\n3,".getBytes());
        out.flush(); // half a file on disk, under the temporary name
        sneakyThrow(failure);
      }));
      assertEquals(failure.getClass(), t instanceof IOException && t.getCause() != null
          ? t.getCause().getClass() : t.getClass());
      assertEquals("sigma,gamma\n1,2\n", Files.readString(target));
      assertEquals(List.of(target), files(), "only the previous file remains");
    }
  }

  @Test
  void aWriterFailingHalfWayLeavesNoTargetFile() {
    Path target = dir.resolve("fig.svg");
    assertThrows(IllegalStateException.class, () -> AtomicWrite.write(target, out -> {
      out.write(new byte[200_000]);
      throw new IllegalStateException("stopped half-way");
    }));
    assertFalse(Files.exists(target));
  }

  @Test
  void writesTextAsUtf8AndBytesAsGiven() throws IOException {
    AtomicWrite.writeString(dir.resolve("t.txt"), new StringBuilder("\u03c3 = 0.1\n"));
    assertEquals("\u03c3 = 0.1\n", Files.readString(dir.resolve("t.txt")));
    AtomicWrite.write(dir.resolve("b.png"), new byte[] {-119, 80, 78, 71});
    assertEquals(4, Files.size(dir.resolve("b.png")));
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
