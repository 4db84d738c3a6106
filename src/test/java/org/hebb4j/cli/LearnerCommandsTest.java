package org.hebb4j.cli;

import static org.hebb4j.cli.HebbCnnCommandTest.cli;
import static org.hebb4j.experiment.hebbcnn.HebbCnnExperimentTest.synthetic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.hebb4j.cli.HebbCnnCommandTest.Run;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hebb4j softhebb} and {@code hebb4j krotov} on tiny IDX files: outputs and errors. */
class LearnerCommandsTest {

  @TempDir
  Path dir;

  Path data;

  @BeforeEach
  void writeData() throws IOException {
    Rng r = new Rng(7);
    data = dir.resolve("data");
    new HebbCnnCommandTest().writeIdxSet(data, synthetic("a", 60, 28, r),
        synthetic("b", 30, 28, r));
  }

  private String[] argv(String command, Path out, int threads, String... rest) {
    List<String> a = new java.util.ArrayList<>(List.of(command, "--data", data.toString(),
        "--out", out.toString(), "--threads", String.valueOf(threads)));
    a.addAll(Arrays.asList(rest));
    return a.toArray(String[]::new);
  }

  /** Runs twice (1 and 2 threads) and checks the files and that they agree. */
  private void outputsWrittenAndThreadIndependent(String command, int logRows, String... rest)
      throws IOException {
    String[] csv = new String[2];
    for (int t = 1; t <= 2; t++) {
      Path out = dir.resolve(command + t);
      Run run = cli(argv(command, out, t, rest));
      assertEquals(0, run.status(), run.err());
      assertTrue(run.out().contains("pixels") && run.out().contains(command)
          && run.out().contains("run time"), run.out());
      for (String f : List.of("decoding.csv", "training-log.csv", "filters-layer1.png",
          "run.txt")) {
        assertTrue(Files.size(out.resolve(f)) > 0, f);
      }
      List<String> dec = Files.readAllLines(out.resolve("decoding.csv"));
      assertEquals(List.of("model", "pixels", command), dec.stream()
          .map(l -> l.split(",")[0]).toList());
      List<String> log = Files.readAllLines(out.resolve("training-log.csv"));
      assertEquals(1 + logRows, log.size(), String.join("\n", log));
      for (String l : log.subList(1, log.size())) {
        for (String v : l.split(",")) {
          assertTrue(Double.isFinite(Double.parseDouble(v)), l);
        }
      }
      String times = Files.readString(out.resolve("timings.txt"));
      assertTrue(times.contains("total") && times.contains("unsupervised training"), times);
      byte[] png = Files.readAllBytes(out.resolve("filters-layer1.png"));
      assertEquals((byte) 0x89, png[0]);
      csv[t - 1] = String.join("\n", dec) + String.join("\n", log);
    }
    assertEquals(csv[0], csv[1], "results depend on --threads");
  }

  @Test
  void softhebbWritesEveryOutput() throws IOException {
    // two blocks, two epochs: a log row per epoch and block
    outputsWrittenAndThreadIndependent("softhebb", 4, "--channels", "4,6", "--epochs", "2");
  }

  @Test
  void bothReadoutsGiveARowEach() throws IOException {
    for (String command : List.of("softhebb", "krotov")) {
      Path out = dir.resolve(command + "-both");
      Run run = cli(argv(command, out, 2, "--readout", "linear,ridge", "--readout-epochs", "3",
          command.equals("softhebb") ? "--channels" : "--units",
          command.equals("softhebb") ? "4,6" : "12"));
      assertEquals(0, run.status(), run.err());
      List<String> dec = Files.readAllLines(out.resolve("decoding.csv"));
      assertEquals(List.of("model", "pixels", command + "-linear", command), dec.stream()
          .map(l -> l.split(",")[0]).toList());
      for (String l : dec.subList(1, dec.size())) {
        double acc = Double.parseDouble(l.split(",")[3]);
        assertTrue(acc >= 0 && acc <= 1, l);
      }
      String runTxt = Files.readString(out.resolve("run.txt"));
      assertTrue(runTxt.contains("epochs 3"), runTxt);
      String times = Files.readString(out.resolve("timings.txt"));
      assertTrue(times.contains("linear readout"), times);
    }
  }

  /**
   * krotov --readout ridge,linear,krotov: a row per readout in the given order, the paper's
   * classifier named krotov-classifier, the same rows for 1 and 2 threads, on unit-length and
   * on raw inputs (spec/krotov.md#classifier).
   */
  @Test
  void krotovOffersThePapersClassifier() throws IOException {
    for (String inputs : List.of("unit", "raw")) {
      String[] csv = new String[2];
      for (int t = 1; t <= 2; t++) {
        Path out = dir.resolve("kc-" + inputs + t);
        Run run = cli(argv("krotov", out, t, "--readout", "krotov,ridge,linear",
            "--readout-epochs", "3", "--units", "12", "--readout-inputs", inputs));
        assertEquals(0, run.status(), run.err());
        List<String> dec = Files.readAllLines(out.resolve("decoding.csv"));
        assertEquals(List.of("model", "pixels", "krotov-classifier", "krotov", "krotov-linear"),
            dec.stream().map(l -> l.split(",")[0]).toList());
        for (String l : dec.subList(1, dec.size())) {
          double acc = Double.parseDouble(l.split(",")[3]);
          assertTrue(acc >= 0 && acc <= 1, l);
        }
        String runTxt = Files.readString(out.resolve("run.txt"));
        String timings = Files.readString(out.resolve("timings.txt"));
        assertTrue(timings.contains("krotov readout"), timings);
        assertTrue(runTxt.contains("krotov classifier (")
            && runTxt.contains(inputs.equals("unit") ? "unit-length" : "raw pixels"), runTxt);
        csv[t - 1] = String.join("\n", dec);
      }
      assertEquals(csv[0], csv[1], "results depend on --threads");
    }
  }

