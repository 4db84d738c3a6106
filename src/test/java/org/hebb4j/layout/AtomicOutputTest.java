package org.hebb4j.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file hebb4j writes goes through org.hebb4j.io.AtomicWrite (spec/io.md#writing), so that a
 * killed run never leaves a truncated CSV, TXT, SVG, PNG, npz or safetensors file: no other
 * source under src/main calls an API that opens a file for writing.
 */
class AtomicOutputTest {

  private static final Pattern WRITES = Pattern.compile("\\bFiles\\s*\\.\\s*(write|writeString"
      + "|newBufferedWriter|newOutputStream|newByteChannel|copy)\\s*\\(|\\bnew\\s+(FileOutputStream"
      + "|FileWriter|PrintWriter|RandomAccessFile)\\s*\\(|\\bImageIO\\s*\\.\\s*write\\s*\\(");

  @Test
  void onlyAtomicWriteOpensFilesForWriting() throws IOException {
    List<String> found = new ArrayList<>();
    int files = 0;
    for (String root : List.of("src/main/java", "src/main/vector")) {
      List<Path> sources;
      try (Stream<Path> s = Files.walk(Path.of(root))) {
        sources = s.filter(f -> f.toString().endsWith(".java")).sorted().toList();
      }
      for (Path f : sources) {
        files++;
        if (f.endsWith(Path.of("org", "hebb4j", "io", "AtomicWrite.java"))) {
          continue;
        }
        String code = PackageDependenciesTest.code(Files.readString(f));
        Matcher m = WRITES.matcher(code);
        while (m.find()) {
          found.add(f + ": " + m.group().replaceAll("\\s+", ""));
        }
      }
    }
    assertTrue(files > 50, "only " + files + " sources");
    assertEquals(List.of(), found, "write through org.hebb4j.io.AtomicWrite instead");
  }
}
