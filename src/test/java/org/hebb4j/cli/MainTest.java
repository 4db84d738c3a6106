package org.hebb4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

  record Run(int status, String out, String err) {}

  static Run run(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int status = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryCommandAndEachCommandHasHelp() {
    Run r = run("--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("verify") && r.out().contains("info"), r.out());
    for (String c : new String[] {"info", "verify"}) {
      Run h = run(c, "--help");
      assertEquals(0, h.status());
      assertTrue(h.out().startsWith("usage: hebb4j " + c), h.out());
    }
  }

  @Test
  void badArgumentsGiveOneLineAndStatusTwo() {
    for (String[] argv : new String[][] {{}, {"nope"}, {"verify"}, {"verify", "/no/such/path"},
        {"verify", "--frob", "x"}, {"info", "extra"}, {"bench", "sre", "--rule", "foo"},
        {"bench", "nope"}, {"hebbcnn", "--rule", "foo"}}) {
      Run r = run(argv);
      assertEquals(2, r.status(), String.join(" ", argv));
      if (argv.length > 0) {
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("hebb4j"), r.err());
      }
    }
  }

  @Test
  void infoNamesTheKernelPath() {
    Run r = run("info");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("kernels  "), r.out());
    assertTrue(r.out().contains("threads  "), r.out());
  }

  /**
   * The classes must run on a JVM started without --add-modules jdk.incubator.vector and with
   * nothing but this build's classes on the class path (no runtime dependency).
   */
  @Test
  void runsWithoutTheVectorModule() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", cp, "org.hebb4j.cli.Main", "info"))
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), text);
    assertTrue(text.contains("kernels  scalar: module jdk.incubator.vector not present"), text);
    assertTrue(text.contains("hebb4j   " + InfoCommand.version() + System.lineSeparator()),
        text);
  }
}
