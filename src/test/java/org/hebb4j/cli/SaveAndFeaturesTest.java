package org.hebb4j.cli;

import static org.hebb4j.experiment.hebbcnn.HebbCnnExperimentTest.synthetic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hebb4j.data.Dataset;
import org.hebb4j.data.Datasets;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.io.Npy;
import org.hebb4j.io.Npz;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --save} on every training command, and {@code hebb4j features} on the saved models. */
class SaveAndFeaturesTest {

  private static final Path VECTORS = Path.of("test-vectors", "io");

  @TempDir
  Path tmp;

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  static void ok(MainTest.Run r) {
    assertEquals(0, r.status(), r.err() + r.out());
  }

  @Test
  void emergenceSavesEveryStudent() throws IOException {
    Path out = tmp.resolve("em");
    ok(MainTest.run("emergence", "--rules", "sgd,dfa", "--gammas", "0,5e-4", "--seeds", "1",
        "--seed", "3", "--steps", "10", "--train", "200", "--val", "40", "--batch", "32",
        "--hidden", "8", "--out", out.toString(), "--save"));
    assertEquals(List.of("dfa-gamma0-seed3.safetensors", "dfa-gamma0.0005-seed3.safetensors",
        "sgd-gamma0-seed3.safetensors", "sgd-gamma0.0005-seed3.safetensors"),
        files(out.resolve("models")));
    Mlp m = Mlp.load(out.resolve("models").resolve("sgd-gamma0.0005-seed3.safetensors"));
    assertEquals(MlpConfig.builder().input(32).hidden(8).output(32).build(), m.config());
    ok(MainTest.run("emergence", "--rules", "sgd", "--gammas", "0", "--seeds", "1",
        "--steps", "5", "--train", "100", "--val", "20", "--batch", "32", "--hidden", "4",
        "--out", tmp.resolve("nosave").toString()));
    assertTrue(Files.notExists(tmp.resolve("nosave").resolve("models")), "only with --save");
  }

  @Test
  void phaseSavesLinearAndMlpStudents() throws IOException {
    for (String model : new String[] {"linear", "mlp"}) {
      Path out = tmp.resolve("ph-" + model);
      ok(MainTest.run("phase", "--model", model, "--sigmas", "1e-3,1e-1", "--gammas", "1e-4,1e-2",
          "--steps", "10", "--train", "200", "--val", "40", "--batch", "32", "--out",
          out.toString(), "--save"));
      assertEquals(List.of("sigma0.001-gamma0.0001-seed1.safetensors",
          "sigma0.001-gamma0.01-seed1.safetensors", "sigma0.1-gamma0.0001-seed1.safetensors",
          "sigma0.1-gamma0.01-seed1.safetensors"), files(out.resolve("models")));
      Mlp m = Mlp.load(out.resolve("models").resolve("sigma0.1-gamma0.01-seed1.safetensors"));
      assertEquals(model.equals("linear") ? MlpConfig.linear(32, 32)
          : MlpConfig.builder().input(32).hidden(128).output(32).build(), m.config());
    }
  }

  @Test
  void classifySavesNetworksWithTheirStandardisation() throws IOException {
    Path data = tmp.resolve("fm");
    ExperimentCommandsTest.fakeFashionMnist(data, 128, 32);
    Path out = tmp.resolve("cl");
    ok(MainTest.run("classify", "--data", data.toString(), "--epochs", "1", "--batch", "32",
        "--hidden", "8", "--gammas", "0", "--out", out.toString(), "--save"));
    Path f = out.resolve("models").resolve("sgd-gamma0-seed1.safetensors");
    assertEquals(List.of(f.getFileName().toString()), files(out.resolve("models")));
    Mlp m = Mlp.load(f);
    assertEquals(MlpConfig.builder().input(36).hidden(8).output(10).build(), m.config());
    Map<String, String> meta = SafeTensors.read(f).metadata();
    assertTrue(Float.parseFloat(meta.get("input_mean")) > 0, meta.toString());
    assertTrue(Float.parseFloat(meta.get("input_std")) > 0, meta.toString());
  }

  @Test
  void aSaveFolderThatCannotBeCreatedIsOneLineAndStatusTwo() throws IOException {
    Path out = tmp.resolve("blocked");
    Files.createDirectories(out);
    Files.writeString(out.resolve("models"), "a file where the folder goes");
    MainTest.Run r = MainTest.run("emergence", "--rules", "sgd", "--gammas", "0", "--seeds", "1",
        "--steps", "50", "--train", "100", "--val", "20", "--batch", "32", "--hidden", "4",
        "--out", out.toString(), "--save", "--force");
    ExperimentCommandsTest.oneLine(r, 2, out.resolve("models").toString());
  }

  /** A trained Hebbian CNN saved by {@code hebbcnn --save}, and its data folder. */
  private Path trainedHebbCnn(Path data) throws IOException {
    Rng r = new Rng(8);
    new HebbCnnCommandTest().writeIdxSet(data, synthetic("a", 60, 28, r),
        synthetic("b", 30, 28, r));
    Path out = tmp.resolve("cnn");
    ok(MainTest.run("hebbcnn", "--data", data.toString(), "--variant", "triangle", "--epochs",
        "1", "--channels", "4,6", "--kernels", "5,3", "--lr", "0.01,0.01", "--burn-in", "1",
        "--batch", "20", "--threads", "2", "--out", out.toString(), "--save"));
    assertEquals(List.of("triangle.safetensors"), files(out.resolve("models")));
    return out.resolve("models").resolve("triangle.safetensors");
  }

