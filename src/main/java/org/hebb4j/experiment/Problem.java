package org.hebb4j.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A problem with an experiment's settings, found from the settings and the data sizes alone,
 * before any work: an {@link Severity#ERROR} when the run cannot do what it is for (no weight
 * would ever change, a batch larger than the data, more memory than the JVM may use), a
 * {@link Severity#WARNING} when it can but its results may mislead (only a small share of its
 * batches update the weights). The experiments' settings return them ({@code problems(...)});
 * the command line refuses a run with an error and prints every warning.
 *
 * @param severity error or warning
 * @param message one line, naming the setting and what is wrong
 */
public record Problem(Severity severity, String message) {

  /** How bad a {@link Problem} is. */
  public enum Severity {
    /** The run cannot do what it is for: refuse it. */
    ERROR,
    /** The run can go on, but its results may mislead: say so loudly. */
    WARNING
  }

  /**
   * Checks the fields.
   *
   * @param severity error or warning
   * @param message one line
   * @throws NullPointerException if either is null
   */
  public Problem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  /**
   * An error.
   *
   * @param message one line
   * @return the problem
   */
  public static Problem error(String message) {
    return new Problem(Severity.ERROR, message);
  }

  /**
   * A warning.
   *
   * @param message one line
   * @return the problem
   */
  public static Problem warning(String message) {
    return new Problem(Severity.WARNING, message);
  }

  /**
   * Whether this is an error.
   *
   * @return severity == ERROR
   */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * The problems of a training run of {@code batches} batches whose first {@code idle} batches
   * change no weight (a burn-in): an error when none updates, a warning when fewer than half do.
   *
   * @param batches batches of the whole run
   * @param idle leading batches without weight updates
   * @param why what the idle batches are and how many the run has, e.g. "burn-in 200 batches,
   *     the run has 50 (1 epoch of 50 batches)"
   * @return zero or one problem
   */
  public static List<Problem> updates(long batches, long idle, String why) {
    long updating = Math.max(0, batches - idle);
    if (updating == 0) {
      return List.of(error(why + ": no weight would ever change"));
    }
    if (2 * updating < batches) {
      return List.of(warning(String.format(Locale.ROOT,
          "only %d of the run's %d batches (%.0f%%) update the weights (%s)", updating, batches,
          100.0 * updating / batches, why)));
    }
    return List.of();
  }

  /**
   * An error when {@code bytes} exceed the heap the JVM may use ({@link Runtime#maxMemory()}):
   * "needs at least X MB for WHAT, more than the Y MB the JVM may use (-Xmx)".
   *
   * @param bytes a lower bound of the memory the run needs
   * @param what the largest allocations, e.g. "a 4000000 x 4000000 ZCA matrix"
   * @return zero or one problem
   */
  public static List<Problem> memory(double bytes, String what) {
    long heap = Runtime.getRuntime().maxMemory();
    if (bytes <= heap) {
      return List.of();
    }
    return List.of(error(String.format(Locale.ROOT, "needs at least %s for %s, more than the "
        + "%s the JVM may use (-Xmx)", size(bytes), what, size(heap))));
  }

  /** "812 MB", "3.4 GB", "4900000 GB". */
  static String size(double bytes) {
    if (bytes < 1e9) {
      return String.format(Locale.ROOT, "%.0f MB", Math.ceil(bytes / 1e6));
    }
    double gb = bytes / 1e9;
    return String.format(Locale.ROOT, gb < 100 ? "%.1f GB" : "%.0f GB", gb);
  }
}
