package org.hebb4j.experiment.emergence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.hebb4j.emergence.Protocol;
import org.hebb4j.emergence.Rule;
import org.hebb4j.plot.Axis;
import org.hebb4j.plot.LinePlot;
import org.hebb4j.plot.Panels;

/**
 * The SVG figures of the emergence experiments (spec/emergence.md#figures), drawn from a
 * {@link Summary}: alignment against the weight decay gamma per layer and protocol (SRE and SCE),
 * test accuracy against gamma (SCE), and alignment during training per rule and layer (SRE).
 * Gamma axes are log10 with gamma = 0 drawn apart, left of an axis break; every figure states in
 * its subtitle what its error bars or bands are.
 */
public final class Figures {

  private Figures() {}

  /**
   * Writes {@code alignment-vs-gamma-layerL-PROTOCOL.svg} for every layer and protocol: the mean
   * over seeds of cos(g, H) against gamma, one series per rule, error bars +-1 standard deviation
   * over the seeds.
   *
   * @param dir the output folder
   * @param what the model and data, for the titles (e.g. "tanh MLP")
   * @param sum the results
   * @param rules the rules, in legend order
   * @param gammas the weight decays
   * @throws IOException when a file cannot be written
   */
  public static void alignmentVsGamma(Path dir, String what, Summary sum, List<Rule> rules,
      double[] gammas) throws IOException {
    int depth = sum.groups().get(0).layers().size();
    for (int l = 0; l < depth; l++) {
      for (Protocol p : Protocol.values()) {
        final int layer = l;
        LinePlot plot = vsGamma(String.format(Locale.ROOT,
            "Alignment vs weight decay: layer %d, %s (%s)", l + 1, p.id(), what), "cos(g, H)",
            sum, rules, gammas, g -> g.layer(layer).alignment(p));
        plot.write(dir.resolve("alignment-vs-gamma-layer" + (l + 1) + "-" + p.id() + ".svg"));
      }
    }
  }

  /**
   * Writes {@code alignment-vs-gamma-PROTOCOL.svg} for every protocol: small multiples, one
   * panel per linear map (e.g. the transformer's "E", "b1.Wq", ..., "R"), each with the mean
   * over seeds of cos(g, H) against gamma, one series per rule, error bars +-1 standard
   * deviation over the seeds.
   *
   * @param dir the output folder
   * @param what the model, for the titles (e.g. "transformer, tanh FFN")
   * @param sum the results; layer i of every group is map {@code names.get(i)}
   * @param rules the rules, in legend order
   * @param gammas the weight decays
   * @param names the maps' names, one panel each
   * @throws IOException when a file cannot be written
   */
  public static void alignmentVsGammaMaps(Path dir, String what, Summary sum, List<Rule> rules,
      double[] gammas, List<String> names) throws IOException {
    int seeds = sum.groups().get(0).seeds();
    for (Protocol p : Protocol.values()) {
      Panels fig = new Panels(String.format(Locale.ROOT,
          "Alignment vs weight decay, every linear map: %s (%s)", p.id(), what),
          (seeds > 1 ? String.format(Locale.ROOT, "points: mean over %d seeds; error bars: ±1"
              + " s.d. over the seeds", seeds) : "one seed per point (no error bars)")
              + "; x: weight decay gamma (log scale; 0 left of the break); legend in the first"
              + " panel", 4, 420, 280);
      for (int i = 0; i < names.size(); i++) {
        LinePlot panel = new LinePlot(names.get(i), "gamma", "cos(g, H)").gammaX();
        for (Rule r : rules) {
          double[] m = new double[gammas.length], sd = new double[gammas.length];
          for (int g = 0; g < gammas.length; g++) {
            Stat st = sum.group(r, gammas[g]).layer(i).alignment(p);
            m[g] = st.mean();
            sd[g] = st.std();
          }
          panel.add(i == 0 ? r.id() : null, gammas, m, seeds > 1 ? sd : null, false);
        }
        fig.add(panel);
      }
      fig.write(dir.resolve("alignment-vs-gamma-" + p.id() + ".svg"));
    }
  }

  /**
   * Writes {@code accuracy-vs-gamma.svg}: the mean over seeds of the final test accuracy
   * against gamma, one series per rule, error bars +-1 standard deviation over the seeds.
   *
   * @param dir the output folder
   * @param what the model and data, for the title
   * @param sum the results
   * @param rules the rules, in legend order
   * @param gammas the weight decays
   * @throws IOException when the file cannot be written
   */
  public static void accuracyVsGamma(Path dir, String what, Summary sum, List<Rule> rules,
      double[] gammas) throws IOException {
    vsGamma("Test accuracy vs weight decay (" + what + ")", "test accuracy", sum, rules, gammas,
        Summary.Group::valAccuracy).write(dir.resolve("accuracy-vs-gamma.svg"));
  }

