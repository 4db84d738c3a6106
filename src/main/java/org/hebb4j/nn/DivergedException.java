package org.hebb4j.nn;

/** Training produced NaN or infinity. The message names the step and the layer. */
public class DivergedException extends RuntimeException {

  /**
   * An exception with a complete message. See spec/emergence.md#errors.
   *
   * @param message the one-line message
   */
  public DivergedException(String message) {
    super(message);
  }

  /**
   * "training diverged at step 120: layer 2 weights contains NaN or Inf" and the hint.
   * See spec/emergence.md#errors.
   *
   * @param step the step (1-based)
   * @param where what became non-finite
   * @return the exception
   */
  public static DivergedException at(long step, String where) {
    return at(step, where, "try a smaller learning rate");
  }

  /**
   * "training diverged at step 3: layer 1 weights contains NaN or Inf (weight decay gamma 1000:
   * ...)": the step, what became non-finite and the parameter that caused it.
   * See spec/emergence.md#errors.
   *
   * @param step the step (1-based)
   * @param where what became non-finite, naming the layer
   * @param cause the parameter that caused it, e.g. "learning rate 1000 too large"
   * @return the exception
   */
  public static DivergedException at(long step, String where, String cause) {
    return new DivergedException("training diverged at step " + step + ": " + where
        + " contains NaN or Inf (" + cause + ")");
  }
}
