package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built classes (target/classes, an exploded module with its module-info.class) run in the
 * four modes of spec/kernels.md#dispatch: on the class path and on the module path, each with and
 * without {@code --add-modules jdk.incubator.vector}, in child JVMs of the same java binary.
 * {@code hebb4j info} must name the vector kernels exactly when the module is there, exit 0 and
 * write nothing to stderr but the JVM's own incubator notice. On the module path, a class outside
 * the module sees the module {@code org.hebb4j}, its API packages exported, the command-line
 * package and the vector kernels' class closed to it.
 */
class ModuleModesTest {

  private static final String VECTOR = "jdk.incubator.vector";
  private static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: " + VECTOR;
  private static final String MAIN = "org.hebb4j.cli.Main";

  private record Run(int status, String out, String err) {}

  @Test
  void classPathAndModulePathWithAndWithoutTheVectorModule() throws Exception {
    Path classes = classes();
    for (boolean modulePath : new boolean[] {false, true}) {
      for (boolean vector : new boolean[] {false, true}) {
        List<String> cmd = new ArrayList<>();
        if (vector) {
          cmd.addAll(List.of("--add-modules", VECTOR));
        }
        if (modulePath) {
          cmd.addAll(List.of("-p", classes.toString(), "-m", "org.hebb4j/" + MAIN, "info"));
        } else {
          cmd.addAll(List.of("-cp", classes.toString(), MAIN, "info"));
        }
        String mode = (modulePath ? "module path" : "class path") + (vector ? " + " + VECTOR : "");
        Run r = java(cmd);
        assertEquals(0, r.status(), mode + ": " + r.out() + r.err());
        assertEquals("", r.err(), mode + ": stderr");
        String kernels = r.out().lines().filter(l -> l.startsWith("kernels  ")).findFirst()
            .orElse("(no kernels line) " + r.out());
        String expected = vector ? expectedWithModule() : "kernels  scalar: module " + VECTOR
            + " not present";
        assertTrue(kernels.startsWith(expected), mode + ": " + kernels);
      }
    }
  }

  @Test
  void outsideTheModuleOnlyTheApiPackagesAreOpen(@TempDir Path dir) throws Exception {
    Path probe = dir.resolve("Probe.java");
    Files.writeString(probe, String.join("\n",
        "public class Probe {",
        "  public static void main(String[] args) throws Exception {",
        "    Module m = org.hebb4j.kernel.KernelProvider.class.getModule();",
        "    System.out.println(m.getName() + ' ' + Probe.class.getModule().isNamed());",
        "    for (String p : new String[] {\"kernel\", \"tensor\", \"nn\", \"cli\", \"verify\"}) {",
        "      System.out.println(p + ' ' + m.isExported(\"org.hebb4j.\" + p));",
        "    }",
        "    try {",
        "      Class.forName(\"" + MAIN + "\").getMethod(\"main\", String[].class)",
        "          .invoke(null, (Object) new String[] {\"info\"});",
        "      System.out.println(\"cli open\");",
        "    } catch (IllegalAccessException e) {",
        "      System.out.println(\"cli closed\");",
        "    }",
        "    try {",
        "      Class.forName(\"org.hebb4j.kernel.VectorKernels\").getDeclaredConstructor()",
        "          .newInstance();",
        "      System.out.println(\"vector kernels open\");",
        "    } catch (IllegalAccessException e) {",
        "      System.out.println(\"vector kernels closed\");",
        "    }",
        "    System.out.println(org.hebb4j.kernel.KernelProvider.get().name());",
        "  }",
        "}", ""));
    // compiled here against the module, then run from the class path: the unnamed module
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assumeTrue(javac != null, "no compiler in this runtime");
    StringWriter diagnostics = new StringWriter();
    boolean compiled = javac.getTask(diagnostics, null, null, List.of("-p", classes().toString(),
        "--add-modules", "org.hebb4j", "-d", dir.toString()), null,
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
            .getJavaFileObjects(probe)).call();
    assertTrue(compiled, diagnostics.toString());
    Run r = java(List.of("-p", classes().toString(), "--add-modules", "org.hebb4j," + VECTOR,
        "-cp", dir.toString(), "Probe"));
    assertEquals(0, r.status(), r.out() + r.err());
    assertEquals("", r.err());
    String vector = expectedWithModule().contains("vector") ? "vector" : "scalar";
    assertEquals(List.of("org.hebb4j false", "kernel true", "tensor true", "nn true",
        "cli false", "verify false", "cli closed", "vector kernels closed", vector),
        r.out().lines().collect(Collectors.toList()));
  }

  /** target/classes, which must hold the module descriptor. */
  private static Path classes() throws URISyntaxException {
    Path p = Path.of(KernelProvider.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    assertTrue(Files.isRegularFile(p.resolve("module-info.class")), "no module-info.class in " + p);
    return p;
  }

  /**
   * The start of the kernels line with the vector module: the vector kernels when this JVM (run
   * with the module by surefire) has them, else scalar for the vector size.
   */
  private static String expectedWithModule() {
    assumeTrue(ModuleLayer.boot().findModule(VECTOR).isPresent(), "this JVM lacks " + VECTOR);
    return KernelProvider.vector().isPresent() ? "kernels  vector" : "kernels  scalar";
  }

  /** Runs the java binary of this JVM; stderr without the JVM's incubator notice. */
  private static Run java(List<String> args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(args);
    Path err = Files.createTempFile("hebb4j-child", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + cmd);
      String errText = Files.readAllLines(err).stream()
          .filter(l -> !l.equals(INCUBATOR_NOTICE))
          .collect(Collectors.joining("\n"));
      return new Run(p.exitValue(), out, errText);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
