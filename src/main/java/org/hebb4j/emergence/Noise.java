package org.hebb4j.emergence;

import java.util.Locale;
import org.hebb4j.util.Named;

/** Noise injection (spec/emergence.md#noise). */
public enum Noise implements Named {
  /** No noise. */
  NONE,
  /** (E14) parameters perturbed each step: w = v + eps, the update applied to v. */
  PARAM,
  /** (E15) learning-signal noise: g + eps. */
  SIGNAL;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The constant whose {@link #id()} is {@code s}; see {@link Named#parse}. */
  public static Noise parse(String s) {
    return Named.parse(Noise.class, "noise", s);
  }
}
