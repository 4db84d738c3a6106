package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hebb4j.emergence.DfaVariant;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Probe;
import org.hebb4j.emergence.Protocol;
import org.hebb4j.emergence.RandomNnVariant;
import org.hebb4j.emergence.Rule;
import org.hebb4j.experiment.emergence.Cell;
import org.hebb4j.experiment.emergence.CellCodec;
import org.hebb4j.experiment.emergence.Figures;
import org.hebb4j.experiment.emergence.PaperTable1;
import org.hebb4j.experiment.emergence.Sre;
import org.hebb4j.experiment.emergence.Stat;
import org.hebb4j.experiment.emergence.Summary;
import org.hebb4j.experiment.emergence.TrainingRun;
import org.hebb4j.experiment.sweep.CellRecord;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.nn.Conventions;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.parallel.Workers;
import org.hebb4j.util.Named;

/** {@code hebb4j emergence}: the standard regression experiment (spec/emergence.md#sre). */
final class EmergenceCommand implements Sweeps.SweepCommand {

  static final int DEFAULT_SEEDS = 3;
  /** Default seeds of --model transformer (3 x 4 x 2 runs of 8000 steps). */
  static final int TRANSFORMER_SEEDS = 2;
  /** Default steps of --model transformer: lr gamma T = 4 at 5e-3 (spec/transformer.md#sre). */
  static final int TRANSFORMER_STEPS = 8000;
  static final int DEFAULT_STEPS = 3000;
  static final int PAPER_SEEDS = 10;
  static final int PAPER_STEPS = 20000;

  @Override
  public String name() {
    return "emergence";
  }

  @Override
  public String summary() {
    return "alignment of learning signals with the Hebbian term under weight decay (SRE)";
  }

