package org.hebb4j.hebbian;

import org.hebb4j.util.Named;

/**
 * The three local rules of spec/hebbian-rules.md#rules. For output unit o with signal y and input
 * (or input patch) x: plain {@code y x} (H1), Grossberg instar {@code y (x - w_o)} (H2), Oja
 * {@code y (x - y w_o)} (H3), summed over the batch (and, for convolutions, every output position).
 */
public enum HebbRule implements Named {
  /** (H1) {@code y x}. */
  PLAIN("plain"),
  /** (H2) Grossberg instar {@code y (x - w_o)}. */
  INSTAR("instar"),
  /** (H3) Oja {@code y (x - y w_o)}. */
  OJA("oja");

  private final String id;

  HebbRule(String id) {
    this.id = id;
  }

  /**
   * The lower-case name used in options and test vectors. See spec/hebbian-rules.md#rules.
   *
   * @return "plain", "instar" or "oja"
   */
  public String id() {
    return id;
  }

  /**
   * The constant named {@code s} ({@link Named#parse}). See spec/hebbian-rules.md#rules.
   *
   * @param s the word: "plain", "instar" or "oja"
   * @return the constant whose {@link #id()} is {@code s}
   * @throws IllegalArgumentException if no constant is named {@code s} (one line, listing them)
   */
  public static HebbRule parse(String s) {
    return Named.parse(HebbRule.class, "Hebbian rule", s);
  }
}
