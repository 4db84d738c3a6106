package org.hebb4j.experiment.softhebb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.hebb4j.experiment.hebbcnn.FilterGrid;
import org.hebb4j.io.AtomicWrite;
import org.hebb4j.experiment.softhebb.LearnerSummary.Filters;
import org.hebb4j.experiment.softhebb.LearnerSummary.LogRow;
import org.hebb4j.experiment.softhebb.LearnerSummary.Row;
import org.hebb4j.experiment.softhebb.LearnerSummary.Timing;

/**
 * Writes a {@link LearnerSummary} (computed once by {@link SoftHebbExperiment} or
 * {@link KrotovExperiment}) as files: decoding.csv, training-log.csv, filters-layer1.png (the
 * first layer's filters, as hebbcnn draws them, when square) and run.txt (settings, table) and
 * timings.txt (the run time of each phase, apart: spec/io.md#checkpoints).
 */
public final class LearnerReport {

  private LearnerReport() {}

  /**
   * Writes every file into {@code dir} (created if missing).
   *
   * @param s the run's summary
   * @param dir the output folder
   * @throws IOException if a file cannot be written
   */
  public static void write(LearnerSummary s, Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicWrite.writeString(dir.resolve("decoding.csv"), decodingCsv(s));
    AtomicWrite.writeString(dir.resolve("training-log.csv"), trainingLogCsv(s));
    Filters f = s.filters();
    if (f != null) {
      FilterGrid.writeFirstLayer(dir.resolve("filters-layer1.png"), f.weights(), f.o(), f.c(),
          f.k());
    }
    AtomicWrite.writeString(dir.resolve("run.txt"), runText(s));
    AtomicWrite.writeString(dir.resolve("timings.txt"), timingsText(s));
  }

  /**
   * The decoders as CSV.
   *
   * @param s the run's summary
   * @return decoding.csv: {@code model,features,train_accuracy,test_accuracy}
   */
  public static String decodingCsv(LearnerSummary s) {
    StringBuilder sb = new StringBuilder("model,features,train_accuracy,test_accuracy\n");
    for (Row r : s.rows()) {
      sb.append(String.format(Locale.ROOT, "%s,%d,%.4f,%.4f%n", r.model(), r.features(),
          r.trainAccuracy(), r.testAccuracy()));
    }
    return sb.toString();
  }

  /**
   * The training log as CSV.
   *
   * @param s the run's summary
   * @return training-log.csv, one line per epoch and layer ({@link LogRow})
   */
  public static String trainingLogCsv(LearnerSummary s) {
    StringBuilder sb = new StringBuilder("epoch,layer,norm_mean,norm_min,norm_max,rate,"
        + "max_abs_update,winner_entropy_bits\n");
    for (LogRow r : s.log()) {
      sb.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g%n", r.epoch(),
          r.layer(), r.normMean(), r.normMin(), r.normMax(), r.rate(), r.maxAbsUpdate(),
          r.winnerEntropy()));
    }
    return sb.toString();
  }

  /**
   * The decoding table as printed on stdout.
   *
   * @param s the run's summary
   * @return the table
   */
  public static String table(LearnerSummary s) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %8s %10s %10s%n",
        "model", "features", "train_acc", "test_acc"));
    for (Row r : s.rows()) {
      sb.append(String.format(Locale.ROOT, "%-16s %8d %10.4f %10.4f%n", r.model(), r.features(),
          r.trainAccuracy(), r.testAccuracy()));
    }
    return sb.toString();
  }

  private static String runText(LearnerSummary s) {
    StringBuilder sb = new StringBuilder("hebb4j " + s.learner() + " run (spec/"
        + s.learner() + ".md)\n");
    for (String w : s.warnings()) {
      sb.append("WARNING: ").append(w).append('\n');
    }
    for (String line : s.settings()) {
      sb.append(line).append('\n');
    }
    sb.append('\n').append(table(s)).append("\ntimings: timings.txt\n");
    return sb.toString();
  }

  /**
   * The wall time of each phase, the one output that differs between two runs of the same
   * settings (a resumed run times only its own process: spec/io.md#checkpoints).
   */
  private static String timingsText(LearnerSummary s) {
    StringBuilder sb = new StringBuilder("timings (wall time of this process):\n");
    for (Timing t : s.timings()) {
      sb.append(String.format(Locale.ROOT, "  %-50s %9.1f s%n", t.phase(), t.seconds()));
    }
    return sb.toString();
  }
}
