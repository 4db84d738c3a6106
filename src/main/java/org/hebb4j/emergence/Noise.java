package org.hebb4j.emergence;

import java.util.Locale;

/** Noise injection (spec/emergence.md#noise). */
public enum Noise {
  /** No noise. */
  NONE,
  /** (E14) parameters perturbed each step: w = v + eps, the update applied to v. */
  PARAM,
  /** (E15) learning-signal noise: g + eps. */
  SIGNAL;

  /**
   * The name used on the command line.
   *
   * @return "none", "param" or "signal"
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Noise parse(String s) {
    for (Noise n : values()) {
      if (n.id().equals(s)) {
        return n;
      }
    }
    throw new IllegalArgumentException("unknown noise '" + s
        + "' (expected none, param or signal)");
  }
}
