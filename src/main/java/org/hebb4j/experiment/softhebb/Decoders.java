package org.hebb4j.experiment.softhebb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hebb4j.data.Dataset;
import org.hebb4j.nn.LinearReadout;
import org.hebb4j.util.Named;

/**
 * The readouts a learner's frozen features are decoded with (spec/softhebb.md#readout): the ridge
 * decoder onto one-hot labels, the linear softmax readout trained with Adam
 * ({@link LinearReadout}), or both.
 *
 * @param readouts the readouts, in the order their rows are reported (no repeats)
 * @param linear the linear readout's training settings
 */
public record Decoders(List<Decoders.Readout> readouts, LinearReadout.Settings linear) {

  /** One readout. */
  public enum Readout implements Named {
    /** Ridge regression onto one-hot labels, alpha {@value Decoding#ALPHA} (hebbcnn's). */
    RIDGE("ridge"),
    /** {@link LinearReadout}: dropout, linear layer, cross-entropy, Adam. */
    LINEAR("linear");

    private final String id;

    Readout(String id) {
      this.id = id;
    }

    /**
     * The word used in {@code --readout}. See spec/softhebb.md#readout.
     *
     * @return "ridge" or "linear"
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
   * @throws IllegalArgumentException on an empty list or a repeat
   */
  public Decoders {
    readouts = List.copyOf(readouts);
    if (readouts.isEmpty() || readouts.stream().distinct().count() != readouts.size()) {
      throw new IllegalArgumentException("--readout: give ridge, linear or both once each, got "
          + readouts);
    }
  }

  /**
   * Parses {@code --readout}: a comma-separated list of {@code ridge} and {@code linear}.
   *
   * @param list e.g. "ridge", "linear" or "ridge,linear"
   * @param linearEpochs epochs of the linear readout (the paper's schedule over them)
   * @return the decoders
   * @throws IllegalArgumentException naming the unknown word, listing the readouts
   */
  public static Decoders parse(String list, int linearEpochs) {
    List<Readout> r = new ArrayList<>();
    for (String s : list.split(",", -1)) {
      r.add(Named.parse(Readout.class, "readout", s.strip().toLowerCase(Locale.ROOT)));
    }
    return new Decoders(r, LinearReadout.Settings.paper().withEpochs(linearEpochs));
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
   * the ridge decoder's d x d Gram matrix (when used) and the linear readout's buffers.
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
    if (uses(Readout.LINEAR)) {
      b += LinearReadout.fitBytes((int) Math.min(Integer.MAX_VALUE, featureSize),
          train.classes(), linear.batch());
    }
    return b;
  }

  /**
   * The readouts for run.txt.
   *
   * @return e.g. "readout: ridge (alpha 1.0), linear (epochs 50, ...)"
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Readout r : readouts) {
      parts.add(r == Readout.RIDGE ? "ridge (alpha " + Decoding.ALPHA + ")"
          : "linear (" + linear + ")");
    }
    return "readout: " + String.join(", ", parts);
  }
}
