package org.hebb4j.emergence;

import java.util.Locale;

/**
 * The four alignment protocols of (E18) (spec/emergence.md#protocols), in table order. Each
 * measures cos(g, H) over the measurement window in its own way.
 */
public enum Protocol {
  /** (E18a) the mean over window steps of cos(g_t, H_t). */
  MINIBATCH,
  /** (E18b) cos(g, H) of one dry-run step on the whole training set at the end. */
  FULLBATCH,
  /** (E18c) cos(sum_t g_t, sum_t H_t) over the window. */
  TIMEAVG,
  /**
   * (E18d) the mean over window steps and samples of cos(g_i, H_i), with the per-sample signal
   * and Hebbian term (for the transformer a sample is a batch row, its terms summed over its
   * tokens: spec/transformer.md#persample (T21)).
   */
  PERSAMPLE;

  /**
   * The lower-case name used in tables and CSV files. See spec/emergence.md#protocols.
   *
   * @return "minibatch", "fullbatch", "timeavg" or "persample"
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
