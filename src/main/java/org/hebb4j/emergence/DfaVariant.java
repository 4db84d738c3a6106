package org.hebb4j.emergence;

import java.util.Locale;
import org.hebb4j.util.Named;

/**
 * Readings of the paper's DFA rule (spec/emergence.md#variants): in a 2-layer MLP the output
 * layer's DFA signal is its true gradient, so the paper's DFA row must mean something else.
 */
public enum DfaVariant implements Named {
  /** (E20) as Nokland's DFA: hidden layers get e B_l^T, the output layer its true gradient. */
  OUTPUT_GRADIENT,
  /**
   * (E30) the output layer too gets a fixed random projection of the error, delta_L = e B_L^T
   * with B_L [o, o] ~ N(0, 1/o) from stream "dfa/layerL"; hidden layers as (E20).
   */
  OUTPUT_FEEDBACK;

  /**
   * The word on the command line. See spec/emergence.md#variants.
   *
   * @return "output-gradient" or "output-feedback"
   */
  @Override
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The constant named {@code s}. See spec/emergence.md#variants.
   *
   * @param s "output-gradient" or "output-feedback"
   * @return the constant
   * @throws IllegalArgumentException if no constant is named {@code s} (one line)
   */
  public static DfaVariant parse(String s) {
    return Named.parse(DfaVariant.class, "dfa variant", s);
  }
}
