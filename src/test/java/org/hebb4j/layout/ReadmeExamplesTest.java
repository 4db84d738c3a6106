package org.hebb4j.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs every Java example of the README's library section, as a user would paste it:
 * its import lines on top, the rest as the body of a main method. Two rewrites keep the test
 * self-contained: {@code FashionMnist.DEFAULT_DIR} points to a small synthetic IDX data set, and
 * every {@code Path.of("NAME")} to a file in a temporary folder.
 */
class ReadmeExamplesTest {

  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PATH_OF = Pattern.compile("Path\\.of\\(\"([^\"/]+)\"\\)");

  @TempDir
  Path tmp;

  static List<String> examples() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("\n## Using it as a library");
    assertTrue(start >= 0, "README.md has no '## Using it as a library' section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(section);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyLibraryExampleCompilesAndRuns() throws Exception {
    List<String> examples = examples();
    assertTrue(examples.size() >= 3, "expected at least 3 library examples, found "
        + examples.size());
    Path data = Files.createDirectories(tmp.resolve("fashion-mnist"));
    writeSyntheticIdx(data);
    for (int i = 0; i < examples.size(); i++) {
      String body = examples.get(i);
      long lines = body.lines().filter(l -> !l.isBlank() && !l.startsWith("import ")
          && !l.trim().startsWith("//")).count();
      assertTrue(lines <= 12, "README example " + (i + 1) + " has " + lines
          + " lines of code; the library section promises about ten");
      String out = run("ReadmeExample" + (i + 1), body, data);
      assertTrue(!out.contains("false") && !out.contains("NaN"), "README example " + (i + 1)
          + " printed: " + out);
    }
  }

  private String run(String name, String example, Path data) throws Exception {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : example.split("\n", -1)) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    String code = body.toString()
        .replace("FashionMnist.DEFAULT_DIR", "java.nio.file.Path.of(\"" + data + "\")");
    code = PATH_OF.matcher(code).replaceAll(r -> "Path.of(\""
        + Matcher.quoteReplacement(tmp.resolve(r.group(1)).toString()) + "\")");
    String source = imports + "\npublic class " + name + " {\n"
        + "  public static void main(String[] args) throws Exception {\n" + code + "  }\n}\n";
    Path src = Files.createDirectories(tmp.resolve("src")).resolve(name + ".java");
    Files.writeString(src, source);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = javac.run(null, diag, diag, "-d", classes.toString(), "-cp",
        System.getProperty("java.class.path"), src.toString());
    assertEquals(0, rc, "README example " + name + " does not compile:\n" + source + "\n" + diag);
    PrintStream saved = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      Method main = loader.loadClass(name).getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(saved);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }

  /** 1000 training and 200 test images of 28 x 28 (stripes by class) in uncompressed IDX. */
  private static void writeSyntheticIdx(Path dir) throws IOException {
    writeSet(dir, "train", 1000, 1);
    writeSet(dir, "t10k", 200, 2);
  }

  private static void writeSet(Path dir, String prefix, int n, int seed) throws IOException {
    byte[] pixels = new byte[n * 28 * 28];
    byte[] labels = new byte[n];
    long s = seed;
    for (int i = 0; i < n; i++) {
      int label = i % 10;
      labels[i] = (byte) label;
      for (int p = 0; p < 28 * 28; p++) {
        s = s * 6364136223846793005L + 1442695040888963407L;
        int noise = (int) ((s >>> 58) & 31);
        int stripe = ((p / 28 + p % 28 * (label % 3)) / (2 + label / 3)) % 2 == 0 ? 200 : 20;
        pixels[i * 784 + p] = (byte) Math.min(255, stripe + noise);
      }
    }
    write(dir.resolve(prefix + "-images-idx3-ubyte"), 0x803, new int[] {n, 28, 28}, pixels);
    write(dir.resolve(prefix + "-labels-idx1-ubyte"), 0x801, new int[] {n}, labels);
  }

  private static void write(Path file, int magic, int[] dims, byte[] data) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
