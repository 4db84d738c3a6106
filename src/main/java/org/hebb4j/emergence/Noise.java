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
  SIGNAL,
  /** (E15b) input noise: the network sees x + eps (targets unchanged). */
  INPUT;

  /**
   * The name used on the command line. See spec/emergence.md#noise.
   *
   * @return "none", "param", "signal" or "input"
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant named {@code s} ({@link Named#parse}). See spec/emergence.md#noise.
   *
   * @param s the word: "none", "param", "signal" or "input"
   * @return the constant whose {@link #id()} is {@code s}
   * @throws IllegalArgumentException if no constant is named {@code s} (one line, listing them)
   */
  public static Noise parse(String s) {
    return Named.parse(Noise.class, "noise", s);
  }
}
