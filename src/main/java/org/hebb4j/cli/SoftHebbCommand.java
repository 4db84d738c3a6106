package org.hebb4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.Checkpoints;
import org.hebb4j.experiment.Problem;
import org.hebb4j.experiment.softhebb.LearnerSummary;
import org.hebb4j.experiment.softhebb.SoftHebbExperiment;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.hebbian.SoftHebbConfig;

/**
 * {@code hebb4j softhebb}: the SoftHebb experiment (spec/softhebb.md#network). Parses the
 * options, runs {@link SoftHebbExperiment} and writes its report.
 */
final class SoftHebbCommand implements Command {

  @Override
  public String name() {
    return "softhebb";
  }

  @Override
  public String summary() {
    return "SoftHebb (Journe et al. 2023): soft winner-take-all Hebbian CNN, ridge/linear readout";
  }

  @Override
  public String description() {
    return "Trains the SoftHebb network of the paper's demo.py (blocks of batch norm, reflect-\n"
        + "padded convolution, soft winner-take-all plasticity with anti-Hebbian losers,\n"
        + "triangle^p, pooling; 96/384/1536 channels, batch 10) without labels, freezes it and\n"
        + "decodes the last block's features with a ridge regression onto one-hot labels\n"
        + "and/or the paper's linear readout (--readout ridge,linear: dropout 0.5, softmax,\n"
        + "Adam, --readout-epochs), beside the standardised pixels (ridge). --channels picks\n"
        + "the widths and, by its length, how many of the three blocks are used. Writes\n"
        + "decoding.csv, training-log.csv (weight norms, rates, max|dW|, winner entropy per\n"
        + "epoch and block), filters-layer1.png, run.txt and timings.txt (the run time) into --out.\n"
        + "Data: Fashion-MNIST/MNIST IDX files or CIFAR-10 binary batches, pixels in [0, 1].\n"
        + "Results do not depend on --threads.\n"
        + "A diverging run ends with the step and block. See spec/softhebb.md.";
  }

  @Override
  public List<Option> options() {
    return LearnerCommands.options("softhebb", List.of(
        Option.of("channels", "LIST", "channels per block (1 to 3 blocks)", "96,384,1536"),
        Option.of("lr", "LIST", "base learning rate per block (SH6)", "0.08,0.005,0.01")));
  }

  /** The learner's own options after the common ones (UsageException with one line). */
  static SoftHebbExperiment.Settings settings(Args a, LearnerCommands.Common c) {
    int[] channels = a.integers("channels", new int[] {96, 384, 1536}, 2, 1 << 16);
    double[] paperLr = new double[channels.length];
    List<SoftHebbConfig.Block> paper = SoftHebbConfig.cifar10().blocks();
    for (int i = 0; i < Math.min(channels.length, paper.size()); i++) {
      paperLr[i] = paper.get(i).lr();
    }
    double[] lr = a.numbers("lr", paperLr, 0, Double.MAX_VALUE);
    return new SoftHebbExperiment.Settings(c.epochs(), c.trainLimit(), c.testLimit(), c.seed(),
        c.threads(), channels, lr, c.decoders());
  }

  @Override
  public int run(Args a, PrintStream out, PrintStream err) throws IOException {
    return LearnerCommands.run(a, options(), 0, false, name(), out, err, c -> settings(a, c),
        new LearnerCommands.Experiment<>() {
          @Override
          public List<Problem> problems(SoftHebbExperiment.Settings st, Dataset train,
              Dataset test) {
            return st.problems(train, test);
          }

          @Override
          public LearnerSummary run(SoftHebbExperiment.Settings st, Dataset train, Dataset test,
              Kernels k, Workers workers, PrintStream progress, Checkpoints cp) {
            return new SoftHebbExperiment(st, k, workers, progress, cp).run(train, test);
          }
        });
  }
}
