package org.hebb4j.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.hebb4j.data.DataException;
import org.hebb4j.data.Dataset;
import org.hebb4j.data.Datasets;
import org.hebb4j.data.FashionMnist;
import org.hebb4j.emergence.Protocol;
import org.hebb4j.emergence.Rule;
import org.hebb4j.experiment.emergence.Cell;
import org.hebb4j.experiment.emergence.CellCodec;
import org.hebb4j.experiment.emergence.Classify;
import org.hebb4j.experiment.emergence.Figures;
import org.hebb4j.experiment.emergence.Stat;
import org.hebb4j.experiment.emergence.Summary;
import org.hebb4j.experiment.sweep.CellRecord;
import org.hebb4j.io.FormatException;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.nn.Conventions;
import org.hebb4j.parallel.Workers;

/**
 * {@code hebb4j classify}: the standard classification experiment (spec/emergence.md#sce), a
 * sweep of (seed, rule, gamma) cells (spec/emergence.md#sweeps).
 */
final class ClassifyCommand implements Sweeps.SweepCommand {

  static final int DEFAULT_EPOCHS = 10;
  static final int PAPER_EPOCHS = 50;

  @Override
  public String name() {
    return "classify";
  }

  @Override
  public String summary() {
    return "alignment in a 2-layer MLP classifier on Fashion-MNIST or CIFAR-10 (SCE)";
  }