  /** hebbcnn --variant all: a softhebb and a krotov row after the variants (here, with 60 images,
   * the linear readout: fewer images than features). */
  @Test
  void hebbcnnAllHasSoftHebbAndKrotovRows() throws IOException {
    Path out = dir.resolve("all");
    Run run = cli("hebbcnn", "--data", data.toString(), "--out", out.toString(), "--threads",
        "2", "--burn-in", "0", "--batch", "20", "--channels", "8,8,8");
    assertEquals(0, run.status(), run.err());
    List<String> models = Files.readAllLines(out.resolve("decoding.csv")).stream()
        .map(l -> l.split(",")[0]).toList();
    assertEquals(List.of("softhebb-linear", "krotov-linear"),
        models.subList(models.size() - 2, models.size()), models.toString());
    assertTrue(run.out().contains("softhebb-linear") && run.out().contains("krotov-linear"),
        run.out());
  }

  @Test
  void krotovWritesEveryOutput() throws IOException {
    outputsWrittenAndThreadIndependent("krotov", 3, "--units", "12", "--epochs", "3");
  }

  @Test
  void badInputGivesOneLineAndStatusTwo() throws IOException {
    Path trunc = dir.resolve("trunc");
    Files.createDirectories(trunc);
    for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
      Files.copy(data.resolve(f), trunc.resolve(f));
    }
    byte[] full = Files.readAllBytes(data.resolve("train-images-idx3-ubyte"));
    Files.write(trunc.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, full.length - 99));
    String d = data.toString();
    String[][] cases = {
        {"softhebb", "--data", trunc.toString()},
        {"krotov", "--data", trunc.toString()},
        {"softhebb", "--data", d, "--train-limit", "0"},
        {"krotov", "--data", d, "--train-limit", "0"},
        {"softhebb", "--data", d, "--readout", "ridge,softmax"},
        {"krotov", "--data", d, "--readout", "softmax"},
        {"softhebb", "--data", d, "--channels", "4,4,4,4"},
        {"softhebb", "--data", d, "--channels", "4,4", "--lr", "0.1"},
        {"softhebb", "--data", d, "--channels", "1"},
        {"softhebb", "--data", d, "--lr", "-1,0,0"},
        {"krotov", "--data", d, "--units", "3"},
        {"krotov", "--data", d, "--epochs", "0"},
        {"krotov", "--data", d, "--eps", "0"},
        {"softhebb", "--data", d, "extra"},
        {"softhebb", "--data", d, "--readout", "linear,linear"},
        {"krotov", "--data", d, "--readout-epochs", "0"},
        {"softhebb", "--data", d, "--readout", "ridge,krotov"},
        {"krotov", "--data", d, "--readout-inputs", "scaled"},
    };
    for (String[] a : cases) {
      Run run = cli(a);
      String line = String.join(" ", a);
      assertEquals(2, run.status(), line + "\n" + run.err());
      assertEquals(1, run.err().strip().lines().count(), line + "\n" + run.err());
      assertTrue(run.err().startsWith("hebb4j " + a[0] + ": "), run.err());
      assertTrue(!run.err().contains("Exception") && !run.err().contains("\tat "), run.err());
    }
    assertTrue(cli(cases[4]).err().contains("ridge"), "an unknown readout lists ridge");
    assertTrue(cli(cases[2]).err().contains("--train-limit"), cli(cases[2]).err());
    assertTrue(cli(cases[16]).err().contains("hebb4j krotov only"), cli(cases[16]).err());
  }

  @Test
  void divergingRunsNameTheStepAndLayer() {
    Run sh = cli(argv("softhebb", dir.resolve("sh"), 1, "--channels", "4,6", "--lr", "1e30,0"));
    assertEquals(1, sh.status(), sh.err());
    assertEquals(1, sh.err().strip().lines().count(), sh.err());
    assertTrue(sh.err().contains("step") && sh.err().contains("block 1"), sh.err());
    // weights that overflow within training, and finite weights whose readout overflows
    for (String epochs : List.of("3", "1")) {
      Run kr = cli(argv("krotov", dir.resolve("kr" + epochs), 1, "--units", "12", "--eps",
          "1e38", "--epochs", epochs));
      assertEquals(1, kr.status(), kr.err());
      assertEquals(1, kr.err().strip().lines().count(), kr.err());
      assertTrue(kr.err().contains("step") && kr.err().contains("Krotov layer"), kr.err());
    }
  }
}