  @Test
  void featuresOfASavedHebbCnnEqualTheModelsOwn() throws IOException {
    Path data = tmp.resolve("idx");
    Path model = trainedHebbCnn(data);
    Path f = tmp.resolve("feat").resolve("f.npz");
    MainTest.Run r = MainTest.run("features", "--model", model.toString(), "--data",
        data.toString(), "--split", "train", "--limit", "25", "--out", f.toString());
    ok(r);
    Map<String, Tensor> got = Npz.read(f);
    assertEquals(List.of("layer1", "layer2", "last", "labels"), List.copyOf(got.keySet()));
    Dataset train = Datasets.load(data).train().first(25);
    HebbCnn.Features want;
    try (Workers w = new Workers(1)) {
      want = HebbCnn.load(model, KernelProvider.get(), w).features(train.x(), 0, 25);
    }
    assertArrayEquals(want.quadrants().get(0).shape(), got.get("layer1").shape());
    assertArrayEquals(want.quadrants().get(0).data(), got.get("layer1").data());
    assertArrayEquals(want.quadrants().get(1).data(), got.get("layer2").data());
    assertArrayEquals(want.last().shape(), got.get("last").shape());
    assertArrayEquals(want.last().data(), got.get("last").data());
    for (int i = 0; i < 25; i++) {
      assertEquals(train.labels()[i], got.get("labels").data()[i]);
    }

    ok(MainTest.run("features", "--model", model.toString(), "--data", data.toString(),
        "--layer", "2", "--out", f.toString()));
    got = Npz.read(f);
    assertEquals(List.of("layer2", "labels"), List.copyOf(got.keySet()));
    assertEquals(30, got.get("layer2").shape()[0], "the test split by default, every image");
  }

  @Test
  void badFeatureRequestsAreOneLineAndStatusTwo() throws IOException {
    Path data = tmp.resolve("idx");
    Path model = trainedHebbCnn(data);
    Path small = tmp.resolve("six");
    ExperimentCommandsTest.fakeFashionMnist(small, 10, 10);
    Path junk = tmp.resolve("junk.safetensors");
    Files.writeString(junk, "not a safetensors file");
    String out = tmp.resolve("o.npz").toString();
    Path wide = tmp.resolve("wide.npy");
    Npy.write(wide, Tensor.zeros(3, 5));
    String m = model.toString();
    Object[][] cases = {
        {new String[] {"features", "--model", m, "--data", small.toString(), "--out", out},
            "holds 1x6x6 images, the model " + m + " takes 1x28x28"},
        {new String[] {"features", "--model", m, "--data", data.toString(), "--limit", "0",
            "--out", out}, "--limit"},
        {new String[] {"features", "--model", m, "--data", data.toString(), "--layer", "3",
            "--out", out}, "--layer: expected all, 1..2, or last, got '3'"},
        {new String[] {"features", "--model", tmp.resolve("none.safetensors").toString(),
            "--out", out}, "none.safetensors: no such file"},
        {new String[] {"features", "--model", junk.toString(), "--out", out},
            junk.toString()},
        {new String[] {"features", "--model", VECTORS.resolve("sample.safetensors").toString(),
            "--out", out}, "metadata format 'pt'"},
        {new String[] {"features", "--model", m, "--out", tmp.resolve("o.txt").toString()},
            "must end with .npz"},
        {new String[] {"features", "--model", m, "--input", "x.npy", "--out", out},
            "--input is for an MLP"},
        {new String[] {"features", "--model", m}, "--out FILE is required"},
        {new String[] {"features", "--model", VECTORS.resolve("mlp.safetensors").toString(),
            "--input", wide.toString(), "--out", out}, "shape [3, 5], the model"},
        {new String[] {"features", "--model", VECTORS.resolve("mlp.safetensors").toString(),
            "--out", out}, "--input FILE.npy is required"},
    };
    for (Object[] c : cases) {
      String[] argv = (String[]) c[0];
      ExperimentCommandsTest.oneLine(MainTest.run(argv), 2, (String) c[1]);
    }
  }

  @Test
  void featuresOfAnMlpFromPythonMatchNumpy() throws IOException {
    Path f = tmp.resolve("mlp.npz");
    ok(MainTest.run("features", "--model", VECTORS.resolve("mlp.safetensors").toString(),
        "--input", VECTORS.resolve("mlp_input.npy").toString(), "--out", f.toString()));
    Map<String, Tensor> got = Npz.read(f);
    assertEquals(List.of("layer1", "output"), List.copyOf(got.keySet()));
    assertArrayEquals(new int[] {5, 8}, got.get("layer1").shape());
    Tensor want = Npy.read(VECTORS.resolve("mlp_expected.npy"));
    assertArrayEquals(want.shape(), got.get("output").shape());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.data()[i], got.get("output").data()[i], 1e-5, "output " + i);
    }
    ok(MainTest.run("features", "--model", VECTORS.resolve("mlp.safetensors").toString(),
        "--input", VECTORS.resolve("mlp_input.npy").toString(), "--limit", "2", "--layer", "1",
        "--out", f.toString()));
    got = Npz.read(f);
    assertEquals(List.of("layer1"), List.copyOf(got.keySet()));
    assertArrayEquals(new int[] {2, 8}, got.get("layer1").shape());
  }
}
