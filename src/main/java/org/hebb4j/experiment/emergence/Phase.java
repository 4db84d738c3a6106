package org.hebb4j.experiment.emergence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Rule;
import org.hebb4j.emergence.Teacher;
import org.hebb4j.emergence.TrainConfig;
import org.hebb4j.experiment.Problem;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Conventions;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.MlpConfig;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * The noise phase diagram (spec/emergence.md#phase): SGD with noise of standard deviation sigma
 * (parameter (E14), learning-signal (E15) or input (E15b) noise) and decay gamma on a grid, on
 * linear regression (a bias-free linear student and teacher d -> o) or on the SRE's MLP. Each cell
 * reports the steady-state {@code minibatch} alignment (E18a) of one layer and the validation
 * loss; the sign boundary is fitted by (E24) on the cells run long enough to be stationary, with
 * a confidence interval of its slope (E24b), and the validation loss's minimum of every sigma row
 * is placed against it (spec/emergence.md#phase-val).
 */
public final class Phase {

  private Phase() {}

  /** The model trained in every cell. */
  public enum Model implements org.hebb4j.util.Named {
    /** Bias-free linear regression d -> o, student and teacher (spec/emergence.md#phase). */
    LINEAR,
    /** The SRE's MLP d -> hidden -> o, activation {@link Options#act} (spec/emergence.md#sre). */
    MLP;

    /**
     * The lower-case name used on the command line.
     *
     * @return "linear" or "mlp"
     */
    @Override
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Settings of the whole grid.
   *
   * @param model the model of every cell
   * @param noise the noise kind: PARAM, SIGNAL or INPUT (spec/emergence.md#noise)
   * @param act the MLP student's hidden activation (the teacher's is tanh; unused for linear)
   * @param sigmas noise standard deviations (rows)
   * @param gammas weight decays (columns)
   * @param seeds seeds averaged per cell
   * @param seed the base seed; seed index s uses seed + s
   * @param lr the SGD learning rate
   * @param batch the batch size
   * @param steps training steps per cell
   * @param window the measurement window, a fraction of the steps
   * @param d input width
   * @param hidden hidden width (mlp)
   * @param o output width
   * @param nTrain training set size
   * @param nVal validation set size
   * @param layer the probed layer (0-based), or -1 for the last
   * @param minLrGammaT the boundary fit uses the columns with lr * gamma * steps at least this
   *     (spec/emergence.md#stationary); 0 uses every column
   * @param save the folder where every trained student (linear or MLP, both {@link Mlp}s) is
   *     written as {@code sigmaS-gammaG-seedN.safetensors} (spec/io.md#models), or null
   * @param conventions initialisation and decay (spec/emergence.md#conventions)
   */
  public record Options(Model model, Noise noise, Activation act, double[] sigmas,
      double[] gammas, int seeds, long seed, double lr, int batch, int steps, double window, int d,
      int hidden, int o, int nTrain, int nVal, int layer, double minLrGammaT, Path save,
      Conventions conventions) {

    /**
     * Checks the values that no later step checks.
     *
     * @param model the model of every cell
     * @param noise the noise kind: PARAM, SIGNAL or INPUT
     * @param act the MLP student's hidden activation
     * @param sigmas noise standard deviations (rows)
     * @param gammas weight decays (columns)
     * @param seeds seeds averaged per cell
     * @param seed the base seed
     * @param lr the SGD learning rate
     * @param batch the batch size
     * @param steps training steps per cell
     * @param window the measurement window
     * @param d input width
     * @param hidden hidden width
     * @param o output width
     * @param nTrain training set size
     * @param nVal validation set size
     * @param layer the probed layer, or -1
     * @param minLrGammaT the stationarity threshold, &gt;= 0
     * @param save the model folder, or null
     * @throws IllegalArgumentException if noise is NONE or minLrGammaT is negative or NaN
     * @throws NullPointerException if noise or act is null
     */
    public Options {
      java.util.Objects.requireNonNull(noise, "noise");
      java.util.Objects.requireNonNull(act, "act");
      if (noise == Noise.NONE) {
        throw new IllegalArgumentException("phase noise must be param, signal or input, got "
            + "none");
      }
      if (!(minLrGammaT >= 0)) {
        throw new IllegalArgumentException("the stationarity threshold lr * gamma * T must be"
            + " >= 0, got " + minLrGammaT);
      }
    }

    /**
     * A builder holding the defaults of spec/emergence.md#phase: linear, parameter noise, sigma
     * 1e-3..1e-1 (9; other kinds: {@link Phase#defaultSigmas}), gamma 1e-5..1 (11), one seed
     * from 1, lr 0.1, batch 256, 1000 steps (mlp: 3000), window 0.2, 32 -> 128 -> 32 (tanh),
     * 20000 train and 2000 validation rows, the last layer probed, the fit on columns with
     * lr gamma T &gt;= 3 (mlp) or on every column (linear).
     *
     * @return a new builder
     */
    public static Builder builder() {
      return new Builder();
    }

    /**
     * Total training steps over all cells (for progress).
     *
     * @return sigmas x gammas x seeds x steps
     */
    public long totalSteps() {
      return (long) sigmas.length * gammas.length * seeds * steps;
    }

    boolean linear() {
      return model == Model.LINEAR;
    }

    /**
     * Whether a cell of weight decay {@code gamma} runs long enough to count as stationary
     * (spec/emergence.md#stationary): lr * gamma * steps &gt;= minLrGammaT.
     *
     * @param gamma the weight decay
     * @return whether the boundary fit may use the cell
     */
    public boolean stationary(double gamma) {
      return lr * gamma * steps >= minLrGammaT;
    }

    /**
     * Which columns the boundary fit uses ({@link #stationary}).
     *
     * @return one flag per gamma
     */
    public boolean[] stationaryColumns() {
      boolean[] used = new boolean[gammas.length];
      for (int j = 0; j < used.length; j++) {
        used[j] = stationary(gammas[j]);
      }
      return used;
    }

    /**
     * The layer whose alignment is reported (0-based): {@code layer}, or the last one.
     *
     * @return the layer
     */
    public int probedLayer() {
      return layer >= 0 ? layer : (linear() ? 0 : 1);
    }

    /**
     * What is wrong with these settings, found before any work ({@link Problem}): a batch
     * larger than the training set or more memory than the JVM may use (errors), a measurement
     * window of too few steps (a warning). See {@link TrainingRun.Schedule#problems}.
     *
     * @param threads the worker threads (cells trained at once)
     * @return the problems, errors first; empty when none
     * @throws IllegalArgumentException if steps or window are out of range
     */
    public List<Problem> problems(int threads) {
      TrainingRun.Schedule s = new TrainingRun.Schedule(steps, window, 0, false);
      List<Problem> all = new ArrayList<>(s.problems(batch, nTrain));
      int[] widths = linear() ? new int[] {d, o} : new int[] {d, hidden, o};
      long runs = (long) sigmas.length * gammas.length * seeds;
      double bytes = 4.0 * seeds * ((double) nTrain + nVal) * (d + o)
          + Math.min(threads, runs) * s.runBytes(widths, batch, Math.min(nVal,
              org.hebb4j.emergence.Evaluation.CHUNK));
      all.addAll(Problem.memory(bytes, String.format(java.util.Locale.ROOT,
          "%d cells, batch %d, %d + %d rows per seed", runs, batch, nTrain, nVal)));
      return TrainingRun.errorsFirst(all);
    }
  }

  /** Builds {@link Options} by named fields from the defaults of spec/emergence.md#phase. */
  public static final class Builder {
    private Model model = Model.LINEAR;
    private Noise noise = Noise.PARAM;
    private Activation act = Activation.TANH;
    private double minLrGammaT = Double.NaN;
    private double[] sigmas;
    private double[] gammas = logspace(1e-5, 1, 11);
    private int seeds = 1;
    private long seed = 1;
    private double lr = 0.1;
    private int batch = 256;
    private int steps = -1;
    private double window = 0.2;
    private int nTrain = 20000;
    private int nVal = 2000;
    private Path save;
    private Conventions conventions = Conventions.HEBB4J;

    private Builder() {}

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
     * Sets the model.
     *
     * @param v linear or mlp
     * @return this builder
     */
    public Builder model(Model v) {
      model = v;
      return this;
    }

    /**
     * Sets the noise kind (default param).
     *
     * @param v PARAM, SIGNAL or INPUT
     * @return this builder
     */
    public Builder noise(Noise v) {
      noise = v;
      return this;
    }

    /**
     * Sets the MLP student's hidden activation (default tanh; the teacher stays tanh).
     *
     * @param v the activation
     * @return this builder
     */
    public Builder act(Activation v) {
      act = v;
      return this;
    }

    /**
     * Sets the stationarity threshold of the boundary fit (default 3 for mlp, 0 for linear).
     *
     * @param v the least lr * gamma * steps of a column the fit uses
     * @return this builder
     */
    public Builder minLrGammaT(double v) {
      minLrGammaT = v;
      return this;
    }

    /**
     * Sets the noise levels (rows; default {@link Phase#defaultSigmas} of the noise kind).
     *
     * @param v the standard deviations, increasing
     * @return this builder
     */
    public Builder sigmas(double[] v) {
      sigmas = v.clone();
      return this;
    }

    /**
     * Sets the weight decays (columns).
     *
     * @param v the decays, increasing
     * @return this builder
     */
    public Builder gammas(double[] v) {
      gammas = v.clone();
      return this;
    }

    /**
     * Sets the seeds averaged per cell.
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
     * Sets the SGD learning rate.
     *
     * @param v the rate
     * @return this builder
     */
    public Builder lr(double v) {
      lr = v;
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
     * Sets the training steps per cell (default 1000, mlp 3000).
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
     * The options (widths 32 -> 128 -> 32, the last layer probed).
     *
     * @return the options
     * @throws IllegalArgumentException if the noise is NONE or the threshold negative
     */
    public Options build() {
      int n = steps >= 0 ? steps : model == Model.MLP ? 3000 : 1000;
      double thr = !Double.isNaN(minLrGammaT) ? minLrGammaT : model == Model.MLP ? 3 : 0;
      return new Options(model, noise, act, sigmas != null ? sigmas : defaultSigmas(noise),
          gammas, seeds, seed, lr, batch, n, window, 32, 128, 32, nTrain, nVal, -1, thr, save,
          conventions);
    }
  }

  /**
   * The default noise levels of a kind (spec/emergence.md#phase): param 1e-3..1e-1, signal
   * 3e-3..3e-1, input 3e-2..3 (9 log-spaced each), chosen so that the predicted boundary
   * (E23), (E23s), (E23i) crosses the default gamma grid.
   *
   * @param noise PARAM, SIGNAL or INPUT
   * @return a new array of nine increasing values
   * @throws IllegalArgumentException for NONE
   */
  public static double[] defaultSigmas(Noise noise) {
    switch (noise) {
      case PARAM: return logspace(1e-3, 1e-1, 9);
      case SIGNAL: return logspace(3e-3, 3e-1, 9);
      case INPUT: return logspace(3e-2, 3, 9);
      default: throw new IllegalArgumentException("no phase diagram without noise");
    }
  }

  /**
   * Grid results [sigma][gamma], averaged over seeds.
   *
   * @param sigmas the rows' noise levels
   * @param gammas the columns' weight decays
   * @param alignment the minibatch alignment (E18a) of the probed layer
   * @param valLoss the final validation loss
   * @param diverged the runs that diverged, in (sigma, gamma, seed) order; their cells' alignment
   *     and validation loss are NaN
   */
  public record Grid(double[] sigmas, double[] gammas, double[][] alignment, double[][] valLoss,
      List<Divergence> diverged) {

    /**
     * Whether a run of cell (si, gi) diverged (its values are then NaN).
     *
     * @param si the sigma index
     * @param gi the gamma index
     * @return whether any seed of the cell diverged
     */
    public boolean diverged(int si, int gi) {
      for (Divergence d : diverged) {
        if (d.sigma() == si && d.gamma() == gi) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * A run of the sweep that diverged: the sweep marks its cell and goes on.
   *
   * @param sigma the sigma index
   * @param gamma the gamma index
   * @param seed the seed index
   * @param message the {@link org.hebb4j.nn.DivergedException}'s message: step, layer, cause
   */
  public record Divergence(int sigma, int gamma, int seed, String message) {}

  /**
   * The grid, its fitted boundary and where the validation loss is lowest, computed once by
   * {@link #run}.
   *
   * @param grid the cells
   * @param boundary the (E24) fit on the stationary columns
   * @param valMinima per sigma row, the cell of least validation loss
   *     (spec/emergence.md#phase-val)
   */
  public record Result(Grid grid, Boundary boundary, List<ValMinimum> valMinima) {

    /**
     * How many rows have their validation-loss minimum within {@code decades} of the fitted
     * boundary (|log10 gamma_min - log10 gamma*(sigma)| &lt;= decades).
     *
     * @param decades the tolerance in decades of gamma
     * @return the count (0 when no boundary was found)
     */
    public int minimaNearBoundary(double decades) {
      int n = 0;
      for (ValMinimum m : valMinima) {
        if (Math.abs(m.decadesFromBoundary()) <= decades) {
          n++;
        }
      }
      return n;
    }

    /**
     * How many rows have their validation-loss minimum in the grid's smallest gamma column.
     *
     * @return the count
     */
    public int minimaAtSmallestGamma() {
      int n = 0;
      for (ValMinimum m : valMinima) {
        if (m.gamma() == grid.gammas()[0]) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * The cell of least validation loss in one sigma row (spec/emergence.md#phase-val).
   *
   * @param sigma the row's noise level
   * @param gamma the weight decay of the minimum (NaN when every cell of the row diverged)
   * @param valLoss the least validation loss
   * @param stationary whether the minimum's column is one the boundary fit uses
   * @param decadesFromBoundary log10 gamma - (a + b log10 sigma): how many decades of gamma the
   *     minimum lies above (positive) or below the fitted boundary; NaN without a boundary
   */
  public record ValMinimum(double sigma, double gamma, double valLoss, boolean stationary,
      double decadesFromBoundary) {}

  /**
   * Per sigma row, the finite cell of least validation loss and its distance in decades of
   * gamma from the fitted boundary (spec/emergence.md#phase-val).
   *
   * @param g the grid
   * @param b the fitted boundary
   * @param stationary the columns the fit used
   * @return one entry per row, in row order
   */
  public static List<ValMinimum> valMinima(Grid g, Boundary b, boolean[] stationary) {
    List<ValMinimum> out = new ArrayList<>();
    for (int si = 0; si < g.sigmas().length; si++) {
      int best = -1;
      double[] row = g.valLoss()[si];
      for (int gi = 0; gi < row.length; gi++) {
        if (Double.isFinite(row[gi]) && (best < 0 || row[gi] < row[best])) {
          best = gi;
        }
      }
      double sigma = g.sigmas()[si];
      if (best < 0) {
        out.add(new ValMinimum(sigma, Double.NaN, Double.NaN, false, Double.NaN));
        continue;
      }
      double gamma = g.gammas()[best];
      double dist = StrictMath.log10(gamma) - (b.a() + b.b() * StrictMath.log10(sigma));
      out.add(new ValMinimum(sigma, gamma, row[best], stationary[best], dist));
    }
    return List.copyOf(out);
  }

  /**
   * Trains every (sigma, gamma, seed) cell, averages over seeds and fits the boundary. With
   * {@code o.save()} set, each trained student is written there as it finishes. A run that
   * diverges marks its cell ({@link Grid#diverged}: NaN values, no model file) and the sweep
   * goes on; the fit skips the cell.
   *
   * @param k the kernels
   * @param o the settings
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @return the grid and the boundary
   * @throws java.io.UncheckedIOException if the save folder or a model file cannot be written
   */
  public static Result run(Kernels k, Options o, Workers workers, AtomicLong progress) {
    Grid g = grid(k, o, workers, progress);
    boolean[] used = o.stationaryColumns();
    Boundary b = fit(g, used);
    return new Result(g, b, valMinima(g, b, used));
  }

  static Grid grid(Kernels k, Options o, Workers workers, AtomicLong progress) {
    RunCell[] cells = new RunCell[cellCount(o)];
    runCells(k, o, TrainingRun.identity(cells.length), workers, progress,
        (c, cell) -> cells[c] = cell);
    return grid(o, List.of(cells));
  }

  /**
   * The outcome of one run of the grid: cell (sigma, gamma) at one seed
   * (spec/emergence.md#cell-order).
   *
   * @param sigma the sigma index
   * @param gamma the gamma index
   * @param seed the seed index
   * @param alignment the minibatch alignment (E18a) of the probed layer (NaN when diverged)
   * @param valLoss the final validation loss (NaN when diverged)
   * @param diverged the {@link DivergedException}'s message, or null when the run finished
   */
  public record RunCell(int sigma, int gamma, int seed, double alignment, double valLoss,
      String diverged) {}

  /**
   * The number of runs of the grid: sigmas x gammas x seeds.
   *
   * @param o the settings
   * @return the count
   * @throws IllegalArgumentException if it exceeds Integer.MAX_VALUE
   */
  public static int cellCount(Options o) {
    long n = (long) o.sigmas().length * o.gammas().length * o.seeds();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many cells: " + n);
    }
    return (int) n;
  }

  /**
   * The (sigma, gamma, seed) indices of run {@code c} in the canonical order
   * (spec/emergence.md#cell-order): sigma, then gamma, then seed, the last varying fastest.
   *
   * @param o the settings
   * @param c the run's index
   * @return {sigma index, gamma index, seed index}
   */
  public static int[] key(Options o, int c) {
    int s = c % o.seeds(), cell = c / o.seeds();
    return new int[] {cell / o.gammas().length, cell % o.gammas().length, s};
  }

  /** Receives each finished run, from the worker that ran it. */
  @FunctionalInterface
  public interface CellSink {
    /**
     * Takes a finished run.
     *
     * @param c its index
     * @param cell its outcome
     */
    void accept(int c, RunCell cell);
  }

  /**
   * Runs the runs {@code cells} of the grid (spec/emergence.md#cell-order), handing each to
   * {@code sink} as it finishes. A run that diverges is a finished run marked diverged (no
   * model file); the sweep goes on. With {@code o.save()} set, each trained student is written
   * there before it goes to the sink.
   *
   * @param k the kernels
   * @param o the settings
   * @param cells the run indices to run
   * @param workers the threads (results do not depend on their number)
   * @param progress incremented once per training step (may be null)
   * @param sink receives every finished run
   * @throws java.io.UncheckedIOException if the save folder or a model file cannot be written
   */
  public static void runCells(Kernels k, Options o, int[] cells, Workers workers,
      AtomicLong progress, CellSink sink) {
    ModelFiles.prepare(o.save());
    Teacher.Sets[] data = new Teacher.Sets[o.seeds()];
    java.util.TreeSet<Integer> needed = new java.util.TreeSet<>();
    for (int c : cells) {
      needed.add(key(o, c)[2]);
    }
    Integer[] need = needed.toArray(new Integer[0]);
    workers.run(need.length, j -> data[need[j]] = sets(k, o, new Rng(o.seed() + need[j])));
    TrainingRun.runAll(workers, cells.length, j -> {
      int[] key = key(o, cells[j]);
      int si = key[0], gi = key[1], s = key[2];
      Rng root = new Rng(o.seed() + s);
      Mlp student = network(o, o.act(), root.derive("student"), o.conventions());
      TrainConfig cfg = TrainConfig.of(Rule.SGD, o.lr(), o.gammas()[gi], o.noise(),
          o.sigmas()[si], o.batch()).withConventions(o.conventions());
      TrainingRun.Result r;
      try {
        r = TrainingRun.run(k, student, Loss.MSE, data[s].train(), data[s].val(), cfg,
            new TrainingRun.Schedule(o.steps(), o.window(), 0, false), root, progress);
      } catch (DivergedException e) {
        sink.accept(cells[j], new RunCell(si, gi, s, Double.NaN, Double.NaN,
            String.valueOf(e.getMessage())));
        return;
      }
      ModelFiles.save(o.save(), name(o.sigmas()[si], o.gammas()[gi], o.seed() + s), student,
          Map.of());
      sink.accept(cells[j], new RunCell(si, gi, s, r.layer(o.probedLayer()).minibatch(),
          r.valLoss(), null));
    });
  }

  /**
   * The result of the grid from every run in the canonical order: seed means, the fitted
   * boundary and the validation-loss minima; the one formatting input of the command.
   *
   * @param o the settings
   * @param cells every run, in order
   * @return the result
   * @throws IllegalArgumentException if the runs do not number {@link #cellCount}
   */
  public static Result assemble(Options o, List<RunCell> cells) {
    Grid g = grid(o, cells);
    boolean[] used = o.stationaryColumns();
    Boundary b = fit(g, used);
    return new Result(g, b, valMinima(g, b, used));
  }

  static Grid grid(Options o, List<RunCell> cells) {
    if (cells.size() != cellCount(o)) {
      throw new IllegalArgumentException(cells.size() + " runs for a grid of " + cellCount(o));
    }
    int ns = o.sigmas().length, ng = o.gammas().length;
    double[][][] align = new double[ns][ng][o.seeds()];
    double[][][] val = new double[ns][ng][o.seeds()];
    List<Divergence> diverged = new ArrayList<>();
    for (RunCell c : cells) {
      align[c.sigma()][c.gamma()][c.seed()] = c.alignment();
      val[c.sigma()][c.gamma()][c.seed()] = c.valLoss();
      if (c.diverged() != null) {
        diverged.add(new Divergence(c.sigma(), c.gamma(), c.seed(), c.diverged()));
      }
    }
    double[][] a = new double[ns][ng], v = new double[ns][ng];
    for (int si = 0; si < ns; si++) {
      for (int gi = 0; gi < ng; gi++) {
        a[si][gi] = Stat.of(align[si][gi]).mean();
        v[si][gi] = Stat.of(val[si][gi]).mean();
      }
    }
    for (Divergence d : diverged) {
      a[d.sigma()][d.gamma()] = Double.NaN; // the cell is diverged, whatever other seeds did
      v[d.sigma()][d.gamma()] = Double.NaN;
    }
    return new Grid(o.sigmas().clone(), o.gammas().clone(), a, v, List.copyOf(diverged));
  }

  static Teacher.Sets sets(Kernels k, Options o, Rng root) {
    // the teacher is the task's (E10) under every conventions (spec/emergence.md#conventions)
    Mlp teacher = network(o, Activation.TANH, root.derive("teacher"), Conventions.HEBB4J);
    return Teacher.sets(k, teacher,
        root.derive("data"), o.nTrain(), o.nVal());
  }

  /**
   * The file name (without extension) of a cell's saved network: {@code sigmaS-gammaG-seedN},
   * numbers in shortest plain decimals and N the run's seed, e.g.
   * {@code sigma0.01-gamma0.001-seed1}.
   *
   * @param sigma the parameter noise
   * @param gamma the weight decay
   * @param seed the run's seed (base seed + seed index)
   * @return the name
   */
  public static String name(double sigma, double gamma, long seed) {
    return "sigma" + ModelFiles.number(sigma) + "-gamma" + ModelFiles.number(gamma) + "-seed"
        + seed;
  }

  /** Linear: d -> o, bias-free, w ~ N(0, 1/d). MLP: the SRE network with {@code act}. */
  static Mlp network(Options o, Activation act, Rng r, Conventions c) {
    if (o.linear()) {
      return Teacher.network(MlpConfig.linear(o.d(), o.o()), r, c);
    }
    return Teacher.network(MlpConfig.builder().input(o.d()).hidden(o.hidden()).output(o.o())
        .activation(act).build(), r, c);
  }

  /**
   * The fitted boundary log10 gamma* = a + b log10 sigma (E24), the slope's confidence interval
   * (E24b), the crossings it was fitted to, and which cells the fit left out
   * (spec/emergence.md#stationary).
   *
   * @param line the least-squares line through (log10 sigma, log10 gamma*) with the slope's
   *     95% Student-t interval; NaN fields when too few rows cross
   * @param sigmas the sigmas of the rows that cross
   * @param gammaStar their crossings gamma*
   * @param usedColumns how many gamma columns the fit used
   * @param excludedCells the cells in the columns it did not use (sigmas x unused columns)
   */
  public record Boundary(LineFit line, double[] sigmas, double[] gammaStar, int usedColumns,
      int excludedCells) {

    /**
     * The intercept a.
     *
     * @return a (NaN when not found)
     */
    public double a() {
      return line.a();
    }

    /**
     * The slope b (theory: 2).
     *
     * @return b (NaN when not found)
     */
    public double b() {
      return line.b();
    }

    /**
     * Whether at least two rows crossed.
     *
     * @return b is finite
     */
    public boolean found() {
      return Double.isFinite(line.b());
    }
  }

  /** The confidence level of the slope's interval (E24b). */
  public static final double LEVEL = 0.95;

  /**
   * (E24) on every column of the grid.
   *
   * @param g the grid
   * @return the boundary
   */
  public static Boundary fit(Grid g) {
    boolean[] all = new boolean[g.gammas().length];
    java.util.Arrays.fill(all, true);
    return fit(g, all);
  }

  /**
   * (E24) on the columns marked {@code used} (the stationary ones, spec/emergence.md#stationary):
   * for each sigma row, taking only those columns in order, gamma* is where the alignment turns
   * positive for good: the first used column j with every used cell from j on positive and the
   * used cell before it negative; gamma* interpolates linearly in log gamma between the two cells
   * to the zero of the alignment. Rows without such a change are skipped. Least squares on
   * (log10 sigma, log10 gamma*) gives a and b, with b's 95% Student-t interval (E24b).
   *
   * @param g the grid
   * @param used one flag per gamma column
   * @return the boundary
   * @throws IllegalArgumentException if used has not one flag per column
   */
  public static Boundary fit(Grid g, boolean[] used) {
    int ns = g.sigmas().length;
    if (used.length != g.gammas().length) {
      throw new IllegalArgumentException("fit: " + used.length + " column flags for "
          + g.gammas().length + " gammas");
    }
    int[] cols = new int[used.length];
    int nc = 0;
    for (int j = 0; j < used.length; j++) {
      if (used[j]) {
        cols[nc++] = j;
      }
    }
    double[] xs = new double[ns], ys = new double[ns];
    int n = 0;
    for (int si = 0; si < ns; si++) {
      double[] row = g.alignment()[si];
      int j = nc;
      while (j > 0 && row[cols[j - 1]] > 0) {
        j--;
      }
      if (j == 0 || j == nc || !(row[cols[j - 1]] < 0)) {
        continue;
      }
      double lg0 = StrictMath.log10(g.gammas()[cols[j - 1]]);
      double lg1 = StrictMath.log10(g.gammas()[cols[j]]);
      double a0 = row[cols[j - 1]], a1 = row[cols[j]];
      xs[n] = StrictMath.log10(g.sigmas()[si]);
      ys[n] = lg0 + (lg1 - lg0) * (-a0) / (a1 - a0);
      n++;
    }
    double[] x = java.util.Arrays.copyOf(xs, n), y = java.util.Arrays.copyOf(ys, n);
    double[] sx = new double[n], gs = new double[n];
    for (int i = 0; i < n; i++) {
      sx[i] = StrictMath.pow(10, x[i]);
      gs[i] = StrictMath.pow(10, y[i]);
    }
    return new Boundary(LineFit.of(x, y, LEVEL), sx, gs, nc, ns * (used.length - nc));
  }

  /**
   * n values log-spaced from lo to hi inclusive (n = 1 gives lo).
   *
   * @param lo the first value, &gt; 0
   * @param hi the last value
   * @param n the count
   * @return the values
   */
  public static double[] logspace(double lo, double hi, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      // StrictMath: the grid values feed training, so their bits must not depend on the platform
      v[i] = n == 1 ? lo : StrictMath.pow(10, StrictMath.log10(lo)
          + (StrictMath.log10(hi) - StrictMath.log10(lo)) * i / (n - 1));
    }
    return v;
  }
}
