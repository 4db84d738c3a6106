package org.hebb4j.cli;

import static org.hebb4j.cli.ExperimentCommandsTest.oneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code phase --noise}, {@code --act}, {@code --stationary}: runs and one-line errors. */
class PhaseCommandTest {

  @TempDir
  Path tmp;

  @Test
  void badNoiseActAndStationaryGiveOneLineAndStatusTwo() {
    oneLine(MainTest.run("phase", "--noise", "loud"), 2,
        "hebb4j phase: --noise: unknown value 'loud' (expected one of: param, signal, input)");
    oneLine(MainTest.run("phase", "--noise", "none"), 2,
        "hebb4j phase: --noise: a phase diagram needs noise: param, signal or input");
    oneLine(MainTest.run("phase", "--act", "relu"), 2,
        "hebb4j phase: --act: only with --model mlp");
    oneLine(MainTest.run("phase", "--model", "mlp", "--act", "gelu"), 2,
        "hebb4j phase: --act: unknown value 'gelu'");
    oneLine(MainTest.run("phase", "--stationary", "-1"), 2, "hebb4j phase: --stationary");
  }

  static MainTest.Run tiny(Path out, String... extra) {
    String[] base = {"phase", "--sigmas", "1e-2,1e-1,1", "--gammas", "1e-3:1:4", "--steps", "40",
        "--train", "300", "--val", "50", "--batch", "32", "--threads", "2", "--out",
        out.toString()};
    String[] argv = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, argv, base.length, extra.length);
    return MainTest.run(argv);
  }

  @Test
  void everyNoiseKindRunsAndWritesTheFitItsCellsAndTheValLossCheck() throws IOException {
    for (String kind : new String[] {"signal", "input"}) {
      Path out = tmp.resolve(kind);
      MainTest.Run r = tiny(out, "--noise", kind);
      assertEquals(0, r.status(), r.err());
      String name = kind.equals("signal") ? "learning-signal" : "input";
      assertTrue(r.out().contains(name + " noise sigma 0.01..1 (3)"), r.out());
      String b = Files.readString(out.resolve("boundary.txt"));
      assertTrue(b.contains("b_ci95="), b);
      assertTrue(b.contains("stationarity: a column is used when lr * gamma * T >= 0 (lr 0.1,"
          + " T 40 steps): 4 of 4 gamma columns used; 0 cells excluded"), b);
      assertTrue(b.contains("validation loss check: "), b);
      String minima = b.substring(b.indexOf("validation loss minimum per sigma row"),
          b.indexOf("validation loss check: "));
      assertEquals(1 + 3, minima.strip().lines().count(), minima); // the header and one per row
      assertEquals(1, count(minima, "\n0.01,"), minima);
    }
  }

  @Test
  void mlpExcludesShortColumnsAndSaysWhenTooFewAreLeft() throws IOException {
    Path out = tmp.resolve("mlp");
    // lr 0.1 * 40 steps * gamma >= 3 needs gamma >= 0.75: only the column gamma = 1 is used
    MainTest.Run r = tiny(out, "--model", "mlp", "--act", "relu");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("MLP 32 -> 128 -> 32 relu"), r.out());
    assertTrue(r.out().contains("fitted boundary: not found"), r.out());
    String b = Files.readString(out.resolve("boundary.txt"));
    assertTrue(b.contains("1 of 4 gamma columns used (gamma >= 1); 9 cells excluded"), b);
    assertTrue(b.contains("too few stationary columns (1) to find a sign change"), b);
    assertTrue(b.contains("validation loss check: no boundary to compare with"), b);
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
