package org.hebb4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file through a temporary file in the same directory, renamed into place once complete
 * (spec/io.md#writing), so that a failed or killed write never leaves a truncated file under the
 * target's name: the target holds either its previous content or the whole new one. Every file
 * hebb4j writes (CSV, TXT, SVG, PNG, npy, npz, safetensors) goes through this class.
 */
public final class AtomicWrite {

  /** What goes into the file. */
  @FunctionalInterface
  public interface Body {
    /**
     * Writes the file's content.
     *
     * @param out the temporary file's stream, buffered; not to be closed
     * @throws IOException if the content cannot be written; the target is then left untouched
     */
    void writeTo(OutputStream out) throws IOException;
  }

  private static final int BUFFER = 1 << 16;

  private AtomicWrite() {}

  /**
   * Writes {@code text} as UTF-8 to {@code file} (spec/io.md#writing).
   *
   * @param file the file to create or replace
   * @param text the whole content
   * @throws IOException as {@link #write(Path, Body)}
   */
  public static void writeString(Path file, CharSequence text) throws IOException {
    write(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code bytes} to {@code file} (spec/io.md#writing).
   *
   * @param file the file to create or replace
   * @param bytes the whole content
   * @throws IOException as {@link #write(Path, Body)}
   */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  /**
   * Writes {@code file} through a temporary file {@code .NAME.PID.N.tmp} next to it, flushed to
   * disk and renamed over it (spec/io.md#writing). The target is checked first: it must not be a
   * folder and its parent folder must exist. If {@code body} or anything else fails, the
   * temporary file is deleted and the target keeps its previous content (or stays absent).
   *
   * @param file the file to create or replace
   * @param body writes the content
   * @throws IOException for a target that is a folder or whose folder is missing, or any failure
   *     creating, writing or renaming the temporary file, with a one-line message naming
   *     {@code file} (never the temporary file) and the reason: "FILE: cannot write (REASON)"; a
   *     {@link FormatException} from {@code body} is passed on as it is
   */
  public static void write(Path file, Body body) throws IOException {
    Path target = file.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new IOException(file + ": is a folder");
    }
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IOException(file + ": folder " + parent + " does not exist");
    }
    Path tmp = null;
    boolean moved = false;
    try {
      tmp = createTemp(target);
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
    } catch (FormatException e) {
      throw e; // already names the file and the fault
    } catch (IOException e) {
      throw new IOException(file + ": cannot write (" + reason(e) + ")", e);
    } finally {
      if (!moved && tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The original failure is the one to report.
        }
      }
    }
  }

  /** Why {@code e} happened, without the file names a FileSystemException carries. */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f) {
      return f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
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
