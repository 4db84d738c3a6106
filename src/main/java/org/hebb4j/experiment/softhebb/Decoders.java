package org.hebb4j.experiment.softhebb;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hebb4j.data.Dataset;
import org.hebb4j.experiment.softhebb.LearnerSummary.Filters;
import org.hebb4j.experiment.softhebb.LearnerSummary.LogRow;
import org.hebb4j.experiment.softhebb.LearnerSummary.Row;
import org.hebb4j.experiment.softhebb.LearnerSummary.Timing;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.KrotovReadout;
import org.hebb4j.nn.LinearReadout;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.util.Named;

/**
 * The readouts a learner's frozen features are decoded with (spec/softhebb.md#readout): the ridge
 * decoder onto one-hot labels, the linear softmax readout trained with Adam
 * ({@link LinearReadout}), the classifier of Krotov and Hopfield ({@link KrotovReadout},
 * spec/krotov.md#classifier), or a list of them.
 *
 * @param readouts the readouts, in the order their rows are reported (no repeats)
 * @param linear the linear readout's training settings
 * @param krotov the Krotov-Hopfield classifier's training settings
 */
public record Decoders(List<Decoders.Readout> readouts, LinearReadout.Settings linear,
    KrotovReadout.Settings krotov) {

  /** One readout. */
  public enum Readout implements Named {
    /** Ridge regression onto one-hot labels, alpha {@value Decoding#ALPHA} (hebbcnn's). */
    RIDGE("ridge"),
    /** {@link LinearReadout}: dropout, linear layer, cross-entropy, Adam. */
    LINEAR("linear"),
    /** {@link KrotovReadout}: tanh of the scores, the |c - t|^m loss, Adam. */
    KROTOV("krotov");

    private final String id;

    Readout(String id) {
      this.id = id;
    }

    /**
     * The word used in {@code --readout}. See spec/softhebb.md#readout.
     *
     * @return "ridge", "linear" or "krotov"
     */
    @Override
    public String id() {
      return id;
    }
  }

  /**
   * Validates.
   *
   * @param readouts one or more, no repeats
   * @param linear the linear readout's settings
   * @param krotov the Krotov-Hopfield classifier's settings
   * @throws IllegalArgumentException on an empty list or a repeat
   */
  public Decoders {
    readouts = List.copyOf(readouts);
    if (readouts.isEmpty() || readouts.stream().distinct().count() != readouts.size()) {
      throw new IllegalArgumentException("--readout: give ridge, linear or krotov once each, got "
          + readouts);
    }
  }

  /**
   * Parses {@code --readout}: a comma-separated list of {@code ridge}, {@code linear} and
   * {@code krotov}.
   *
   * @param list e.g. "ridge", "linear" or "ridge,linear,krotov"
   * @param readoutEpochs epochs of the linear readout (the paper's schedule over them) and of
   *     the Krotov-Hopfield classifier
   * @return the decoders
   * @throws IllegalArgumentException naming the unknown word, listing the readouts
   */
  public static Decoders parse(String list, int readoutEpochs) {
    List<Readout> r = new ArrayList<>();
    for (String s : list.split(",", -1)) {
      r.add(Named.parse(Readout.class, "readout", s.strip().toLowerCase(Locale.ROOT)));
    }
    return new Decoders(r, LinearReadout.Settings.paper().withEpochs(readoutEpochs),
        KrotovReadout.Settings.paper().withEpochs(readoutEpochs));
  }

  /**
   * Whether the list holds {@code r}.
   *
   * @param r a readout
   * @return true when it is used
   */
  public boolean uses(Readout r) {
    return readouts.contains(r);
  }

  /**
   * A lower bound of the memory the decoding needs: the images and the features of both sets,
   * the ridge decoder's d x d Gram matrix (when used) and the trained readouts' buffers.
   *
   * @param train training set
   * @param test test set
   * @param featureSize features per image
   * @return bytes
   */
  public double bytes(Dataset train, Dataset test, long featureSize) {
    double n = (double) train.n() + test.n();
    double b = 4 * n * train.features() + 4 * n * featureSize;
    if (uses(Readout.RIDGE)) {
      b += 8.0 * featureSize * featureSize;
    }
    int f = (int) Math.min(Integer.MAX_VALUE, featureSize);
    double trained = 0;
    if (uses(Readout.LINEAR)) {
      trained = LinearReadout.fitBytes(f, train.classes(), linear.batch());
    }
    if (uses(Readout.KROTOV)) {
      trained = Math.max(trained, KrotovReadout.fitBytes(f, train.classes(), krotov.batch()));
    }
    return b + trained;
  }

  /**
   * The readouts for run.txt.
   *
   * @return e.g. "readout: ridge (alpha 1.0), linear (epochs 50, ...)"
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Readout r : readouts) {
      parts.add(switch (r) {
        case RIDGE -> "ridge (alpha " + Decoding.ALPHA + ")";
        case LINEAR -> "linear (" + linear + ")";
        case KROTOV -> "krotov classifier (" + krotov
            + "; beta divided by the features' mean row maximum)";
      });
    }
    return "readout: " + String.join(", ", parts);
  }

  /**
   * What a learner's run shares with every other (the decode-and-report part): the pixel
   * baseline row first, the timed phases, the frozen features checked and decoded with every
   * readout, and the summary with the data and kernels lines. Created at the start of a run
   * (the pixel baseline is decoded then); {@link #summary} closes it with the total time.
   */
  static final class Run {

    private final long t0 = System.nanoTime();
    private final Kernels k;
    private final Workers workers;
    private final Dataset train;
    private final Dataset test;
    private final PrintStream progress;
    private final List<Row> rows = new ArrayList<>();
    private final List<Timing> timings = new ArrayList<>();

    /** Starts the run: decodes the standardised pixels with ridge (the baseline row). */
    Run(Kernels k, Workers workers, Dataset train, Dataset test, PrintStream progress) {
      this.k = k;
      this.workers = workers;
      this.train = train;
      this.test = test;
      this.progress = progress;
      rows.add(Decoding.pixels(k, workers, train, test, progress));
      timings.add(new Timing("pixels baseline decoder", (System.nanoTime() - t0) / 1e9));
    }

    /** Records a phase that started at {@code since} (System.nanoTime). */
    void timed(String phase, long since) {
      timings.add(new Timing(phase, (System.nanoTime() - since) / 1e9));
    }

    /**
     * Refuses non-finite features (naming the training step, where they come from and the
     * likely cause), records the feature phase that started at {@code since}, then decodes
     * {@code fTr [nTrain, d]}, {@code fTe [nTest, d]} with every readout of {@code dec} (rows
     * named after {@code model}; the trained readouts draw from {@code rng.derive("readout")}).
     */
    void decode(Decoders dec, String model, float[] fTr, float[] fTe, int d, Rng rng, long step,
        String where, String cause, long since) {
      Decoding.finite(fTr, step, where, cause);
      Decoding.finite(fTe, step, where, cause);
      timed("features (train + test)", since);
      rows.addAll(Decoding.decode(k, workers, dec, model, fTr, fTe, d, train, test, rng,
          progress, timings));
    }

    /** The summary: settings after the data and kernels lines, the total time last. */
    LearnerSummary summary(String learner, List<String> describe, List<LogRow> log,
        Filters filters, List<String> warnings) {
      timed("total", t0);
      List<String> settings = new ArrayList<>(Decoding.data(train, test));
      settings.add("kernels: " + k.name() + ", threads: " + workers.threads());
      settings.addAll(describe);
      return new LearnerSummary(learner, settings, rows, log, filters, timings, warnings);
    }
  }
}
