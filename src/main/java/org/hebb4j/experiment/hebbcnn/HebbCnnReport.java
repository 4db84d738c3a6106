package org.hebb4j.experiment.hebbcnn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment.Filters;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment.LogRow;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment.Row;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment.Settings;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment.Summary;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment.Timing;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.io.AtomicWrite;

/**
 * The outputs of a Hebbian-CNN run (spec/hebbcnn.md#outputs), formatted from its
 * {@link Summary}: decoding.csv, training-log.csv, the filter PNGs, the labelled filter SVGs
 * (with, for layers 2+, the input-space view {@code filters-V-layerL-input.svg}), run.txt,
 * timings.txt (the wall times, apart: spec/io.md#checkpoints) and the printed table.
 */
public final class HebbCnnReport {

  private HebbCnnReport() {}

  /**
   * Writes every output file into {@code dir} (created if needed).
   *
   * @param s the run's summary
   * @param st its settings
   * @param train the training set used
   * @param test the test set used
   * @param kernels the kernels' name
   * @param threads worker threads
   * @param dir the output folder
   * @throws IOException when a file cannot be written
   */
  public static void write(Summary s, Settings st, Dataset train, Dataset test, String kernels,
      int threads, Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicWrite.writeString(dir.resolve("decoding.csv"), decodingCsv(s));
    AtomicWrite.writeString(dir.resolve("training-log.csv"), trainingLogCsv(s));
    for (Filters f : s.filters()) {
      String name = "filters-" + f.variant().id().replace('+', '-') + "-layer" + f.layer();
      Path png = dir.resolve(name + ".png");
      FilterFigure.weights(f).write(dir.resolve(name + ".svg"));
      if (f.input() != null) {
        FilterFigure.input(f).write(dir.resolve(name + "-input.svg"));
      }
      int[] shape = f.weights().shape();
      if (f.layer() == 1) {
        FilterGrid.writeFirstLayer(png, f.weights().data(), shape[0], shape[1], shape[2]);
      } else {
        FilterGrid.writeDeepLayer(png, f.weights().data(), shape[0], shape[1], shape[2]);
      }
    }
    AtomicWrite.writeString(dir.resolve("run.txt"), runText(s, st, train, test, kernels, threads));
    AtomicWrite.writeString(dir.resolve("timings.txt"), timingsText(s));
  }

  /**
   * @param s the run's summary
   * @return decoding.csv: {@code variant,layer,features,train_accuracy,test_accuracy}
   */
  public static String decodingCsv(Summary s) {
    StringBuilder sb = new StringBuilder("variant,layer,features,train_accuracy,test_accuracy\n");
    for (Row r : s.rows()) {
      sb.append(String.format(Locale.ROOT, "%s,%s,%d,%.4f,%.4f%n", r.model(), r.layer(),
          r.features(), r.trainAccuracy(), r.testAccuracy()));
    }
    return sb.toString();
  }

  /**
   * @param s the run's summary
   * @return training-log.csv, one line per variant, epoch and layer
   */
  public static String trainingLogCsv(Summary s) {
    StringBuilder sb = new StringBuilder("variant,epoch,layer,channels,theta_mean,theta_min,"
        + "theta_max,target_rate,win_rate_min,win_rate_max,dead_channels,weight_norm_mean,"
        + "weight_change\n");
    for (LogRow r : s.log()) {
      HebbCnn.LayerStats t = r.stats();
      sb.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%.6g,"
          + "%.6g%n", r.variant().id(), r.epoch(), r.layer(), t.channels(), t.thetaMean(),
          t.thetaMin(), t.thetaMax(), t.targetRate(), t.winRateMin(), t.winRateMax(),
          t.deadChannels(), t.weightNormMean(), t.weightChange()));
    }
    return sb.toString();
  }

  /**
   * @param s the run's summary
   * @return the decoding table as printed on stdout
   */
  public static String table(Summary s) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-18s %-6s %8s %10s %10s%n", "variant", "layer",
        "features", "train_acc", "test_acc"));
    for (Row r : s.rows()) {
      sb.append(String.format(Locale.ROOT, "%-18s %-6s %8d %10.4f %10.4f%n", r.model(),
          r.layer(), r.features(), r.trainAccuracy(), r.testAccuracy()));
    }
    boolean anyFinal = false, anyLayer = false;
    for (Row r : s.rows()) {
      anyFinal |= r.layer().equals("final");
      anyLayer |= !r.layer().equals("0");
    }
    if (anyLayer && !anyFinal) {
      sb.append("(no 'final' row: the last layer's map is at most 2 x 2, so its flattened output"
          + " is the last layer's row)\n");
    }
    return sb.toString();
  }

  private static String runText(Summary s, Settings st, Dataset train, Dataset test,
      String kernels, int threads) {
    StringBuilder sb = new StringBuilder();
    sb.append("hebb4j hebbcnn run (spec/hebbcnn.md)\n");
    for (String w : s.warnings()) {
      sb.append("WARNING: ").append(w).append('\n');
    }
    sb.append("data: ").append(train.name()).append(" ").append(train.n()).append(" train, ")
        .append(test.name()).append(" ").append(test.n()).append(" test, ").append(train.c())
        .append("x").append(train.h()).append("x").append(train.w()).append("\n");
    sb.append("kernels: ").append(kernels).append("; threads: ").append(threads).append("\n");
    sb.append(String.format(Locale.ROOT, "variants: %s%nepochs: %d, seed: %d, batch: %d, "
        + "burn-in: %d batches, rule: %s, theta rate: %g%n",
        st.variants().stream().map(v -> v.id()).toList(), st.epochs(), st.seed(), st.batch(),
        st.burnIn(), st.rule().id(), st.thetaRate()));
    sb.append("channels: ").append(Arrays.toString(st.channels())).append(", kernels: ")
        .append(Arrays.toString(st.kernels())).append(", lr: ").append(Arrays.toString(st.lr()))
        .append(", k: ").append(Arrays.toString(st.k())).append(", pruning keep: ")
        .append(Arrays.toString(st.keep())).append(st.keep().length == 1 ? " (layers 2+)" : "")
        .append(", input padding: ").append(s.pad()).append(st.pad() < 0 ? " (auto)" : "")
        .append("\n");
    sb.append("ZCA eps: ").append(st.zcaEps()).append(", ridge alpha: ").append(st.alpha())
        .append("\n\n").append(table(s)).append("\ntimings: timings.txt\n");
    return sb.toString();
  }

  /**
   * The wall time of each phase, the one output that differs between two runs of the same
   * settings (a resumed run times only its own process: spec/io.md#checkpoints).
   */
  private static String timingsText(Summary s) {
    StringBuilder sb = new StringBuilder("timings (wall time of this process):\n");
    for (Timing t : s.timings()) {
      sb.append(String.format(Locale.ROOT, "  %-60s %9.1f s%n", t.phase(), t.seconds()));
    }
    return sb.toString();
  }
}
