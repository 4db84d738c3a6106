package org.hebb4j.experiment.emergence;

import org.hebb4j.emergence.Rule;

/**
 * The values of Table 1 of Koplow, Poggio and Ziyin (arXiv 2505.18069; /work/shared/papers.md,
 * spec/emergence.md#table1): the layer-2 cosine, mean over 10 seeds, at gamma = 0, 5e-5, 5e-4,
 * 5e-3, for the MLP (SGD, Adam, DFA, Random NN) and the transformer (SGD, Adam). The paper's
 * protocol and the transformer's probed map are not given (spec/emergence.md#table1).
 */
public final class PaperTable1 {

  private PaperTable1() {}

  /** The paper's gammas, in column order. */
  private static final double[] GAMMAS = {0, 5e-5, 5e-4, 5e-3};
  /** Collapse: the paper reports the weights collapsing instead of a value. */
  private static final double COLLAPSE = Double.NaN;

  /**
   * The paper's value for one cell, formatted: "-0.10", "collapse", or "" when the paper has no
   * row for the rule and model or no column for gamma.
   *
   * @param model the student
   * @param rule the rule (the paper's Adam is taken to be coupled L2, {@link Rule#ADAM})
   * @param gamma the weight decay
   * @return the text of the cell
   */
  public static String cell(Sre.Model model, Rule rule, double gamma) {
    double[] row = row(model, rule);
    for (int i = 0; row != null && i < GAMMAS.length; i++) {
      if (GAMMAS[i] == gamma) {
        return Double.isNaN(row[i]) ? "collapse"
            : String.format(java.util.Locale.ROOT, "%.2f", row[i]);
      }
    }
    return "";
  }

  /**
   * The paper's row for a rule and model, NaN where the weights collapse.
   *
   * @param model the student
   * @param rule the rule
   * @return a new array of 4 values at gamma 0, 5e-5, 5e-4, 5e-3, or null without a row
   */
  public static double[] row(Sre.Model model, Rule rule) {
    if (model == Sre.Model.MLP) {
      switch (rule) {
        case SGD: return new double[] {-0.10, -0.06, 0.17, 0.59};
        case ADAM: return new double[] {-0.02, 0.10, 0.66, COLLAPSE};
        case DFA: return new double[] {0.45, 0.45, 0.68, 0.87};
        case RANDOMNN: return new double[] {0.00, 0.00, 0.05, 0.50};
        default: return null;
      }
    }
    switch (rule) {
      case SGD: return new double[] {0.00, 0.04, 0.47, 0.88};
      case ADAM: return new double[] {-0.02, 0.50, 0.99, COLLAPSE};
      default: return null;
    }
  }
}
