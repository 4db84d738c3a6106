package org.hebb4j.hebbian;

/**
 * The three local rules of spec/hebbian-rules.md#rules. For output unit o with signal y and input
 * (or input patch) x: plain {@code y x} (H1), Grossberg instar {@code y (x - w_o)} (H2), Oja
 * {@code y (x - y w_o)} (H3), summed over the batch (and, for convolutions, every output position).
 */
public enum HebbRule {
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
   * The lower-case name used in options and test vectors.
   *
   * @return "plain", "instar" or "oja"
   */
  public String id() {
    return id;
  }

  /**
   * Parses "plain", "instar" or "oja".
   *
   * @param s the id
   * @return the rule
   * @throws IllegalArgumentException for any other string
   */
  public static HebbRule parse(String s) {
    for (HebbRule r : values()) {
      if (r.id.equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown Hebbian rule '" + s
        + "' (expected plain, instar or oja)");
  }
}
