package org.hebb4j.nn;

/** Training produced NaN or infinity. The message names the step and the layer. */
public class DivergedException extends RuntimeException {

  public DivergedException(String message) {
    super(message);
  }

  /** "training diverged at step 120: layer 2 weights contain NaN/Inf" and the hint. */
  public static DivergedException at(long step, String where) {
    return new DivergedException("training diverged at step " + step + ": " + where
        + " contains NaN or Inf (try a smaller learning rate)");
  }
}
