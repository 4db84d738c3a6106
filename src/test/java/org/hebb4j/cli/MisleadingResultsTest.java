package org.hebb4j.cli;

import static org.hebb4j.cli.ExperimentCommandsTest.oneLine;
import static org.hebb4j.experiment.hebbcnn.HebbCnnExperimentTest.synthetic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Problem;
import org.hebb4j.experiment.emergence.Sre;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.hebbian.HebbCnnConfig.Variant;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, "Results that mislead": runs that cannot learn are refused before any work, runs
 * that barely learn say so, output folders are never mixed or left empty, a diverged phase cell
 * is marked and the sweep goes on, and the error lines say what is wrong in the user's words.
 */
class MisleadingResultsTest {

  @TempDir
  Path tmp;

  /** 40 training and 20 test 28 x 28 images in IDX files. */
  private Path idx() throws IOException {
    Path data = tmp.resolve("idx");
    if (!Files.exists(data)) {
      Rng r = new Rng(8);
      new HebbCnnCommandTest().writeIdxSet(data, synthetic("a", 40, 28, r),
          synthetic("b", 20, 28, r));
    }
    return data;
  }

  /** A small two-layer hebbcnn on {@link #idx}: 40 images in batches of 10 = 4 batches. */
  private String[] cnn(Path out, String... rest) throws IOException {
    String[] head = {"hebbcnn", "--data", idx().toString(), "--variant", "triangle", "--epochs",
        "1", "--channels", "4,6", "--kernels", "5,3", "--lr", "0.01,0.01", "--batch", "10",
        "--threads", "1", "--out", out.toString()};
    String[] r = Arrays.copyOf(head, head.length + rest.length);
    System.arraycopy(rest, 0, r, head.length, rest.length);
    return r;
  }

  private static final String[] TINY_SRE = {"--rules", "sgd", "--gammas", "0", "--seeds", "1",
      "--steps", "60", "--train", "256", "--val", "32", "--batch", "32", "--hidden", "8",
      "--threads", "1"};

  private static String[] emergence(String... rest) {
    String[] r = new String[1 + TINY_SRE.length + rest.length];
    r[0] = "emergence";
    System.arraycopy(TINY_SRE, 0, r, 1, TINY_SRE.length);
    System.arraycopy(rest, 0, r, 1 + TINY_SRE.length, rest.length);
    return r;
  }

  // --- learners that never update, or barely ---

  @Test
  void hebbCnnWhoseBurnInCoversEveryBatchIsRefusedBeforeAnyWork() throws IOException {
    Path out = tmp.resolve("never");
    oneLine(MainTest.run(cnn(out, "--burn-in", "4")), 2, "hebb4j hebbcnn: burn-in 4 batches; "
        + "the run has 4: 1 epoch(s) of 4 batches of 10 from 40 images: no weight would ever "
        + "change");
    assertFalse(Files.exists(out), "no folder for a refused run");
    String[] zero = cnn(out, "--burn-in", "1");
    zero[Arrays.asList(zero).indexOf("0.01,0.01")] = "0,0";
    oneLine(MainTest.run(zero), 2,
        "every layer's learning rate is 0: no weight would ever change");
  }

  @Test
  void hebbCnnThatUpdatesOnFewBatchesWarnsOnStderrAndInRunTxt() throws IOException {
    Path out = tmp.resolve("few");
    MainTest.Run r = MainTest.run(cnn(out, "--burn-in", "3"));
    assertEquals(0, r.status(), r.err());
    String warning = "WARNING: only 1 of the run's 4 batches (25%) update the weights";
    assertTrue(r.err().contains("hebb4j hebbcnn: " + warning), r.err());
    assertTrue(Files.readString(out.resolve("run.txt")).contains(warning));
    MainTest.Run ok = MainTest.run(cnn(tmp.resolve("most"), "--burn-in", "1"));
    assertEquals(0, ok.status(), ok.err());
    assertFalse(ok.err().contains("WARNING"), ok.err());
  }

