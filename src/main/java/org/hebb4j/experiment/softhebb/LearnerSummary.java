package org.hebb4j.experiment.softhebb;

import java.util.List;

/**
 * Everything one unsupervised-learner run computed, for {@link LearnerReport}.
 *
 * @param learner "softhebb" or "krotov"
 * @param settings the settings, one "name value" line each, for run.txt
 * @param rows the decoders, pixels first
 * @param log the training log, one row per epoch and layer
 * @param filters the first layer's trained filters, or null when they are not square
 * @param timings the phases in order, "total" last
 * @param warnings the settings' warnings, one line each
 */
public record LearnerSummary(String learner, List<String> settings, List<Row> rows,
    List<LogRow> log, Filters filters, List<Timing> timings, List<String> warnings) {

  /**
   * One decoder (one row of decoding.csv).
   *
   * @param model "pixels" (standardised pixels) or the learner's name
   * @param features feature dimension
   * @param trainAccuracy accuracy on the training set
   * @param testAccuracy accuracy on the test set
   */
  public record Row(String model, int features, double trainAccuracy, double testAccuracy) {}

  /**
   * One line of training-log.csv: a layer's state at the end of an epoch.
   *
   * @param epoch epoch, from 1
   * @param layer layer (block), from 1
   * @param normMean mean weight norm of the units (Euclidean for SoftHebb, the Lebesgue p-norm
   *     of (KH1) for Krotov-Hopfield; the rules drive it to 1)
   * @param normMin smallest norm
   * @param normMax largest norm
   * @param rate the step size: the mean per-neuron rate of the last step (SH6), or eps (KH4)
   * @param maxAbsUpdate max|dW| (SH6) or max|ds| (KH4) of the last step
   * @param winnerEntropy entropy (bits) of the winning units over the epoch; log2(units) when
   *     every unit wins equally often
   */
  public record LogRow(int epoch, int layer, double normMean, double normMin, double normMax,
      double rate, double maxAbsUpdate, double winnerEntropy) {}

  /**
   * Trained filters {@code [O, C, K, K]}.
   *
   * @param weights the values (a copy)
   * @param o filters
   * @param c channels
   * @param k side
   */
  public record Filters(float[] weights, int o, int c, int k) {}

  /**
   * The duration of one phase.
   *
   * @param phase what ran
   * @param seconds wall time
   */
  public record Timing(String phase, double seconds) {}
}
