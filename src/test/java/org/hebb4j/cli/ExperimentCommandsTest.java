package org.hebb4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment commands end to end on tiny settings, and their one-line errors. */
class ExperimentCommandsTest {

  @TempDir
  Path tmp;

  static void oneLine(MainTest.Run r, int status, String contains) {
    assertEquals(status, r.status(), r.err() + r.out());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(contains), r.err());
  }

  @Test
  void badOptionsGiveOneLineAndStatusTwo() {
    String[][] bad = {
        {"emergence", "--lr", "-1"}, {"emergence", "--batch", "0"},
        {"emergence", "--gammas", "0,-5e-3"}, {"emergence", "--sigma", "-1", "--noise", "param"},
        {"emergence", "--rules", "sgd,hebb"}, {"emergence", "--act", "gelu"},
        {"emergence", "--noise", "loud"}, {"emergence", "--sigma", "0.1"},
        {"emergence", "--steps", "ten"}, {"emergence", "extra"},
        {"phase", "--sigmas", "1:0.1:3"}, {"phase", "--gammas", "1e-3:1:x"},
        {"phase", "--model", "cnn"}, {"phase", "--gammas", "0.1,0.01"},
        {"classify", "--epochs", "0"}, {"classify", "--threads", "0"}};
    for (String[] argv : bad) {
      MainTest.Run r = MainTest.run(argv);
      assertEquals(2, r.status(), String.join(" ", argv) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), String.join(" ", argv) + ": " + r.err());
      assertTrue(r.err().startsWith("hebb4j " + argv[0] + ": "), r.err());
    }
  }

  @Test
  void padNamesBothAcceptedForms() {
    oneLine(MainTest.run("hebbcnn", "--pad", "abc"), 2, "--pad: expected auto or an integer");
    oneLine(MainTest.run("hebbcnn", "--pad", "2000"), 2, "--pad");
  }

  @Test
  void missingDataSaysHowToInstall() {
    oneLine(MainTest.run("classify", "--data", tmp.resolve("none").toString(), "--out",
        tmp.resolve("o").toString()), 2, "apt-get install dataset-fashion-mnist");
  }

  @Test
  void divergenceGivesOneLineAndStatusOne() {
    oneLine(MainTest.run("emergence", "--lr", "1e3", "--rules", "sgd", "--gammas", "0",
        "--seeds", "1", "--steps", "100", "--train", "256", "--val", "32", "--batch", "32",
        "--out", tmp.toString()), 1, "training diverged at step");
  }

  @Test
  void emergenceWritesTableCsvAndPlots() throws IOException {
    Path out = tmp.resolve("em");
    MainTest.Run r = MainTest.run("emergence", "--steps", "20", "--seeds", "2", "--train", "300",
        "--val", "50", "--batch", "32", "--hidden", "8", "--threads", "2", "--out",
        out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("timeavg") && r.out().contains("gamma=5e-3"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("alignment.csv"));
    assertEquals("model,activation,rule,gamma,sigma,layer,protocol,seeds,mean,std", csv.get(0));
    assertEquals(1 + 5 * 4 * 2 * 4, csv.size()); // rules x gammas x layers x protocols
    assertTrue(csv.get(1).startsWith("mlp,tanh,sgd,0,0,1,minibatch,2,"), csv.get(1));
    for (String f : new String[] {"runs.csv", "timeseries.csv", "table.txt",
        "alignment-vs-gamma-layer2-timeavg.svg", "alignment-over-time-dfa-layer1.svg"}) {
      assertTrue(Files.size(out.resolve(f)) > 100, f);
    }
    // every rule and layer over time: one panel per gamma, each with its band over the seeds
    for (String rule : new String[] {"sgd", "adam", "adamw", "dfa", "randomnn"}) {
      for (int l = 1; l <= 2; l++) {
        String svg = Files.readString(out.resolve("alignment-over-time-" + rule + "-layer" + l
            + ".svg"));
        assertTrue(svg.endsWith("</svg>\n"));
        assertEquals(4, count(svg, "class=\"panel\""), rule + " layer " + l);
        assertEquals(4, count(svg, "class=\"band\""), rule + " layer " + l);
        assertTrue(svg.contains("band: min to max over the seeds") && svg.contains("2 seeds"));
        assertTrue(svg.contains(">gamma = 5e-5<"), svg);
      }
    }
    // against gamma: 0 apart, the error bars explained
    String vs = Files.readString(out.resolve("alignment-vs-gamma-layer1-minibatch.svg"));
    assertTrue(vs.contains("class=\"axis-break\"") && vs.contains(">0</text>"), vs);
    assertTrue(vs.contains("error bars: ±1 s.d. over the seeds"), vs);
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void phaseWritesGridBoundaryAndHeatmaps() throws IOException {
    Path out = tmp.resolve("ph");
    MainTest.Run r = MainTest.run("phase", "--sigmas", "1e-3,1e-1", "--gammas", "1e-4:1:3",
        "--steps", "40", "--train", "300", "--val", "50", "--batch", "32", "--out",
        out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("fitted boundary"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("phase.csv"));
    assertEquals("sigma,gamma,alignment,val_loss,status", csv.get(0));
    assertEquals(1 + 2 * 3, csv.size());
    assertTrue(Files.readString(out.resolve("boundary.txt")).contains("b="));
    assertTrue(Files.size(out.resolve("phase-alignment.svg")) > 1000);
    assertTrue(Files.size(out.resolve("phase-val-loss.svg")) > 1000);
  }

  static void idx(Path file, int magic, int[] dims, byte[] payload) throws IOException {
    try (OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      o.write(new byte[] {0, 0, 8, (byte) dims.length});
      for (int d : dims) {
        o.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
      }
      o.write(payload);
    }
  }

  /** Two classes told apart by which half of a 6x6 image is bright. */
  static void fakeFashionMnist(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    for (String part : new String[] {"train", "t10k"}) {
      int n = part.equals("train") ? train : test;
      byte[] img = new byte[n * 36], lab = new byte[n];
      for (int i = 0; i < n; i++) {
        lab[i] = (byte) (i % 2);
        for (int p = 0; p < 36; p++) {
          boolean top = p < 18;
          img[i * 36 + p] = (byte) ((top == (i % 2 == 0)) ? 200 + (i * 7 + p) % 50 : (p * 13) % 60);
        }
      }
      idx(dir.resolve(part + "-images-idx3-ubyte.gz"), 3, new int[] {n, 6, 6}, img);
      idx(dir.resolve(part + "-labels-idx1-ubyte.gz"), 1, new int[] {n}, lab);
    }
  }

  @Test
  void classifyRunsOnAnIdxFolder() throws IOException {
    Path data = tmp.resolve("fm");
    fakeFashionMnist(data, 256, 64);
    Path out = tmp.resolve("cl");
    MainTest.Run r = MainTest.run("classify", "--data", data.toString(), "--epochs", "5",
        "--batch", "32", "--hidden", "8", "--lr", "0.1", "--gammas", "0,5e-3", "--out",
        out.toString());
    assertEquals(0, r.status(), r.err());
    List<String> csv = Files.readAllLines(out.resolve("classify.csv"));
    assertTrue(csv.get(0).startsWith("dataset,activation,rule,gamma,seeds,test_accuracy,"),
        csv.get(0));
    assertEquals(1 + 2 * 4 * 2, csv.size());
    String[] first = csv.get(1).split(",");
    assertTrue(Double.parseDouble(first[5]) > 0.9, "accuracy on a trivial task: " + csv.get(1));
    assertTrue(r.out().contains("test acc"), r.out());
    // the plots: accuracy and alignment against gamma, gamma = 0 left of the axis break
    String acc = Files.readString(out.resolve("accuracy-vs-gamma.svg"));
    assertTrue(acc.contains(">test accuracy<") && acc.contains("class=\"axis-break\"")
        && acc.contains(">0</text>") && acc.contains(">5e-3</text>"), acc);
    assertTrue(acc.contains("one seed per point (no error bars)"), acc);
    assertTrue(acc.contains("class=\"legend-entry\" data-name=\"sgd\""), acc);
    for (String f : new String[] {"layer1-minibatch", "layer1-fullbatch", "layer1-timeavg",
        "layer2-minibatch", "layer2-fullbatch", "layer2-timeavg"}) {
      String svg = Files.readString(out.resolve("alignment-vs-gamma-" + f + ".svg"));
      assertTrue(svg.contains(">cos(g, H)<") && svg.contains("class=\"axis-break\""), f);
    }
  }

  @Test
  void malformedDataFileGivesOneLine() throws IOException {
    Path data = tmp.resolve("bad");
    fakeFashionMnist(data, 10, 10);
    Files.write(data.resolve("train-images-idx3-ubyte.gz"),
        "not gzip".getBytes(StandardCharsets.UTF_8));
    MainTest.Run r = MainTest.run("classify", "--data", data.toString(), "--out",
        tmp.resolve("o2").toString());
    assertEquals(2, r.status(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("train-images-idx3-ubyte.gz"), r.err());
  }
}
