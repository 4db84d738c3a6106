package org.hebb4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  /** A gemm case: A [m,k] times B [k,n] with alpha 1, beta 0, expected Y as given. */
  static String gemmCase(String id, String a, String b, int m, int n, String expectedY) {
    return "{" + id + "\"params\":{\"transA\":false,\"transB\":false,\"alpha\":1,\"beta\":0},"
        + "\"inputs\":{\"A\":" + a + ",\"B\":" + b + ",\"C\":{\"shape\":[" + m + "," + n
        + "],\"data\":[" + "0,".repeat(m * n - 1) + "0]}},\"expected\":{\"Y\":" + expectedY
        + "}}";
  }

  static String file(String... cases) {
    return "{\"schema\":\"hebb4j-test-vectors/1\",\"op\":\"gemm\",\"cases\":["
        + String.join(",", cases) + "]}";
  }

  @Test
  void anOutputOfAnotherShapeFailsWhateverTheElementCount() throws IOException {
    // [2,3] = [[1],[2]] times [[1,2,3]]: data 1 2 3 2 4 6.
    String a = "{\"shape\":[2,1],\"data\":[1,2]}", b = "{\"shape\":[1,3],\"data\":[1,2,3]}";
    String data = "\"data\":[1,2,3,2,4,6]}";
    // 1x1: [[2]] times [[3]] = [[6]].
    String a1 = "{\"shape\":[1,1],\"data\":[2]}", b1 = "{\"shape\":[1,1],\"data\":[3]}";
    Result r = verify(Map.of("shapes.json", file(
        gemmCase("\"id\":\"right\",", a, b, 2, 3, "{\"shape\":[2,3]," + data),
        gemmCase("\"id\":\"transposed\",", a, b, 2, 3, "{\"shape\":[3,2]," + data),
        gemmCase("\"id\":\"flat\",", a, b, 2, 3, "{\"shape\":[6]," + data),
        gemmCase("\"id\":\"one-right\",", a1, b1, 1, 1, "{\"shape\":[1,1],\"data\":[6]}"),
        gemmCase("\"id\":\"one-scalar\",", a1, b1, 1, 1, "{\"shape\":[],\"data\":[6]}"),
        gemmCase("\"id\":\"one-vector\",", a1, b1, 1, 1, "{\"shape\":[1],\"data\":[6]}"))));
    String out = r.output();
    assertEquals(2, r.passed(), out);
    assertEquals(4, r.failed(), out);
    assertTrue(out.contains("case=transposed: output Y has shape [2, 3], expected [3, 2]"), out);
    assertTrue(out.contains("case=flat: output Y has shape [2, 3], expected [6]"), out);
    assertTrue(out.contains("case=one-scalar: output Y has shape [1, 1], expected []"), out);
    assertTrue(out.contains("case=one-vector: output Y has shape [1, 1], expected [1]"), out);
  }

  @Test
  void aCaseWithoutAnIdFailsAndTheOthersStillRun() throws IOException {
    String a1 = "{\"shape\":[1,1],\"data\":[2]}", b1 = "{\"shape\":[1,1],\"data\":[3]}";
    String y = "{\"shape\":[1,1],\"data\":[6]}";
    Result r = verify(Map.of("ids.json", file(
        gemmCase("", a1, b1, 1, 1, y),
        gemmCase("\"id\":\"named\",", a1, b1, 1, 1, y),
        gemmCase("\"id\":7,", a1, b1, 1, 1, y),
        gemmCase("\"id\":\"\",", a1, b1, 1, 1, y)),
        "other.json", gemmFile(A, "11")));
    String out = r.output();
    assertEquals(2, r.passed(), out);
    assertEquals(3, r.failed(), out);
    assertTrue(out.contains("ids.json op=gemm case=cases[0]: cases[0]: missing required key "
        + "'id'"), out);
    assertTrue(out.contains("ids.json op=gemm case=cases[2]: cases[2].id: expected a non-empty "
        + "string, got 7"), out);
    assertTrue(out.contains("ids.json op=gemm case=cases[3]: cases[3].id: expected a non-empty "
        + "string, got the string \"\""), out);
  }

  @Test
  void aUtf8ByteOrderMarkIsAccepted() throws IOException {
    Files.write(dir.resolve("bom.json"), ("\uFEFF" + gemmFile(A, "11"))
        .getBytes(StandardCharsets.UTF_8));
    Result r = verify(Map.of());
    assertEquals(1, r.passed(), r.output());
    assertEquals(0, r.failed(), r.output());
  }

  @Test
  void nonFiniteStringsAreReadInInputsAndExpected() throws IOException {
    // Y = A B + C = [1, inf, 3, -inf] + [nan, 1, -inf, 1] = [nan, inf, -inf, -inf].
    String body = "\"params\":{\"transA\":false,\"transB\":false,\"alpha\":1,\"beta\":1},"
        + "\"inputs\":{\"A\":{\"shape\":[1,1],\"data\":[1]},\"B\":{\"shape\":[1,4],"
        + "\"data\":[1,\"Infinity\",3,\"-Infinity\"]},\"C\":{\"shape\":[1,4],\"data\":[\"NaN\","
        + "1,\"-Infinity\",1]}},\"expected\":{\"Y\":{\"shape\":[1,4],\"data\":";
    String c = "[\"NaN\",\"Infinity\",\"-Infinity\",\"-Infinity\"]";
    Result r = verify(Map.of("nonfinite.json", file(
        "{\"id\":\"right\"," + body + c + "}}}",
        "{\"id\":\"finite-expected\"," + body + "[\"NaN\",\"Infinity\",0,\"-Infinity\"]}}}",
        "{\"id\":\"wrong-infinity\"," + body + "[\"NaN\",\"-Infinity\",\"-Infinity\","
            + "\"-Infinity\"]}}}",
        "{\"id\":\"nan-expected\"," + body + "[\"NaN\",\"NaN\",\"-Infinity\","
            + "\"-Infinity\"]}}}",
        "{\"id\":\"lowercase\"," + body + "[\"nan\",\"Infinity\",\"-Infinity\","
            + "\"-Infinity\"]}}}")));
    String out = r.output();
    assertEquals(1, r.passed(), out);
    assertEquals(4, r.failed(), out);
    assertTrue(out.contains("case=finite-expected: output Y at [0, 2]: actual -Infinity, "
        + "expected 0.0 (tolerance 1.0E-6)"), out);
    assertTrue(out.contains("case=wrong-infinity: output Y at [0, 1]: actual Infinity, expected "
        + "-Infinity" + System.lineSeparator()), out);
    assertTrue(out.contains("case=nan-expected: output Y at [0, 1]: actual Infinity, expected "
        + "NaN" + System.lineSeparator()), out);
    assertTrue(out.contains("case=lowercase: cases[4].expected.Y.data[0]: expected a number, got "
        + "the string \"nan\""), out);
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
  void aDuplicateKeyIsASyntaxErrorNamingKeyLineAndColumn() throws IOException {
    String good = gemmFile(A, "11");
    Result r = verify(Map.of("dup.json", good.replace("{\"id\":\"tiny\",",
        "{\"id\":\"tiny\",\n\"id\":\"again\",")));
    assertEquals(1, r.failed(), r.output());
    assertTrue(r.output().contains("dup.json op=? case=-: JSON syntax error at line 2, column 1: "
        + "duplicate key 'id'"), r.output());
  }

  @Test
  void aByteOrderMarkIsSkipped() throws IOException {
    Result r = verify(Map.of("bom.json", "\uFEFF" + gemmFile(A, "11")));
    assertEquals(1, r.passed(), r.output());
  }
}
