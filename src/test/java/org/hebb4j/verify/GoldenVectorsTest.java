package org.hebb4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Verifier v = new Verifier(k, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    for (Path f : Verifier.collect(List.of(Path.of("test-vectors")))) {
      v.verifyFile(f);
    }
    v.printSummary();
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, v.failed(), k.name() + " kernels:\n" + report);
    assertTrue(v.passed() >= 40, "expected at least 40 cases, got " + v.passed());
  }
}
