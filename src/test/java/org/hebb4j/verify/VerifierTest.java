package org.hebb4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hebb4j.kernel.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {

  @TempDir
  Path dir;

  /** A 1x2 times 2x1 product, Y = [1*3 + 2*4] = [11]. */
  static String gemmFile(String a, String expected) {
    return "{\"schema\":\"hebb4j-test-vectors/1\",\"op\":\"gemm\",\"tolerance\":{\"rtol\":1e-6,"
        + "\"atol\":1e-6},\"cases\":[{\"id\":\"tiny\",\"params\":{\"transA\":false,"
        + "\"transB\":false,\"alpha\":1,\"beta\":0},\"inputs\":{\"A\":" + a + ",\"B\":{\"shape\":"
        + "[2,1],\"data\":[3,4]},\"C\":{\"shape\":[1,1],\"data\":[0]}},\"expected\":{\"Y\":"
        + "{\"shape\":[1,1],\"data\":[" + expected + "]}}}]}";
  }

  static final String A = "{\"shape\":[1,2],\"data\":[1,2]}";

  private record Result(int passed, int failed, String output) {}

  private Result verify(Map<String, String> files) throws IOException {
    for (Map.Entry<String, String> e : files.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Verifier v = new Verifier(KernelProvider.scalar(), out);
    for (Path f : Verifier.collect(List.of(dir))) {
      v.verifyFile(f);
    }
    v.printSummary();
    return new Result(v.passed(), v.failed(), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aGoodFilePasses() throws IOException {
    Result r = verify(Map.of("good.json", gemmFile(A, "11")));
    assertEquals(1, r.passed());
    assertEquals(0, r.failed());
    assertTrue(r.output().endsWith("1 passed, 0 failed" + System.lineSeparator()), r.output());
  }

  @Test
  void everyKindOfBrokenFileFailsItsCasesAndTheOthersAreStillChecked() throws IOException {
    String good = gemmFile(A, "11");
    Result r = verify(Map.of(
        "a-good.json", good,
        "b-wrong-number.json", gemmFile(A, "12.5"),
        "c-missing-input.json", good.replace("\"A\":" + A + ",", ""),
        "d-unknown-op.json", good.replace("\"op\":\"gemm\"", "\"op\":\"frobnicate\""),
        "e-truncated.json", good.substring(0, good.length() / 2),
        "f-not-a-number.json", gemmFile("{\"shape\":[1,2],\"data\":[1,\"two\"]}", "11"),
        "g-lying-shape.json", gemmFile("{\"shape\":[100000,100000],\"data\":[1,2]}", "11"),
        "h-garbage-number.json", gemmFile("{\"shape\":[1,2],\"data\":[1,2.]}", "11")));
    assertEquals(1, r.passed(), r.output());
    assertEquals(7, r.failed(), r.output());
    String out = r.output();
    assertTrue(out.contains("b-wrong-number.json op=gemm case=tiny: output Y at [0, 0]: actual "
        + "11.0, expected 12.5"), out);
    assertTrue(out.contains("c-missing-input.json op=gemm case=tiny: cases[0].inputs: missing "
        + "required input 'A'"), out);
    assertTrue(out.contains("d-unknown-op.json op=frobnicate case=cases[0]: unknown op "
        + "'frobnicate'"), out);
    assertTrue(out.contains("e-truncated.json op=? case=-: JSON syntax error at line 1"), out);
    assertTrue(out.contains("cases[0].inputs.A.data[1]: expected a number, got the string "
        + "\"two\""), out);
    assertTrue(out.contains("cases[0].inputs.A.shape: [100000, 100000] has 10000000000 "
        + "elements, more than a Java array holds"), out);
    assertTrue(out.contains("h-garbage-number.json op=? case=-: JSON syntax error"), out);
    for (String line : out.split("\\R")) {
      assertTrue(!line.contains("Exception") && !line.contains("\tat "), line);
    }
    assertTrue(out.endsWith("1 passed, 7 failed" + System.lineSeparator()));
  }

  @Test
  void anUnknownEnumParamFailsEachCaseWithTheChoices() throws IOException {
    String rules = Files.readString(Path.of("test-vectors", "hebb_dense.json"))
        .replace("\"rule\": \"oja\"", "\"rule\": \"hebb\"");
    Result r = verify(Map.of("rules.json", rules));
    assertEquals(7, r.failed(), r.output());
    assertTrue(r.output().contains(".params.rule: unknown value 'hebb' (expected one of: plain, "
        + "instar, oja)"), r.output());
  }

  @Test
  void toleranceRuleHandlesNaNAndInfinity() {
    Verifier.Tolerance t = new Verifier.Tolerance(1e-3, 1e-6);
    assertEquals(0, Verifier.excess(Double.NaN, Double.NaN, t));
    assertTrue(Verifier.excess(1, Double.NaN, t) > 0);
    assertTrue(Verifier.excess(Double.NaN, 1, t) > 0);
    assertEquals(0, Verifier.excess(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, t));
    assertTrue(Verifier.excess(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, t) > 0);
    assertEquals(0, Verifier.excess(1000.9, 1000, t));
    assertTrue(Verifier.excess(1001.1, 1000, t) > 0);
  }

  @Test
  void jsonParserRejectsMalformedText() {
    for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "01", "1.e5", "\"abc", "tru",
        "{\"a\":1}x", "[1 2]", "-", "\"\\x\""}) {
      assertThrows(VectorFormatException.class, () -> Json.parse(bad), bad);
    }
    assertEquals(List.of(1.0, -2.5e-3, "é", true, Json.NULL),
        Json.parse(" [1, -2.5E-3, \"\\u00e9\", true, null] "));
    assertThrows(VectorFormatException.class, () -> Json.parse("[".repeat(100_000)));
  }
}
