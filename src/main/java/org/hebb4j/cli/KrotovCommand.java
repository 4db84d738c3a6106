package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.Problem;
import org.hebb4j.experiment.softhebb.KrotovExperiment;
import org.hebb4j.experiment.softhebb.LearnerSummary;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;

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
    return "Krotov-Hopfield (2019): competing hidden units, ridge/linear/paper's classifier on"
        + " relu(I)^n";
  }

  @Override
  public String description() {
    return "Trains a dense layer of competing hidden units with the rule of Krotov and\n"
        + "Hopfield (currents in the Lebesgue p-norm geometry, the top unit Hebbian, the k-th\n"
        + "anti-Hebbian; the paper's MNIST settings: 2000 units, p 3, k 7, Delta 0.4, eps\n"
        + "0.02 decaying linearly over the epochs, batch 100) without labels, freezes it and\n"
        + "decodes relu(I)^n of its currents (of the images scaled to unit length) with a\n"
        + "ridge regression onto one-hot labels, a linear softmax readout and/or the paper's\n"
        + "classifier (tanh of the scores, loss sum |c - t|^6, Adam; --readout\n"
        + "ridge,linear,krotov), beside the standardised pixels (ridge). Writes decoding.csv,\n"
        + "training-log.csv (p-norms, eps, max|ds|, winner entropy per epoch),\n"
        + "filters-layer1.png, run.txt and timings.txt (the run time) into --out. Data:\n"
        + "Fashion-MNIST/MNIST IDX files or CIFAR-10 binary batches, pixels in [0, 1]. Results\n"
        + "do not depend on --threads. Checkpoints: --checkpoint-every, --resume\n"
        + "(spec/io.md#checkpoints). See spec/krotov.md.";
  }

  @Override
  public List<Option> options() {
    return LearnerCommands.options("krotov", List.of(
        Option.of("units", "N", "hidden units", "2000"),
        Option.of("power", "N", "exponent n of the readout's relu(I)^n", "4.5"),
        Option.of("eps", "E", "initial step size eps0, decaying linearly over the epochs",
            "0.02"),
        Option.of("readout-inputs", "X", "what relu(I)^n of the readouts sees: unit (the images"
            + " scaled to unit length, the author's advice) or raw (the pixels)", "unit")));
  }

  /** The learner's own options after the common ones (UsageException with one line). */
  static KrotovExperiment.Settings settings(Args a, LearnerCommands.Common c) {
    int units = a.integer("units", 2000, 7, 1 << 16);
    double power = Experiments.positive(a, "power", 4.5, 100);
    double eps = Experiments.positive(a, "eps", 0.02, Double.MAX_VALUE);
    boolean unit = a.choice("readout-inputs", "unit", "unit", "raw").equals("unit");
    return new KrotovExperiment.Settings(c.epochs(), c.trainLimit(), c.testLimit(), c.seed(),
        c.threads(), units, power, eps, unit, c.decoders());
  }

  @Override
  public int run(Args a, PrintStream out, PrintStream err) throws IOException {
    return LearnerCommands.run(a, options(), 1, true, name(), out, err, c -> settings(a, c),
        new LearnerCommands.Experiment<>() {
          @Override
          public List<Problem> problems(KrotovExperiment.Settings st, Dataset train,
              Dataset test) {
            return st.problems(train, test);
          }

          @Override
          public LearnerSummary run(KrotovExperiment.Settings st, Dataset train, Dataset test,
              Kernels k, Workers workers, PrintStream progress, Checkpoints cp) {
            return new KrotovExperiment(st, k, workers, progress, cp).run(train, test);
          }
        });
  }
}
