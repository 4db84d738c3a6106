package org.hebb4j.experiment.hebbcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.hebb4j.data.Dataset;
import org.hebb4j.hebbian.HebbCnnConfig.Variant;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end run on synthetic images the test makes. */
public class HebbCnnExperimentTest {

  @TempDir
  Path dir;

  /**
   * 3 classes of side x side images: a horizontal bar, a vertical bar, or a diagonal, at a random
   * place, plus uniform noise; pixel values in [0, 1].
   */
  public static Dataset synthetic(String name, int n, int side, Rng r) {
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
  void finalRowOnlyWhenTheLastMapIsLargerThanTwoByTwo() {
    Rng r = new Rng(5);
    Dataset train = synthetic("syn-train", 60, 14, r), test = synthetic("syn-test", 30, 14, r);
    HebbCnnExperiment.Settings st = new HebbCnnExperiment.Settings(List.of(Variant.PLAIN), 1,
        60, 30, 1, 1, 0, HebbRule.INSTAR, new int[] {4}, new int[] {3}, new double[] {0.01},
        new int[] {1}, new double[] {1}, 0, 20, 3.0, 1e-3, 1.0, null);
    try (Workers w = new Workers(1)) {
      HebbCnnExperiment.Summary s = new HebbCnnExperiment(st, KernelProvider.get(), w, null)
          .run(new Dataset.Split(train, test));
      List<String> layers = s.rows().stream().map(HebbCnnExperiment.Row::layer).toList();
      assertEquals(List.of("0", "1", "final"), layers);
      assertTrue(s.rows().get(2).features() > s.rows().get(1).features(), s.rows().toString());
      assertFalse(HebbCnnReport.table(s).contains("no 'final' row"));
    }
  }

  @Test
  void tinyEndToEndRunDecodesAboveChanceAndWritesEveryOutput() throws IOException {
    Rng r = new Rng(99);
    Dataset train = synthetic("syn-train", 300, 14, r), test = synthetic("syn-test", 150, 14, r);
    HebbCnnExperiment.Settings st = new HebbCnnExperiment.Settings(
        List.of(Variant.TRIANGLE, Variant.PRUNING), 2, 300, 150, 1, 2, 0, HebbRule.INSTAR,
        new int[] {8, 12}, new int[] {3, 3}, new double[] {0.01, 0.01}, new int[] {1, 1},
        new double[] {0.2}, 3,
        20, 3.0, 1e-3, 1.0, dir.resolve("models"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Workers w = new Workers(2)) {
      HebbCnnExperiment ex = new HebbCnnExperiment(st, KernelProvider.get(), w,
          new PrintStream(bytes, true, StandardCharsets.UTF_8));
      HebbCnnExperiment.Summary s = ex.run(new Dataset.Split(train, test));
      HebbCnnReport.write(s, st, train, test, "test", 2, dir);
      List<String> csv = Files.readAllLines(dir.resolve("decoding.csv"));
      assertEquals("variant,layer,features,train_accuracy,test_accuracy", csv.get(0));
      // pixels + 2 variants x 2 layers; no "final": layer 2's map is 2 x 2, so the flattened
      // last layer would repeat layer 2's quadrant features (issue 10)
      assertEquals(1 + 1 + 2 * 2, csv.size(), String.join("\n", csv));
      assertTrue(csv.stream().noneMatch(l -> l.contains(",final,")), String.join("\n", csv));
      assertTrue(HebbCnnReport.table(s).contains("no 'final' row"), HebbCnnReport.table(s));
      assertTrue(csv.get(1).startsWith("pixels,0,196,"), csv.get(1));
      for (HebbCnnExperiment.Row row : s.rows()) {
        assertTrue(row.testAccuracy() > 0.6, "above chance (1/3): " + row);
      }
      assertTrue(csv.contains(String.format(java.util.Locale.ROOT, "triangle,2,%d,%.4f,%.4f",
          s.rows().get(2).features(), s.rows().get(2).trainAccuracy(),
          s.rows().get(2).testAccuracy())));
      List<String> log = Files.readAllLines(dir.resolve("training-log.csv"));
      assertEquals(1 + 2 * 2 * 2, log.size()); // variants x epochs x layers
      for (String f : new String[] {"filters-triangle-layer1.png", "filters-triangle-layer2.png",
          "filters-pruning-layer1.png", "filters-pruning-layer2.png"}) {
        BufferedImage img = ImageIO.read(dir.resolve(f).toFile());
        assertTrue(img.getWidth() > 10 && img.getHeight() > 10, f);
      }
      // labelled figures: layer, channel count, per-filter scaling, colour bar with values
      String l2 = Files.readString(dir.resolve("filters-triangle-layer2.svg"));
      for (String t : new String[] {">Layer 2 filters, triangle variant: 12 channels, each 8 x 3"
          + " x 3 (input channels x K x K)<", "Each filter scaled on its own", ">-1<", ">0.5<",
          ">w / max|w| of each filter<", "class=\"colour-bar\"", "data:image/png;base64,"}) {
        assertTrue(l2.contains(t), t);
      }
      assertTrue(Files.readString(dir.resolve("filters-pruning-layer1.svg"))
          .contains(">Layer 1 filters, pruning variant: 8 channels, each 1 x 3 x 3"));
      assertTrue(Files.notExists(dir.resolve("filters-triangle-layer1-input.svg")));
      // layer 2 in input space: the mean winning patch over its receptive field (8 x 8 pixels:
      // kernel 3, pool 2, kernel 3 on the padded image)
      String in = Files.readString(dir.resolve("filters-pruning-layer2-input.svg"));
      assertTrue(in.contains("Mean input patch (8 x 8 pixels, the receptive field) over the"
          + " positions where the filter wins (k-WTA), in 150 test images."), in);
      assertTrue(in.contains("data:image/png;base64,") && in.contains(">max<"), in);
      for (HebbCnnExperiment.Filters f : s.filters()) {
        if (f.layer() == 1) {
          assertEquals(null, f.input());
        } else {
          org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {12, 1, 8, 8},
              f.input().mean().shape());
          assertEquals(150, f.sample());
          assertTrue(java.util.Arrays.stream(f.input().wins()).sum() > 0);
        }
      }
      assertTrue(Files.readString(dir.resolve("timings.txt")).contains("total"));
      for (HebbCnnExperiment.Filters f : s.filters()) { // --save: the trained networks
        org.hebb4j.hebbian.HebbCnn net = org.hebb4j.hebbian.HebbCnn.load(
            dir.resolve("models").resolve(f.variant().id() + ".safetensors"),
            KernelProvider.get(), w);
        org.junit.jupiter.api.Assertions.assertArrayEquals(f.weights().data(),
            net.weights(f.layer() - 1), f.variant() + " layer " + f.layer());
      }
      assertEquals(2 * 2 * 2, s.log().size());
      HebbCnnExperiment.LogRow first = s.log().get(0);
      assertEquals(List.of(Variant.TRIANGLE, 1, 1), List.of(first.variant(), first.epoch(),
          first.layer()));
      assertEquals(1.0, first.stats().weightNormMean(), 1e-5, "filters have unit norm (N1)");
      assertTrue(first.stats().weightChange() > 0, "the weights moved during the epoch");
      assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("decoded triangle"),
          "progress lines go to the progress stream");
    }
  }
}
