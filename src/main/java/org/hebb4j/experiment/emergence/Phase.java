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
 * The noise phase diagram (spec/emergence.md#phase): SGD with parameter noise sigma and decay
 * gamma on a grid, on linear regression (a bias-free linear student and teacher d -> o) or on the
 * SRE's MLP. Each cell reports the steady-state {@code minibatch} alignment (E18a) of one layer
 * and the validation loss; the sign boundary is fitted by (E24).
 */
public final class Phase {

  private Phase() {}

  /** The model trained in every cell. */
  public enum Model implements org.hebb4j.util.Named {
    /** Bias-free linear regression d -> o, student and teacher (spec/emergence.md#phase). */
    LINEAR,
    /** The SRE's MLP d -> hidden -> o with tanh (spec/emergence.md#sre). */
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
   * @param sigmas parameter-noise standard deviations (rows)
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
   * @param save the folder where every trained student (linear or MLP, both {@link Mlp}s) is
   *     written as {@code sigmaS-gammaG-seedN.safetensors} (spec/io.md#models), or null
   * @param conventions initialisation and decay (spec/emergence.md#conventions)
   */
  public record Options(Model model, double[] sigmas, double[] gammas, int seeds, long seed,
      double lr, int batch, int steps, double window, int d, int hidden, int o, int nTrain,
      int nVal, int layer, Path save, Conventions conventions) {

    /**
     * A builder holding the defaults of spec/emergence.md#phase: linear, sigma 1e-3..1e-1 (9),
     * gamma 1e-5..1 (11), one seed from 1, lr 0.1, batch 256, 1000 steps (mlp: 3000), window 0.2,
     * 32 -> 128 -> 32, 20000 train and 2000 validation rows, the last layer probed.
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
    private double[] sigmas = logspace(1e-3, 1e-1, 9);
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
     * Sets the noise levels (rows).
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
     */
    public Options build() {
      int n = steps >= 0 ? steps : model == Model.MLP ? 3000 : 1000;
      return new Options(model, sigmas, gammas, seeds, seed, lr, batch, n, window, 32, 128, 32,
          nTrain, nVal, -1, save, conventions);
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
   * The grid and its fitted boundary, computed once by {@link #run}.
   *
   * @param grid the cells
   * @param boundary the (E24) fit
   */
  public record Result(Grid grid, Boundary boundary) {}

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
    return new Result(g, fit(g));
  }

  static Grid grid(Kernels k, Options o, Workers workers, AtomicLong progress) {
    ModelFiles.prepare(o.save());
    Teacher.Sets[] data = new Teacher.Sets[o.seeds()];
    workers.run(o.seeds(), s -> data[s] = sets(k, o, new Rng(o.seed() + s)));
    int ns = o.sigmas().length, ng = o.gammas().length;
    double[][][] align = new double[ns][ng][o.seeds()];
    double[][][] val = new double[ns][ng][o.seeds()];
    Divergence[] failed = new Divergence[ns * ng * o.seeds()];
    TrainingRun.runAll(workers, ns * ng * o.seeds(), i -> {
      int s = i % o.seeds(), cell = i / o.seeds();
      int si = cell / ng, gi = cell % ng;
      Rng root = new Rng(o.seed() + s);
      Mlp student = network(o, root.derive("student"), o.conventions());
      TrainConfig cfg = TrainConfig.of(Rule.SGD, o.lr(), o.gammas()[gi], Noise.PARAM,
          o.sigmas()[si], o.batch()).withConventions(o.conventions());
      TrainingRun.Result r;
      try {
        r = TrainingRun.run(k, student, Loss.MSE, data[s].train(), data[s].val(), cfg,
            new TrainingRun.Schedule(o.steps(), o.window(), 0, false), root, progress);
      } catch (DivergedException e) {
        failed[i] = new Divergence(si, gi, s, e.getMessage());
        align[si][gi][s] = Double.NaN;
        val[si][gi][s] = Double.NaN;
        return;
      }
      ModelFiles.save(o.save(), name(o.sigmas()[si], o.gammas()[gi], o.seed() + s), student,
          Map.of());
      align[si][gi][s] = r.layer(o.probedLayer()).minibatch();
      val[si][gi][s] = r.valLoss();
    });
    double[][] a = new double[ns][ng], v = new double[ns][ng];
    for (int si = 0; si < ns; si++) {
      for (int gi = 0; gi < ng; gi++) {
        a[si][gi] = Stat.of(align[si][gi]).mean();
        v[si][gi] = Stat.of(val[si][gi]).mean();
      }
    }
    List<Divergence> diverged = new ArrayList<>();
    for (Divergence d : failed) {
      if (d != null) {
        diverged.add(d);
        a[d.sigma()][d.gamma()] = Double.NaN; // the cell is diverged, whatever other seeds did
        v[d.sigma()][d.gamma()] = Double.NaN;
      }
    }
    return new Grid(o.sigmas().clone(), o.gammas().clone(), a, v, List.copyOf(diverged));
  }

  static Teacher.Sets sets(Kernels k, Options o, Rng root) {
    // the teacher is the task's (E10) under every conventions (spec/emergence.md#conventions)
    return Teacher.sets(k, network(o, root.derive("teacher"), Conventions.HEBB4J),
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

  /** Linear: d -> o, bias-free, w ~ N(0, 1/d). MLP: the SRE network with tanh. */
  static Mlp network(Options o, Rng r, Conventions c) {
    if (o.linear()) {
      return Teacher.network(MlpConfig.linear(o.d(), o.o()), r, c);
    }
    return Teacher.network(MlpConfig.builder().input(o.d()).hidden(o.hidden()).output(o.o())
        .activation(Activation.TANH).build(), r, c);
  }

  /**
   * The fitted boundary log10 gamma* = a + b log10 sigma, and the crossings it was fitted to.
   *
   * @param a the intercept (NaN when not found)
   * @param b the slope (theory: 2; NaN when not found)
   * @param sigmas the sigmas of the rows that cross
   * @param gammaStar their crossings gamma*
   */
  public record Boundary(double a, double b, double[] sigmas, double[] gammaStar) {
    /**
     * Whether at least two rows crossed.
     *
     * @return b is finite
     */
    public boolean found() {
      return Double.isFinite(b);
    }
  }

  /**
   * (E24) For each sigma row, gamma* is where the alignment turns positive for good: the smallest
   * gamma index j with every cell from j on positive and cell j-1 negative; gamma* interpolates
   * linearly in log gamma between the two cells to the zero of the alignment. Rows without such a
   * change are skipped. Least squares on (log10 sigma, log10 gamma*) gives a and b (NaN when fewer
   * than two rows cross).
   *
   * @param g the grid
   * @return the boundary
   */
  public static Boundary fit(Grid g) {
    int ns = g.sigmas().length, ng = g.gammas().length;
    double[] xs = new double[ns], ys = new double[ns];
    int n = 0;
    for (int si = 0; si < ns; si++) {
      double[] row = g.alignment()[si];
      int j = ng;
      while (j > 0 && row[j - 1] > 0) {
        j--;
      }
      if (j == 0 || j == ng || !(row[j - 1] < 0)) {
        continue;
      }
      double lg0 = StrictMath.log10(g.gammas()[j - 1]), lg1 = StrictMath.log10(g.gammas()[j]);
      double a0 = row[j - 1], a1 = row[j];
      xs[n] = StrictMath.log10(g.sigmas()[si]);
      ys[n] = lg0 + (lg1 - lg0) * (-a0) / (a1 - a0);
      n++;
    }
    double[] sx = new double[n], gs = new double[n];
    for (int i = 0; i < n; i++) {
      sx[i] = StrictMath.pow(10, xs[i]);
      gs[i] = StrictMath.pow(10, ys[i]);
    }
    if (n < 2) {
      return new Boundary(Double.NaN, Double.NaN, sx, gs);
    }
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
      mx += xs[i];
      my += ys[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) * (xs[i] - mx);
    }
    double b = sxx == 0 ? Double.NaN : sxy / sxx;
    return new Boundary(my - b * mx, b, sx, gs);
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