  @Override
  public String description() {
    return "A 2-layer width-128 tanh MLP with softmax cross-entropy (lr 0.01, batch 256) on\n"
        + "Fashion-MNIST (the Debian package's folder by default) or CIFAR-10 binary batches\n"
        + "(--data DIR), for each weight decay gamma. Reports test accuracy and cos(g, H) per\n"
        + "layer under the three protocols. Writes classify.csv, table.txt and SVG plots\n"
        + "(accuracy-vs-gamma.svg, alignment-vs-gamma-layerL-PROTOCOL.svg) to --out; with\n"
        + "--save also each trained network as models/RULE-gammaG-seedS.safetensors, e.g.\n"
        + "models/sgd-gamma0.0005-seed1.safetensors (its metadata adds input_mean and\n"
        + "input_std: the network expects (x - input_mean) / input_std, x in [0, 1]).\n"
        + "A sweep (spec/emergence.md#sweeps): one cell per seed x rule x gamma, each finished\n"
        + "cell's record in cells/; --shard i/n runs a share for hebb4j merge (which reads the\n"
        + "same --data), --resume DIR reruns only the unfinished cells; times in timings.txt.";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.of("data", "DIR", "Fashion-MNIST IDX files or CIFAR-10 binary batches",
            FashionMnist.DEFAULT_DIR.toString()),
        Option.of("rules", "LIST", "learning rules: sgd, adam, adamw, dfa, randomnn", "sgd"),
        Option.of("gammas", "LIST", "weight decays (comma list, or LO:HI:N log-spaced)",
            "0,5e-5,5e-4,5e-3"),
        Option.of("act", "NAME", "hidden activation: linear, relu, tanh, sigmoid", "tanh"),
        Option.of("epochs", "N", "training epochs", DEFAULT_EPOCHS + " (--paper: "
            + PAPER_EPOCHS + ")"),
        Option.of("lr", "X", "learning rate of sgd, dfa, randomnn", "0.01"),
        Option.of("adam-lr", "X", "learning rate of adam and adamw", "0.001"),
        Option.of("batch", "N", "batch size", "256"),
        Option.of("hidden", "N", "hidden width", "128"),
        Option.of("window", "F", "measurement window: the last fraction F of the steps", "0.2"),
        Experiments.conventionsOption(),
        Option.of("seeds", "N", "seeds per (rule, gamma)", "1"),
        Option.of("limit", "N", "use only the first N training images", "all"),
        Option.flag("paper", "the paper's length: " + PAPER_EPOCHS + " epochs"),
        Experiments.seedOption("1"),
        Experiments.threadsOption(),
        Experiments.saveOption("RULE-gammaG-seedS"),
        Experiments.outOption("classify"),
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
    Path data = a.path("data", FashionMnist.DEFAULT_DIR);
    List<Rule> rules = EmergenceCommand.rules(a, "sgd");
    double[] gammas = Experiments.grid(a, "gammas", new double[] {0, 5e-5, 5e-4, 5e-3}, false,
        1e3);
    Activation act = EmergenceCommand.activation(a, "tanh");
    int epochs = a.integer("epochs", a.flag("paper") ? PAPER_EPOCHS : DEFAULT_EPOCHS, 1,
        1_000_000);
    double lr = Experiments.positive(a, "lr", 0.01, 1e6);
    double adamLr = Experiments.positive(a, "adam-lr", 1e-3, 1e6);
    int batch = a.integer("batch", 256, 1, 1 << 20);
    int hidden = a.integer("hidden", 128, 1, 1 << 16);
    double window = Experiments.positive(a, "window", 0.2, 1);
    Conventions conventions = Experiments.conventions(a);
    int seeds = a.integer("seeds", 1, 1, 10000);
    int limit = a.integer("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    long seed = Experiments.seed(a);
    int threads = Experiments.threads(a);

    Dataset.Split split;
    try {
      split = Datasets.load(data);
    } catch (DataException e) {
      throw new UsageException(e.getMessage());
    }
    split = new Dataset.Split(split.train().first(limit), split.test());
    Classify.Builder ob = Classify.Options.builder().act(act).rules(rules).gammas(gammas)
        .seeds(seeds).seed(seed).lr(lr, adamLr).batch(batch).epochs(epochs).hidden(hidden)
        .window(window).conventions(conventions);
    List<String> warnings = Experiments.check(ob.build().problems(split.train().n(),
        split.test().n(), split.train().features(), split.train().classes(), threads), name(),
        err);
    Classify.Sets sets = Classify.standardise(split);
    Classify.Options o = ob.build();
    int steps = o.stepsPerEpoch(sets.train().n()) * epochs;
    String dataset = split.train().name().replace("-train", "");
    String config = String.format(Locale.ROOT,
        "classify (SCE): %s, %d train / %d test images of %d features, %d classes;%n"
        + "  MLP %d-%d-%d %s, conventions %s, softmax cross-entropy, batch %d, %d epochs"
        + " (%d steps), lr %s (adam, adamw: %s),%n  window last %s, seeds %d from %d%n",
        dataset, sets.train().n(), sets.test().n(),
        sets.train().d(), sets.train().o(), sets.train().d(), hidden, sets.train().o(), act.id(),
        conventions.id(), batch, epochs, steps, Experiments.num(lr), Experiments.num(adamLr),
        Experiments.num(window), seeds, seed);
    return new Plan(ob, o, sets, steps, dataset, a.flag("save"),
        Classify.fingerprint(split), data, config, warnings);
  }

  /**
   * The classify sweep (spec/emergence.md#cell-order): cells seed x rule x gamma, each one
   * training run; the outputs are formatted from the cells' records alone.
   */
  final class Plan extends Sweeps.Plan<Cell> {
    private final Classify.Builder builder;
    private Classify.Options o;
    private final Classify.Sets sets;
    private final int steps;
    private final String dataset;
    private final List<String> warnings;
    private final Path data;

    Plan(Classify.Builder builder, Classify.Options o, Classify.Sets sets, int steps,
        String dataset, boolean save, String fingerprint, Path data, String config,
        List<String> warnings) {
      // the digest of the options without the save folder, and of the data's contents
      super(config, org.hebb4j.experiment.sweep.Manifest.digest(name(), o, save, fingerprint));
      this.builder = builder;
      this.o = o;
      this.sets = sets;
      this.steps = steps;
      this.dataset = dataset;
      this.warnings = warnings;
      this.data = data;
    }

    @Override
    String inputsNote() {
      return "; or the files in " + data + " changed";
    }

    @Override
    int cells() {
      return o.runs();
    }

    @Override
    long stepsPerCell() {
      return steps;
    }

    @Override
    void open(Args a, Path dir) {
      o = builder.save(Experiments.saveDir(a, dir)).build();
    }


    @Override
    void run(int[] todo, Workers w, AtomicLong progress, Sweeps.Sink<Cell> sink) {
      Classify.runCells(KernelProvider.get(), sets, o, todo, w, progress, sink::accept);
    }

    @Override
    void write(DataOutputStream out, int c, Cell cell) throws IOException {
      CellCodec.write(out, Classify.key(o, c), cell);
    }

    @Override
    Cell read(CellRecord.In in, int c) throws FormatException {
      return CellCodec.read(in, Classify.key(o, c), o.seed(), 2);
    }

    @Override
    int format(Path dir, List<Cell> cells, PrintStream out, PrintStream err)
        throws IOException {
      ClassifyCommand.format(dir, o, dataset, Classify.assemble(o, cells),
          config + Experiments.warningLines(warnings), out);
      return 0;
    }
  }

  /** Every output of the experiment, from its summary (spec/emergence.md#one-format). */
  static void format(Path dir, Classify.Options o, String dataset, Summary sum, String config,
      PrintStream out) throws IOException {
    List<String[]> rows = Experiments.rows();
    rows.add(new String[] {"rule", "gamma", "test acc", "test loss", "protocol", "layer 1",
        "layer 2"});
    Experiments.Csv csv = new Experiments.Csv("dataset,activation,rule,gamma,seeds,test_accuracy,"
        + "test_accuracy_std,test_loss,layer,protocol,alignment,alignment_std");
    Activation act = o.act();
    for (Summary.Group gr : sum.groups()) {
      Stat acc = gr.valAccuracy(), loss = gr.valLoss();
      boolean first = true;
      for (Protocol p : Protocol.values()) {
        Stat[] al = new Stat[2];
        for (int l = 0; l < 2; l++) {
          al[l] = gr.layer(l).alignment(p);
          csv.row(dataset, act.id(), gr.rule().id(), gr.gamma(), gr.seeds(), acc.mean(),
              acc.std(), loss.mean(), l + 1, p.id(), al[l].mean(), al[l].std());
        }
        rows.add(new String[] {first ? gr.rule().id() : "",
            first ? Experiments.label(gr.gamma()) : "",
            first ? String.format(Locale.ROOT, "%.2f%%", 100 * acc.mean()) : "",
            first ? String.format(Locale.ROOT, "%.4f", loss.mean()) : "", p.id(),
            String.format(Locale.ROOT, "%6.3f", al[0].mean()),
            String.format(Locale.ROOT, "%6.3f", al[1].mean())});
        first = false;
      }
    }
    String table = "\nTest accuracy and alignment cos(g, H) per layer"
        + (o.seeds() > 1 ? " (mean over " + o.seeds() + " seeds)" : "") + "\n"
        + Experiments.table(rows);
    out.print(table);
    csv.write(dir.resolve("classify.csv"));
    String what = dataset + ", " + act.id() + " MLP";
    Figures.accuracyVsGamma(dir, what, sum, o.rules(), o.gammas());
    Figures.alignmentVsGamma(dir, what, sum, o.rules(), o.gammas());
    Experiments.write(dir.resolve("config.txt"), config);
    Experiments.write(dir.resolve("table.txt"), config + table);
  }
}
