package org.hebb4j.experiment.hebbcnn;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.Problem;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.hebbian.HebbCnnConfig.Variant;
import org.hebb4j.hebbian.HebbRule;
import org.hebb4j.hebbian.Standardize;
import org.hebb4j.hebbian.Whitening;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.linalg.Ridge;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;

/**
 * The Hebbian-CNN experiment of spec/hebbcnn.md#experiment: fit the whitening (per-image
 * standardisation (T1), ZCA (Z1)-(Z3)) on the training images, train each variant's network
 * without labels, freeze it, collect per-layer quadrant features and the last layer for the train
 * and test sets, and fit ridge decoders (L1)-(L4) on one-hot labels. {@link #run} returns a
 * {@link Summary}; {@link HebbCnnReport} writes it.
 */
public final class HebbCnnExperiment {

  /** The variants of the paper, in the order {@code all} runs them. */
  public static final List<Variant> VARIANTS = List.of(Variant.values());

  /**
   * Everything the experiment needs (spec/hebbcnn.md#defaults).
   *
   * @param variants the networks to train, in order
   * @param epochs Hebbian training epochs (0: the networks stay at their initial weights)
   * @param trainLimit training images used (the first ones)
   * @param testLimit test images used
   * @param seed seed of {@code Rng(seed).derive("hebbcnn")}
   * @param threads worker threads
   * @param pad input padding, or -1 for auto ({@link #pad(int, int)})
   * @param rule plasticity rule
   * @param channels channels per layer
   * @param kernels kernel size per layer
   * @param lr learning rate per layer
   * @param k winners per position, per layer
   * @param keep kept fraction when pruning: one value (layers 2+) or one per layer
   * @param burnIn batches without weight updates
   * @param batch batch size
   * @param thetaRate homeostatic threshold rate (C4)
   * @param zcaEps ZCA eps (Z3)
   * @param alpha ridge penalty (L2)
   * @param save the folder where each variant's trained network is written as
   *     {@code VARIANT.safetensors} ({@link HebbCnn#save}, spec/io.md#models), or null for none
   */
  public record Settings(List<Variant> variants, int epochs, int trainLimit, int testLimit,
      long seed, int threads, int pad, HebbRule rule, int[] channels, int[] kernels, double[] lr,
      int[] k, double[] keep, int burnIn, int batch, double thetaRate, double zcaEps,
      double alpha, Path save) {

    /**
     * The input padding for h x w images: {@code pad} when >= 0, else (auto) enough to make the
     * smaller side at least 32, the input size of the paper's architecture.
     *
     * @param h image height
     * @param w image width
     * @return the padding
     */
    public int pad(int h, int w) {
      return pad >= 0 ? pad : Math.max(0, (32 - Math.min(h, w) + 1) / 2);
    }

    /**
     * The network configuration of one variant for c x h x w images.
     *
     * @param variant the variant
     * @param c channels
     * @param h height
     * @param w width
     * @return the validated configuration
     * @throws IllegalArgumentException naming an impossible setting
     */
    public HebbCnnConfig config(Variant variant, int c, int h, int w) {
      int n = channels.length;
      if (kernels.length != n || lr.length != n || k.length != n) {
        throw new IllegalArgumentException("per-layer lists must all have " + n + " entries "
            + "(channels, kernels, learning rates, k)");
      }
      HebbCnnConfig.Builder b = HebbCnnConfig.builder(c, h, w).pad(pad(h, w)).rule(rule)
          .thetaRate(thetaRate).triangle(variant.triangle()).burnIn(burnIn).batch(batch)
          .zcaEps(zcaEps);
      for (int l = 0; l < n; l++) {
        double kept = !variant.pruning() ? 1.0 : keep.length == n ? keep[l] // one per layer
            : l == 0 ? 1.0 : keep[0]; // one value: layers 2+, layer 1 is not pruned (paper)
        try {
          b.layer(HebbCnnConfig.Layer.of(channels[l], kernels[l]).withK(k[l]).withLr(lr[l])
              .withKeep(kept));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("layer " + (l + 1) + ": " + e.getMessage());
        }
      }
      return b.build();
    }

    /**
     * What is wrong with these settings for a training set of {@code nTrain} and a test set of
     * {@code nTest} c x h x w images, found before any work ({@link Problem}): an error when no
     * weight would ever change (burn-in covering every batch, every learning rate 0) or the run
     * needs more memory than the JVM may use; a warning when fewer than half of the batches
     * update the weights, when a layer's learning rate is 0, or when {@code epochs} is 0 (the
     * features are then those of the random initial weights, on purpose).
     *
     * @param nTrain training images used
     * @param nTest test images used
     * @param c channels
     * @param h height
     * @param w width
     * @return the problems, errors first; empty when none
     * @throws IllegalArgumentException naming an impossible setting ({@link #config})
     */
    public List<Problem> problems(int nTrain, int nTest, int c, int h, int w) {
      List<Problem> errors = new ArrayList<>(), warnings = new ArrayList<>();
      long perEpoch = (nTrain + (long) batch - 1) / batch;
      boolean anyLr = false;
      for (int l = 0; l < lr.length; l++) {
        anyLr |= lr[l] > 0;
      }
      if (epochs == 0) {
        warnings.add(Problem.warning("epochs 0: the networks are not trained, the features are"
            + " those of the random initial weights"));
      } else if (!anyLr) {
        errors.add(Problem.error("every layer's learning rate is 0: no weight would ever"
            + " change"));
      } else {
        for (Problem p : Problem.updates(epochs * perEpoch, burnIn, String.format(Locale.ROOT,
            "burn-in %d batches; the run has %d: %d epoch(s) of %d batches of %d from %d"
            + " images", burnIn, epochs * perEpoch, epochs, perEpoch, batch, nTrain))) {
          (p.isError() ? errors : warnings).add(p);
        }
        for (int l = 0; l < lr.length; l++) {
          if (lr[l] == 0) {
            warnings.add(Problem.warning("layer " + (l + 1) + " has learning rate 0: its"
                + " weights stay at their random initial values"));
          }
        }
      }
      errors.addAll(memory(nTrain, nTest, c, h, w));
      errors.addAll(warnings);
      return errors;
    }

    /**
     * An error when a lower bound of the run's memory exceeds the heap: the images, the ZCA
     * matrix (float, and its double covariance while fitting), and the largest of the pixels
     * decoder and one variant's network, features and ridge decoders.
     */
    private List<Problem> memory(int nTrain, int nTest, int c, int h, int w) {
      double d = (double) c * h * w, n = (double) nTrain + nTest;
      double data = 4 * n * d, zca = 4 * d * d;
      double fit = 8 * d * d + 4.0 * nTrain * d;
      double pixels = 4 * n * d + 8 * d * d;
      double net = 0;
      for (Variant v : variants) {
        HebbCnnConfig cfg = config(v, c, h, w);
        double floats = (double) cfg.batch() * cfg.inChannels() * cfg.paddedHeight()
            * cfg.paddedWidth(), features = 0, widest = 0;
        int ch = cfg.inChannels(), ph = cfg.paddedHeight(), pw = cfg.paddedWidth();
        for (HebbCnnConfig.Layer ly : cfg.layers()) {
          int oh = (ph + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
          int ow = (pw + 2 * ly.padding() - ly.kernel()) / ly.stride() + 1;
          floats += 3.0 * ly.channels() * ch * ly.kernel() * ly.kernel();
          floats += (double) cfg.batch() * ly.channels() * oh * ow;
          ch = ly.channels();
          ph = oh / ly.pool();
          pw = ow / ly.pool();
          double q = (double) ch * Math.min(2, ph) * Math.min(2, pw);
          features += q;
          widest = Math.max(widest, q);
        }
        double last = (double) ch * ph * pw;
        features += last;
        widest = Math.max(widest, last);
        net = Math.max(net, 4 * floats + 4 * n * features + 8 * widest * widest);
      }
      String what = String.format(Locale.ROOT, "%d %dx%dx%d images (a %.0f x %.0f ZCA matrix)"
          + " and batch %d", nTrain + nTest, c, h, w, d, d, batch);
      return Problem.memory(data + zca + Math.max(fit, Math.max(pixels, net)), what);
    }
  }

  /**
   * One decoder (one row of decoding.csv).
   *
   * @param model "pixels" or the variant's id
   * @param layer "0" (pixels), "1".."L" (quadrant features) or "final" (the flattened last
   *     layer output, only when its map is larger than 2 x 2: else it equals layer L)
   * @param features feature dimension
   * @param trainAccuracy accuracy on the training set
   * @param testAccuracy accuracy on the test set
   */
  public record Row(String model, String layer, int features, double trainAccuracy,
      double testAccuracy) {}

  /**
   * One line of training-log.csv.
   *
   * @param variant the variant
   * @param epoch epoch, from 1
   * @param layer layer, from 1
   * @param stats the layer's statistics over the epoch
   */
  public record LogRow(Variant variant, int epoch, int layer, HebbCnn.LayerStats stats) {}

  /** Test images over which the input-space view of layers 2+ is averaged (the first ones). */
  public static final int PATCH_SAMPLE = 1000;

  /**
   * The trained filters of one layer.
   *
   * @param variant the variant
   * @param layer layer, from 1
   * @param weights {@code [O, C, K, K]} (a copy)
   * @param input for layers 2+, what each filter responds to in input space: the mean raw input
   *     patch over the positions where it wins ({@link HebbCnn#winningPatches}) in the first
   *     {@code sample} test images; null for layer 1
   * @param sample the number of test images behind {@code input} (0 for layer 1)
   */
  public record Filters(Variant variant, int layer, Tensor weights, HebbCnn.WinningPatches input,
      int sample) {}

  /**
   * The duration of one phase.
   *
   * @param phase what ran
   * @param seconds wall time
   */
  public record Timing(String phase, double seconds) {}

  /**
   * Everything a run computed, for the report.
   *
   * @param rows the decoders, pixels first
   * @param log the training log
   * @param filters the trained filters of every variant and layer
   * @param timings the phases in order, "total" last
   * @param pad the input padding used
   * @param warnings the settings' warnings ({@link Settings#problems}), one line each
   */
  public record Summary(List<Row> rows, List<LogRow> log, List<Filters> filters,
      List<Timing> timings, int pad, List<String> warnings) {}

  private final Settings st;
  private final Kernels k;
  private final Workers workers;
  private final PrintStream progress; // null: no progress
  private final Checkpoints checkpoints;
  private final List<Row> rows = new ArrayList<>();
  private final List<LogRow> log = new ArrayList<>();
  private final List<Filters> filters = new ArrayList<>();
  private final List<Timing> timing = new ArrayList<>();

  /**
   * @param st the settings
   * @param k kernels
   * @param workers threads (results do not depend on their number)
   * @param progress where progress lines go, or null for none
   */
  public HebbCnnExperiment(Settings st, Kernels k, Workers workers, PrintStream progress) {
    this(st, k, workers, progress, Checkpoints.none());
  }

  /**
   * An experiment whose training writes checkpoints and resumes from one (spec/io.md#checkpoints):
   * each variant is one unit, named by its id.
   *
   * @param st the settings
   * @param k kernels
   * @param workers threads (results do not depend on their number)
   * @param progress where progress lines go, or null for none
   * @param checkpoints when to write checkpoints, and what to resume from
   */
  public HebbCnnExperiment(Settings st, Kernels k, Workers workers, PrintStream progress,
      Checkpoints checkpoints) {
    this.st = st;
    this.k = k;
    this.workers = workers;
    this.progress = progress;
    this.checkpoints = checkpoints;
  }

  /**
   * Runs everything on the split. With {@code save} set, each variant's network is written there
   * once trained (with its whitening, before feature collection).
   *
   * @param data training and test sets
   * @return the summary, with the settings' warnings
   * @throws IllegalArgumentException when the settings have an error for this data
   *     ({@link Settings#problems}: e.g. a burn-in covering every batch), before any work
   * @throws UncheckedIOException if the save folder or a model file cannot be written
   */
  public Summary run(Dataset.Split data) {
    long t0 = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    for (Problem p : st.problems(data.train().n(), data.test().n(), data.train().c(),
        data.train().h(), data.train().w())) {
      if (p.isError()) {
        throw new IllegalArgumentException(p.message());
      }
      warnings.add(p.message());
    }
    if (st.save() != null) {
      try {
        Files.createDirectories(st.save());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Dataset train = data.train(), test = data.test();
    int nTr = train.n(), nTe = test.n(), d = train.features();
    int c = train.c(), h = train.h(), w = train.w();

    say("preprocessing: ZCA whitening (" + d + " x " + d + " covariance over " + nTr
        + " standardised samples, eps " + st.zcaEps() + ")");
    Whitening white = Whitening.fit(k, workers, train.x(), nTr, d, st.zcaEps());
    lap("preprocessing (standardise + ZCA)", t0);

    // baseline: ridge on the standardised pixels (T1)
    long tb = System.nanoTime();
    say("baseline: ridge decoder on the standardised pixels");
    float[] xTr = new float[nTr * d], xTe = new float[nTe * d];
    Standardize.all(k, nTr, d, train.x(), xTr, Standardize.EPS);
    Standardize.all(k, nTe, d, test.x(), xTe, Standardize.EPS);
    decode("pixels", "0", xTr, nTr, xTe, nTe, d, train.labels(), test.labels(), train.classes());
    xTr = null;
    xTe = null;
    lap("pixels baseline decoder", tb);

    for (Variant variant : st.variants()) {
      runVariant(variant, white, train, test, c, h, w);
    }
    lap("total", t0);
    return new Summary(List.copyOf(rows), List.copyOf(log), List.copyOf(filters),
        List.copyOf(timing), st.pad(h, w), List.copyOf(warnings));
  }

  private void runVariant(Variant variant, Whitening white, Dataset train, Dataset test, int c,
      int h, int w) {
    HebbCnnConfig cfg = st.config(variant, c, h, w);
    Rng rng = new Rng(st.seed()).derive("hebbcnn");
    HebbCnn net = new HebbCnn(cfg, k, workers, rng);
    net.useWhitening(white);
    int nTr = train.n(), d = train.features(), b = cfg.batch();
    float[] xTr = train.x();
    float[] buf = new float[b * d];
    int batches = (nTr + b - 1) / b;
    long t0 = System.nanoTime();
    // checkpoints (spec/io.md#checkpoints): the unit is the variant; its state is the network's
    // and the training-log rows of its finished epochs
    String unit = variant.id();
    List<HebbCnn.LayerStats> unitLog = new ArrayList<>();
    java.util.function.Consumer<Checkpoint.State> save = s -> {
      net.saveState(s);
      s.putRecords("log", HebbCnn.LayerStats.class, unitLog);
    };
    int e0 = 1, b0 = 0;
    Checkpoint.Unit saved = checkpoints.begin(unit);
    if (saved != null) {
      net.loadState(saved.state());
      unitLog.addAll(saved.state().records("log", HebbCnn.LayerStats.class));
      for (int i = 0; i < unitLog.size(); i++) {
        log.add(new LogRow(variant, i / net.layers() + 1, i % net.layers() + 1, unitLog.get(i)));
      }
      e0 = saved.position().done() ? st.epochs() + 1 : saved.position().epoch();
      b0 = saved.position().done() ? 0 : saved.position().batch();
    }
    for (int epoch = e0; epoch <= st.epochs(); epoch++) {
      int[] perm = new int[nTr];
      for (int i = 0; i < nTr; i++) {
        perm[i] = i;
      }
      rng.derive("shuffle").derive("epoch" + epoch).shuffle(perm);
      int first = epoch == e0 ? b0 : 0;
      if (first == 0) {
        net.resetStats();
      }
      long te = System.nanoTime();
      for (int bi = first; bi < batches; bi++) {
        int s0 = bi * b, m = Math.min(b, nTr - s0);
        for (int i = 0; i < m; i++) {
          System.arraycopy(xTr, perm[s0 + i] * d, buf, i * d, d);
        }
        net.train(buf, 0, m);
        checkpoints.boundary(unit, epoch, bi + 1, save);
        if (progress != null && (bi % 10 == 9 || bi == batches - 1)) {
          progress.printf(Locale.ROOT, "\r%s: epoch %d/%d, batch %d/%d, %.0f s   ", variant.id(),
              epoch, st.epochs(), bi + 1, batches, (System.nanoTime() - te) / 1e9);
          progress.flush();
        }
      }
      if (progress != null) {
        progress.println();
      }
      List<HebbCnn.LayerStats> stats = net.stats();
      for (int l = 0; l < stats.size(); l++) {
        log.add(new LogRow(variant, epoch, l + 1, stats.get(l)));
      }
      unitLog.addAll(stats);
    }
    checkpoints.finish(unit, save);
    lap(variant.id() + ": Hebbian training, " + st.epochs() + " epoch(s) of " + batches
        + " batches", t0);
    if (st.save() != null) {
      Path file = st.save().resolve(variant.id() + ".safetensors");
      try {
        net.save(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      say(variant.id() + ": saved " + file);
    }

    // frozen network: collect features (thresholds and weights no longer change)
    long tf = System.nanoTime();
    say(variant.id() + ": collecting features with the frozen network");
    HebbCnn.Features fTr = collect(net, train, variant.id() + " train");
    HebbCnn.Features fTe = collect(net, test, variant.id() + " test");
    lap(variant.id() + ": feature collection (train + test)", tf);
    long td = System.nanoTime();
    int layers = net.layers();
    // "final" decodes the flattened last map; at most 2 x 2 it equals layer L's quadrant
    // features (Q1) value for value and in the same order, so it would repeat layer L's row
    int[] last = net.outputShape(layers - 1);
    int decoders = last[1] > 2 || last[2] > 2 ? layers + 1 : layers;
    for (int l = 0; l < decoders; l++) {
      Tensor tr = l < layers ? fTr.quadrants().get(l) : fTr.last();
      Tensor te = l < layers ? fTe.quadrants().get(l) : fTe.last();
      decode(variant.id(), l < layers ? String.valueOf(l + 1) : "final", tr.data(), train.n(),
          te.data(), test.n(), tr.size() / train.n(), train.labels(), test.labels(),
          train.classes());
    }
    lap(variant.id() + ": ridge decoders", td);
    int sample = Math.min(PATCH_SAMPLE, test.n());
    for (int l = 0; l < layers; l++) {
      int[] fs = net.filterShape(l);
      filters.add(new Filters(variant, l + 1, Tensor.of(net.weights(l).clone(),
          net.outputShape(l)[0], fs[0], fs[1], fs[2]),
          l == 0 ? null : net.winningPatches(l, test.x(), 0, sample), l == 0 ? 0 : sample));
    }
  }

  /** The features of a data set, in chunks of 20 batches (for the progress line). */
  private HebbCnn.Features collect(HebbCnn net, Dataset data, String what) {
    int n = data.n(), d = data.features(), chunk = 20 * net.config().batch();
    if (progress == null || n <= chunk) {
      return net.features(data.x(), 0, n);
    }
    HebbCnn.Features all = null;
    for (int s0 = 0; s0 < n; s0 += chunk) {
      int m = Math.min(chunk, n - s0);
      HebbCnn.Features f = net.features(data.x(), s0 * d, m);
      if (all == null) {
        List<Tensor> q = new ArrayList<>();
        for (Tensor t : f.quadrants()) {
          q.add(Tensor.zeros(withN(t.shape(), n)));
        }
        all = new HebbCnn.Features(q, Tensor.zeros(withN(f.last().shape(), n)));
      }
      for (int l = 0; l <= f.quadrants().size(); l++) {
        Tensor src = l < f.quadrants().size() ? f.quadrants().get(l) : f.last();
        Tensor dst = l < f.quadrants().size() ? all.quadrants().get(l) : all.last();
        System.arraycopy(src.data(), 0, dst.data(), s0 * (src.size() / m), src.size());
      }
      progress.printf(Locale.ROOT, "\r%s features: %d/%d images   ", what, s0 + m, n);
      progress.flush();
    }
    progress.println();
    return all;
  }

  private static int[] withN(int[] shape, int n) {
    int[] s = shape.clone();
    s[0] = n;
    return s;
  }

  private void decode(String model, String layer, float[] xTr, int nTr, float[] xTe, int nTe,
      int dim, int[] yTr, int[] yTe, int classes) {
    float[] oneHot = Ridge.oneHot(yTr, nTr, classes);
    Ridge r = Ridge.fitInPlace(k, workers, xTr, nTr, dim, oneHot, classes, st.alpha());
    double accTr = Ridge.accuracy(r.scoresCentered(xTr, nTr), yTr, nTr, classes);
    double accTe = Ridge.accuracy(r.scores(xTe, nTe), yTe, nTe, classes);
    rows.add(new Row(model, layer, dim, accTr, accTe));
    say(String.format(Locale.ROOT, "decoded %-18s layer %-5s %6d features: train %.4f, test %.4f",
        model, layer, dim, accTr, accTe));
  }

  private void lap(String what, long t0) {
    timing.add(new Timing(what, (System.nanoTime() - t0) / 1e9));
  }

  private void say(String s) {
    if (progress != null) {
      progress.println(s);
    }
  }
}
