package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.hebb4j.data.Dataset;
import org.hebb4j.data.Datasets;
import org.hebb4j.data.FashionMnist;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.Problem;
import org.hebb4j.experiment.softhebb.Decoders;
import org.hebb4j.experiment.softhebb.LearnerReport;
import org.hebb4j.experiment.softhebb.LearnerSummary;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;

/**
 * What {@code hebb4j softhebb} and {@code hebb4j krotov} share: the common options, loading the
 * data, the output folder, running the experiment and writing its {@link LearnerReport}.
 */
final class LearnerCommands {

  private LearnerCommands() {}

  /** The common options, the learner's own ones after them. */
  static List<Option> options(String name, List<Option> own) {
    List<Option> all = new java.util.ArrayList<>(List.of(
        Option.of("epochs", "N", "unsupervised epochs", "1"),
        Option.of("train-limit", "N", "use only the first N training images", "all"),
        Option.of("test-limit", "N", "use only the first N test images", "all"),
        Option.of("seed", "S", "random seed (weights, shuffles)", "1"),
        Experiments.threadsOption(),
        Option.of("data", "DIR", "data folder (IDX or CIFAR-10 binary)",
            FashionMnist.DEFAULT_DIR.toString()),
        Option.of("readout", "R", "readouts on the frozen features: ridge, linear"
            + (name.equals("krotov") ? ", krotov" : "") + " or a list (ridge,linear)", "ridge"),
        Option.of("readout-epochs", "N", "epochs of the trained readouts (the linear one halves"
            + " its rate at fixed fractions of them)", "50"),
        Experiments.outOption(name),
        Experiments.forceOption()));
    all.addAll(own);
    all.add(Experiments.checkpointEveryOption());
    all.add(Experiments.resumeOption());
    return all;
  }

  /** The parsed common options. */
  record Common(int epochs, int trainLimit, int testLimit, long seed, int threads,
      Decoders decoders) {}

  /**
   * Parses the common options; {@code --readout krotov} only where {@code krotovReadout} (the
   * paper's classifier belongs to {@code hebb4j krotov}, spec/krotov.md#classifier).
   */
  static Common common(Args a, int minEpochs, boolean krotovReadout) {
    if (!a.positional().isEmpty()) {
      throw new UsageException("takes no positional arguments, got '" + a.positional().get(0)
          + "'");
    }
    int readoutEpochs = a.integer("readout-epochs", 50, 1, 100_000);
    Decoders decoders;
    try {
      decoders = Decoders.parse(a.string("readout", "ridge"), readoutEpochs);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--readout: " + e.getMessage());
    }
    if (!krotovReadout && decoders.uses(Decoders.Readout.KROTOV)) {
      throw new UsageException("--readout: krotov (the Krotov-Hopfield classifier) is offered by"
          + " hebb4j krotov only; use ridge or linear");
    }
    return new Common(a.integer("epochs", 1, minEpochs, 100_000),
        a.integer("train-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE),
        a.integer("test-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE),
        Experiments.seed(a), Experiments.threads(a), decoders);
  }

  /**
   * A learner's whole command: with {@code --resume} takes the options its checkpoint recorded,
   * parses the common options (at least {@code minEpochs} epochs) and the learner's own
   * ({@code settings}), loads the data, checks the settings against it, runs the experiment
   * (checkpointed, spec/io.md#checkpoints), writes and prints its report.
   */
  static <S> int run(Args a, List<Option> options, int minEpochs, boolean krotovReadout,
      String name, PrintStream out, PrintStream err, Function<Common, S> settings,
      Experiment<S> experiment) throws IOException {
    Checkpoint from = Experiments.resume(a, name, options);
    Common c = common(a, minEpochs, krotovReadout);
    S st = settings.apply(c);
    Path data = a.path("data", FashionMnist.DEFAULT_DIR);
    Dataset.Split split = Datasets.load(data); // DataException: one line, exit 2
    Dataset train = split.train().first(c.trainLimit());
    Dataset test = split.test().first(c.testLimit());
    try {
      Experiments.check(experiment.problems(st, train, test), name, err);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Path outDir = Experiments.outDir(a, name, from);
    Checkpoints cp = Experiments.checkpoints(a, name, outDir, from, train, test);
    PrintStream progress = System.console() != null ? err : null;
    Kernels k = KernelProvider.get();
    long t0 = System.nanoTime();
    try (Workers workers = new Workers(c.threads())) {
      LearnerSummary s;
      try {
        s = experiment.run(st, train, test, k, workers, progress, cp);
      } catch (IllegalArgumentException e) { // a setting the data cannot take: one line
        throw new UsageException(e.getMessage());
      }
      LearnerReport.write(s, outDir);
      Experiments.finished(cp);
      out.print(LearnerReport.table(s));
      out.printf(Locale.ROOT, "%nrun time %.1f s (%s kernels, %d threads); results in %s%n",
          (System.nanoTime() - t0) / 1e9, k.name(), workers.threads(), outDir);
    }
    return 0;
  }

  /**
   * One learner's experiment on its settings {@code S}.
   *
   * @param <S> the learner's settings
   */
  interface Experiment<S> {
    /** Errors and warnings found before any work. */
    List<Problem> problems(S st, Dataset train, Dataset test);

    /** Trains (writing checkpoints through {@code checkpoints}), freezes and decodes. */
    LearnerSummary run(S st, Dataset train, Dataset test, Kernels k, Workers workers,
        PrintStream progress, Checkpoints checkpoints);
  }
}
