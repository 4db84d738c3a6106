package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every lanewise operator the vector kernels call is one that {@code OperatorCaches} runs when they
 * load (spec/kernels.md#operator-caches). A kernel calling an operator left out there could fill
 * that operator's cache entry from C2-compiled code, and on JDK 17 a few such fills sent the GEMM
 * tiles into the Vector API's Java fallback for a whole run.
 *
 * <p>The calls are read from the sources of src/main/vector: the shorthand methods ({@code fma},
 * {@code add}, ...; not {@code Math.min} and the like) and {@code lanewise(OP, ...)}. The scan
 * does not tell element types apart: an operator already filled for one type but newly used on
 * another (the caches are per type) has to be added to OperatorCaches' list for that type.
 */
class OperatorCachesTest {

  /** Vector API shorthand methods and the operator each one applies. */
  private static final Map<String, String> SHORTHANDS = Map.ofEntries(
      Map.entry("add", "ADD"), Map.entry("sub", "SUB"), Map.entry("mul", "MUL"),
      Map.entry("div", "DIV"), Map.entry("min", "MIN"), Map.entry("max", "MAX"),
      Map.entry("neg", "NEG"), Map.entry("abs", "ABS"), Map.entry("sqrt", "SQRT"),
      Map.entry("fma", "FMA"), Map.entry("and", "AND"), Map.entry("or", "OR"),
      Map.entry("not", "NOT"), Map.entry("pow", "POW"));
  private static final Pattern SHORTHAND = Pattern.compile(
      "(?<!Math)\\.(" + String.join("|", SHORTHANDS.keySet()) + ")\\(");
  private static final Pattern LANEWISE =
      Pattern.compile("lanewise\\(\\s*(?:VectorOperators\\.)?([A-Z][A-Z_0-9]*)");
  /** Reductions have caches of their own, which OperatorCaches does not fill. */
  private static final Pattern REDUCTION = Pattern.compile("\\.reduceLanes(ToLong)?\\(");

  @Test
  void everyOperatorTheKernelsCallIsFilledFirst() throws Exception {
    Assumptions.assumeTrue(KernelProvider.vector().isPresent(), "Vector API kernels unavailable");
    Set<String> filled = filledOperators();
    Set<String> called = new TreeSet<>();
    for (Path f : vectorSources()) {
      if (f.endsWith("OperatorCaches.java")) {
        continue;
      }
      String text = Files.readString(f);
      Matcher m = SHORTHAND.matcher(text);
      while (m.find()) {
        called.add(SHORTHANDS.get(m.group(1)));
      }
      m = LANEWISE.matcher(text);
      while (m.find()) {
        called.add(m.group(1));
      }
      assertTrue(!REDUCTION.matcher(text).find(),
          f + " calls reduceLanes: fill the reduction caches in OperatorCaches first");
    }
    // the scan finds the kernels' calls at all (else the check below would pass on nothing)
    assertTrue(called.containsAll(List.of("FMA", "ADD", "MUL", "LSHL")), called.toString());
    Set<String> missing = new TreeSet<>(called);
    missing.removeAll(filled);
    assertEquals(Set.of(), missing, "operators the kernels call but OperatorCaches does not fill");
  }

  @SuppressWarnings("unchecked")
  private static Set<String> filledOperators() throws ReflectiveOperationException {
    Method names = Class.forName("org.hebb4j.kernel.OperatorCaches").getDeclaredMethod("names");
    names.setAccessible(true);
    return (Set<String>) names.invoke(null);
  }

  private static List<Path> vectorSources() throws IOException {
    try (Stream<Path> s = Files.walk(Path.of("src/main/vector"))) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }
}
