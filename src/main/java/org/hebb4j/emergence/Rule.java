package org.hebb4j.emergence;

import java.util.Locale;
import org.hebb4j.util.Named;

/**
 * A learning rule (spec/emergence.md#rules): how the learning signal g is computed. Every rule is
 * a choice of three parts: the error path (backprop or DFA), the targets (the task's or a fixed
 * random network's) and the optimizer turning gradients into g (plain, Adam, AdamW).
 */
public enum Rule implements Named {
  /** (E11) g = -dL/dW. */
  SGD(false, false, Optimizer.PLAIN),
  /** (E13) Adam with coupled L2, as torch.optim.Adam(weight_decay=gamma); g = -dL/dW. */
  ADAM(false, false, Optimizer.ADAM),
  /** (E12) Adam with decoupled decay, as torch.optim.AdamW. */
  ADAMW(false, false, Optimizer.ADAMW),
  /** (E20) direct feedback alignment: fixed random feedback matrices for hidden layers. */
  DFA(true, false, Optimizer.PLAIN),
  /** (E21) backprop against a fixed random network's outputs instead of the task targets. */
  RANDOMNN(false, true, Optimizer.PLAIN);

  /** How gradients become the learning signal. */
  public enum Optimizer {
    /** g = -dL/dW, applied by (E8). */
    PLAIN,
    /** (E13) coupled L2 inside the moments. */
    ADAM,
    /** (E12) g from the moments, decay decoupled. */
    ADAMW
  }

  /** Whether hidden layers get the DFA error path (E20) instead of backprop. */
  public final boolean dfa;
  /** Whether the targets are a fixed random network's outputs (E21). */
  public final boolean randomTargets;
  /** How gradients become the learning signal. */
  public final Optimizer optimizer;

  Rule(boolean dfa, boolean randomTargets, Optimizer optimizer) {
    this.dfa = dfa;
    this.randomTargets = randomTargets;
    this.optimizer = optimizer;
  }

  /**
   * The name used on the command line. See spec/emergence.md#rules.
   *
   * @return "sgd", "adam", "adamw", "dfa" or "randomnn"
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant named {@code s} ({@link Named#parse}). See spec/emergence.md#rules.
   *
   * @param s the word: "sgd", "adam", "adamw", "dfa" or "randomnn"
   * @return the constant whose {@link #id()} is {@code s}
   * @throws IllegalArgumentException if no constant is named {@code s} (one line, listing them)
   */
  public static Rule parse(String s) {
    return Named.parse(Rule.class, "rule", s);
  }
}
