package org.hebb4j.nn;

import java.util.Locale;
import org.hebb4j.util.Named;

/**
 * The conventions a training run follows where the paper of Koplow, Poggio and Ziyin leaves the
 * choice open (spec/emergence.md#conventions, spec/transformer.md#conventions): how every network
 * (student, teacher, Random NN target) is initialised and which parameters the weight decay
 * reaches.
 */
public enum Conventions implements Named {
  /**
   * hebb4j's own (the default): weights N(0, 1/fan_in) (E10), biases 0, positions N(0, 1/32);
   * weight decay on the weight matrices only (E9).
   */
  HEBB4J,
  /**
   * What a PyTorch user writing the experiment gets by default: {@code nn.Linear}'s weights and
   * biases uniform in +-1/sqrt(fan_in) (E27), attention as {@code nn.MultiheadAttention},
   * positions as {@code nn.Embedding} N(0, 1); weight decay on every parameter, as
   * {@code torch.optim} applies it (E28).
   */
  TORCH;

  /**
   * The word on the command line and in the CSV files. See spec/emergence.md#conventions.
   *
   * @return "hebb4j" or "torch"
   */
  @Override
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant named {@code s}. See spec/emergence.md#conventions.
   *
   * @param s "hebb4j" or "torch"
   * @return the constant
   * @throws IllegalArgumentException if no constant is named {@code s} (one line)
   */
  public static Conventions parse(String s) {
    return Named.parse(Conventions.class, "conventions", s);
  }

  /**
   * Whether weight decay reaches every parameter (biases, positions, layer-norm gains and
   * shifts) and not only the weight matrices (spec/emergence.md#conventions, (E28)).
   *
   * @return true for TORCH
   */
  public boolean decaysEveryParameter() {
    return this == TORCH;
  }
}
