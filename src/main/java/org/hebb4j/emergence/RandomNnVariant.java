package org.hebb4j.emergence;

import java.util.Locale;
import org.hebb4j.util.Named;

/**
 * Readings of the paper's Random NN rule (spec/emergence.md#variants).
 */
public enum RandomNnVariant implements Named {
  /**
   * (E21) backprop through the student toward a fixed random network's outputs R(x), which
   * replace the task's targets.
   */
  TARGETS,
  /**
   * (E31) the learning signal is a fixed random network's own gradient on the task,
   * g_l = -dL(R(x), y)/dW_l^R, computed by backprop through R (never trained) and applied to
   * the student: a signal that does not depend on the student at all.
   */
  SIGNAL;

  /**
   * The word on the command line. See spec/emergence.md#variants.
   *
   * @return "targets" or "signal"
   */
  @Override
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant named {@code s}. See spec/emergence.md#variants.
   *
   * @param s "targets" or "signal"
   * @return the constant
   * @throws IllegalArgumentException if no constant is named {@code s} (one line)
   */
  public static RandomNnVariant parse(String s) {
    return Named.parse(RandomNnVariant.class, "random NN variant", s);
  }
}
