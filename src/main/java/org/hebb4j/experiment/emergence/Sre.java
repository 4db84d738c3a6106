package org.hebb4j.experiment.emergence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hebb4j.emergence.Data;
import org.hebb4j.emergence.DfaVariant;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.RandomNnVariant;
import org.hebb4j.emergence.Rule;
import org.hebb4j.emergence.Teacher;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.emergence.TransformerProbe;
import org.hebb4j.experiment.Problem;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.nn.Conventions;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.util.Named;

/**
 * The standard regression experiment (spec/emergence.md#sre): a student MLP d -> h -> o, or the
 * transformer of spec/transformer.md (spec/transformer.md#sre), learns a fixed random tanh
 * teacher MLP d -> h -> o under every (rule, gamma) pair, for several seeds.
 * Runs are independent and split over the workers by run, so results do not depend on the thread
 * count.
 */
public final class Sre {

  private Sre() {}

  /** The deepest MLP student of {@code --depth} (spec/emergence.md#depth). */
  public static final int MAX_DEPTH = 6;

  /**
   * Settings of the whole experiment; {@link #builder()} starts from the defaults of
   * spec/emergence.md#sre.
   *
   * @param act the student's hidden activation
   * @param rules the learning rules
   * @param gammas the weight decays
   * @param seeds seeds per (rule, gamma)
   * @param seed the base seed; seed index s uses seed + s
   * @param noise the noise kind
   * @param sigma the noise standard deviation
   * @param lr the learning rate of sgd, dfa and randomnn
   * @param adamLr the learning rate of adam and adamw
   * @param batch the batch size
   * @param steps training steps per run
   * @param window the measurement window, a fraction of the steps
   * @param every a time-series point every this many steps (0: none)
   * @param neurons whether the time series keeps every row-wise cosine
   * @param d the input width
   * @param hidden the hidden width
   * @param o the output width
   * @param nTrain training set size
   * @param nVal validation set size
   * @param save the folder where every trained student is written as
   *     {@code RULE-gammaG-seedS.safetensors} ({@link Mlp#save}, spec/io.md#models), or null
   * @param model the student: the MLP d -> hidden -> o or the transformer
   * @param transformer the transformer's architecture (its act is {@code act}); used when
   *     {@code model} is {@link Model#TRANSFORMER}
   * @param loss the data loss, MSE or MSE_MEAN (spec/emergence.md#loss)
   * @param conventions initialisation of every network and which parameters the decay reaches
   *     (spec/emergence.md#conventions)
   * @param depth the MLP student's dense layers, 2 to {@value Sre#MAX_DEPTH} (depth - 1 hidden
   *     layers of width {@code hidden}; spec/emergence.md#depth)
   * @param dfaVariant the reading of the DFA rule (spec/emergence.md#variants)
   * @param randomNnVariant the reading of the Random NN rule (spec/emergence.md#variants)
   * @param teacherInit how the teacher is drawn: HEBB4J (E10), the SRE's task, by default under
   *     both conventions; TORCH (E27) (spec/emergence.md#conventions)
   */
  public record Options(Activation act, List<Rule> rules, double[] gammas, int seeds, long seed,
      Noise noise, double sigma, double lr, double adamLr, int batch, int steps, double window,
      int every, boolean neurons, int d, int hidden, int o, int nTrain, int nVal, Path save,
      Model model, TransformerConfig transformer, Loss loss, Conventions conventions,
      int depth, DfaVariant dfaVariant, RandomNnVariant randomNnVariant,
      Conventions teacherInit) {

    /**
     * Checks the depth and that no field is null. See spec/emergence.md#depth.
     *
     * @throws IllegalArgumentException if depth is outside [2, MAX_DEPTH] or loss, model or
     *     conventions is null
     */
    public Options {
      if (depth < 2 || depth > MAX_DEPTH) {
        throw new IllegalArgumentException("depth must be in 2.." + MAX_DEPTH + ", got "
            + depth);
      }
      if (loss == null || model == null || conventions == null || dfaVariant == null
          || randomNnVariant == null || teacherInit == null) {
        throw new IllegalArgumentException("Sre.Options loss, model, conventions and variants"
            + " must not be null");
      }
    }

    /**
     * These settings under other conventions and loss; the save folder, if any, gets the
     * subfolder {@code CONVENTIONS-LOSS}. See spec/emergence.md#table1.
     *
     * @param c the conventions
     * @param l the loss
     * @return the new settings
     */
    public Options with(Conventions c, Loss l) {
      return new Options(act, rules, gammas, seeds, seed, noise, sigma, lr, adamLr, batch, steps,
          window, every, neurons, d, hidden, o, nTrain, nVal,
          save == null ? null : save.resolve(c.id() + "-" + l.id()), model, transformer, l, c,
          depth, dfaVariant, randomNnVariant, teacherInit);
    }

    /**
     * The MLP student's architecture: d, then depth - 1 hidden layers of width hidden with
     * act, then o (linear). See spec/emergence.md#depth.
     *
     * @return the config
     */
    public MlpConfig student() {
      int[] widths = new int[depth - 1];
      java.util.Arrays.fill(widths, hidden);
      return MlpConfig.builder().input(d).hidden(widths).output(o).activation(act).build();
    }

    /**
     * The names of the measured linear maps, in report order: "1", ..., "depth" (the MLP's
     * layers) or
     * the transformer's maps "E", "b1.Wq", ..., "b2.W2", "R" ({@link TransformerProbe#names()},
     * spec/transformer.md#probe).
     *
     * @return an unmodifiable list
     */
    public List<String> layerNames() {
      if (model == Model.MLP) {
        List<String> out = new ArrayList<>();
        for (int l = 1; l <= depth; l++) {
          out.add(Integer.toString(l));
        }
        return List.copyOf(out);
      }
      List<String> out = new ArrayList<>();
      out.add("E");
      for (int l = 1; l <= transformer.blocks(); l++) {
        for (String w : new String[] {"Wq", "Wk", "Wv", "Wo", "W1", "W2"}) {
          out.add("b" + l + "." + w);
        }
      }
      out.add("R");
      return List.copyOf(out);
    }

    /**
     * A builder holding the defaults: tanh, every rule, gammas 0, 5e-5, 5e-4, 5e-3, 3 seeds from
     * 1, no noise, lr 0.1 (adam, adamw: 1e-3), batch 256, 3000 steps, window 0.2, a time-series
     * point every steps/100 steps, 32 -> 128 -> 32, 20000 train and 2000 validation rows, the
     * MLP student (the transformer's defaults of {@link TransformerConfig#builder()} once
     * {@link Builder#transformer} is called), loss MSE.
     *
     * @return a new builder
     */
    public static Builder builder() {
      return new Builder();
    }

    /**
     * Total training steps over all runs (for progress).
     *
     * @return runs() x steps
     */
    public long totalSteps() {
      return (long) rules.size() * gammas.length * seeds * steps;
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
     * The hyperparameters of one run: adamLr for adam and adamw, lr otherwise.
     *
     * @param r the rule
     * @param gamma the weight decay
     * @return the config
     */
    public TrainConfig config(Rule r, double gamma) {
      boolean adam = r.optimizer != Rule.Optimizer.PLAIN;
      return TrainConfig.of(r, adam ? adamLr : lr, gamma, noise, sigma, batch)
          .withConventions(conventions).withVariants(dfaVariant, randomNnVariant);
    }

    /**
     * What is wrong with these settings, found before any work ({@link Problem}): a batch
     * larger than the training set, more memory than the JVM may use, or for the transformer a
     * rule other than sgd, adam, adamw or any noise (errors), a measurement window of too few
     * steps (a warning). See {@link TrainingRun.Schedule#problems}.
     *
     * @param threads the worker threads (runs trained at once)
     * @return the problems, errors first; empty when none
     * @throws IllegalArgumentException if steps or window are out of range
     */
    public List<Problem> problems(int threads) {
      TrainingRun.Schedule s = new TrainingRun.Schedule(steps, window, every, neurons);
      List<Problem> all = new ArrayList<>(s.problems(batch, nTrain));
      if (model == Model.TRANSFORMER) {
        for (Rule r : rules) {
          if (r.dfa || r.randomTargets) {
            all.add(Problem.error("the transformer trains with rule sgd, adam or adamw, not "
                + r.id()));
          }
        }
        if (noise != Noise.NONE) {
          all.add(Problem.error("the transformer trains without noise, got noise " + noise.id()));
        }
      }
      int[] widths = student().sizes();
      double rows = (double) nTrain + nVal + (rules.contains(Rule.RANDOMNN) ? nTrain : 0);
      double perRun = model == Model.MLP
          ? s.runBytes(widths, batch, Math.min(nVal, org.hebb4j.emergence.Evaluation.CHUNK))
          : TrainingRun.transformerRunBytes(transformer, batch);
      double bytes = 4.0 * seeds * rows * (d + o) + Math.min(threads, runs()) * perRun
          + (double) runs() * s.keptBytes(widths);
      String net = model == Model.MLP
          ? "a " + String.join("-", java.util.Arrays.stream(widths).mapToObj(Integer::toString)
              .toArray(String[]::new)) + " network"
          : String.format(java.util.Locale.ROOT, "a %d-block transformer", transformer.blocks());
      all.addAll(Problem.memory(bytes, String.format(java.util.Locale.ROOT,
          "%d runs of %s, batch %d, %d + %d rows per seed", runs(), net, batch, nTrain, nVal)));
      return TrainingRun.errorsFirst(all);
    }
  }

  /** The student network of the SRE (spec/emergence.md#sre, spec/transformer.md#sre). */
  public enum Model implements Named {
    /** The MLP d -> hidden -> o. */
    MLP,
    /** The transformer of spec/transformer.md (tokens, heads, blocks, norm, ffn). */
    TRANSFORMER;

    /**
     * The word used on the command line and in the CSV files. See spec/emergence.md#sre.
     *
     * @return "mlp" or "transformer"
     */
    @Override
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The constant named {@code s}. See spec/emergence.md#sre.
     *
     * @param s "mlp" or "transformer"
     * @return the constant
     * @throws IllegalArgumentException if no constant is named {@code s} (one line)
     */
    public static Model parse(String s) {
      return Named.parse(Model.class, "model", s);
    }
  }

  /** Builds {@link Options} by named fields from the defaults of spec/emergence.md#sre. */
  public static final class Builder {
    private Activation act = Activation.TANH;
    private List<Rule> rules = List.of(Rule.values());
    private double[] gammas = {0, 5e-5, 5e-4, 5e-3};
    private int seeds = 3;
    private long seed = 1;
    private Noise noise = Noise.NONE;
    private double sigma;
    private double lr = 0.1;
    private double adamLr = 1e-3;
    private int batch = 256;
    private int steps = 3000;
    private double window = 0.2;
    private int every = -1;
    private boolean neurons;
    private int d = 32;
    private int hidden = 128;
    private int o = 32;
    private int nTrain = 20000;
    private int nVal = 2000;
    private Path save;
    private Model model = Model.MLP;
    private TransformerConfig transformer = TransformerConfig.builder().build();
    private Loss loss = Loss.MSE;
    private Conventions conventions = Conventions.HEBB4J;
    private int depth = 2;
    private DfaVariant dfaVariant = DfaVariant.OUTPUT_GRADIENT;
    private RandomNnVariant randomNnVariant = RandomNnVariant.TARGETS;
    private Conventions teacherInit = Conventions.HEBB4J;

    private Builder() {}

    /**
     * Sets how the teacher is drawn (default HEBB4J, (E10), whatever the conventions).
     * See spec/emergence.md#conventions.
     *
     * @param v HEBB4J or TORCH
     * @return this builder
     */
    public Builder teacherInit(Conventions v) {
      teacherInit = v;
      return this;
    }

    /**
     * Sets the readings of DFA and Random NN (default OUTPUT_GRADIENT, TARGETS).
     * See spec/emergence.md#variants.
     *
     * @param dfa the DFA reading
     * @param randomNn the Random NN reading
     * @return this builder
     */
    public Builder variants(DfaVariant dfa, RandomNnVariant randomNn) {
      dfaVariant = dfa;
      randomNnVariant = randomNn;
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
     * Sets the MLP student's number of dense layers (default 2). See spec/emergence.md#depth.
     *
     * @param v 2 to {@value Sre#MAX_DEPTH}
     * @return this builder
     */
    public Builder depth(int v) {
      depth = v;
      return this;
    }

    /**
     * Sets the student to the transformer of {@code config} (its act is replaced by the
     * builder's act). See spec/transformer.md#sre.
     *
     * @param config the architecture
     * @return this builder
     */
    public Builder transformer(TransformerConfig config) {
      model = Model.TRANSFORMER;
      transformer = config;
      return this;
    }

    /**
     * Sets the data loss (default MSE).
     *
     * @param v MSE or MSE_MEAN
     * @return this builder
     */
    public Builder loss(Loss v) {
      loss = v;
      return this;
    }

    /**
     * Sets the student's hidden activation.
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
     * Sets the number of seeds per (rule, gamma).
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
     * Sets the noise injection.
     *
     * @param kind the kind
     * @param std its standard deviation sigma
     * @return this builder
     */
    public Builder noise(Noise kind, double std) {
      noise = kind;
      sigma = std;
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
     * Sets the training steps per run.
     *
     * @param v the count
     * @return this builder
     */
    public Builder steps(int v) {
      steps = v;
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
     * Sets the time-series interval (default steps/100, at least 1).
     *
     * @param v a point every v steps, 0 for none
     * @return this builder
     */
    public Builder every(int v) {
      every = v;
      return this;
    }

    /**
     * Sets whether the time series keeps every row-wise cosine.
     *
     * @param v true to keep them
     * @return this builder
     */
    public Builder neurons(boolean v) {
      neurons = v;
      return this;
    }

    /**
     * Sets the widths of teacher and student d -> hidden -> o.
     *
     * @param input d
     * @param width the hidden width
     * @param output o
     * @return this builder
     */
    public Builder widths(int input, int width, int output) {
      d = input;
      hidden = width;
      o = output;
      return this;
    }

    /**
     * Sets the data set sizes.
     *
     * @param train training rows
     * @param val validation rows
     * @return this builder
     */
    public Builder sizes(int train, int val) {
      nTrain = train;
      nVal = val;
      return this;
    }

    /**
     * Sets the folder where every trained student is saved (default null: none).
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
      return new Options(act, rules, gammas.clone(), seeds, seed, noise, sigma, lr, adamLr, batch,
          steps, window, every >= 0 ? every : Math.max(1, steps / 100), neurons, d, hidden, o,
          nTrain, nVal, save, model, new TransformerConfig(transformer.tokens(),
          transformer.heads(), transformer.blocks(), act, transformer.norm(), transformer.ffn()),
          loss, conventions, depth, dfaVariant, randomNnVariant, teacherInit);
    }
  }

  /**
   * One setting of the paper table ({@link #runSettings}): conventions and loss with the
   * summary of its runs. See spec/emergence.md#table1.
   *
   * @param conventions the conventions of every run
   * @param loss the data loss of every run
   * @param options the settings the runs used
   * @param summary the runs and their statistics
   */
  public record Setting(Conventions conventions, Loss loss, Options options, Summary summary) {}

  /**
   * Runs every (conventions, loss) pair, conventions-major, the other settings those of
   * {@code base} ({@link #settings}); with {@code base.save()} set, each pair saves into the
   * subfolder {@code CONVENTIONS-LOSS} (e.g. {@code torch-mse_mean}). Computed once; the command
   * only formats the result (spec/emergence.md#table1).
   *
   * @param k the kernels
   * @param base the settings other than conventions and loss
   * @param conventions the conventions, in report order
   * @param losses the losses, MSE or MSE_MEAN, in report order
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @return one setting per pair, in order
   * @throws org.hebb4j.nn.DivergedException if a run diverges
   */
  public static List<Setting> runSettings(Kernels k, Options base, List<Conventions> conventions,
      List<Loss> losses, Workers workers, AtomicLong progress) {
    List<Options> settings = settings(base, conventions, losses);
    Cell[] cells = new Cell[cellCount(settings)];
    runCells(k, settings, allCells(cells.length), workers, progress, (c, cell) -> cells[c] = cell);
    return assemble(settings, List.of(cells));
  }

  /**
   * The options of every (conventions, loss) pair of the paper table, conventions-major
   * ({@link Options#with}). See spec/emergence.md#table1.
   *
   * @param base the settings other than conventions and loss
   * @param conventions the conventions, in report order
   * @param losses the losses, in report order
   * @return one options per pair
   */
  public static List<Options> settings(Options base, List<Conventions> conventions,
      List<Loss> losses) {
    List<Options> out = new ArrayList<>();
    for (Conventions c : conventions) {
      for (Loss l : losses) {
        out.add(base.with(c, l));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The key of one cell of a sweep over settings (spec/emergence.md#cell-order).
   *
   * @param setting the setting's index in the list of settings
   * @param seedIndex the seed index s (0-based; the run's seed is seed + s)
   * @param rule the learning rule
   * @param gamma the weight decay
   */
  public record CellKey(int setting, int seedIndex, Rule rule, double gamma) {}

  /**
   * The number of cells of a sweep over {@code settings}: settings x seeds x rules x gammas.
   *
   * @param settings the settings (same rules, gammas and seeds)
   * @return the count
   * @throws IllegalArgumentException if it exceeds Integer.MAX_VALUE
   */
  public static int cellCount(List<Options> settings) {
    long n = (long) settings.size() * settings.get(0).runs();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many cells: " + n);
    }
    return (int) n;
  }

  /**
   * The key of cell {@code c} in the canonical order (spec/emergence.md#cell-order): setting
   * (conventions-major, then loss), then seed, then rule, then gamma, the last varying fastest.
   *
   * @param settings the settings
   * @param c the cell index, 0 &lt;= c &lt; {@link #cellCount}
   * @return its key
   */
  public static CellKey key(List<Options> settings, int c) {
    Options o = settings.get(0);
    int perSetting = o.runs(), perSeed = o.rules().size() * o.gammas().length;
    int w = c % perSetting, rest = w % perSeed;
    return new CellKey(c / perSetting, w / perSeed, o.rules().get(rest / o.gammas().length),
        o.gammas()[rest % o.gammas().length]);
  }

  /** Receives each finished cell, from the worker that ran it. */
  @FunctionalInterface
  public interface CellSink {
    /**
     * Takes a finished cell.
     *
     * @param c its index
     * @param cell its outcome
     */
    void accept(int c, Cell cell);
  }

  /**
   * 0, 1, ..., n - 1.
   *
   * @param n the count
   * @return the indices
   */
  public static int[] allCells(int n) {
    return TrainingRun.identity(n);
  }

  /**
   * Runs the cells {@code cells} of the sweep over {@code settings}
   * (spec/emergence.md#cell-order), each independent of the others, handing each to
   * {@code sink} as it finishes. Seed s uses the root stream {@code Rng(seed + s)}; the data of a
   * (setting, seed) is drawn once, when one of its cells is run. With a setting's
   * {@code save()} set, each trained student is written there before it goes to the sink.
   *
   * @param k the kernels
   * @param settings the settings
   * @param cells the cell indices to run
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @param sink receives every finished cell
   * @throws org.hebb4j.nn.DivergedException if a run diverges
   * @throws java.io.UncheckedIOException if the save folder or a model file cannot be written
   */
  public static void runCells(Kernels k, List<Options> settings, int[] cells, Workers workers,
      AtomicLong progress, CellSink sink) {
    int seeds = settings.get(0).seeds();
    for (Options o : settings) {
      ModelFiles.prepare(o.save());
    }
    SeedData[] data = new SeedData[settings.size() * seeds];
    java.util.TreeSet<Integer> needed = new java.util.TreeSet<>();
    for (int c : cells) {
      CellKey key = key(settings, c);
      needed.add(key.setting() * seeds + key.seedIndex());
    }
    Integer[] need = needed.toArray(new Integer[0]);
    workers.run(need.length, j -> {
      int d = need[j];
      Options o = settings.get(d / seeds);
      data[d] = seedData(k, o, new Rng(o.seed() + d % seeds));
    });
    // a single run gets the workers for its GEMMs instead (shape-determined blocks, same bits)
    Kernels kr = cells.length == 1 ? ThreadedKernels.of(k, workers) : k;
    TrainingRun.runAll(workers, cells.length, j -> {
      CellKey key = key(settings, cells[j]);
      Options o = settings.get(key.setting());
      sink.accept(cells[j], runOne(kr, o, data[key.setting() * seeds + key.seedIndex()],
          key.rule(), key.gamma(), key.seedIndex(), progress));
    });
  }

  /**
   * The settings with the summaries of their cells, from every cell of the sweep in the
   * canonical order (spec/emergence.md#cell-order): the one formatting input of the command.
   *
   * @param settings the settings
   * @param cells every cell, in order
   * @return one setting per options, in order
   * @throws IllegalArgumentException if the cells do not number {@link #cellCount}
   */
  public static List<Setting> assemble(List<Options> settings, List<Cell> cells) {
    int per = settings.get(0).runs();
    if (cells.size() != cellCount(settings)) {
      throw new IllegalArgumentException(cells.size() + " cells for a sweep of "
          + cellCount(settings));
    }
    List<Setting> out = new ArrayList<>();
    for (int s = 0; s < settings.size(); s++) {
      Options o = settings.get(s);
      out.add(new Setting(o.conventions(), o.loss(), o, Summary.of(o.rules(), o.gammas(),
          List.copyOf(cells.subList(s * per, (s + 1) * per)))));
    }
    return List.copyOf(out);
  }

  /** Data of one seed: the task, and the Random NN targets when that rule is used. */
  record SeedData(Teacher.Sets task, Data randomTrain) {}

  /**
   * Runs every (rule, gamma, seed); seed s (0-based) uses the root stream {@code Rng(seed + s)}.
   * With {@code o.save()} set, each trained student is written there as it finishes.
   *
   * @param k the kernels
   * @param o the settings
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @return the runs and their statistics
   * @throws org.hebb4j.nn.DivergedException if a run diverges
   * @throws java.io.UncheckedIOException if the save folder or a model file cannot be written
   */
  public static Summary run(Kernels k, Options o, Workers workers, AtomicLong progress) {
    Cell[] cells = new Cell[o.runs()];
    runCells(k, List.of(o), allCells(cells.length), workers, progress,
        (c, cell) -> cells[c] = cell);
    return Summary.of(o.rules(), o.gammas(), List.of(cells));
  }

  static SeedData seedData(Kernels k, Options o, Rng root) {
    Mlp teacher = Teacher.network(MlpConfig.builder().input(o.d()).hidden(o.hidden())
        .output(o.o()).activation(Activation.TANH).build(), root.derive("teacher"),
        o.teacherInit());
    Teacher.Sets sets = Teacher.sets(k, teacher, root.derive("data"), o.nTrain(), o.nVal());
    Data random = null;
    if (o.rules().contains(Rule.RANDOMNN) && o.randomNnVariant() == RandomNnVariant.TARGETS) {
      Mlp rnd = Teacher.network(o.student(), root.derive("randomnn"), o.conventions());
      random = Teacher.label(k, rnd, sets.train().x());
    }
    return new SeedData(sets, random);
  }

  static Cell runOne(Kernels k, Options o, SeedData data, Rule r, double gamma, int s,
      AtomicLong progress) {
    Rng root = new Rng(o.seed() + s);
    TrainingRun.Schedule schedule = new TrainingRun.Schedule(o.steps(), o.window(), o.every(),
        o.neurons());
    if (o.model() == Model.TRANSFORMER) {
      Transformer net = new Transformer(o.transformer());
      net.init(root.derive("student"), o.conventions());
      TrainingRun.Result res = TrainingRun.run(k, net, o.loss(), data.task().train(),
          data.task().val(), o.config(r, gamma), schedule, root, progress);
      ModelFiles.save(o.save(), name(r, gamma, o.seed() + s), net);
      return new Cell(r, gamma, s, o.seed() + s, res);
    }
    Mlp student = Teacher.network(o.student(), root.derive("student"), o.conventions());
    Data train = o.config(r, gamma).randomTargets() ? data.randomTrain() : data.task().train();
    TrainingRun.Result res = TrainingRun.run(k, student, o.loss(), train, data.task().val(),
        o.config(r, gamma), schedule, root, progress);
    ModelFiles.save(o.save(), name(r, gamma, o.seed() + s), student, Map.of());
    return new Cell(r, gamma, s, o.seed() + s, res);
  }

  /**
   * The file name (without extension) of a run's saved network: {@code RULE-gammaG-seedS}, G in
   * shortest plain decimals and S the run's seed, e.g. {@code sgd-gamma0.0005-seed1}.
   *
   * @param r the rule
   * @param gamma the weight decay
   * @param seed the run's seed (base seed + seed index)
   * @return the name
   */
  public static String name(Rule r, double gamma, long seed) {
    return r.id() + "-gamma" + ModelFiles.number(gamma) + "-seed" + seed;
  }
}
