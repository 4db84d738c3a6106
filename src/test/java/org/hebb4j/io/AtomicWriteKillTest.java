package org.hebb4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL in the middle of a write leaves the target whole
 * (spec/io.md#writing): its previous content, with at most a temporary file beside it.
 */
class AtomicWriteKillTest {

  @TempDir
  Path dir;

  /** The child: writes half of {@code args[0]}, says so, and waits to be killed. */
  public static void main(String[] args) throws IOException {
    AtomicWrite.write(Path.of(args[0]), out -> {
      out.write("step,loss\n1,0.5\n2,".getBytes(StandardCharsets.UTF_8));
      out.flush();
      System.out.println("half");
      System.out.flush();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @Test
  void aRunKilledWhileWritingLeavesThePreviousFile() throws Exception {
    Path target = Files.writeString(dir.resolve("training-log.csv"), "step,loss\n1,0.9\n");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        AtomicWriteKillTest.class.getName(), target.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      assertEquals("half", r.readLine());
      List<Path> during = list();
      assertEquals(2, during.size(), "the target and the temporary file: " + during);
      p.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
    }
    assertEquals("step,loss\n1,0.9\n", Files.readString(target));
    for (Path f : list()) {
      assertTrue(f.equals(target) || f.getFileName().toString()
          .matches("\\.training-log\\.csv\\.\\d+\\.[0-9a-f]+\\.tmp"), f.toString());
    }
  }

  private List<Path> list() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
