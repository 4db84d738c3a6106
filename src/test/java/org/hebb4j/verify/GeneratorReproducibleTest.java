package org.hebb4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh run of the numpy generator ({@code test-vectors/generate.py --out DIR}) writes exactly
 * the committed vector files, byte for byte, and leaves the committed ones alone
 * (spec/test-vectors.md#generator). Needs python3 with numpy (CI installs python3-numpy); without
 * it the test fails, saying so.
 */
class GeneratorReproducibleTest {

  private static final Path VECTORS = Path.of("test-vectors");

  @TempDir
  Path dir;

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("python3 with numpy is required by this test (Debian: apt-get install python3-numpy): "
          + e.getMessage());
      return null;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + command);
    }
    assertEquals(0, p.exitValue(), command + " failed:\n" + out);
    return out;
  }

  private static List<String> jsonNames(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void aFreshRunWritesTheCommittedFilesByteForByte() throws Exception {
    List<String> committed = jsonNames(VECTORS);
    List<Long> before = new ArrayList<>();
    for (String n : committed) {
      before.add(Files.getLastModifiedTime(VECTORS.resolve(n)).toMillis());
    }
    run(List.of("python3", VECTORS.resolve("generate.py").toString(), "--out", dir.toString()));
    String numpy = run(List.of("python3", "-c", "import numpy; print(numpy.__version__)")).strip();
    assertEquals(committed, jsonNames(dir), "files written by generate.py");
    List<String> differing = new ArrayList<>();
    for (String n : committed) {
      byte[] fresh = Files.readAllBytes(dir.resolve(n));
      if (!Arrays.equals(Files.readAllBytes(VECTORS.resolve(n)), fresh)) {
        differing.add(n);
      }
    }
    assertTrue(differing.isEmpty(), "a fresh generate.py run (numpy " + numpy + ") differs from "
        + "the committed " + differing + ": regenerate them, or see generate.py's docstring for "
        + "what another numpy version may change");
    for (int i = 0; i < committed.size(); i++) {
      assertEquals(before.get(i), Files.getLastModifiedTime(VECTORS.resolve(committed.get(i)))
          .toMillis(), "generate.py --out touched the committed " + committed.get(i));
    }
  }
}