  /** One series per rule of {@code stat} against gamma, with the seeds' spread as error bars. */
  static LinePlot vsGamma(String title, String yLabel, Summary sum, List<Rule> rules,
      double[] gammas, Function<Summary.Group, Stat> stat) {
    int seeds = sum.groups().get(0).seeds();
    LinePlot plot = new LinePlot(title, "weight decay gamma (log scale; 0 left of the break)",
        yLabel).gammaX().subtitle(seeds > 1
            ? String.format(Locale.ROOT, "points: mean over %d seeds; error bars: ±1 s.d."
                + " over the seeds", seeds)
            : "one seed per point (no error bars)");
    for (Rule r : rules) {
      double[] m = new double[gammas.length], s = new double[gammas.length];
      for (int g = 0; g < gammas.length; g++) {
        Stat ms = stat.apply(sum.group(r, gammas[g]));
        m[g] = ms.mean();
        s[g] = ms.std();
      }
      plot.add(r.id(), gammas, m, seeds > 1 ? s : null, false);
    }
    return plot;
  }

  /**
   * Writes {@code alignment-over-time-RULE-layerL.svg} for every rule and layer: small
   * multiples, one panel per gamma on one y range, each with the mean over seeds of the
   * minibatch cos(g, H) at every time-series step and a band from the smallest to the largest
   * seed (the time series records only the minibatch protocol). Nothing is written when the
   * runs recorded no time series.
   *
   * @param dir the output folder
   * @param what the model, for the titles
   * @param sum the results
   * @param rules the rules
   * @param gammas the weight decays (one panel each)
   * @throws IOException when a file cannot be written
   */
  public static void alignmentOverTime(Path dir, String what, Summary sum, List<Rule> rules,
      double[] gammas) throws IOException {
    forEachRuleAndLayer(sum, rules, gammas, (r, l, seeds, gl) -> {
      double[][] lo = new double[gammas.length][], hi = new double[gammas.length][];
      double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
      for (int g = 0; g < gammas.length; g++) {
        Summary.Group gr = sum.group(r, gammas[g]);
        lo[g] = extreme(gr, -1, l);
        hi[g] = extreme(gr, 1, l);
        for (int p = 0; p < lo[g].length; p++) {
          if (Double.isFinite(lo[g][p])) {
            ymin = Math.min(ymin, lo[g][p]);
            ymax = Math.max(ymax, hi[g][p]);
          }
        }
      }
      double pad = Double.isFinite(ymin) ? Math.max(0.02, (ymax - ymin) * 0.06) : 0;
      Panels fig = new Panels(String.format(Locale.ROOT,
          "Alignment during training: %s, layer %d, minibatch cos(g, H) (%s)", r.id(), l + 1,
          what), seeds > 1 ? String.format(Locale.ROOT, "line: mean over %d seeds; band: min"
          + " to max over the seeds; one panel per weight decay gamma, same y axis", seeds)
          : "one seed; one panel per weight decay gamma, same y axis",
          gammas.length <= 4 ? Math.min(2, gammas.length) : 3, 470, 300);
      for (int g = 0; g < gammas.length; g++) {
        Summary.Group gr = sum.group(r, gammas[g]);
        LinePlot panel = new LinePlot("gamma = " + gl[g], "step (log scale)", "cos(g, H)")
            .logX().add(null, stepsX(gr), gr.layer(l).seriesCos(), null, false);
        if (seeds > 1) {
          panel.band(lo[g], hi[g]);
        }
        if (Double.isFinite(ymin)) {
          panel.yRange(ymin - pad, ymax + pad);
        }
        fig.add(panel);
      }
      fig.write(dir.resolve("alignment-over-time-" + r.id() + "-layer" + (l + 1) + ".svg"));
    });
  }

  /** One figure of a time-series plot family: a rule and a layer. */
  @FunctionalInterface
  interface RuleLayerFigure {
    /**
     * Draws the figure of rule {@code r}, layer {@code l} (0-based).
     *
     * @param r the rule
     * @param l the layer
     * @param seeds seeds per group
     * @param gammaLabels the gammas' labels ({@link Axis#labels})
     * @throws IOException when a file cannot be written
     */
    void draw(Rule r, int l, int seeds, String[] gammaLabels) throws IOException;
  }

  /**
   * Calls {@code figure} for every rule and layer of {@code sum}, nothing when the runs recorded
   * no time series: the loop of the time-series figures ({@link #alignmentOverTime},
   * {@link Dynamics#alignmentAndNorm}).
   */
  static void forEachRuleAndLayer(Summary sum, List<Rule> rules, double[] gammas,
      RuleLayerFigure figure) throws IOException {
    Summary.Group first = sum.groups().get(0);
    if (first.steps().length == 0) {
      return;
    }
    int depth = first.layers().size(), seeds = first.seeds();
    String[] gl = Axis.labels(gammas);
    for (Rule r : rules) {
      for (int l = 0; l < depth; l++) {
        figure.draw(r, l, seeds, gl);
      }
    }
  }

  /** A group's time-series steps as plot x values. */
  static double[] stepsX(Summary.Group gr) {
    long[] st = gr.steps();
    double[] x = new double[st.length];
    for (int p = 0; p < st.length; p++) {
      x[p] = st[p];
    }
    return x;
  }

  /** Per step, the smallest (sign -1) or largest (sign 1) finite cosine over the seeds. */
  private static double[] extreme(Summary.Group gr, int sign, int layer) {
    double[] out = new double[gr.steps().length];
    for (int p = 0; p < out.length; p++) {
      double best = Double.NaN;
      for (Cell c : gr.cells()) {
        double v = c.result().series().layer(layer).cos()[p];
        if (Double.isFinite(v) && (Double.isNaN(best) || sign * v > sign * best)) {
          best = v;
        }
      }
      out[p] = best;
    }
    return out;
  }
}
