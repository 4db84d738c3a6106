package org.hebb4j.cli;

import static org.hebb4j.cli.ExperimentCommandsTest.oneLine;
import static org.hebb4j.experiment.hebbcnn.HebbCnnExperimentTest.synthetic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hebb4j.io.Npy;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output folder and file is checked before any training, in the same words for every
 * command; model and data faults name the option and the file.
 */
class OutputChecksTest {

  @TempDir
  Path tmp;

  private static final String[] TINY_CNN = {"--epochs", "1", "--channels", "4,6",
      "--kernels", "5,3", "--lr", "0.01,0.01", "--burn-in", "1", "--batch", "20",
      "--threads", "1"};

  private Path idx() throws IOException {
    Path data = tmp.resolve("idx");
    Rng r = new Rng(8);
    new HebbCnnCommandTest().writeIdxSet(data, synthetic("a", 40, 28, r),
        synthetic("b", 20, 28, r));
    return data;
  }

  /** {@code command} with {@code rest}; classify also gets a small data folder. */
  private String[] cmd(String command, String... rest) throws IOException {
    if (!command.equals("classify")) {
      return cat(new String[] {command}, rest);
    }
    Path data = tmp.resolve("six");
    if (!Files.exists(data)) {
      ExperimentCommandsTest.fakeFashionMnist(data, 40, 20);
    }
    return cat(new String[] {command, "--data", data.toString(), "--batch", "8"}, rest);
  }

  private static String[] cat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** The error line names the folder once: "--out: cannot create folder DIR: REASON". */
  private static void cannotCreate(MainTest.Run r, String command, String option, Path dir) {
    oneLine(r, 2, "hebb4j " + command + ": --" + option + ": cannot create folder " + dir + ": ");
    assertEquals(1, r.err().split(java.util.regex.Pattern.quote(dir.toString()), -1).length - 1,
        r.err());
  }

  @Test
  void uncreatableOutFoldersSayTheSameOnEveryCommand() throws IOException {
    Path blocker = Files.writeString(tmp.resolve("file"), "x");
    Path out = blocker.resolve("out");
    cannotCreate(MainTest.run(cat(new String[] {"hebbcnn", "--data", idx().toString(),
        "--out", out.toString()}, TINY_CNN)), "hebbcnn", "out", out);
    for (String c : new String[] {"emergence", "phase", "classify"}) {
      cannotCreate(MainTest.run(cmd(c, "--out", out.toString())), c, "out", out);
    }
    cannotCreate(MainTest.run("features", "--model", "m.safetensors", "--out",
        out.resolve("f.npz").toString()), "features", "out", out);
  }

  @Test
  void procOutFolderIsRefusedBeforeTraining() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    Path out = Path.of("/proc/hebb4j-x");
    cannotCreate(MainTest.run(cat(new String[] {"hebbcnn", "--data", idx().toString(),
        "--out", out.toString()}, TINY_CNN)), "hebbcnn", "out", out);
    cannotCreate(MainTest.run("emergence", "--out", out.toString()), "emergence", "out", out);
  }

  @Test
  void hebbCnnSaveTargetsAreCheckedBeforeTraining() throws IOException {
    Path out = tmp.resolve("cnn");
    Path model = Files.createDirectories(out.resolve("models").resolve("plain.safetensors"));
    oneLine(MainTest.run(cat(new String[] {"hebbcnn", "--data", idx().toString(), "--variant",
        "plain", "--out", out.toString(), "--save", "--force"}, TINY_CNN)), 2,
        "hebb4j hebbcnn: --out: " + model + " is not a file a run writes");
    assertFalse(Files.exists(out.resolve("decoding.csv")), "no training ran");
  }

  @Test
  void saveFoldersAreCheckedBeforeTraining() throws IOException {
    for (String c : new String[] {"emergence", "phase", "classify"}) {
      Path out = Files.createDirectories(tmp.resolve("out-" + c));
      Path models = Files.writeString(out.resolve("models"), "a file");
      oneLine(MainTest.run(cmd(c, "--out", out.toString(), "--save", "--force")), 2, "hebb4j "
          + c + ": --out: " + models + " is not a file a run writes");
      try (var s = Files.list(out)) {
        assertEquals(1, s.count(), c + ": nothing written but the blocking file");
      }
    }
    Path out = Files.createDirectories(tmp.resolve("cnn"));
    Path models = Files.writeString(out.resolve("models"), "a file");
    oneLine(MainTest.run(cat(new String[] {"hebbcnn", "--data", idx().toString(), "--out",
        out.toString(), "--save", "--force"}, TINY_CNN)), 2,
        "--out: " + models + " is not a file a run writes");
  }

  @Test
  void modelFaultsNameTheModelOption() throws IOException {
    String out = tmp.resolve("o.npz").toString();
    Path npy = tmp.resolve("x.npy");
    Npy.write(npy, Tensor.zeros(4, 4));
    oneLine(MainTest.run("features", "--model", npy.toString(), "--out", out), 2,
        "hebb4j features: --model " + npy + ": not a safetensors file: header length ");
    Path junk = Files.writeString(tmp.resolve("junk.safetensors"), "not a safetensors file");
    oneLine(MainTest.run("features", "--model", junk.toString(), "--out", out), 2,
        "hebb4j features: --model " + junk + ": ");
    Path sample = Path.of("test-vectors", "io", "sample.safetensors");
    oneLine(MainTest.run("features", "--model", sample.toString(), "--out", out), 2,
        "hebb4j features: --model " + sample + ": metadata format 'pt'");
    oneLine(MainTest.run("features", "--model", tmp.resolve("none").toString(), "--out", out),
        2, "hebb4j features: --model " + tmp.resolve("none") + ": no such file");
  }

  @Test
  void aFolderWithoutDataSaysSo() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    oneLine(MainTest.run("hebbcnn", "--data", empty.toString(), "--out",
        tmp.resolve("o").toString()), 2,
        "hebb4j hebbcnn: no Fashion-MNIST/IDX or CIFAR-10 files in " + empty + "; ");
  }

  @Test
  void phaseModelIsParsedByName() {
    oneLine(MainTest.run("phase", "--model", "MLP"), 2,
        "hebb4j phase: --model: unknown value 'MLP' (expected one of: linear, mlp)");
  }

  @Test
  void threadsHaveOneWordingEverywhere() {
    String line = null;
    for (String c : new String[] {"hebbcnn", "features", "emergence", "phase", "classify"}) {
      MainTest.Run r = MainTest.run(c, "--help");
      String t = r.out().lines().filter(l -> l.strip().startsWith("--threads")).findFirst()
          .orElseThrow();
      if (line == null) {
        line = t;
      }
      assertEquals(line, t, c);
    }
  }
}