  @Test
  void theLibraryExposesTheCheckAndTheExperimentRefusesTheRun() {
    HebbCnnExperiment.Settings st = new HebbCnnExperiment.Settings(List.of(Variant.PLAIN), 1,
        5000, 100, 1, 1, -1, HebbRule.INSTAR, HebbCnnConfig.PAPER_CHANNELS,
        HebbCnnConfig.PAPER_KERNELS, HebbCnnConfig.PAPER_LR, new int[] {1, 1, 1},
        new double[] {0.01}, HebbCnnConfig.PAPER_BURN_IN, 100, 3.0, 1e-2, 1.0, null);
    List<Problem> p = st.problems(5000, 100, 1, 28, 28);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).isError() && p.get(0).message().contains("burn-in 200"), p.toString());
    Rng r = new Rng(1);
    Dataset train = synthetic("a", 50, 28, r), test = synthetic("b", 10, 28, r);
    try (Workers w = new Workers(1)) {
      HebbCnnExperiment ex = new HebbCnnExperiment(st, KernelProvider.get(), w, null);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ex.run(new Dataset.Split(train, test)));
      assertTrue(e.getMessage().contains("no weight would ever change"), e.getMessage());
    }
    // two 2000 x 2000 images: a 4e6 x 4e6 ZCA matrix, refused from the sizes alone
    List<Problem> big = st.problems(2, 0, 1, 2000, 2000);
    assertTrue(big.stream().anyMatch(b -> b.isError() && b.message().matches("needs at least "
        + "\\d+ GB for 2 1x2000x2000 images \\(a 4000000 x 4000000 ZCA matrix\\) and batch 100,"
        + " more than the .* the JVM may use \\(-Xmx\\)")), big.toString());
    assertEquals(List.of(Problem.warning("only 1 of the run's 3 batches (33%) update the weights"
        + " (burn-in 2)")), Problem.updates(3, 2, "burn-in 2"));
    assertEquals(List.of(), Problem.updates(4, 2, "burn-in 2"));
    List<Problem> none = new HebbCnnExperiment.Settings(List.of(Variant.PLAIN), 0, 50, 10, 1, 1,
        -1, HebbRule.INSTAR, HebbCnnConfig.PAPER_CHANNELS, HebbCnnConfig.PAPER_KERNELS,
        HebbCnnConfig.PAPER_LR, new int[] {1, 1, 1}, new double[] {0.01}, 200, 100, 3.0, 1e-2,
        1.0, null).problems(50, 10, 1, 28, 28);
    assertEquals(1, none.size(), none.toString()); // --epochs 0: random features, on purpose
    assertFalse(none.get(0).isError());
    List<Problem> sre = Sre.Options.builder().sizes(100, 20).batch(256).build().problems(1);
    assertEquals("batch 256 is larger than the training set (100 rows)",
        sre.get(0).message());
  }

  @Test
  void emergenceWithAShortWindowWarnsAndWritesTheWarning() throws IOException {
    Path out = tmp.resolve("short");
    MainTest.Run r = MainTest.run(emergence("--window", "0.05", "--out", out.toString()));
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("hebb4j emergence: WARNING: the measurement window holds only 3"
        + " step(s)"), r.err());
    assertTrue(Files.readString(out.resolve("config.txt")).contains("WARNING: the measurement"));
  }

  // --- impossible combinations: exit 2 before any work ---

  @Test
  void impossibleCombinationsAreUsageErrorsBeforeAnyWork() throws IOException {
    Path out = tmp.resolve("none");
    oneLine(MainTest.run("emergence", "--train", "100", "--out", out.toString()), 2,
        "hebb4j emergence: batch 256 is larger than the training set (100 rows)");
    oneLine(MainTest.run("phase", "--train", "100", "--out", out.toString()), 2,
        "hebb4j phase: batch 256 is larger than the training set (100 rows)");
    oneLine(MainTest.run("emergence", "--noise", "param", "--out", out.toString()), 2,
        "--noise param needs --sigma > 0");
    oneLine(MainTest.run("emergence", "--neurons", "--every", "0", "--out", out.toString()), 2,
        "--neurons writes the cosines of the time series, and --every 0 records none");
    oneLine(MainTest.run(cnn(out, "--keep", "0.5")), 2,
        "--keep sets the pruning, and --variant triangle does not prune");
    assertFalse(Files.exists(out));
  }

  @Test
  void memoryAnOptionWouldNeedIsRefusedWithTheAmount() {
    Path out = tmp.resolve("oom");
    MainTest.Run r = MainTest.run("emergence", "--batch", "100000", "--train", "100000",
        "--hidden", "65536", "--out", out.toString());
    oneLine(r, 2, "hebb4j emergence: needs at least ");
    assertTrue(r.err().contains(" GB for 60 runs of a 32-65536-32 network, batch 100000")
        && r.err().contains("the JVM may use (-Xmx)"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void twoHugeImagesAreRefusedFromTheirSizeBeforeTheWhitening() throws IOException {
    Path data = tmp.resolve("huge");
    Rng r = new Rng(3);
    new HebbCnnCommandTest().writeIdxSet(data, synthetic("a", 2, 2000, r),
        synthetic("b", 1, 2000, r));
    Path out = tmp.resolve("huge-out");
    MainTest.Run run = MainTest.run("hebbcnn", "--data", data.toString(), "--burn-in", "0",
        "--variant", "plain", "--out", out.toString());
    oneLine(run, 2, "hebb4j hebbcnn: needs at least ");
    assertTrue(run.err().contains("for 3 1x2000x2000 images (a 4000000 x 4000000 ZCA matrix)")
        && run.err().contains("the JVM may use (-Xmx)"), run.err());
    assertFalse(Files.exists(out));
  }

  // --- output folders ---

  @Test
  void aNonEmptyOutFolderIsRefusedUnlessForced() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("reused"));
    Files.writeString(out.resolve("alignment-over-time-adam.svg"), "<svg/>");
    Files.createDirectories(out.resolve("models"));
    Files.writeString(out.resolve("models").resolve("adam-gamma0-seed1.safetensors"), "x");
    for (String c : new String[] {"emergence", "phase", "classify"}) {
      oneLine(MainTest.run(c, "--out", out.toString()), 2, "hebb4j " + c + ": --out: folder "
          + out + " is not empty (2 entries, e.g. alignment-over-time-adam.svg); add --force");
    }
    oneLine(MainTest.run(cnn(out, "--burn-in", "1")), 2, "--out: folder " + out
        + " is not empty");
    assertTrue(Files.exists(out.resolve("alignment-over-time-adam.svg")), "nothing deleted");
    // --force: the old run's files are gone, only the new run's remain
    MainTest.Run r = MainTest.run(emergence("--out", out.toString(), "--force"));
    assertEquals(0, r.status(), r.err());
    assertFalse(Files.exists(out.resolve("alignment-over-time-adam.svg")));
    assertFalse(Files.exists(out.resolve("models")));
    assertTrue(Files.exists(out.resolve("alignment-over-time-sgd-layer2.svg")));
    // --force never deletes what hebb4j does not write
    Path notes = Files.writeString(out.resolve("notes.docx"), "mine");
    oneLine(MainTest.run(emergence("--out", out.toString(), "--force")), 2, "--out: " + notes
        + " is not a file a run writes");
    assertTrue(Files.exists(notes) && Files.exists(out.resolve("alignment.csv")));
  }

  @Test
  void aFailedRunLeavesNoEmptyFolderBehind() {
    Path parent = tmp.resolve("new"), out = parent.resolve("deeper");
    MainTest.Run r = MainTest.run(emergence("--lr", "1e3", "--out", out.toString()));
    oneLine(r, 1, "training diverged at step");
    assertFalse(Files.exists(parent), "the folders the failed run created are removed");
    Path kept = tmp.resolve("kept");
    MainTest.Run r2 = MainTest.run(emergence("--lr", "1e3", "--out", kept.toString(), "--save"));
    assertEquals(1, r2.status(), r2.err());
    assertFalse(Files.exists(kept));
  }

  @Test
  void anOutPathThatIsAFileSaysSo() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    oneLine(MainTest.run("emergence", "--out", file.toString()), 2,
        "hebb4j emergence: --out: " + file + " is a file, not a folder");
    oneLine(MainTest.run("phase", "--out", file.resolve("sub").toString()), 2,
        "hebb4j phase: --out: cannot create folder " + file.resolve("sub") + ": " + file
        + " is a file");
  }

  // --- divergence ---

  @Test
  void aDivergedPhaseCellIsMarkedAndTheSweepGoesOn() throws IOException {
    Path out = tmp.resolve("phase");
    MainTest.Run r = MainTest.run("phase", "--sigmas", "1e-3,1e-2", "--gammas", "1,1000",
        "--steps", "40", "--train", "300", "--val", "50", "--batch", "32", "--threads", "1",
        "--out", out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("cell sigma 1e-3, gamma 1000, seed 1 diverged") && r.err()
        .contains("layer 1 weights contains NaN or Inf (weight decay gamma 1000: lr * gamma ="
        + " 0.1 * 1000 = 100 >= 2"), r.err());
    List<String> csv = Files.readAllLines(out.resolve("phase.csv"));
    assertEquals("sigma,gamma,alignment,val_loss,status", csv.get(0));
    assertTrue(csv.contains("0.001,1000,nan,nan,diverged"), csv.toString());
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("0.001,1,0.") && l.endsWith(",ok")),
        csv.toString());
    assertTrue(Files.readString(out.resolve("phase-alignment.svg")).contains(">diverged<"));
    assertTrue(r.out().contains("diverged"), r.out());
    MainTest.Run all = MainTest.run("phase", "--sigmas", "1e-3", "--gammas", "1000", "--steps",
        "40", "--train", "300", "--val", "50", "--batch", "32", "--out",
        tmp.resolve("all").toString());
    assertEquals(1, all.status(), all.err());
    assertTrue(all.err().contains("every cell diverged"), all.err());
  }

  @Test
  void divergenceNamesTheLearningRateWhenTheDecayIsStable() {
    oneLine(MainTest.run(emergence("--lr", "1e3", "--out", tmp.resolve("lr").toString())), 1,
        "(learning rate 1000 too large)");
  }

  // --- error wording ---

  @Test
  void integerBoundsAreIntegersAndOutOfRangeSaysTooLarge() throws IOException {
    oneLine(MainTest.run("emergence", "--threads", "5000"), 2,
        "hebb4j emergence: --threads: 5000 is too large (at most 1024)");
    oneLine(MainTest.run("emergence", "--seeds", "99999999999999999999"), 2,
        "--seeds: 99999999999999999999 is too large (at most 10000)");
    oneLine(MainTest.run("emergence", "--batch", "0"), 2, "--batch: 0 is too small (at least 1)");
    MainTest.Run seed = MainTest.run("hebbcnn", "--seed", "1e17");
    oneLine(seed, 2, "--seed: 1e17 is too large (at most 9007199254740992)");
    MainTest.Run ch = MainTest.run("hebbcnn", "--channels", "1e9,4,4");
    oneLine(ch, 2, "--channels: 1e9 is too large (at most 65536)");
    assertFalse(ch.err().contains(".0"), ch.err());
    oneLine(MainTest.run("emergence", "--window", "0"), 2, "--window: must be positive");
  }

  @Test
  void noAdviceToPassAnOptionAlreadyGiven() {
    Path none = tmp.resolve("none");
    MainTest.Run r = MainTest.run("hebbcnn", "--data", none.toString());
    oneLine(r, 2, "hebb4j hebbcnn: Fashion-MNIST not found: " + none);
    assertFalse(r.err().contains("--data"), r.err());
    MainTest.Run c = MainTest.run("classify", "--data", none.toString());
    assertFalse(c.err().contains("--data"), c.err());
  }
}
