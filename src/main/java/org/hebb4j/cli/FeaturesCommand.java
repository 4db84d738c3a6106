package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.data.Dataset;
import org.hebb4j.data.Datasets;
import org.hebb4j.data.FashionMnist;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.io.FormatException;
import org.hebb4j.io.Npy;
import org.hebb4j.io.Npz;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.parallel.Workers;
import org.hebb4j.tensor.Tensor;

/**
 * {@code hebb4j features}: the features a saved model computes, written as an .npz
 * (spec/io.md#features). The model file's metadata {@code format} picks the model: a Hebbian CNN
 * ({@value HebbCnn#FORMAT}) reads images from a data folder, an MLP ({@value MlpConfig#FORMAT})
 * reads rows from an .npy.
 */
final class FeaturesCommand implements Command {

  @Override
  public String name() {
    return "features";
  }

  @Override
  public String summary() {
    return "features of a data set computed by a saved model (hebbcnn or MLP) to an .npz";
  }

  @Override
  public String description() {
    return "Loads a model saved with --save (or Mlp.save / HebbCnn.save) and writes the\n"
        + "features it computes to --out FILE.npz (float32 arrays, numpy.load reads it).\n"
        + "A Hebbian CNN (format hebb4j.hebbcnn/1) reads the images of --data (IDX or CIFAR-10)\n"
        + "and writes layer1 .. layerL [n, O, 2, 2] (each layer's 2 x 2 quadrant means), last\n"
        + "[n, O, PH, PW] (the last layer's output) and labels [n] (the class indices as\n"
        + "float32, exact). The images must have the size the model was trained on.\n"
        + "An MLP (format hebb4j.mlp/1) reads --input FILE.npy of [n, input] rows and writes\n"
        + "layer1 .. layer{L-1} (each hidden layer's activation) and output [n, o].\n"
        + "--layer picks one array. See spec/io.md#features.";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.of("model", "FILE", "the saved model (.safetensors)", "required"),
        Option.of("out", "FILE", "the .npz to write", "required"),
        Option.of("data", "DIR", "hebbcnn: data folder (IDX or CIFAR-10 binary)",
            FashionMnist.DEFAULT_DIR.toString()),
        Option.of("split", "S", "hebbcnn: train or test", "test"),
        Option.of("input", "FILE", "mlp: an .npy of [n, input] float rows", "required for mlp"),
        Option.of("limit", "N", "use only the first N images or rows", "all"),
        Option.of("layer", "L", "all, a layer number, or last (hebbcnn) / output (mlp)", "all"),
        Experiments.threadsOption());
  }

  @Override
  public int run(Args a, PrintStream out, PrintStream err) throws IOException {
    if (!a.positional().isEmpty()) {
      throw new UsageException("takes no arguments, got '" + a.positional().get(0) + "'");
    }
    Path model = required(a, "model");
    Path file = required(a, "out");
    if (!file.getFileName().toString().endsWith(".npz")) {
      throw new UsageException("--out: " + file + " must end with .npz");
    }
    Experiments.notFolder("out", file);
    Experiments.folder(a, "out", file.toAbsolutePath().getParent()); // before any work
    int limit = a.integer("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    String layer = a.string("layer", "all").trim();
    int threads = Experiments.threads(a);
    if (!Files.isRegularFile(model)) {
      throw new UsageException("--model " + model + ": no such file");
    }
    String format = readModel(model, () -> SafeTensors.read(model).metadata().get("format"));
    Map<String, Tensor> arrays;
    if (HebbCnn.FORMAT.equals(format)) {
      if (a.has("input")) {
        throw new UsageException("--input is for an MLP; " + model + " is a Hebbian CNN"
            + (a.has("data") ? "" : " (use --data)"));
      }
      arrays = hebbCnn(a, model, limit, layer, threads);
    } else if (MlpConfig.FORMAT.equals(format)) {
      if (a.has("data") || a.has("split")) {
        throw new UsageException("--data and --split are for a Hebbian CNN; " + model
            + " is an MLP" + (a.has("input") ? "" : " (use --input FILE.npy)"));
      }
      arrays = mlp(a, model, limit, layer);
    } else {
      throw new UsageException("--model " + model + ": metadata format "
          + (format == null ? "missing" : "'" + format + "'") + ", expected " + HebbCnn.FORMAT
          + " or " + MlpConfig.FORMAT);
    }
    Npz.write(file, arrays);
    for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
      out.println(e.getKey() + " " + Arrays.toString(e.getValue().shape()));
    }
    out.println("wrote " + file);
    return 0;
  }

  /** Reads the model file. */
  private interface ModelReader<T> {
    T read() throws IOException;
  }

  /**
   * {@code reader}'s result; a malformed file or bad metadata becomes one line
   * "--model FILE: FAULT", the same prefix for every fault of the model file.
   */
  private static <T> T readModel(Path model, ModelReader<T> reader) throws IOException {
    try {
      return reader.read();
    } catch (FormatException | IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      String name = model.toString() + ": ";
      throw new UsageException("--model " + model + ": "
          + (m.startsWith(name) ? m.substring(name.length()) : m));
    }
  }

  private static Path required(Args a, String name) {
    Path p = a.path(name, null);
    if (p == null) {
      throw new UsageException("--" + name + " FILE is required");
    }
    return p;
  }

  /** The layer to keep: 0 for all, 1..layers, or layers + 1 for the last name ("last"). */
  private static int layerChoice(String v, int layers, String lastName) {
    if (v.equals("all")) {
      return 0;
    }
    if (v.equals(lastName)) {
      return layers + 1;
    }
    try {
      int l = Integer.parseInt(v);
      if (l >= 1 && l <= layers) {
        return l;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String numbers = layers == 0 ? "" : layers == 1 ? "1, " : "1.." + layers + ", ";
    throw new UsageException("--layer: expected all, " + numbers + "or " + lastName + ", got '"
        + v + "'");
  }

  private static Map<String, Tensor> hebbCnn(Args a, Path model, int limit, String layer,
      int threads) throws IOException {
    String split = a.choice("split", "test", "train", "test");
    Path dir = a.path("data", FashionMnist.DEFAULT_DIR);
    try (Workers workers = new Workers(threads)) {
      HebbCnn net = readModel(model, () -> HebbCnn.load(model, KernelProvider.get(), workers));
      int pick = layerChoice(layer, net.layers(), "last");
      Dataset.Split s = Datasets.load(dir); // DataException: one line, exit 2
      Dataset ds = (split.equals("train") ? s.train() : s.test()).first(limit);
      HebbCnnConfig cfg = net.config();
      if (ds.c() != cfg.inChannels() || ds.h() != cfg.height() || ds.w() != cfg.width()) {
        throw new UsageException("--data: " + dir + " holds " + ds.c() + "x" + ds.h() + "x"
            + ds.w() + " images, the model " + model + " takes " + cfg.inChannels() + "x"
            + cfg.height() + "x" + cfg.width());
      }
      HebbCnn.Features f = net.features(ds.x(), 0, ds.n());
      Map<String, Tensor> m = new LinkedHashMap<>();
      for (int l = 1; l <= net.layers(); l++) {
        if (pick == 0 || pick == l) {
          m.put("layer" + l, f.quadrants().get(l - 1));
        }
      }
      if (pick == 0 || pick == net.layers() + 1) {
        m.put("last", f.last());
      }
      float[] labels = new float[ds.n()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = ds.labels()[i];
      }
      m.put("labels", Tensor.of(labels, ds.n()));
      return m;
    }
  }

  private static Map<String, Tensor> mlp(Args a, Path model, int limit, String layer)
      throws IOException {
    Path input = a.path("input", null);
    if (input == null) {
      throw new UsageException("--input FILE.npy is required for the MLP " + model);
    }
    Mlp net = readModel(model, () -> Mlp.load(model));
    int pick = layerChoice(layer, net.depth() - 1, "output");
    if (!Files.isRegularFile(input)) {
      throw new UsageException("--input: " + input + ": no such file");
    }
    Tensor x = Npy.read(input);
    int[] shape = x.shape();
    if (shape.length != 2 || shape[1] != net.inputSize() || shape[0] < 1) {
      throw new UsageException("--input: " + input + " holds an array of shape "
          + Arrays.toString(shape) + ", the model " + model + " takes [n, "
          + net.inputSize() + "] with n >= 1");
    }
    int n = Math.min(shape[0], limit);
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int l = 0; l < net.depth(); l++) {
      boolean output = l == net.depth() - 1;
      if (pick == 0 || pick == l + 1) {
        m.put(output ? "output" : "layer" + (l + 1), net.features(x.data(), n, l));
      }
    }
    return m;
  }
}