  @Override
  public String description() {
    return "The standard regression experiment of Koplow, Poggio, Ziyin (spec/emergence.md#sre):\n"
        + "a student MLP 32 -> 128 -> 32 learns a fixed random tanh teacher (20k train, 2k\n"
        + "validation, batch 256) under every rule and weight decay gamma, for several seeds.\n"
        + "Reports cos(g, H) per layer under the protocols minibatch, fullbatch, timeavg and\n"
        + "persample (last 20% of training), with the validation loss and weight norms. Writes\n"
        + "alignment.csv, runs.csv, timeseries.csv, table.txt and SVG plots to --out (with\n"
        + "--neurons also neurons.csv and oscillation.csv, per-neuron sign-change rates); with\n"
        + "--save also each trained student as models/RULE-gammaG-seedS.safetensors, e.g.\n"
        + "models/sgd-gamma0.0005-seed1.safetensors (gamma in plain decimals, S = seed + s).\n"
        + "--model transformer trains the transformer of spec/transformer.md instead (32-d input\n"
        + "cut into --tokens tokens, --blocks blocks of --heads-head attention and a 32-FFN-32\n"
        + "feed-forward, --norm pre or none) with sgd, adam, adamw, and reports every linear map\n"
        + "(E, bL.Wq, bL.Wk, bL.Wv, bL.Wo, bL.W1, bL.W2, R) in the layer column; it records no\n"
        + "time series (no timeseries.csv, no plots over time).\n"
        + "A sweep of cells (setting x seed x rule x gamma): each finished cell's record goes to\n"
        + "cells/ (with sweep.txt, the options), the outputs are formatted from the records, and\n"
        + "timings.txt alone holds the time, kernels and threads. --shard i/n runs the cells c with\n"
        + "c mod n == i for hebb4j merge; --resume DIR continues a killed sweep\n"
        + "(spec/emergence.md#sweeps).";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.of("model", "NAME", "student: mlp or transformer", "mlp"),
        Option.of("rules", "LIST", "learning rules: sgd, adam, adamw, dfa, randomnn",
            "sgd,adam,adamw,dfa,randomnn (transformer: sgd,adam,adamw)"),
        Option.of("gammas", "LIST", "weight decays (comma list, or LO:HI:N log-spaced)",
            "0,5e-5,5e-4,5e-3"),
        Option.of("act", "NAME", "student activation: linear, relu, tanh, sigmoid", "tanh"),
        Option.of("seeds", "N", "seeds per (rule, gamma)", DEFAULT_SEEDS + " (transformer: "
            + TRANSFORMER_SEEDS + "; --paper: " + PAPER_SEEDS + ")"),
        Experiments.seedOption("1"),
        Option.of("steps", "N", "training steps per run", DEFAULT_STEPS + " (transformer: "
            + TRANSFORMER_STEPS + "; --paper: " + PAPER_STEPS + ")"),
        Option.of("lr", "X", "learning rate of sgd, dfa, randomnn", "0.1"),
        Option.of("adam-lr", "X", "learning rate of adam and adamw", "0.001"),
        Option.of("batch", "N", "batch size", "256"),
        Option.of("window", "F", "measurement window: the last fraction F of the steps", "0.2"),
        Option.of("every", "K", "time-series point every K steps (0: none)", "steps/100"),
        Option.of("noise", "KIND", "noise injection: none, param, signal", "none"),
        Option.of("sigma", "X", "noise standard deviation", "0"),
        Option.of("hidden", "N", "hidden width (of the teacher, and of the MLP student)", "128"),
        Option.of("loss", "LIST", "data loss: mse (1/2 ||e||^2 per row) or mse_mean (PyTorch's"
            + " MSELoss); a list runs each (Table 1 mode)", "mse (--paper: mse,mse_mean)"),
        Option.of("conventions", "LIST", "hebb4j (N(0, 1/fan_in) weights, zero biases, decay on"
            + " weights) or torch (nn.Linear init, decay on every parameter); a list runs each"
            + " (Table 1 mode)", "hebb4j (--paper: hebb4j,torch)"),
        Option.of("teacher-init", "NAME", "the teacher's initialisation: hebb4j (N(0, 1/fan_in),"
            + " zero biases: the SRE's task) or torch (nn.Linear's), under every --conventions",
            "hebb4j"),
        Option.of("depth", "N", "MLP: dense layers 2..6 (N - 1 hidden layers of --hidden)", "2"),
        Option.of("dfa-variant", "NAME", "DFA's reading: output-gradient (the output layer's true"
            + " gradient) or output-feedback (a random projection for the output layer too)",
            "output-gradient"),
        Option.of("randomnn-variant", "NAME", "Random NN's reading: targets (backprop toward a"
            + " random network's outputs) or signal (a random network's own gradient)",
            "targets"),
        Option.of("tokens", "N", "transformer: tokens per input row, dividing 32", "4"),
        Option.of("heads", "N", "transformer: attention heads, dividing 32", "4"),
        Option.of("blocks", "N", "transformer: blocks", "2"),
        Option.of("norm", "NAME", "transformer: layer norms, pre or none", "pre"),
        Option.of("ffn", "N", "transformer: feed-forward width", "128"),
        Option.of("train", "N", "training set size", "20000"),
        Option.of("val", "N", "validation set size", "2000"),
        Option.flag("neurons", "also write every per-neuron cosine of the time series"),
        Option.flag("paper", "the paper's full protocol: " + PAPER_SEEDS + " seeds, "
            + PAPER_STEPS + " steps, every conventions and loss; prints Table 1 beside the"
            + " paper's and writes table1.txt, table1.csv"),
        Experiments.threadsOption(),
        Experiments.saveOption("RULE-gammaG-seedS"),
        Experiments.outOption("emergence"),
        Experiments.forceOption(),
        Sweeps.options().get(0),
        Sweeps.options().get(1),
        Sweeps.options().get(2));
  }

  static List<Rule> rules(Args a, String dflt) {
    String v = a.string("rules", dflt);
    List<Rule> out = new ArrayList<>();
    for (String s : v.split(",", -1)) {
      try {
        Rule r = Rule.parse(s.trim());
        if (out.contains(r)) {
          throw new UsageException("--rules: " + s.trim() + " given twice");
        }
        out.add(r);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--rules: " + e.getMessage());
      }
    }
    return out;
  }

  static Activation activation(Args a, String dflt) {
    try {
      return Activation.parse(a.string("act", dflt));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--act: " + e.getMessage());
    }
  }

  static Noise noise(Args a) {
    try {
      return Noise.parse(a.string("noise", "none"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--noise: " + e.getMessage());
    }
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
    boolean paper = a.flag("paper");
    Sre.Model model = a.named("model", Sre.Model.class, Sre.Model.MLP);
    boolean tf = model == Sre.Model.TRANSFORMER;
    if (!tf) {
      for (String t : TRANSFORMER_OPTIONS) {
        if (a.has(t)) {
          throw new UsageException("--" + t + " applies to --model transformer");
        }
      }
    }
    List<Rule> rules = rules(a, tf ? "sgd,adam,adamw" : "sgd,adam,adamw,dfa,randomnn");
    if (tf) {
      for (Rule r : rules) {
        if (r.dfa || r.randomTargets) {
          throw new UsageException("--rules: the transformer trains with sgd, adam or adamw, not "
              + r.id());
        }
      }
    }
    List<Loss> losses = list(a, "loss", Loss.class, paper ? "mse,mse_mean" : "mse");
    if (losses.contains(Loss.SOFTMAX_CE)) {
      throw new UsageException("--loss: the SRE is a regression, use mse or mse_mean");
    }
    List<Conventions> conventions = list(a, "conventions", Conventions.class,
        paper ? "hebb4j,torch" : "hebb4j");
    boolean table1 = paper || losses.size() * conventions.size() > 1;
    Loss loss = losses.get(0);
    if (tf && a.has("depth")) {
      throw new UsageException("--depth applies to --model mlp");
    }
    int depth = a.integer("depth", 2, 2, Sre.MAX_DEPTH);
    Conventions teacherInit = a.named("teacher-init", Conventions.class, Conventions.HEBB4J);
    DfaVariant dfaVariant = a.named("dfa-variant", DfaVariant.class, DfaVariant.OUTPUT_GRADIENT);
    RandomNnVariant rnnVariant = a.named("randomnn-variant", RandomNnVariant.class,
        RandomNnVariant.TARGETS);
    if (tf && (a.has("dfa-variant") || a.has("randomnn-variant"))) {
      throw new UsageException("--" + (a.has("dfa-variant") ? "dfa-variant" : "randomnn-variant")
          + " applies to --model mlp");
    }
    double[] gammas = Experiments.grid(a, "gammas", new double[] {0, 5e-5, 5e-4, 5e-3}, false,
        1e3);
    Activation act = activation(a, "tanh");
    int seeds = a.integer("seeds", paper ? PAPER_SEEDS : tf ? TRANSFORMER_SEEDS : DEFAULT_SEEDS,
        1, 10000);
    long seed = Experiments.seed(a);
    int steps = a.integer("steps", paper ? PAPER_STEPS : tf ? TRANSFORMER_STEPS : DEFAULT_STEPS,
        1, 100_000_000);
    double lr = Experiments.positive(a, "lr", 0.1, 1e6);
    double adamLr = Experiments.positive(a, "adam-lr", 1e-3, 1e6);
    int hidden = a.integer("hidden", 128, 1, 1 << 16);
    int nTrain = a.integer("train", 20000, 1, 10_000_000);
    int nVal = a.integer("val", 2000, 1, 10_000_000);
    int batch = a.integer("batch", 256, 1, 10_000_000);
    double window = Experiments.positive(a, "window", 0.2, 1);
    int every = a.integer("every", Math.max(1, steps / 100), 0, Integer.MAX_VALUE);
    Noise noise = noise(a);
    if (tf && noise != Noise.NONE) {
      throw new UsageException("--noise: the transformer trains without noise");
    }
    double sigma = a.number("sigma", 0, 0, 1e6);
    if (noise == Noise.NONE && sigma > 0) {
      throw new UsageException("--sigma needs --noise param or --noise signal");
    }
    if (noise != Noise.NONE && sigma == 0) {
      throw new UsageException("--noise " + noise.id() + " needs --sigma > 0 (sigma 0 injects no"
          + " noise)");
    }
    boolean neurons = a.flag("neurons");
    if (tf && (neurons || a.has("every"))) {
      throw new UsageException("--" + (neurons ? "neurons" : "every") + ": the transformer"
          + " records no time series");
    }
    if (neurons && every == 0) {
      throw new UsageException("--neurons writes the cosines of the time series, and --every 0"
          + " records none");
    }
    int threads = Experiments.threads(a);
    Sre.Builder ob = Sre.Options.builder().act(act).rules(rules).gammas(gammas).seeds(seeds)
        .seed(seed).noise(noise, sigma).lr(lr, adamLr).batch(batch).steps(steps).window(window)
        .every(tf ? 0 : every).neurons(neurons).widths(32, hidden, 32).sizes(nTrain, nVal)
        .loss(loss).conventions(conventions.get(0)).depth(depth)
        .variants(dfaVariant, rnnVariant).teacherInit(teacherInit);
    if (tf) {
      ob.transformer(transformer(a, act));
    }
    Sre.Options o = ob.build();
    List<String> warnings = Experiments.check(o.problems(threads), name(), err);
    String student = tf ? studentName(o.transformer())
        : String.format(Locale.ROOT, "student %s %s", widths(o), act.id());
    String config = String.format(Locale.ROOT,
        "emergence (SRE): %s, teacher 32-%d-32 tanh (%s init), %d train / %d val,%n"
        + "  batch %d, %d steps, loss %s, conventions %s, lr %s (adam, adamw: %s), window last"
        + " %s,%n  noise %s sigma %s, seeds %d from %d%s%n",
        student, hidden, teacherInit.id(), nTrain, nVal, batch, steps, ids(losses),
        ids(conventions),
        Experiments.num(lr), Experiments.num(adamLr), Experiments.num(window), noise.id(),
        Experiments.num(sigma), seeds, seed,
        tf ? "" : ",\n  dfa variant " + dfaVariant.id() + ", randomnn variant " + rnnVariant.id());
    return new Plan(ob, o, conventions, losses, table1, a.flag("save"), config, warnings);
  }

  /**
   * The emergence sweep (spec/emergence.md#cell-order): cells setting x seed x rule x gamma, each
   * one training run; the outputs are formatted from the cells' records alone.
   */
  final class Plan extends Sweeps.Plan<Cell> {
    private final Sre.Builder builder;
    private final Sre.Options o;
    private final List<Conventions> conventions;
    private final List<Loss> losses;
    private final boolean table1;
    private final boolean save;
    private final List<String> warnings;
    private List<Sre.Options> settings;

    Plan(Sre.Builder builder, Sre.Options o, List<Conventions> conventions, List<Loss> losses,
        boolean table1, boolean save, String config, List<String> warnings) {
      // the digest of the settings without the save folder (a folder is no part of the results)
      super(config, org.hebb4j.experiment.sweep.Manifest.digest(name(),
          settings(o, table1, conventions, losses), table1, save));
      this.builder = builder;
      this.o = o;
      this.conventions = conventions;
      this.losses = losses;
      this.table1 = table1;
      this.save = save;
      this.warnings = warnings;
      this.settings = settings(o, table1, conventions, losses);
    }

    private static List<Sre.Options> settings(Sre.Options base, boolean table1,
        List<Conventions> conventions, List<Loss> losses) {
      return table1 ? Sre.settings(base, conventions, losses) : List.of(base);
    }

    @Override
    int cells() {
      return Sre.cellCount(settings);
    }

    @Override
    long stepsPerCell() {
      return o.steps();
    }

    @Override
    void open(Args a, Path dir) {
      settings = settings(builder.save(Experiments.saveDir(a, dir)).build(), table1, conventions,
          losses);
    }


    @Override
    void run(int[] todo, Workers w, java.util.concurrent.atomic.AtomicLong progress,
        Sweeps.Sink<Cell> sink) {
      Sre.runCells(KernelProvider.get(), settings, todo, w, progress, sink::accept);
    }

    @Override
    void write(java.io.DataOutputStream out, int c, Cell cell) throws IOException {
      CellCodec.write(out, Sre.key(settings, c), cell);
    }

    @Override
    Cell read(CellRecord.In in, int c) throws org.hebb4j.io.FormatException {
      return CellCodec.read(in, Sre.key(settings, c), o.seed(), o.layerNames().size());
    }

    @Override
    int format(Path dir, List<Cell> cells, PrintStream out, PrintStream err)
        throws IOException {
      List<Sre.Setting> sts = Sre.assemble(settings, cells);
      String cfg = config + Experiments.warningLines(warnings);
      Experiments.write(dir.resolve("config.txt"), cfg);
      if (!table1) {
        writeSetting(dir, cfg + "\n", sts.get(0), out);
        return 0;
      }
      String t1 = table1(o, sts);
      out.println();
      out.print(t1);
      Experiments.write(dir.resolve("table1.txt"), cfg + "\n" + t1);
      table1Csv(o, sts).write(dir.resolve("table1.csv"));
      for (Sre.Setting st : sts) {
        Path sub = dir.resolve(st.conventions().id() + "-" + st.loss().id());
        java.nio.file.Files.createDirectories(sub);
        writeSetting(sub, cfg + "conventions " + st.conventions().id() + ", loss "
            + st.loss().id() + "\n\n", st, null);
      }
      return 0;
    }

    /** table.txt (head, then the tables), the CSV files and the plots of one setting. */
    private void writeSetting(Path dir, String head, Sre.Setting st, PrintStream print)
        throws IOException {
      String tab = o.model() == Sre.Model.TRANSFORMER
          ? transformerTable(st.options(), st.summary()) : table(st.options(), st.summary());
      if (print != null) {
        print.println();
        print.print(tab);
      }
      Experiments.write(dir.resolve("table.txt"), head + tab);
      writeCsv(dir, st.options(), st.summary());
      writePlots(dir, st.options(), st.summary());
    }
  }

  /** The constants named by a comma list option (default {@code dflt}), each once. */
  static <E extends Enum<E> & Named> List<E> list(Args a, String name, Class<E> type,
      String dflt) {
    List<E> out = new ArrayList<>();
    for (String s : a.string(name, dflt).split(",", -1)) {
      E e;
      try {
        e = Named.parse(type, "value", s.trim());
      } catch (IllegalArgumentException ex) {
        throw new UsageException("--" + name + ": " + ex.getMessage());
      }
      if (out.contains(e)) {
        throw new UsageException("--" + name + ": " + s.trim() + " given twice");
      }
      out.add(e);
    }
    return List.copyOf(out);
  }

  /** "hebb4j,torch": the ids of a list. */
  static String ids(List<? extends Named> l) {
    StringBuilder sb = new StringBuilder();
    for (Named n : l) {
      sb.append(sb.length() == 0 ? "" : ",").append(n.id());
    }
    return sb.toString();
  }

  /** "32-128-128-32": the MLP student's widths. */
  static String widths(Sre.Options o) {
    StringBuilder sb = new StringBuilder();
    for (int w : o.student().sizes()) {
      sb.append(sb.length() == 0 ? "" : "-").append(w);
    }
    return sb.toString();
  }

  /** "mean ± std over N seeds", or "one seed" (no spread to show) for a table's title. */
  private static String overSeeds(int seeds) {
    return seeds == 1 ? "one seed" : "mean ± std over " + seeds + " seeds";
  }

  /**
   * Table 1 of every (conventions, loss) setting: rows rule x layer x protocol, columns gamma
   * (mean ± std over seeds), the paper's row under each rule it reports (its layer 2; for the
   * transformer its probed map is not given). See spec/emergence.md#table1.
   */
  static String table1(Sre.Options o, List<Sre.Setting> settings) {
    StringBuilder sb = new StringBuilder();
    List<String> names = o.layerNames();
    for (Sre.Setting st : settings) {
      sb.append(String.format(Locale.ROOT, "Table 1, %s, conventions %s, loss %s: cos(g, H)"
          + " (%s); paper: its Table 1 (layer 2, 10 seeds)%n",
          o.model().id(), st.conventions().id(), st.loss().id(), overSeeds(o.seeds())));
      List<String[]> rows = Experiments.rows();
      String[] head = new String[3 + o.gammas().length];
      head[0] = "rule";
      head[1] = o.model() == Sre.Model.MLP ? "layer" : "map";
      head[2] = "protocol";
      for (int g = 0; g < o.gammas().length; g++) {
        head[3 + g] = "gamma=" + Experiments.label(o.gammas()[g]);
      }
      rows.add(head);
      for (Rule r : o.rules()) {
        if (PaperTable1.row(o.model(), r) != null) {
          String[] row = new String[head.length];
          row[0] = r.id();
          row[1] = "paper";
          row[2] = "";
          for (int g = 0; g < o.gammas().length; g++) {
            row[3 + g] = PaperTable1.cell(o.model(), r, o.gammas()[g]);
          }
          rows.add(row);
        }
        for (int l = names.size() - 1; l >= 0; l--) {
          for (Protocol p : Protocol.values()) {
            String[] row = new String[head.length];
            row[0] = r.id();
            row[1] = names.get(l);
            row[2] = p.id();
            for (int g = 0; g < o.gammas().length; g++) {
              row[3 + g] = pm(st.summary().group(r, o.gammas()[g]).layer(l).alignment(p));
            }
            rows.add(row);
          }
        }
      }
      sb.append(Experiments.table(rows)).append('\n');
    }
    return sb.toString();
  }

  /** table1.csv: one row per setting, rule, gamma, layer and protocol, with the paper's value. */
  static Experiments.Csv table1Csv(Sre.Options o, List<Sre.Setting> settings) {
    Experiments.Csv csv = new Experiments.Csv("model,conventions,loss,rule,gamma,layer,protocol,"
        + "seeds,mean,std,paper_layer2");
    List<String> names = o.layerNames();
    for (Sre.Setting st : settings) {
      for (Summary.Group gr : st.summary().groups()) {
        String paperCell = PaperTable1.cell(o.model(), gr.rule(), gr.gamma());
        for (int l = 0; l < names.size(); l++) {
          for (Protocol p : Protocol.values()) {
            Stat ms = gr.layer(l).alignment(p);
            csv.row(o.model().id(), st.conventions().id(), st.loss().id(), gr.rule().id(),
                gr.gamma(), names.get(l), p.id(), gr.seeds(), ms.mean(), ms.std(),
                paperCell.equals("collapse") ? "collapse" : paperCell);
          }
        }
      }
    }
    return csv;
  }

  /** The options of the transformer's architecture (a usage error with --model mlp). */
  static final List<String> TRANSFORMER_OPTIONS = List.of("tokens", "heads", "blocks", "norm",
      "ffn");

  /** The transformer of --tokens, --heads, --blocks, --norm, --ffn with activation act. */
  static TransformerConfig transformer(Args a, Activation act) {
    int tokens = a.integer("tokens", 4, 1, TransformerConfig.D);
    int heads = a.integer("heads", 4, 1, TransformerConfig.D);
    int blocks = a.integer("blocks", 2, 1, 64);
    TransformerConfig.Norm norm = a.named("norm", TransformerConfig.Norm.class,
        TransformerConfig.Norm.PRE);
    int ffn = a.integer("ffn", 128, 1, 1 << 16);
    try {
      return TransformerConfig.builder().tokens(tokens).heads(heads).blocks(blocks).act(act)
          .norm(norm).ffn(ffn).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static String studentName(TransformerConfig c) {
    return String.format(Locale.ROOT, "student transformer (%d tokens, %d heads, %d blocks,"
        + " norm %s, ffn 32-%d-32 %s)", c.tokens(), c.heads(), c.blocks(), c.norm().id(),
        c.ffn(), c.act().id());
  }

  static String pm(Stat s) {
    return String.format(Locale.ROOT, "%6.3f ± %.3f", s.mean(), s.std());
  }

  static String table(Sre.Options o, Summary sum) {
    StringBuilder sb = new StringBuilder();
    int depth = o.depth();
    for (int layer = depth - 1; layer >= 0; layer--) {
      final int l = layer;
      sb.append(String.format(Locale.ROOT,
          "Alignment cos(g, H), layer %d (%s)%s%n", l + 1, overSeeds(o.seeds()),
          l == 1 ? "; the paper's Table 1 reports layer 2" : ""));
      List<String[]> rows = Experiments.rows();
      String[] head = new String[2 + o.gammas().length];
      head[0] = "rule";
      head[1] = "protocol";
      for (int g = 0; g < o.gammas().length; g++) {
        head[2 + g] = "gamma=" + Experiments.label(o.gammas()[g]);
      }
      rows.add(head);
      for (Rule r : o.rules()) {
        for (Protocol p : Protocol.values()) {
          String[] row = new String[head.length];
          row[0] = p == Protocol.MINIBATCH ? r.id() : "";
          row[1] = p.id();
          for (int g = 0; g < o.gammas().length; g++) {
            row[2 + g] = pm(sum.group(r, o.gammas()[g]).layer(l).alignment(p));
          }
          rows.add(row);
        }
      }
      sb.append(Experiments.table(rows)).append('\n');
    }
    StringBuilder norms = new StringBuilder();
    for (int l = 1; l <= depth; l++) {
      norms.append(", ||W").append(l).append("||_F");
    }
    sb.append(String.format(Locale.ROOT,
        "Validation loss%s at the end (mean over %d seeds)%n", norms, o.seeds()));
    List<String[]> rows = Experiments.rows();
    String[] head = new String[1 + o.gammas().length];
    head[0] = "rule";
    for (int g = 0; g < o.gammas().length; g++) {
      head[1 + g] = "gamma=" + Experiments.label(o.gammas()[g]);
    }
    rows.add(head);
    for (Rule r : o.rules()) {
      String[] row = new String[head.length];
      row[0] = r.id();
      for (int g = 0; g < o.gammas().length; g++) {
        Summary.Group gr = sum.group(r, o.gammas()[g]);
        StringBuilder cell = new StringBuilder(String.format(Locale.ROOT, "%.4f ",
            gr.valLoss().mean()));
        for (int l = 0; l < depth; l++) {
          cell.append(String.format(Locale.ROOT, " %5.2f", gr.layer(l).weightNorm().mean()));
        }
        row[1 + g] = cell.toString();
      }
      rows.add(row);
    }
    sb.append(Experiments.table(rows));
    if (o.rules().contains(Rule.RANDOMNN)) {
      sb.append("(randomnn learns a random network's outputs, so its validation loss on the"
          + " task is large by design)\n");
    }
    return sb.toString();
  }

  /**
   * The transformer's tables: per protocol, cos(g, H) of every map (rows map x rule, columns
   * gamma), then the validation loss.
   */
  static String transformerTable(Sre.Options o, Summary sum) {
    StringBuilder sb = new StringBuilder();
    List<String> names = o.layerNames();
    String[] head = new String[2 + o.gammas().length];
    head[0] = "map";
    head[1] = "rule";
    for (int g = 0; g < o.gammas().length; g++) {
      head[2 + g] = "gamma=" + Experiments.label(o.gammas()[g]);
    }
    for (Protocol p : Protocol.values()) {
      sb.append(String.format(Locale.ROOT,
          "Alignment cos(g, H), protocol %s, every linear map (%s)%n",
          p.id(), overSeeds(o.seeds())));
      List<String[]> rows = Experiments.rows();
      rows.add(head);
      for (int l = 0; l < names.size(); l++) {
        for (Rule r : o.rules()) {
          String[] row = new String[head.length];
          row[0] = r == o.rules().get(0) ? names.get(l) : "";
          row[1] = r.id();
          for (int g = 0; g < o.gammas().length; g++) {
            row[2 + g] = pm(sum.group(r, o.gammas()[g]).layer(l).alignment(p));
          }
          rows.add(row);
        }
      }
      sb.append(Experiments.table(rows)).append('\n');
    }
    sb.append(String.format(Locale.ROOT,
        "Validation loss at the end (%s)%n", overSeeds(o.seeds())));
    List<String[]> rows = Experiments.rows();
    String[] vh = new String[1 + o.gammas().length];
    vh[0] = "rule";
    System.arraycopy(head, 2, vh, 1, o.gammas().length);
    rows.add(vh);
    for (Rule r : o.rules()) {
      String[] row = new String[vh.length];
      row[0] = r.id();
      for (int g = 0; g < o.gammas().length; g++) {
        Stat v = sum.group(r, o.gammas()[g]).valLoss();
        row[1 + g] = String.format(Locale.ROOT, "%.4f ± %.4f", v.mean(), v.std());
      }
      rows.add(row);
    }
    sb.append(Experiments.table(rows));
    return sb.toString();
  }

  static void writeCsv(Path dir, Sre.Options o, Summary sum) throws IOException {
    Experiments.Csv al = new Experiments.Csv(
        "model,activation,rule,gamma,sigma,layer,protocol,seeds,mean,std");
    List<String> names = o.layerNames();
    for (Summary.Group gr : sum.groups()) {
      for (int l = 0; l < names.size(); l++) {
        for (Protocol p : Protocol.values()) {
          Stat ms = gr.layer(l).alignment(p);
          al.row(o.model().id(), o.act().id(), gr.rule().id(), gr.gamma(), o.sigma(),
              names.get(l), p.id(), gr.seeds(), ms.mean(), ms.std());
        }
      }
    }
    al.write(dir.resolve("alignment.csv"));

    Experiments.Csv runs = new Experiments.Csv("rule,gamma,seed,layer,minibatch,fullbatch,timeavg,"
        + "persample,"
        + "train_loss,val_loss,weight_norm,neuron_positive_fraction,neuron_flip_rate,"
        + "neuron_hebbian_timeavg");
    Experiments.Csv ts = new Experiments.Csv("rule,gamma,seed,step,layer,cos,weight_norm,"
        + "val_loss");
    Experiments.Csv neu = o.neurons() ? new Experiments.Csv("rule,gamma,seed,step,layer,neuron,cos")
        : null;
    for (Cell c : sum.cells()) {
      TrainingRun.Result r = c.result();
      for (int l = 0; l < names.size(); l++) {
        TrainingRun.Layer rl = r.layer(l);
        Probe.NeuronStats n = rl.neurons();
        runs.row(c.rule().id(), c.gamma(), c.seed(), names.get(l), rl.minibatch(), rl.fullbatch(),
            rl.timeavg(), rl.persample(), r.trainLoss(), r.valLoss(), rl.weightNorm(),
            n.positiveFraction(),
            n.flipRate(), n.hebbianTimeavg());
      }
      Probe.Series s = r.series();
      for (int p = 0; p < s.steps().length; p++) {
        for (int l = 0; l < s.layers().size(); l++) {
          Probe.LayerSeries sl = s.layer(l);
          ts.row(c.rule().id(), c.gamma(), c.seed(), s.steps()[p], l + 1, sl.cos()[p],
              sl.weightNorm()[p], s.valLoss()[p]);
          if (neu != null) {
            float[] row = sl.neurons()[p];
            for (int j = 0; j < row.length; j++) {
              neu.row(c.rule().id(), c.gamma(), c.seed(), s.steps()[p], l + 1, j,
                  (double) row[j]);
            }
          }
        }
      }
    }
    runs.write(dir.resolve("runs.csv"));
    if (o.model() == Sre.Model.MLP) {
      ts.write(dir.resolve("timeseries.csv"));
    }
    if (neu != null) {
      neu.write(dir.resolve("neurons.csv"));
    }
  }

  static void writePlots(Path dir, Sre.Options o, Summary sum) throws IOException {
    if (o.model() == Sre.Model.TRANSFORMER) {
      Figures.alignmentVsGammaMaps(dir, "transformer, " + o.act().id() + " FFN", sum, o.rules(),
          o.gammas(), o.layerNames());
      return;
    }
    String what = String.format(Locale.ROOT, "%s MLP", o.act().id());
    Figures.alignmentVsGamma(dir, what, sum, o.rules(), o.gammas());
    Figures.alignmentOverTime(dir, what, sum, o.rules(), o.gammas());
    DynamicsOutput.write(dir, o, sum);
  }
}
