package org.hebb4j.experiment.emergence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hebb4j.data.Dataset;
import org.hebb4j.emergence.Data;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Rule;
import org.hebb4j.emergence.Teacher;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.experiment.Problem;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.nn.Conventions;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * The standard classification experiment (spec/emergence.md#sce): a 2-layer MLP (features ->
 * hidden -> classes) with softmax cross-entropy on an image data set, under each (rule, gamma),
 * reporting test accuracy and per-layer alignment. Runs are split over the workers by run; each
 * (seed, rule, gamma) is one cell of a sweep (spec/emergence.md#cell-order), run by
 * {@link #runCells} and summarised by {@link #assemble}.
 */
public final class Classify {

  private Classify() {}

  /**
   * Settings of the whole experiment.
   *
   * @param act the hidden activation
   * @param rules the learning rules
   * @param gammas the weight decays
   * @param seeds seeds per (rule, gamma)
   * @param seed the base seed; seed index s uses seed + s
   * @param lr the learning rate of sgd, dfa and randomnn
   * @param adamLr the learning rate of adam and adamw
   * @param batch the batch size
   * @param epochs training epochs
   * @param hidden the hidden width
   * @param window the measurement window, a fraction of the steps
   * @param every a time-series point every this many steps (0: none)
   * @param save the folder where every trained network is written as
   *     {@code RULE-gammaG-seedS.safetensors} (spec/io.md#models), or null
   * @param conventions initialisation and decay (spec/emergence.md#conventions)
   */
  public record Options(Activation act, List<Rule> rules, double[] gammas, int seeds, long seed,
      double lr, double adamLr, int batch, int epochs, int hidden, double window, int every,
      Path save, Conventions conventions) {

    /**
     * A builder holding the defaults of spec/emergence.md#sce: tanh, sgd, gammas 0, 5e-5, 5e-4,
     * 5e-3, one seed from 1, lr 0.01 (adam, adamw: 1e-3), batch 256, 10 epochs, width 128,
     * window 0.2, no time series.
     *
     * @return a new builder
     */
    public static Builder builder() {
      return new Builder();
    }

    /**
     * Steps per epoch: the full batches of a training set (the last partial batch is dropped).
     *
     * @param n the training set's rows
     * @return n / batch
     */
    public int stepsPerEpoch(int n) {
      return n / batch;
    }

    /**
     * The network features -&gt; hidden -&gt; classes with this activation.
     * See spec/emergence.md#sce.
     *
     * @param features the input width
     * @param classes the output width
     * @return the architecture
     */
    public MlpConfig network(int features, int classes) {
      return MlpConfig.builder().input(features).hidden(hidden).output(classes).activation(act)
          .build();
    }

    /**
     * The number of runs.
     *
     * @return rules x gammas x seeds
     */
    public int runs() {
      return rules.size() * gammas.length * seeds;
    }

    /**
     * What is wrong with these settings for a training set of {@code nTrain} and a test set of
     * {@code nTest} rows of {@code d} features and {@code classes} classes, found before any
     * work ({@link Problem}): a batch larger than the training set or more memory than the JVM
     * may use (errors), a measurement window of too few steps (a warning).
     *
     * @param nTrain training rows
     * @param nTest test rows
     * @param d features per row
     * @param classes classes
     * @param threads the worker threads (runs trained at once)
     * @return the problems, errors first; empty when none
     * @throws IllegalArgumentException if the window is out of range
     */
    public List<Problem> problems(int nTrain, int nTest, int d, int classes, int threads) {
      List<Problem> all = new ArrayList<>();
      if (batch > nTrain) {
        all.add(Problem.error("batch " + batch + " is larger than the training set (" + nTrain
            + " rows)"));
        return all;
      }
      TrainingRun.Schedule s = new TrainingRun.Schedule((int) Math.min(Integer.MAX_VALUE,
          (long) stepsPerEpoch(nTrain) * epochs), window, every, false);
      all.addAll(s.problems(batch, nTrain));
      int[] widths = {d, hidden, classes};
      double bytes = 4.0 * ((double) nTrain + nTest) * d * 2
          + Math.min(threads, runs()) * s.runBytes(widths, batch, Math.min(nTest,
              org.hebb4j.emergence.Evaluation.CHUNK));
      all.addAll(Problem.memory(bytes, String.format(java.util.Locale.ROOT,
          "%d runs of a %d-%d-%d network, batch %d, %d + %d rows", runs(), d, hidden, classes,
          batch, nTrain, nTest)));
      return TrainingRun.errorsFirst(all);
    }
  }

  /** Builds {@link Options} by named fields from the defaults of spec/emergence.md#sce. */
  public static final class Builder {
    private Activation act = Activation.TANH;
    private List<Rule> rules = List.of(Rule.SGD);
    private double[] gammas = {0, 5e-5, 5e-4, 5e-3};
    private int seeds = 1;
    private long seed = 1;
    private double lr = 0.01;
    private double adamLr = 1e-3;
    private int batch = 256;
    private int epochs = 10;
    private int hidden = 128;
    private double window = 0.2;
    private int every;
    private Path save;
    private Conventions conventions = Conventions.HEBB4J;

    private Builder() {}

    /**
     * Sets the hidden activation.
     *
     * @param v the activation
     * @return this builder
     */
    public Builder act(Activation v) {
      act = v;
      return this;
    }

    /**
     * Sets the learning rules.
     *
     * @param v the rules, in report order
     * @return this builder
     */
    public Builder rules(List<Rule> v) {
      rules = List.copyOf(v);
      return this;
    }

    /**
     * Sets the conventions (default HEBB4J). See spec/emergence.md#conventions.
     *
     * @param v HEBB4J or TORCH
     * @return this builder
     */
    public Builder conventions(Conventions v) {
      conventions = v;
      return this;
    }

    /**
     * Sets the weight decays.
     *
     * @param v the decays, in report order
     * @return this builder
     */
    public Builder gammas(double... v) {
      gammas = v.clone();
      return this;
    }

    /**
     * Sets the seeds per (rule, gamma).
     *
     * @param v the count
     * @return this builder
     */
    public Builder seeds(int v) {
      seeds = v;
      return this;
    }

    /**
     * Sets the base seed.
     *
     * @param v the seed
     * @return this builder
     */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /**
     * Sets the learning rates.
     *
     * @param plain the rate of sgd, dfa and randomnn
     * @param adam the rate of adam and adamw
     * @return this builder
     */
    public Builder lr(double plain, double adam) {
      lr = plain;
      adamLr = adam;
      return this;
    }

    /**
     * Sets the batch size.
     *
     * @param v the rows per step
     * @return this builder
     */
    public Builder batch(int v) {
      batch = v;
      return this;
    }

    /**
     * Sets the training epochs.
     *
     * @param v the count
     * @return this builder
     */
    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    /**
     * Sets the hidden width.
     *
     * @param v the width
     * @return this builder
     */
    public Builder hidden(int v) {
      hidden = v;
      return this;
    }

    /**
     * Sets the measurement window.
     *
     * @param v the last fraction of the steps
     * @return this builder
     */
    public Builder window(double v) {
      window = v;
      return this;
    }

    /**
     * Sets the time-series interval.
     *
     * @param v a point every v steps, 0 for none
     * @return this builder
     */
    public Builder every(int v) {
      every = v;
      return this;
    }

    /**
     * Sets the folder where every trained network is saved (default null: none).
     *
     * @param dir the folder (created when the run starts), or null
     * @return this builder
     */
    public Builder save(Path dir) {
      save = dir;
      return this;
    }

    /**
     * The options.
     *
     * @return the options
     */
    public Options build() {
      return new Options(act, rules, gammas.clone(), seeds, seed, lr, adamLr, batch, epochs,
          hidden, window, every, save, conventions);
    }
  }

  /**
   * Train and test sets as {@link Data}: pixels standardised by the training set's (E25).
   *
   * @param train the standardised training set
   * @param test the standardised test set
   * @param mean the training set's mean mu
   * @param std the training set's standard deviation s (1 for a constant set)
   */
  public record Sets(Data train, Data test, float mean, float std) {}

  /**
   * (E25) x' = (x - mu) / s with mu, s the mean and standard deviation of every training value.
   *
   * @param split the raw train and test images
   * @return the standardised sets
   */
  public static Sets standardise(Dataset.Split split) {
    Dataset tr = split.train(), te = split.test();
    double sum = 0;
    for (float v : tr.x()) {
      sum += v;
    }
    double mu = sum / tr.x().length, ss = 0;
    for (float v : tr.x()) {
      ss += (v - mu) * (v - mu);
    }
    double sd = Math.sqrt(ss / tr.x().length);
    float m = (float) mu, s = sd > 0 ? (float) sd : 1f;
    return new Sets(convert(tr, m, s), convert(te, m, s), m, s);
  }

  static Data convert(Dataset d, float mean, float std) {
    float[] x = new float[d.x().length];
    float inv = 1f / std;
    for (int i = 0; i < x.length; i++) {
      x[i] = (d.x()[i] - mean) * inv;
    }
    return Data.classification(x, d.features(), d.labels().clone(), d.classes());
  }

  /**
   * Runs every (rule, gamma, seed) on the standardised sets; seed s uses {@code Rng(seed + s)}.
   * With {@code o.save()} set, each trained network is written there as it finishes, its
   * metadata extended by {@code input_mean} and {@code input_std}, the (E25) standardisation its
   * inputs need.
   *
   * @param k the kernels
   * @param sets the standardised train and test sets
   * @param o the settings
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @return the runs and their statistics (validation = the test set)
   * @throws IllegalArgumentException if the training set is smaller than one batch
   * @throws java.io.UncheckedIOException if the save folder or a model file cannot be written
   */
  public static Summary run(Kernels k, Sets sets, Options o, Workers workers,
      AtomicLong progress) {
    Cell[] cells = new Cell[o.runs()];
    runCells(k, sets, o, Sre.allCells(cells.length), workers, progress,
        (c, cell) -> cells[c] = cell);
    return assemble(o, List.of(cells));
  }

  /**
   * The key of cell {@code c} in the canonical order (spec/emergence.md#cell-order): seed, then
   * rule, then gamma, the last varying fastest; the setting is always 0.
   *
   * @param o the settings
   * @param c the cell index, 0 &lt;= c &lt; {@link Options#runs}
   * @return its key
   */
  public static Sre.CellKey key(Options o, int c) {
    int perSeed = o.rules().size() * o.gammas().length, rest = c % perSeed;
    return new Sre.CellKey(0, c / perSeed, o.rules().get(rest / o.gammas().length),
        o.gammas()[rest % o.gammas().length]);
  }

  /**
   * The summary of every cell of the sweep in the canonical order
   * (spec/emergence.md#cell-order): the one formatting input of the command.
   *
   * @param o the settings
   * @param cells every cell, in order
   * @return the runs and their statistics
   * @throws IllegalArgumentException if the cells do not number {@link Options#runs}
   */
  public static Summary assemble(Options o, List<Cell> cells) {
    if (cells.size() != o.runs()) {
      throw new IllegalArgumentException(cells.size() + " cells for a sweep of " + o.runs());
    }
    return Summary.of(o.rules(), o.gammas(), List.copyOf(cells));
  }

  /**
   * Runs the cells {@code cells} (spec/emergence.md#cell-order), each independent of the others,
   * handing each to {@code sink} as it finishes; a cell's bits do not depend on which other
   * cells run. Seed s uses the root stream {@code Rng(seed + s)}; the Random NN targets of a
   * seed are drawn when one of its cells needs them. With {@code o.save()} set, each trained
   * network is written there (as {@link #run} does) before it goes to the sink.
   *
   * @param k the kernels
   * @param sets the standardised train and test sets
   * @param o the settings
   * @param cells the cell indices to run
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @param sink receives every finished cell
   * @throws IllegalArgumentException if the training set is smaller than one batch
   * @throws java.io.UncheckedIOException if the save folder or a model file cannot be written
   */
  public static void runCells(Kernels k, Sets sets, Options o, int[] cells, Workers workers,
      AtomicLong progress, Sre.CellSink sink) {
    int steps = o.stepsPerEpoch(sets.train().n()) * o.epochs();
    if (steps < 1) {
      throw new IllegalArgumentException("the training set has fewer rows than one batch");
    }
    int d = sets.train().d(), c = sets.train().o();
    ModelFiles.prepare(o.save());
    // in this order: Map.of iterates in an order that changes from JVM to JVM, and the model
    // file's metadata follows the map's order (the same bits in every process: a resumed or
    // sharded sweep's models/ equal the unsharded run's)
    Map<String, String> standardisation = new java.util.LinkedHashMap<>();
    standardisation.put("input_mean", Float.toString(sets.mean()));
    standardisation.put("input_std", Float.toString(sets.std()));
    Data[] random = new Data[o.seeds()];
    java.util.TreeSet<Integer> needed = new java.util.TreeSet<>();
    for (int cell : cells) {
      Sre.CellKey key = key(o, cell);
      if (key.rule() == Rule.RANDOMNN) {
        needed.add(key.seedIndex());
      }
    }
    Integer[] need = needed.toArray(new Integer[0]);
    workers.run(need.length, j -> random[need[j]] = Teacher.argmaxLabels(k, Teacher.network(
        o.network(d, c), new Rng(o.seed() + need[j]).derive("randomnn"), o.conventions()),
        sets.train()));
    // a single run gets the workers for its GEMMs instead (shape-determined blocks, same bits)
    Kernels kr = cells.length == 1 ? ThreadedKernels.of(k, workers) : k;
    TrainingRun.runAll(workers, cells.length, j -> {
      Sre.CellKey key = key(o, cells[j]);
      int s = key.seedIndex();
      Rule r = key.rule();
      double gamma = key.gamma();
      Rng root = new Rng(o.seed() + s);
      Mlp net = Teacher.network(o.network(d, c), root.derive("student"), o.conventions());
      boolean adam = r.optimizer != Rule.Optimizer.PLAIN;
      TrainConfig cfg = TrainConfig.of(r, adam ? o.adamLr() : o.lr(), gamma, Noise.NONE, 0,
          o.batch()).withConventions(o.conventions());
      TrainingRun.Result res = TrainingRun.run(kr, net, Loss.SOFTMAX_CE,
          cfg.randomTargets() ? random[s] : sets.train(), sets.test(), cfg,
          new TrainingRun.Schedule(steps, o.window(), o.every(), false), root, progress);
      ModelFiles.save(o.save(), Sre.name(r, gamma, o.seed() + s), net, standardisation);
      sink.accept(cells[j], new Cell(r, gamma, s, o.seed() + s, res));
    });
  }

  /**
   * The SHA-256 (hex) of a data set's contents: name, shapes, every pixel's bits and every
   * label of the training then the test set; part of a classify sweep's options digest
   * (spec/emergence.md#sce), so that a resume or merge over other data is refused.
   *
   * @param split the raw train and test images
   * @return 64 hex digits
   */
  public static String fingerprint(Dataset.Split split) {
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 16);
    for (Dataset ds : new Dataset[] {split.train(), split.test()}) {
      md.update(ds.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      b.clear();
      b.putInt(ds.n()).putInt(ds.features()).putInt(ds.classes()).putInt(ds.x().length)
          .putInt(ds.labels().length);
      for (float v : ds.x()) {
        if (b.remaining() < 4) {
          md.update(b.array(), 0, b.position());
          b.clear();
        }
        b.putInt(Float.floatToRawIntBits(v));
      }
      for (int v : ds.labels()) {
        if (b.remaining() < 4) {
          md.update(b.array(), 0, b.position());
          b.clear();
        }
        b.putInt(v);
      }
      md.update(b.array(), 0, b.position());
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }
}
