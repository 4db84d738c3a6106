package org.hebb4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the fuzz corpus with JUnit alone (README: Fuzzing): every file of
 * src/test/resources/org/hebb4j/fuzz/FuzzTargetsInputs/TARGET/ (the seeds and every crash, hang
 * or out-of-memory input the fuzzer found) is fed to its {@link FuzzTarget}, which must end in
 * the reader's documented exception or a result, within the allocation bound, in 20 s.
 */
class CorpusReplayTest {

  /** The most one input may take: a hang found by the fuzzer must stay fixed. */
  private static final Duration HANG = Duration.ofSeconds(20);

  @TestFactory
  Stream<DynamicTest> everyCorpusFileEndsInADocumentedWay() throws IOException,
      URISyntaxException {
    URL root = CorpusReplayTest.class.getResource("FuzzTargetsInputs");
    assertNotNull(root, "no corpus on the test class path");
    List<DynamicTest> tests = new ArrayList<>();
    for (FuzzTarget t : FuzzTarget.values()) {
      Path dir = Path.of(root.toURI()).resolve(t.corpusName());
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      assertFalse(files.isEmpty(), "no corpus for " + t + " in " + dir);
      for (Path f : files) {
        byte[] in = Files.readAllBytes(f);
        tests.add(DynamicTest.dynamicTest(t.corpusName() + "/" + f.getFileName(),
            () -> assertTimeoutPreemptively(HANG, () -> t.check(in))));
      }
    }
    return tests.stream();
  }
}
