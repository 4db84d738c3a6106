package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hebb4j.data.Dataset;
import org.hebb4j.data.Datasets;
import org.hebb4j.data.FashionMnist;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment;
import org.hebb4j.experiment.hebbcnn.HebbCnnReport;
import org.hebb4j.experiment.softhebb.Decoders;
import org.hebb4j.experiment.softhebb.KrotovExperiment;
import org.hebb4j.experiment.softhebb.LearnerSummary;
import org.hebb4j.experiment.softhebb.SoftHebbExperiment;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.hebbian.HebbCnnConfig.Variant;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;

/**
 * {@code hebb4j hebbcnn}: the Hebbian-CNN experiment (spec/hebbcnn.md#experiment). Parses the
 * options, runs {@link HebbCnnExperiment} and writes its {@link HebbCnnReport}.
 */
final class HebbCnnCommand implements Command {

  /** Default number of Hebbian epochs (spec/hebbcnn.md#epochs). */
  static final int DEFAULT_EPOCHS = 1;

  @Override
  public String name() {
    return "hebbcnn";
  }

  @Override
  public String summary() {
    return "Hebbian CNN (Miconi 2021): train without labels, decode every layer with ridge";
  }

  @Override
  public String description() {
    return "Trains a 3-layer convolutional network with a local Hebbian rule (instar, binary\n"
        + "k-WTA plasticity, adaptive thresholds) without labels, then freezes it and decodes\n"
        + "each layer's output (averaged over its four quadrants) and the flattened last layer\n"
        + "with a ridge regression onto one-hot labels. Variants: plain, triangle (dense\n"
        + "triangle output, sparse plasticity), pruning (1% of the weights of layers 2 and 3\n"
        + "kept), triangle+pruning. --variant all (the default) adds a softhebb row (the\n"
        + "paper's blocks at 24/96/384 channels) and a krotov row (2000 units), each from its\n"
        + "own unsupervised training over --epochs (krotov at least 1), decoded with ridge\n"
        + "(with fewer training images than features: the linear readout, 10 epochs); see\n"
        + "spec/hebbcnn.md#all. Writes decoding.csv, training-log.csv, filter PNGs,\n"
        + "labelled filter figures filters-V-layerL.svg (layers 2+ also\n"
        + "filters-V-layerL-input.svg: the mean input patch that makes each filter win) and\n"
        + "run.txt, timings.txt into --out; with --save also models/VARIANT.safetensors (e.g.\n"
        + "models/triangle+pruning.safetensors), the trained network with its whitening.\n"
        + "Data: Fashion-MNIST/MNIST IDX files or CIFAR-10 binary batches. Results do not\n"
        + "depend on --threads. A checkpoint (--checkpoint-every, SIGINT/SIGTERM) lets --resume\n"
        + "continue a stopped or killed run to the same files (spec/io.md#checkpoints). See\n"
        + "spec/hebbcnn.md.";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.of("variant", "V", "plain, triangle, pruning, triangle+pruning or all", "all"),
        Option.of("epochs", "N", "Hebbian training epochs", String.valueOf(DEFAULT_EPOCHS)),
        Option.of("train-limit", "N", "use only the first N training images", "all"),
        Option.of("test-limit", "N", "use only the first N test images", "all"),
        Option.of("seed", "S", "random seed (weights, masks, shuffles)", "1"),
        Experiments.threadsOption(),
        Option.of("data", "DIR", "data folder (IDX or CIFAR-10 binary)",
            FashionMnist.DEFAULT_DIR.toString()),
        Experiments.outOption("hebbcnn"),
        Experiments.forceOption(),
        Option.flag("save", "write each trained network to OUT/models/VARIANT.safetensors "
            + "(hebb4j features --model reads it)"),
        Option.of("rule", "R", "plasticity rule: plain, instar or oja", "instar"),
        Option.of("channels", "LIST", "channels per layer", "100,196,400"),
        Option.of("kernels", "LIST", "kernel sizes per layer", "5,3,3"),
        Option.of("lr", "LIST", "learning rates per layer", "1e-4,1e-4,1e-3"),
        Option.of("k", "LIST", "winners per position, one value or one per layer", "1"),
        Option.of("keep", "F", "fraction of weights kept when pruning, in (0,1]: one value for "
            + "layers 2+, or one per layer", "0.01"),
        Option.of("burn-in", "N", "first N batches without weight updates", "200"),
        Option.of("batch", "N", "batch size", "100"),
        Option.of("theta-rate", "R", "homeostatic threshold rate", "3.0"),
        Option.of("pad", "P", "zero padding around each whitened image, or auto: up to 32x32, the "
            + "size the paper's architecture was built for", "auto"),
        Experiments.checkpointEveryOption(),
        Experiments.resumeOption());
  }

  /** Parses and validates every option (UsageException with one line on error). */
  static HebbCnnExperiment.Settings settings(Args a) {
    String v = a.choice("variant", "all", "plain", "triangle", "pruning", "triangle+pruning",
        "all");
    List<Variant> variants = v.equals("all") ? HebbCnnExperiment.VARIANTS
        : List.of(Variant.parse(v));
    int epochs = a.integer("epochs", DEFAULT_EPOCHS, 0, 100_000);
    int trainLimit = a.integer("train-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    int testLimit = a.integer("test-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    double seedValue = a.number("seed", 1, 0, 0x1p53);
    if (seedValue != Math.rint(seedValue)) {
      throw new UsageException("--seed: expected a whole number, got " + fmt(seedValue));
    }
    long seed = (long) seedValue;
    int threads = Experiments.threads(a);
    String padText = a.string("pad", "auto");
    if (!"auto".equals(padText) && !padText.matches("\\d{1,4}")) {
      throw new UsageException("--pad: expected auto or an integer in [0, 1000], got '" + padText
          + "'");
    }
    int pad = "auto".equals(padText) ? -1 : a.integer("pad", 0, 0, 1000);
    HebbRule rule = a.named("rule", HebbRule.class, HebbRule.INSTAR);
    int[] channels = a.integers("channels", HebbCnnConfig.PAPER_CHANNELS, 1, 1 << 16);
    int n = channels.length;
    int[] kernels = a.integers("kernels", HebbCnnConfig.PAPER_KERNELS, 1, 1 << 10);
    double[] lr = a.numbers("lr", HebbCnnConfig.PAPER_LR, -Double.MAX_VALUE, Double.MAX_VALUE);
    for (double x : lr) {
      if (x < 0) {
        throw new UsageException("--lr: learning rates must be >= 0, got " + fmt(x));
      }
    }
    int[] k = a.integers("k", new int[] {1}, -(1 << 30), 1 << 30);
    if (k.length == 1 && n > 1) {
      int k0 = k[0];
      k = new int[n];
      Arrays.fill(k, k0);
    }
    double[] keep = a.numbers("keep", new double[] {HebbCnnConfig.PAPER_PRUNE_KEEP},
        -Double.MAX_VALUE, Double.MAX_VALUE);
    for (double x : keep) {
      if (!(x > 0 && x <= 1)) {
        throw new UsageException("--keep: the kept fraction must be in (0, 1], got " + fmt(x));
      }
    }
    int burnIn = a.integer("burn-in", HebbCnnConfig.PAPER_BURN_IN, 0, Integer.MAX_VALUE);
    int batch = a.integer("batch", HebbCnnConfig.PAPER_BATCH, 1, 1 << 20);
    double thetaRate = a.number("theta-rate", HebbCnnConfig.PAPER_THETA_RATE, 0, 1e6);
    if (kernels.length != n || lr.length != n || k.length != n) {
      throw new UsageException("--channels, --kernels, --lr and --k must list one value per "
          + "layer (got " + n + ", " + kernels.length + ", " + lr.length + ", " + k.length + ")");
    }
    if (a.has("keep") && variants.stream().noneMatch(Variant::pruning)) {
      throw new UsageException("--keep sets the pruning, and --variant " + v + " does not prune"
          + " (pruning and triangle+pruning do)");
    }
    if (keep.length != 1 && keep.length != n) {
      throw new UsageException("--keep: give one value (layers 2+) or one per layer (" + n
          + "), got " + keep.length);
    }
    for (int l = 0; l < n; l++) {
      if (k[l] < 1 || k[l] > channels[l]) {
        throw new UsageException("--k: " + k[l] + " winners is impossible in layer " + (l + 1)
            + " with " + channels[l] + " channels (need 1 <= k <= channels)");
      }
    }
    return new HebbCnnExperiment.Settings(variants, epochs,
        trainLimit, testLimit, seed, threads, pad, rule, channels, kernels, lr, k, keep,
        burnIn, batch, thetaRate, HebbCnnConfig.PAPER_ZCA_EPS, 1.0, null);
  }

  private static String fmt(double x) {
    String b = Args.bound(x);
    return b != null ? b : String.valueOf(x);
  }

  @Override
  public int run(Args a, PrintStream out, PrintStream err) throws IOException {
    if (!a.positional().isEmpty()) {
      throw new UsageException("takes no positional arguments, got '" + a.positional().get(0)
          + "'");
    }
    Checkpoint from = Experiments.resume(a, name(), options());
    HebbCnnExperiment.Settings st = settings(a);
    Path data = a.path("data", FashionMnist.DEFAULT_DIR);
    Dataset.Split split = Datasets.load(data); // DataException: one line, exit 2
    Dataset train = split.train().first(st.trainLimit());
    Dataset test = split.test().first(st.testLimit());
    // validate the architecture against the image size before any work
    // and the learning and memory it needs (a run where no weight changes is refused)
    List<org.hebb4j.experiment.Problem> problems;
    try {
      for (Variant v : st.variants()) {
        st.config(v, train.c(), train.h(), train.w());
      }
      problems = new java.util.ArrayList<>(st.problems(train.n(), test.n(), train.c(),
          train.h(), train.w()));
      if (st.variants().equals(HebbCnnExperiment.VARIANTS)) {
        problems.addAll(allSoftHebb(st, train).problems(train, test));
        problems.addAll(allKrotov(st, train.n()).problems(train, test));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Experiments.check(problems, name(), err);
    Kernels k = KernelProvider.get();
    PrintStream progress = System.console() != null ? err : null;
    // every output folder and model file checked before training (one home: Experiments)
    Path outDir = Experiments.outDir(a, "hebbcnn", from);
    Path models = Experiments.saveDir(a, outDir);
    if (models != null) {
      for (Variant v : st.variants()) {
        Experiments.notFolder("save", models.resolve(v.id() + ".safetensors"));
      }
      st = withSave(st, models);
    }
    Checkpoints cp = Experiments.checkpoints(a, name(), outDir, from, train, test);
    long t0 = System.nanoTime();
    try (Workers workers = new Workers(st.threads())) {
      HebbCnnExperiment.Summary s = new HebbCnnExperiment(st, k, workers, progress, cp)
          .run(new Dataset.Split(train, test));
      if (st.variants().equals(HebbCnnExperiment.VARIANTS)) {
        s = withLearners(s, st, train, test, k, workers, progress, cp);
      }
      HebbCnnReport.write(s, st, train, test, k.name(), workers.threads(), outDir);
      Experiments.finished(cp);
      out.print(HebbCnnReport.table(s));
      out.printf(Locale.ROOT, "%nrun time %.1f s (%s kernels, %d threads); results in %s%n",
          (System.nanoTime() - t0) / 1e9, k.name(), workers.threads(), outDir);
    }
    return 0;
  }

  /**
   * The SoftHebb row of {@code --variant all} (spec/hebbcnn.md#all): the paper's three blocks
   * at a quarter of their widths (24, 96, 384 channels: 1/16 of the cost), its rates, hebbcnn's
   * epochs, seed and limits, on the 3456 features of the last block the readout of
   * {@link #allReadout}.
   */
  static SoftHebbExperiment.Settings allSoftHebb(HebbCnnExperiment.Settings st, Dataset train) {
    int[] channels = {24, 96, 384};
    double[] lr = {0.08, 0.005, 0.01};
    SoftHebbExperiment.Settings s = new SoftHebbExperiment.Settings(st.epochs(),
        st.trainLimit(), st.testLimit(), st.seed(), st.threads(), channels, lr,
        allReadout(0, 0));
    int[] f = s.config(train.c(), train.h(), train.w()).outputShape(channels.length - 1);
    return new SoftHebbExperiment.Settings(st.epochs(), st.trainLimit(), st.testLimit(),
        st.seed(), st.threads(), channels, lr, allReadout(train.n(), f[0] * f[1] * f[2]));
  }

  /**
   * Ridge, as every other row, when there are more training images than features; else (ridge
   * would be singular) the linear readout over 10 epochs.
   */
  private static Decoders allReadout(int trainN, int features) {
    return Decoders.parse(trainN > features ? "ridge" : "linear", 10);
  }

  /**
   * The Krotov row of {@code --variant all} (spec/hebbcnn.md#all): the paper's layer (2000
   * units, p 3, k 7, Delta 0.4, eps0 0.02) over hebbcnn's epochs (at least 1), ridge on
   * relu(I)^4.5 of the unit-length images (the readout of {@link #allReadout}).
   */
  static KrotovExperiment.Settings allKrotov(HebbCnnExperiment.Settings st, int trainN) {
    return new KrotovExperiment.Settings(Math.max(1, st.epochs()), st.trainLimit(),
        st.testLimit(), st.seed(), st.threads(), 2000, 4.5, 0.02, true,
        allReadout(trainN, 2000));
  }

  /** The summary with the SoftHebb and Krotov rows (layer "final") and timings added. */
  private static HebbCnnExperiment.Summary withLearners(HebbCnnExperiment.Summary s,
      HebbCnnExperiment.Settings st, Dataset train, Dataset test, Kernels k, Workers workers,
      PrintStream progress, Checkpoints cp) {
    List<HebbCnnExperiment.Row> rows = new java.util.ArrayList<>(s.rows());
    List<HebbCnnExperiment.Timing> timings = new java.util.ArrayList<>(s.timings());
    List<LearnerSummary> learners;
    try {
      learners = List.of(
          new SoftHebbExperiment(allSoftHebb(st, train), k, workers, progress, cp)
              .run(train, test),
          new KrotovExperiment(allKrotov(st, train.n()), k, workers, progress, cp)
              .run(train, test));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    for (LearnerSummary l : learners) {
      for (LearnerSummary.Row r : l.rows()) {
        if (!r.model().equals("pixels")) {
          rows.add(new HebbCnnExperiment.Row(r.model(), "final", r.features(),
              r.trainAccuracy(), r.testAccuracy()));
        }
      }
      LearnerSummary.Timing total = l.timings().get(l.timings().size() - 1);
      timings.add(timings.size() - 1, new HebbCnnExperiment.Timing(l.learner()
          + " (train, features, decoders; its own pixel baseline included)", total.seconds()));
    }
    return new HebbCnnExperiment.Summary(rows, s.log(), s.filters(), timings, s.pad(),
        s.warnings());
  }

  private static HebbCnnExperiment.Settings withSave(HebbCnnExperiment.Settings s, Path dir) {
    return new HebbCnnExperiment.Settings(s.variants(), s.epochs(), s.trainLimit(),
        s.testLimit(), s.seed(), s.threads(), s.pad(), s.rule(), s.channels(), s.kernels(),
        s.lr(), s.k(), s.keep(), s.burnIn(), s.batch(), s.thetaRate(), s.zcaEps(), s.alpha(),
        dir);
  }
}
