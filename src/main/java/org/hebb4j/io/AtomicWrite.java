package org.hebb4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file through a temporary file in the same directory, renamed into place once complete
 * (spec/io.md#writing), so a failed write never leaves a truncated file behind.
 */
final class AtomicWrite {

  /** What goes into the file. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final int BUFFER = 1 << 16;

  private AtomicWrite() {}

  static void write(Path file, Body body) throws IOException {
    Path target = file.toAbsolutePath();
    Path tmp = createTemp(target);
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
           OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), BUFFER)) {
        body.writeTo(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The original failure is the one to report.
        }
      }
    }
  }

  /** A new empty file next to {@code target} (default permissions, unlike createTempFile). */
  private static Path createTemp(Path target) throws IOException {
    String base = "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".";
    for (long n = System.nanoTime(); ; n++) {
      Path tmp = target.resolveSibling(base + Long.toHexString(n) + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        // Another writer's name: try the next one.
      }
    }
  }
}
