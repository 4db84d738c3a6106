package org.hebb4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hebb4j.json.Json;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole committed test-vectors/ tree, through every kernel implementation this JVM has. */
class GoldenVectorsTest {

  static Stream<Kernels> implementations() {
    return Stream.concat(Stream.of(KernelProvider.scalar()), KernelProvider.vector().stream());
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void everyGoldenVectorPasses(Kernels k) throws IOException {
    int cases = countCases(Path.of("test-vectors"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Verifier v = new Verifier(k, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    for (Path f : Verifier.collect(List.of(Path.of("test-vectors")))) {
      v.verifyFile(f);
    }
    v.printSummary();
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, v.failed(), k.name() + " kernels:\n" + report);
    assertEquals(cases, v.passed(), "cases run of the cases in test-vectors/:\n" + report);
  }

  /** The number of entries of every "cases" array of the .json files under {@code dir}. */
  static int countCases(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(f -> f.toString().endsWith(".json")).collect(Collectors.toList());
    }
    assertFalse(files.isEmpty(), "no .json files under " + dir);
    int total = 0;
    for (Path f : files) {
      Object top = Json.parse(Files.readString(f));
      Object cases = top instanceof Map ? ((Map<?, ?>) top).get("cases") : null;
      assertTrue(cases instanceof List && !((List<?>) cases).isEmpty(), f + ": no cases");
      total += ((List<?>) cases).size();
    }
    return total;
  }
}
