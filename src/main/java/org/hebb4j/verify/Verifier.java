package org.hebb4j.verify;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hebb4j.json.Json;
import org.hebb4j.json.JsonException;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/**
 * Checks hebb4j against test-vector files (../shared/contract/test-vectors.md,
 * spec/test-vectors.md). Every case passes or fails on its own: an unreadable file, an unknown op
 * or a missing input fails the cases it affects with a one-line reason and checking goes on.
 */
public final class Verifier {

  public static final String SCHEMA = "hebb4j-test-vectors/1";
  static final double DEFAULT_RTOL = 1e-5, DEFAULT_ATOL = 1e-6;
  private static final long MAX_FILE_BYTES = 256L << 20;

  private final Kernels kernels;
  private final PrintStream out;
  private final Map<String, VectorOp> ops = OpRegistry.all();
  private final Map<String, int[]> perOp = new LinkedHashMap<>();
  private int passed, failed;

  /** Failure lines go to {@code out} as they happen; {@link #printSummary()} ends the report. */
  public Verifier(Kernels kernels, PrintStream out) {
    this.kernels = kernels;
    this.out = out;
  }

  public int passed() {
    return passed;
  }

  public int failed() {
    return failed;
  }

  /** Every {@code *.json} under the given files and directories, sorted per directory. */
  public static List<Path> collect(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".json"))
              .sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    return files;
  }

  /** Checks every case of one file. */
  public void verifyFile(Path file) {
    String name = file.toString();
    Map<String, Object> top;
    try {
      top = readTop(file);
    } catch (VectorFormatException | IOException e) {
      fail(name, "?", "-", e instanceof IOException ? "cannot read: " + e.getMessage()
          : e.getMessage());
      return;
    }
    Object casesValue = top.get("cases");
    int caseCount = casesValue instanceof List ? Math.max(1, ((List<?>) casesValue).size()) : 1;
    String op = top.get("op") instanceof String ? (String) top.get("op") : "?";
    String fileProblem = null;
    if (!SCHEMA.equals(top.get("schema"))) {
      fileProblem = top.containsKey("schema") ? "unsupported schema "
          + VectorCase.describe(top.get("schema")) + " (expected " + SCHEMA + ")"
          : "missing required key 'schema'";
    } else if (!(top.get("op") instanceof String)) {
      fileProblem = "missing or non-string key 'op'";
    } else if (!(casesValue instanceof List)) {
      fileProblem = casesValue == null ? "missing required key 'cases'" : "'cases' is not an array";
    } else if (!ops.containsKey(op)) {
      fileProblem = "unknown op '" + op + "'";
    }
    if (fileProblem != null) {
      for (int i = 0; i < caseCount; i++) {
        fail(name, op, "cases[" + i + "]", fileProblem);
      }
      return;
    }
    Tolerance fileTol;
    try {
      fileTol = Tolerance.read(top.get("tolerance"), "tolerance",
          new Tolerance(DEFAULT_RTOL, DEFAULT_ATOL));
    } catch (VectorFormatException e) {
      for (int i = 0; i < caseCount; i++) {
        fail(name, op, "cases[" + i + "]", e.getMessage());
      }
      return;
    }
    List<?> cases = (List<?>) casesValue;
    for (int i = 0; i < cases.size(); i++) {
      verifyCase(name, op, i, cases.get(i), fileTol);
    }
  }

  @SuppressWarnings("unchecked")
  private void verifyCase(String file, String op, int index, Object caseValue, Tolerance fileTol) {
    String where = "cases[" + index + "]";
    if (!(caseValue instanceof Map)) {
      fail(file, op, where, where + ": expected an object, got " + VectorCase.describe(caseValue));
      return;
    }
    Map<String, Object> cm = (Map<String, Object>) caseValue;
    Object idValue = cm.get("id");
    if (!(idValue instanceof String) || ((String) idValue).isEmpty()) {
      fail(file, op, where, idValue == null ? where + ": missing required key 'id'"
          : where + ".id: expected a non-empty string, got " + VectorCase.describe(idValue));
      return;
    }
    String id = (String) idValue;
    try {
      Tolerance tol = Tolerance.read(cm.get("tolerance"), where + ".tolerance", fileTol);
      Map<String, Object> expected = VectorCase.optionalObject(cm, "expected", where);
      if (expected.isEmpty()) {
        throw new VectorFormatException(where + ": no 'expected' outputs");
      }
      VectorCase vc = new VectorCase(where, cm);
      Outputs got = ops.get(op).run(vc, kernels);
      for (Map.Entry<String, Object> e : expected.entrySet()) {
        String problem = compare(e.getKey(), e.getValue(), got.get(e.getKey()), tol,
            where + ".expected." + e.getKey());
        if (problem != null) {
          fail(file, op, id, problem);
          return;
        }
      }
      pass(op);
    } catch (VectorFormatException e) {
      fail(file, op, id, e.getMessage());
    } catch (RuntimeException e) {
      fail(file, op, id, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (OutOfMemoryError e) {
      fail(file, op, id, "the case needs more memory than the JVM has");
    }
  }

  /** Returns null when the output matches, else a one-line description of the worst element. */
  private static String compare(String name, Object expectedJson, Object actual, Tolerance tol,
      String where) {
    boolean isInt = TensorJson.isInt(expectedJson, where);
    int[] eShape;
    double[] e;
    if (isInt) {
      IntTensor t = TensorJson.readInt(expectedJson, where);
      eShape = t.shape();
      e = Arrays.stream(t.data()).asDoubleStream().toArray();
    } else {
      Tensor t = TensorJson.readFloat(expectedJson, where);
      eShape = t.shape();
      e = toDouble(t.data());
    }
    if (actual == null) {
      return "the op produces no output '" + name + "'";
    }
    int[] aShape;
    double[] a;
    if (actual instanceof IntTensor) {
      aShape = ((IntTensor) actual).shape();
      a = Arrays.stream(((IntTensor) actual).data()).asDoubleStream().toArray();
    } else {
      aShape = ((Tensor) actual).shape();
      a = toDouble(((Tensor) actual).data());
    }
    if (!Arrays.equals(eShape, aShape)) {
      return "output " + name + " has shape " + Arrays.toString(aShape) + ", expected "
          + Arrays.toString(eShape);
    }
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < e.length; i++) {
      double excess = excess(a[i], e[i], tol);
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
    if (worst < 0) {
      return null;
    }
    String line = "output " + name + " at " + Arrays.toString(unravel(worst, eShape))
        + ": actual " + format(a[worst], isInt) + ", expected " + format(e[worst], isInt);
    return Double.isFinite(e[worst]) ? line + " (tolerance "
        + (float) (tol.atol() + tol.rtol() * Math.abs(e[worst])) + ")" : line;
  }

  /** How far an element is outside its tolerance: 0 when it passes, positive when it fails. */
  static double excess(double actual, double expected, Tolerance tol) {
    if (Double.isNaN(expected)) {
      return Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
    }
    if (Double.isInfinite(expected) || Double.isNaN(actual) || Double.isInfinite(actual)) {
      return actual == expected ? 0 : Double.POSITIVE_INFINITY;
    }
    double diff = Math.abs(actual - expected) - (tol.atol() + tol.rtol() * Math.abs(expected));
    return diff > 0 ? diff : 0;
  }

  private static String format(double v, boolean isInt) {
    return isInt ? String.valueOf((long) v) : String.valueOf((float) v);
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int a = shape.length - 1; a >= 0; a--) {
      idx[a] = flat % shape[a];
      flat /= shape[a];
    }
    return idx;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readTop(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new VectorFormatException("file is " + size + " bytes, above the "
          + (MAX_FILE_BYTES >> 20) + " MiB limit");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new VectorFormatException("not valid UTF-8");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte-order mark; RFC 8259 section 8.1 lets readers skip it
    }
    Object v;
    try {
      v = Json.parse(text);
    } catch (JsonException e) {
      throw new VectorFormatException("JSON syntax error at line " + e.line() + ", column "
          + e.column() + ": " + e.problem());
    }
    if (!(v instanceof Map)) {
      throw new VectorFormatException("top level: expected an object, got "
          + VectorCase.describe(v));
    }
    return (Map<String, Object>) v;
  }

  private void pass(String op) {
    passed++;
    perOp.computeIfAbsent(op, o -> new int[2])[0]++;
  }

  private void fail(String file, String op, String id, String reason) {
    failed++;
    perOp.computeIfAbsent(op, o -> new int[2])[1]++;
    out.println("FAIL " + file + " op=" + op + " case=" + id + ": " + oneLine(reason));
  }

  private static String oneLine(String s) {
    return s == null ? "(no message)" : s.replace('\n', ' ').replace('\r', ' ');
  }

  /** Prints the per-op summary and the closing line {@code N passed, M failed}. */
  public void printSummary() {
    for (Map.Entry<String, int[]> e : perOp.entrySet()) {
      out.println("  " + e.getKey() + ": " + e.getValue()[0] + " passed, " + e.getValue()[1]
          + " failed");
    }
    out.println(passed + " passed, " + failed + " failed");
  }

  /** An absolute and relative tolerance, read from a {@code {"rtol", "atol"}} object. */
  record Tolerance(double rtol, double atol) {

    @SuppressWarnings("unchecked")
    static Tolerance read(Object v, String where, Tolerance fallback) {
      if (v == null) {
        return fallback;
      }
      if (!(v instanceof Map)) {
        throw new VectorFormatException(where + ": expected an object, got "
            + VectorCase.describe(v));
      }
      Map<String, Object> m = (Map<String, Object>) v;
      return new Tolerance(value(m, "rtol", where, fallback.rtol()),
          value(m, "atol", where, fallback.atol()));
    }

    private static double value(Map<String, Object> m, String key, String where, double dflt) {
      Object v = m.get(key);
      if (v == null) {
        return dflt;
      }
      double d = v instanceof Number n ? n.doubleValue() : Double.NaN;
      if (!(d >= 0) || Double.isInfinite(d)) {
        throw new VectorFormatException(where + "." + key + ": expected a non-negative number, got "
            + VectorCase.describe(v));
      }
      return d;
    }
  }
}
