package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.hebb4j.experiment.softhebb.KrotovExperiment;

/**
 * {@code hebb4j krotov}: the Krotov-Hopfield experiment (spec/krotov.md). Parses the options,
 * runs {@link KrotovExperiment} and writes its report.
 */
final class KrotovCommand implements Command {

  @Override
  public String name() {
    return "krotov";
  }

  @Override
  public String summary() {
    return "Krotov-Hopfield (2019): competing hidden units, ridge/linear readout on relu(I)^n";
  }

  @Override
  public String description() {
    return "Trains a dense layer of competing hidden units with the rule of Krotov and\n"
        + "Hopfield (currents in the Lebesgue p-norm geometry, the top unit Hebbian, the k-th\n"
        + "anti-Hebbian; the paper's MNIST settings: 2000 units, p 3, k 7, Delta 0.4, eps\n"
        + "0.02 decaying linearly over the epochs, batch 100) without labels, freezes it and\n"
        + "decodes relu(I)^n of its currents with a ridge regression onto one-hot labels\n"
        + "and/or a linear softmax readout (--readout ridge,linear), beside the standardised\n"
        + "pixels (ridge). Writes decoding.csv, training-log.csv (p-norms,\n"
        + "eps, max|ds|, winner entropy per epoch), filters-layer1.png, run.txt and timings.txt\n"
        + "(the run time) into --out. Data: Fashion-MNIST/MNIST IDX files or CIFAR-10 binary\n"
        + "batches, pixels in [0, 1]. Results do not depend on --threads.\n"
        + "Checkpoints: --checkpoint-every, --resume (spec/io.md#checkpoints). See spec/krotov.md.";
  }

  @Override
  public List<Option> options() {
    return LearnerCommands.options("krotov", List.of(
        Option.of("units", "N", "hidden units", "2000"),
        Option.of("power", "N", "exponent n of the readout's relu(I)^n", "4.5"),
        Option.of("eps", "E", "initial step size eps0, decaying linearly over the epochs",
            "0.02")));
  }

  /** Parses and validates every option (UsageException with one line on error). */
  static KrotovExperiment.Settings settings(Args a) {
    LearnerCommands.Common c = LearnerCommands.common(a, 1);
    int units = a.integer("units", 2000, 7, 1 << 16);
    double power = Experiments.positive(a, "power", 4.5, 100);
    double eps = Experiments.positive(a, "eps", 0.02, Double.MAX_VALUE);
    return new KrotovExperiment.Settings(c.epochs(), c.trainLimit(), c.testLimit(), c.seed(),
        c.threads(), units, power, eps, c.decoders());
  }

  @Override
  public int run(Args a, PrintStream out, PrintStream err) throws IOException {
    org.hebb4j.io.Checkpoint from = Experiments.resume(a, name(), options());
    KrotovExperiment.Settings st = settings(a);
    return LearnerCommands.run(a, from, LearnerCommands.common(a, 1), name(), out, err,
        (train, test) -> st.problems(train, test),
        (train, test, k, workers, progress, cp) -> new KrotovExperiment(st, k, workers, progress,
            cp).run(train, test));
  }
}
