package org.hebb4j.experiment.softhebb;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.Problem;
import org.hebb4j.experiment.softhebb.LearnerSummary.Filters;
import org.hebb4j.experiment.softhebb.LearnerSummary.LogRow;
import org.hebb4j.hebbian.KrotovConfig;
import org.hebb4j.hebbian.KrotovLayer;
import org.hebb4j.hebbian.SoftHebbRules;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * The Krotov-Hopfield experiment (spec/krotov.md): a dense layer of competing units learns
 * without labels from the training images (pixels in [0, 1], shuffled every epoch, eps decaying
 * linearly over the epochs), is frozen, and {@code relu(I)^n} of its currents (KH1) is decoded
 * with ridge and/or the linear readout ({@link Decoders}) beside the standardised-pixel
 * baseline (spec/krotov.md#classifier). {@link #run}
 * computes once; {@link LearnerReport} writes the result.
 */
public final class KrotovExperiment {

  /**
   * Everything the experiment needs.
   *
   * @param epochs epochs of training and of the eps schedule (KH4), at least 1
   * @param trainLimit training images used (the first ones)
   * @param testLimit test images used
   * @param seed seed of {@code Rng(seed).derive("krotov")} (weights, shuffles)
   * @param threads worker threads (results do not depend on them)
   * @param units hidden units O (the paper: 2000)
   * @param power exponent n of the readout's {@code relu(I)^n} (the paper: 4.5)
   * @param eps0 initial step size (KH4) (the notebook: 0.02)
   * @param unitInputs whether the readouts see {@code relu(I)^n} of the inputs scaled to unit
   *     length (KH5), the author's advice, rather than of the raw pixels
   * @param decoders the readouts of {@code relu(I)^n}
   */
  public record Settings(int epochs, int trainLimit, int testLimit, long seed, int threads,
      int units, double power, double eps0, boolean unitInputs, Decoders decoders) {

    /**
     * The layer for {@code inputs} pixels: the paper's settings with {@code units} units and
     * {@code eps0}.
     *
     * @param inputs pixels per image
     * @return the validated configuration
     * @throws IllegalArgumentException naming the impossible setting
     */
    public KrotovConfig config(int inputs) {
      KrotovConfig c = KrotovConfig.paper(inputs, epochs).withUnits(units);
      return new KrotovConfig(c.inputs(), c.units(), c.p(), c.k(), c.delta(), eps0, c.epochs(),
          c.batch());
    }

    /**
     * Errors found before any work: not enough memory for the ridge decoder on the units.
     *
     * @param train training set
     * @param test test set
     * @return the problems
     */
    public List<Problem> problems(Dataset train, Dataset test) {
      return Problem.memory(decoders.bytes(train, test, units) + 12.0 * units
          * train.features(), "a layer of " + units + " units and its " + decoders.describe()
          + " on " + (train.n() + test.n()) + " images");
    }

    /**
     * The settings as lines for run.txt.
     *
     * @param c the layer's configuration
     * @return the lines
     */
    public List<String> describe(KrotovConfig c) {
      return List.of(String.format(Locale.ROOT, "epochs: %d, seed: %d, threads: %d, features:"
          + " relu(I)^%s of %s", epochs, seed, threads, power, unitInputs
          ? "unit-length inputs (KH5)" : "the raw pixels"), decoders.describe(),
          String.format(Locale.ROOT, "units: %d, p: %s, k: %d, Delta: %s, eps0: %s, batch: %d",
          c.units(), c.p(), c.k(), c.delta(), c.eps0(), c.batch()));
    }
  }

  private final Settings st;
  private final Kernels k;
  private final Workers workers;
  private final PrintStream progress;
  private final Checkpoints checkpoints;

  /**
   * An experiment ready to run.
   *
   * @param st the settings
   * @param k kernels
   * @param workers threads (results do not depend on their number)
   * @param progress where progress lines go, or null for none
   */
  public KrotovExperiment(Settings st, Kernels k, Workers workers, PrintStream progress) {
    this(st, k, workers, progress, Checkpoints.none());
  }

  /**
   * An experiment whose training writes checkpoints and resumes from one (spec/io.md#checkpoints):
   * the layer is one unit, named {@code krotov}.
   *
   * @param st the settings
   * @param k kernels
   * @param workers threads (results do not depend on their number)
   * @param progress where progress lines go, or null for none
   * @param checkpoints when to write checkpoints, and what to resume from
   */
  public KrotovExperiment(Settings st, Kernels k, Workers workers, PrintStream progress,
      Checkpoints checkpoints) {
    this.st = st;
    this.k = k;
    this.workers = workers;
    this.progress = progress;
    this.checkpoints = checkpoints;
  }

  /**
   * Trains, freezes and decodes.
   *
   * @param train training images (labels used only by the decoder)
   * @param test test images
   * @return the summary
   * @throws IllegalArgumentException when the settings do not fit the data or the memory
   * @throws org.hebb4j.nn.DivergedException naming the step of a diverging run
   */
  public LearnerSummary run(Dataset train, Dataset test) {
    List<Problem> problems = st.problems(train, test);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0).message());
    }
    Decoders.Run run = new Decoders.Run(k, workers, train, test, progress);

    int d = train.features();
    KrotovConfig cfg = st.config(d);
    Rng rng = new Rng(st.seed()).derive("krotov");
    KrotovLayer layer = new KrotovLayer(cfg, ThreadedKernels.of(k, workers), rng);
    int n = train.n(), b = cfg.batch(), batches = (n + b - 1) / b;
    float[] buf = new float[b * d];
    List<LogRow> log = new ArrayList<>();
    long tt = System.nanoTime();
    Consumer<Checkpoint.State> save = s -> {
      layer.saveState(s);
      s.putRecords("log", LogRow.class, log);
    };
    Decoding.Start at = Decoding.begin(checkpoints, "krotov", st.epochs(), s -> {
      layer.loadState(s);
      log.addAll(s.records("log", LogRow.class));
    });
    for (int epoch = at.epoch(); epoch <= st.epochs(); epoch++) {
      int[] perm = Decoding.shuffle(rng, n, epoch);
      double eps = cfg.epsilon(epoch - 1);
      int first = at.first(epoch);
      if (first == 0) {
        layer.resetStats();
      }
      for (int bi = first; bi < batches; bi++) {
        int m = Math.min(b, n - bi * b);
        Decoding.gather(train.x(), d, perm, bi * b, m, buf);
        layer.train(buf, 0, m, eps);
        checkpoints.boundary("krotov", epoch, bi + 1, save);
        Decoding.progress(progress, "krotov", epoch, st.epochs(), bi, batches, tt);
      }
      log.add(logRow(epoch, layer, eps));
    }
    checkpoints.finish("krotov", save);
    run.timed("unsupervised training, " + st.epochs() + " epoch(s) of " + batches + " batches",
        tt);

    long tf = System.nanoTime();
    float[] fTr = features(layer, train), fTe = features(layer, test);
    run.decode(st.decoders(), "krotov", fTr, fTe, cfg.units(), rng, layer.step(),
        "Krotov layer readout features relu(I)^n", "weights too large for relu(I)^" + st.power()
        + " (eps " + st.eps0() + ")", tf);
    Filters filters = train.h() == train.w()
        ? new Filters(layer.weights(), cfg.units(), train.c(), train.h()) : null;
    return run.summary("krotov", st.describe(cfg), log, filters, List.of());
  }

  /**
   * {@code relu(I)^n} of every image, [n, O]: of the images scaled to unit length (KH5) when
   * {@code unitInputs}, else of the raw pixels.
   */
  private float[] features(KrotovLayer layer, Dataset data) {
    int o = layer.config().units(), d = data.features(), chunk = 1000;
    float[] out = new float[Math.multiplyExact(data.n(), o)], cur = new float[chunk * o];
    float[] v = new float[chunk * d];
    for (int s0 = 0; s0 < data.n(); s0 += chunk) {
      int m = Math.min(chunk, data.n() - s0);
      System.arraycopy(data.x(), s0 * d, v, 0, m * d);
      if (st.unitInputs()) {
        unitLength(v, m, d);
      }
      layer.currents(v, 0, m, cur);
      for (int i = 0; i < m * o; i++) {
        float x = cur[i];
        out[s0 * o + i] = x <= 0f ? 0f : (float) SoftHebbRules.pow(x, st.power());
      }
    }
    return out;
  }

  /**
   * (KH5) each row of {@code v [m, d]} divided by its Euclidean length (computed in double; a
   * row of zeros stays zero).
   */
  static void unitLength(float[] v, int m, int d) {
    for (int i = 0; i < m; i++) {
      double ss = 0;
      for (int j = i * d; j < (i + 1) * d; j++) {
        ss += (double) v[j] * v[j];
      }
      if (ss > 0) {
        double inv = 1 / Math.sqrt(ss);
        for (int j = i * d; j < (i + 1) * d; j++) {
          v[j] = (float) (v[j] * inv);
        }
      }
    }
  }

  /** The epoch's row: Lebesgue p-norms of the units (KH1), eps, max|ds|, winner entropy. */
  private static LogRow logRow(int epoch, KrotovLayer layer, double eps) {
    KrotovConfig c = layer.config();
    float[] w = layer.weights();
    int o = c.units(), in = c.inputs();
    double sum = 0, min = Double.POSITIVE_INFINITY, max = 0;
    for (int u = 0; u < o; u++) {
      double s = 0;
      for (int i = u * in; i < (u + 1) * in; i++) {
        s += SoftHebbRules.pow(Math.abs(w[i]), c.p());
      }
      double norm = SoftHebbRules.pow(s, 1 / c.p());
      sum += norm;
      min = Math.min(min, norm);
      max = Math.max(max, norm);
    }
    return new LogRow(epoch, 1, sum / o, min, max, eps, layer.lastMaxDs(),
        layer.winnerEntropy());
  }
}
