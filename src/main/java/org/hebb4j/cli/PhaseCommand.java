package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.hebb4j.emergence.Noise;
import org.hebb4j.experiment.emergence.CellCodec;
import org.hebb4j.experiment.emergence.LineFit;
import org.hebb4j.experiment.emergence.Phase;
import org.hebb4j.experiment.sweep.CellRecord;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.parallel.Workers;
import org.hebb4j.plot.Heatmap;

/** {@code hebb4j phase}: the noise phase diagram (spec/emergence.md#phase). */
final class PhaseCommand implements Sweeps.SweepCommand {

  static final String SIGMAS = "1e-3:1e-1:9";
  static final String GAMMAS = "1e-5:1:11";

  @Override
  public String name() {
    return "phase";
  }

  @Override
  public String summary() {
    return "noise phase diagram: Hebbian vs anti-Hebbian over noise x weight decay";
  }

  @Override
  public String description() {
    return "SGD with noise sigma and weight decay gamma on a log-spaced grid, on linear\n"
        + "regression 32 -> 32 (or the SRE's MLP with --model mlp). --noise param: w = v + eps\n"
        + "each step, the update applied to v; signal: g + eps; input: the network sees x + eps.\n"
        + "Each cell reports the steady-state minibatch alignment cos(g, H) of the last layer\n"
        + "and the validation loss. The boundary where the alignment turns positive is fitted\n"
        + "as log gamma* = a + b log sigma (theory: b = 2) on the columns run long enough to be\n"
        + "stationary (lr gamma T >= --stationary), with a 95% interval of b, and each sigma\n"
        + "row's least validation loss is placed against it (in decades of gamma).\n"
        + "Writes phase.csv, boundary.txt, phase-alignment.svg and phase-val-loss.svg to --out;\n"
        + "with --save also each cell's trained student (the linear map or the MLP, an Mlp\n"
        + "file either way) as models/sigmaS-gammaG-seedN.safetensors, e.g.\n"
        + "models/sigma0.001-gamma0.0001-seed1.safetensors (numbers in plain decimals).\n"
        + "A sweep of cells (sigma x gamma x seed) with records in cells/: --shard i/n and\n"
        + "hebb4j merge, --resume DIR, timings.txt with the times (spec/emergence.md#sweeps).";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.of("model", "NAME", "linear (bias-free 32 -> 32) or mlp (32 -> 128 -> 32 tanh)",
            "linear"),
        Option.of("noise", "KIND", "param (weights), signal (g) or input (x)", "param"),
        Option.of("act", "NAME", "mlp student activation: linear, relu, tanh, sigmoid", "tanh"),
        Option.of("sigmas", "GRID", "noise std: LO:HI:N log-spaced, or a comma list",
            SIGMAS + " (signal: 3e-3:3e-1:9; input: 3e-2:3:9)"),
        Option.of("gammas", "GRID", "weight decay: LO:HI:N log-spaced, or a comma list", GAMMAS),
        Option.of("seeds", "N", "seeds averaged per cell", "1"),
        Experiments.seedOption("1"),
        Option.of("steps", "N", "training steps per cell", "1000 (mlp: 3000)"),
        Option.of("lr", "X", "learning rate", "0.1"),
        Option.of("batch", "N", "batch size", "256"),
        Option.of("window", "F", "measurement window: the last fraction F of the steps", "0.2"),
        Experiments.conventionsOption(),
        Option.of("stationary", "X", "fit the boundary on the columns with lr gamma T >= X",
            "3 (linear: 0)"),
        Option.of("train", "N", "training set size", "20000"),
        Option.of("val", "N", "validation set size", "2000"),
        Experiments.threadsOption(),
        Experiments.saveOption("sigmaS-gammaG-seedN"),
        Experiments.outOption("phase"),
        Experiments.forceOption(),
        Sweeps.options().get(0),
        Sweeps.options().get(1),
        Sweeps.options().get(2));
  }

  @Override
  public int run(Args a, PrintStream out, PrintStream err) throws IOException {
    return Sweeps.run(this, a, out, err);
  }

  @Override
  public Sweeps.Plan<?> plan(Args a, PrintStream err) {
    if (!a.positional().isEmpty()) {
      throw new UsageException("takes no arguments, got '" + a.positional().get(0) + "'");
    }
    Phase.Model model = a.named("model", Phase.Model.class, Phase.Model.LINEAR);
    Noise noise = phaseNoise(a.string("noise", Noise.PARAM.id()));
    Activation act = a.named("act", Activation.class, Activation.TANH);
    if (a.has("act") && model == Phase.Model.LINEAR) {
      throw new UsageException("--act: only with --model mlp (the linear model has no"
          + " activation)");
    }
    double[] sigmas = Experiments.grid(a, "sigmas", Phase.defaultSigmas(noise), true, 1e6);
    double[] gammas = Experiments.grid(a, "gammas", Phase.logspace(1e-5, 1, 11), true,
        1e3);
    int seeds = a.integer("seeds", 1, 1, 10000);
    long seed = Experiments.seed(a);
    int steps = a.integer("steps", model == Phase.Model.MLP ? 3000 : 1000, 1, 100_000_000);
    double lr = Experiments.positive(a, "lr", 0.1, 1e6);
    int nTrain = a.integer("train", 20000, 1, 10_000_000);
    int nVal = a.integer("val", 2000, 1, 10_000_000);
    int batch = a.integer("batch", 256, 1, 10_000_000);
    double window = Experiments.positive(a, "window", 0.2, 1);
    double stationary = a.number("stationary", model == Phase.Model.MLP ? 3 : 0, 0, 1e9);
    int threads = Experiments.threads(a);
    Phase.Builder ob = Phase.Options.builder().model(model).noise(noise).act(act).sigmas(sigmas)
        .gammas(gammas).seeds(seeds).seed(seed).lr(lr).batch(batch).steps(steps).window(window)
        .sizes(nTrain, nVal).minLrGammaT(stationary).conventions(Experiments.conventions(a));
    Phase.Options o = ob.build();
    List<String> warnings = Experiments.check(o.problems(threads), name(), err);
    String config = String.format(Locale.ROOT,
        "phase: %s, SGD lr %s, batch %d, %d steps, %s noise sigma %s..%s (%d), gamma"
        + " %s..%s (%d),%n  minibatch alignment of layer %d over the last %s of steps, %d"
        + " seed(s) from %d%n",
        model == Phase.Model.LINEAR ? "linear regression 32 -> 32 (bias-free)"
            : "MLP 32 -> 128 -> 32 " + act.id(), Experiments.num(lr), batch, steps,
        NOISE_NAMES[noise.ordinal()], Experiments.label(sigmas[0]),
        Experiments.label(sigmas[sigmas.length - 1]), sigmas.length,
        Experiments.label(gammas[0]), Experiments.label(gammas[gammas.length - 1]), gammas.length,
        o.probedLayer() + 1, Experiments.num(window), seeds, seed);
    return new Plan(ob, o, a.flag("save"), config, warnings);
  }

  /**
   * The phase sweep (spec/emergence.md#cell-order): runs sigma x gamma x seed; the outputs are
   * formatted from the runs' records alone.
   */
  final class Plan extends Sweeps.Plan<Phase.RunCell> {
    private final Phase.Builder builder;
    private Phase.Options o;
    private final boolean save;
    private final List<String> warnings;

    Plan(Phase.Builder builder, Phase.Options o, boolean save, String config,
        List<String> warnings) {
      // the digest of the options without the save folder (a folder is no part of the results)
      super(config, org.hebb4j.experiment.sweep.Manifest.digest(name(), o, save));
      this.builder = builder;
      this.o = o;
      this.save = save;
      this.warnings = warnings;
    }

    @Override
    int cells() {
      return Phase.cellCount(o);
    }

    @Override
    long stepsPerCell() {
      return o.steps();
    }

    @Override
    void open(Args a, Path dir) {
      o = builder.save(Experiments.saveDir(a, dir)).build();
    }


    @Override
    void run(int[] todo, Workers w, java.util.concurrent.atomic.AtomicLong progress,
        Sweeps.Sink<Phase.RunCell> sink) {
      Phase.runCells(KernelProvider.get(), o, todo, w, progress, sink::accept);
    }

    @Override
    void write(java.io.DataOutputStream out, int c, Phase.RunCell cell) throws IOException {
      CellCodec.writePhase(out, o, cell);
    }

    @Override
    Phase.RunCell read(CellRecord.In in, int c) throws org.hebb4j.io.FormatException {
      return CellCodec.readPhase(in, o, c);
    }

    @Override
    int format(Path dir, List<Phase.RunCell> cells, PrintStream out, PrintStream err)
        throws IOException {
      return PhaseCommand.format(dir, o, Phase.assemble(o, cells), config,
          new java.util.ArrayList<>(warnings), out, err);
    }
  }

  /** Every output of the phase diagram, from its result; returns the exit status. */
  static int format(Path dir, Phase.Options o, Phase.Result res, String config,
      List<String> warnings, PrintStream out, PrintStream err) throws IOException {
    double[] sigmas = o.sigmas(), gammas = o.gammas();
    Noise noise = o.noise();
    Phase.Grid g = res.grid();
    Phase.Boundary b = res.boundary();
    for (Phase.Divergence d : g.diverged()) {
      String w = "cell sigma " + Experiments.label(sigmas[d.sigma()]) + ", gamma "
          + Experiments.label(gammas[d.gamma()]) + ", seed " + (o.seed() + d.seed())
          + " diverged, marked in phase.csv: " + d.message();
      err.println("hebb4j phase: WARNING: " + w);
      warnings.add(w);
    }

    StringBuilder sb = new StringBuilder();
    sb.append("\nAlignment cos(g, H) (rows: sigma, columns: gamma)\n");
    sb.append(grid(g, g.alignment(), "%.3f"));
    sb.append("\nValidation loss\n");
    sb.append(grid(g, g.valLoss(), "%.4g"));
    String fit = fitLine(b, o);
    sb.append('\n').append(fit);
    out.print(sb);

    Experiments.Csv csv = new Experiments.Csv("sigma,gamma,alignment,val_loss,status");
    for (int si = 0; si < sigmas.length; si++) {
      for (int gi = 0; gi < gammas.length; gi++) {
        csv.row(sigmas[si], gammas[gi], g.alignment()[si][gi], g.valLoss()[si][gi],
            g.diverged(si, gi) ? "diverged" : "ok");
      }
    }
    csv.write(dir.resolve("phase.csv"));
    Experiments.write(dir.resolve("boundary.txt"), boundaryText(res, o, fit));
    config += Experiments.warningLines(warnings);
    Experiments.write(dir.resolve("config.txt"), config);
    Experiments.write(dir.resolve("table.txt"), config + sb);

    String what = (o.model() == Phase.Model.LINEAR ? "linear regression" : o.act().id()
        + " MLP, layer 2") + (noise == Noise.PARAM ? "" : ", " + noise.id() + " noise");
    Heatmap ha = new Heatmap("Steady-state minibatch alignment cos(g, H), " + what,
        NOISE_NAMES[noise.ordinal()] + " noise sigma", "weight decay gamma", sigmas, gammas,
        g.alignment())
        .diverging(1, "cos(g, H)").missing("diverged");
    if (b.found()) {
      ha.line(b.a(), b.b(), String.format(Locale.ROOT,
          "fitted boundary log gamma* = %.2f + %.2f log sigma", b.a(), b.b())
          + (b.line().hasInterval() ? String.format(Locale.ROOT, " (95%% CI of b: %.2f..%.2f)",
              b.line().slopeLow(), b.line().slopeHigh()) : "")
          + (b.excludedCells() > 0 ? ", fitted on lr gamma T >= "
              + Experiments.num(o.minLrGammaT()) : ""))
          .marks(b.sigmas(), b.gammaStar());
    }
    ha.write(dir.resolve("phase-alignment.svg"));
    new Heatmap("Validation loss, " + what, NOISE_NAMES[noise.ordinal()] + " noise sigma",
        "weight decay gamma",
        sigmas, gammas, g.valLoss()).sequential(true, "val loss (log)").missing("diverged")
        .write(dir.resolve("phase-val-loss.svg"));
    for (int si = 0; si < sigmas.length; si++) {
      for (int gi = 0; gi < gammas.length; gi++) {
        if (!g.diverged(si, gi)) {
          return 0;
        }
      }
    }
    err.println("hebb4j phase: every cell diverged (see the warnings above); results in " + dir);
    return 1;
  }

  /** --noise: param, signal or input (none is refused; the message lists only the three). */
  static Noise phaseNoise(String v) {
    for (Noise n : Noise.values()) {
      if (n != Noise.NONE && n.id().equals(v)) {
        return n;
      }
    }
    if (Noise.NONE.id().equals(v)) {
      throw new UsageException("--noise: a phase diagram needs noise: param, signal or input");
    }
    throw new UsageException("--noise: unknown value '" + v + "' (expected one of: param, "
        + "signal, input)");
  }

  /** How the noise kinds are named in the output, by ordinal of {@link Noise}. */
  static final String[] NOISE_NAMES = {"no", "parameter", "learning-signal", "input"};

  /** The printed fit line: the line and the slope's interval, or why there is none. */
  static String fitLine(Phase.Boundary b, Phase.Options o) {
    if (!b.found()) {
      return "fitted boundary: not found (fewer than two sigma rows change sign along the "
          + b.usedColumns() + " stationary gamma column(s); widen --gammas or --sigmas"
          + (b.excludedCells() > 0 ? ", lower --stationary or raise --steps" : "") + ")\n";
    }
    LineFit f = b.line();
    String ci = f.hasInterval() ? String.format(Locale.ROOT, ", %d%% CI [%.3f, %.3f]",
        Math.round(100 * f.level()), f.slopeLow(), f.slopeHigh())
        : ", no CI from 2 rows";
    return String.format(Locale.ROOT, "fitted boundary: log10 gamma* = %.3f + %.3f log10 sigma"
        + "  (slope b = %.3f%s; theory 2) from %d sigma rows%n", b.a(), b.b(), b.b(), ci,
        b.sigmas().length);
  }

  /** boundary.txt: the fit, its interval, the cells it used, the crossings, the val minima. */
  static String boundaryText(Phase.Result res, Phase.Options o, String fit) {
    Phase.Boundary b = res.boundary();
    LineFit f = b.line();
    StringBuilder bt = new StringBuilder(fit);
    bt.append("a=").append(Experiments.num(b.a())).append('\n');
    bt.append("b=").append(Experiments.num(b.b())).append('\n');
    bt.append("b_stderr=").append(Experiments.num(f.slopeStdErr())).append('\n');
    bt.append("b_ci95=").append(Experiments.num(f.slopeLow())).append(',')
        .append(Experiments.num(f.slopeHigh())).append('\n');
    bt.append("interval: OLS standard error of b with Student t (").append(Math.max(0, f.n() - 2))
        .append(" df), level ").append(Experiments.num(f.level()))
        .append(f.hasInterval() ? "" : " (needs at least 3 crossing rows)").append('\n');
    boolean[] used = o.stationaryColumns();
    int first = -1;
    for (int j = 0; j < used.length && first < 0; j++) {
      first = used[j] ? j : -1;
    }
    bt.append(String.format(Locale.ROOT, "stationarity: a column is used when lr * gamma * T >="
        + " %s (lr %s, T %d steps): %d of %d gamma columns used%s; %d cells excluded%n",
        Experiments.num(o.minLrGammaT()), Experiments.num(o.lr()), o.steps(), b.usedColumns(),
        used.length, first >= 0 && b.usedColumns() < used.length ? " (gamma >= "
        + Experiments.label(o.gammas()[first]) + ")" : "", b.excludedCells()));
    if (b.usedColumns() < 2) {
      bt.append("too few stationary columns (").append(b.usedColumns()).append(") to find a"
          + " sign change: no boundary; raise --steps or --gammas, or lower --stationary\n");
    } else if (!b.found()) {
      bt.append("too few usable crossings (").append(b.sigmas().length).append(" rows; the"
          + " fit needs 2, the interval 3)\n");
    }
    bt.append("crossings (sigma, gamma*):\n");
    for (int i = 0; i < b.sigmas().length; i++) {
      bt.append(Experiments.num(b.sigmas()[i])).append(',')
          .append(Experiments.num(b.gammaStar()[i])).append('\n');
    }
    bt.append("validation loss minimum per sigma row (sigma, gamma_min, val_loss, stationary,"
        + " decades above the fitted boundary):\n");
    for (Phase.ValMinimum m : res.valMinima()) {
      bt.append(Experiments.num(m.sigma())).append(',').append(Experiments.num(m.gamma()))
          .append(',').append(Experiments.num(m.valLoss())).append(',')
          .append(m.stationary() ? "yes" : "no").append(',')
          .append(Experiments.num(m.decadesFromBoundary())).append('\n');
    }
    int rows = res.valMinima().size();
    if (b.found()) {
      bt.append(String.format(Locale.ROOT, "validation loss check: %d of %d rows have their"
          + " minimum within 0.5 decades of the fitted boundary, %d within 1 decade; %d at the"
          + " smallest gamma%n", res.minimaNearBoundary(0.5), rows, res.minimaNearBoundary(1),
          res.minimaAtSmallestGamma()));
    } else {
      bt.append(String.format(Locale.ROOT, "validation loss check: no boundary to compare with;"
          + " %d of %d rows have their minimum at the smallest gamma%n",
          res.minimaAtSmallestGamma(), rows));
    }
    return bt.toString();
  }

  static String grid(Phase.Grid g, double[][] v, String fmt) {
    List<String[]> rows = Experiments.rows();
    String[] head = new String[1 + g.gammas().length];
    head[0] = "sigma\\gamma";
    for (int j = 0; j < g.gammas().length; j++) {
      head[1 + j] = Experiments.label(g.gammas()[j]);
    }
    rows.add(head);
    for (int i = g.sigmas().length - 1; i >= 0; i--) {
      String[] r = new String[head.length];
      r[0] = Experiments.label(g.sigmas()[i]);
      for (int j = 0; j < g.gammas().length; j++) {
        r[1 + j] = g.diverged(i, j) ? "diverged" : String.format(Locale.ROOT, fmt, v[i][j]);
      }
      rows.add(r);
    }
    return Experiments.table(rows);
  }
}
