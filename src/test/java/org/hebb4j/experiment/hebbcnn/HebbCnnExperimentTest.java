package org.hebb4j.experiment.hebbcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.hebb4j.cli.Main;
import org.hebb4j.data.Dataset;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end run on synthetic images the test makes, and the CLI's error handling. */
class HebbCnnExperimentTest {

  @TempDir
  Path dir;

  /**
   * 3 classes of side x side images: a horizontal bar, a vertical bar, or a diagonal, at a random
   * place, plus uniform noise; pixel values in [0, 1].
   */
  static Dataset synthetic(String name, int n, int side, Rng r) {
    float[] x = new float[n * side * side];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int cls = r.nextInt(3);
      y[i] = cls;
      int at = 2 + r.nextInt(side - 4);
      for (int p = 0; p < side * side; p++) {
        x[i * side * side + p] = 0.3f * r.uniformFloat();
      }
      for (int t = 1; t < side - 1; t++) {
        int row = cls == 0 ? at : t, col = cls == 1 ? at : (cls == 0 ? t : t);
        if (cls == 2) {
          col = Math.min(side - 1, Math.max(0, t + at - side / 2));
        }
        x[i * side * side + row * side + col] = 1f;
      }
    }
    return new Dataset(name, x, y, n, 1, side, side, 3);
  }

  @Test
  void tinyEndToEndRunDecodesAboveChanceAndWritesEveryOutput() throws IOException {
    Rng r = new Rng(99);
    Dataset train = synthetic("syn-train", 300, 14, r), test = synthetic("syn-test", 150, 14, r);
    HebbCnnExperiment.Settings st = new HebbCnnExperiment.Settings(
        List.of("triangle", "pruning"), 2, 300, 150, 1, 2, 0, HebbRule.INSTAR,
        new int[] {8, 12}, new int[] {3, 3}, new double[] {0.01, 0.01}, new int[] {1, 1},
        new double[] {0.2}, 3,
        20, 3.0, 1e-3, 1.0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Workers w = new Workers(2)) {
      HebbCnnExperiment ex = new HebbCnnExperiment(st, KernelProvider.get(), w, dir,
          new PrintStream(bytes, true, StandardCharsets.UTF_8), null);
      ex.run(new Dataset.Split(train, test));
      List<String> csv = Files.readAllLines(dir.resolve("decoding.csv"));
      assertEquals("variant,layer,features,train_accuracy,test_accuracy", csv.get(0));
      // pixels + 2 variants x (2 layers + final)
      assertEquals(1 + 1 + 2 * 3, csv.size(), String.join("\n", csv));
      assertTrue(csv.get(1).startsWith("pixels,0,196,"), csv.get(1));
      for (HebbCnnExperiment.Row row : ex.rows()) {
        assertTrue(row.testAccuracy() > 0.6, "above chance (1/3): " + row);
      }
      assertTrue(csv.contains(String.format(java.util.Locale.ROOT, "triangle,final,%d,%.4f,%.4f",
          ex.rows().get(3).features(), ex.rows().get(3).trainAccuracy(),
          ex.rows().get(3).testAccuracy())));
      List<String> log = Files.readAllLines(dir.resolve("training-log.csv"));
      assertEquals(1 + 2 * 2 * 2, log.size()); // variants x epochs x layers
      for (String f : new String[] {"filters-triangle-layer1.png", "filters-triangle-layer2.png",
          "filters-pruning-layer1.png", "filters-pruning-layer2.png"}) {
        BufferedImage img = ImageIO.read(dir.resolve(f).toFile());
        assertTrue(img.getWidth() > 10 && img.getHeight() > 10, f);
      }
      assertTrue(Files.readString(dir.resolve("run.txt")).contains("timings:"));
    }
  }

  @Test
  void quadrantsCoverOddMapsWithOverlapAndCollapseSizeOne() {
    float[] map = {1, 2, 3, 4, 5, 6, 7, 8, 9}; // one channel, 3 x 3
    float[] q = new float[4];
    HebbCnnExperiment.quadrants(map, 0, 1, 3, 3, q, 0);
    // rows [0,2) and [1,3), columns likewise
    assertEquals((1 + 2 + 4 + 5) / 4f, q[0]);
    assertEquals((2 + 3 + 5 + 6) / 4f, q[1]);
    assertEquals((4 + 5 + 7 + 8) / 4f, q[2]);
    assertEquals((5 + 6 + 8 + 9) / 4f, q[3]);
    float[] one = new float[2];
    HebbCnnExperiment.quadrants(new float[] {3, 7}, 0, 2, 1, 1, one, 0);
    assertEquals(3f, one[0]);
    assertEquals(7f, one[1]);
  }

  // ---- CLI

  record Run(int status, String out, String err) {}

  static Run cli(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int s = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(s, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static byte[] idx(int[] dims, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
    b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(payload);
    return b.array();
  }

  void writeIdxSet(Path d, Dataset train, Dataset test) throws IOException {
    Files.createDirectories(d);
    for (Dataset ds : new Dataset[] {train, test}) {
      String pre = ds == train ? "train" : "t10k";
      byte[] px = new byte[ds.x().length];
      for (int i = 0; i < px.length; i++) {
        px[i] = (byte) Math.round(ds.x()[i] * 255);
      }
      byte[] lb = new byte[ds.n()];
      for (int i = 0; i < lb.length; i++) {
        lb[i] = (byte) ds.labels()[i];
      }
      Files.write(d.resolve(pre + "-images-idx3-ubyte"), idx(new int[] {ds.n(), ds.h(), ds.w()},
          px));
      Files.write(d.resolve(pre + "-labels-idx1-ubyte"), idx(new int[] {ds.n()}, lb));
    }
  }

  @Test
  void cliRunsOnIdxFilesAndIsThreadIndependent() throws IOException {
    Rng r = new Rng(5);
    Path data = dir.resolve("data");
    writeIdxSet(data, synthetic("a", 120, 28, r), synthetic("b", 60, 28, r));
    String[] common = {"hebbcnn", "--data", data.toString(), "--variant", "triangle+pruning",
        "--epochs", "1", "--channels", "6,8,10", "--lr", "0.01,0.01,0.01", "--keep", "0.2",
        "--burn-in", "2", "--batch", "20"};
    String[] csv = new String[2];
    for (int t = 1; t <= 2; t++) {
      Path out = dir.resolve("out" + t);
      String[] argv = java.util.Arrays.copyOf(common, common.length + 4);
      argv[common.length] = "--out";
      argv[common.length + 1] = out.toString();
      argv[common.length + 2] = "--threads";
      argv[common.length + 3] = String.valueOf(t);
      Run run = cli(argv);
      assertEquals(0, run.status(), run.err());
      assertTrue(run.out().contains("triangle+pruning") && run.out().contains("final"), run.out());
      csv[t - 1] = Files.readString(out.resolve("decoding.csv"));
    }
    assertEquals(csv[0], csv[1], "results must not depend on --threads");
  }

  @Test
  void badFilesAndImpossibleOptionsGiveOneLineAndStatusTwo() throws IOException {
    Path data = dir.resolve("trunc");
    Files.createDirectories(data);
    Rng r = new Rng(5);
    writeIdxSet(data, synthetic("a", 20, 28, r), synthetic("b", 10, 28, r));
    byte[] full = Files.readAllBytes(data.resolve("train-images-idx3-ubyte"));
    Files.write(data.resolve("train-images-idx3-ubyte"),
        java.util.Arrays.copyOf(full, full.length - 100)); // truncated
    Path lying = dir.resolve("lying");
    writeIdxSet(lying, synthetic("a", 20, 28, r), synthetic("b", 10, 28, r));
    byte[] lb = Files.readAllBytes(lying.resolve("t10k-labels-idx1-ubyte"));
    lb[7] = 50; // header claims 50 labels
    Files.write(lying.resolve("t10k-labels-idx1-ubyte"), lb);
    Path good = dir.resolve("good");
    writeIdxSet(good, synthetic("a", 20, 28, r), synthetic("b", 10, 28, r));
    String[][] cases = {
        {"hebbcnn", "--data", data.toString()},
        {"hebbcnn", "--data", lying.toString()},
        {"hebbcnn", "--data", dir.resolve("nowhere").toString()},
        {"hebbcnn", "--k", "500"},
        {"hebbcnn", "--k", "0"},
        {"hebbcnn", "--keep", "0"},
        {"hebbcnn", "--keep", "1.5"},
        {"hebbcnn", "--keep", "1,0.5"},
        {"hebbcnn", "--lr", "-1e-4,1e-4,1e-3"},
        {"hebbcnn", "--batch", "0"},
        {"hebbcnn", "--channels", "10,10"},
        {"hebbcnn", "--variant", "fancy"},
        {"hebbcnn", "--epochs", "-1"},
        {"hebbcnn", "--data", good.toString(), "--kernels", "5,3,30"},
        {"hebbcnn", "--data", good.toString(), "--k", "1,1,400", "--channels", "4,4,4"},
    };
    for (String[] argv : cases) {
      Run run = cli(argv);
      String line = String.join(" ", argv);
      assertEquals(2, run.status(), line + "\n" + run.err());
      assertEquals(1, run.err().strip().lines().count(), line + "\n" + run.err());
      assertTrue(run.err().startsWith("hebb4j hebbcnn: "), run.err());
      assertTrue(!run.err().contains("Exception") && !run.err().contains("\tat "), run.err());
    }
    assertTrue(cli(cases[2]).err().contains("apt-get install"), "missing data says how to install");
  }
}
