package org.hebb4j.experiment.emergence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hebb4j.emergence.Probe;
import org.hebb4j.emergence.Rule;
import org.hebb4j.plot.LinePlot;
import org.hebb4j.plot.Panels;

/**
 * The training dynamics of the SRE read from its recorded time series
 * (spec/emergence.md#dynamics): the early alignment bump beside the weight norm, and the
 * per-neuron oscillation rate (E19b) against the validation loss across gamma. Nothing here
 * trains; every number comes from {@link TrainingRun.Result#series()}.
 */
public final class Dynamics {

  private Dynamics() {}

  /**
   * (E19b) The oscillation rate of one neuron (row o of a layer) in one run: over the
   * time-series points inside the measurement window, the fraction of consecutive pairs of
   * points whose row cosines cos_o (E19) have opposite signs (one &gt; 0, the other &lt; 0).
   *
   * @param cos the neuron's cosine at each time-series point, in step order
   * @param first the index of the first point inside the window
   * @return the rate in [0, 1]; NaN with fewer than two finite points in the window
   */
  public static double oscillationRate(double[] cos, int first) {
    int pairs = 0, flips = 0;
    for (int p = Math.max(first, 0) + 1; p < cos.length; p++) {
      double a = cos[p - 1], b = cos[p];
      if (!Double.isFinite(a) || !Double.isFinite(b)) {
        continue;
      }
      pairs++;
      if ((a > 0 && b < 0) || (a < 0 && b > 0)) {
        flips++;
      }
    }
    return pairs == 0 ? Double.NaN : (double) flips / pairs;
  }

  /**
   * The oscillation rates of every neuron of one layer in one run.
   *
   * @param cell the run
   * @param layer the layer, 0-based
   * @param rates (E19b) per neuron (row)
   * @param points the time-series points inside the window
   */
  public record Oscillation(Cell cell, int layer, double[] rates, int points) {

    /**
     * The mean rate over the neurons.
     *
     * @return the mean of the finite rates (NaN when none)
     */
    public double mean() {
      return Stat.of(rates).mean();
    }
  }

  /**
   * (E19b) for every run and layer of {@code sum} whose time series kept the row cosines
   * ({@code --neurons}). The window is the last {@code windowSteps} of {@code steps}: the points
   * at steps &gt; steps - windowSteps.
   *
   * @param sum the runs
   * @param steps the steps per run
   * @param windowSteps the measurement window in steps
   * @return one entry per (run, layer), in run order; empty when no row cosines were kept
   */
  public static List<Oscillation> oscillations(Summary sum, int steps, int windowSteps) {
    List<Oscillation> out = new ArrayList<>();
    for (Cell c : sum.cells()) {
      Probe.Series s = c.result().series();
      int first = 0;
      while (first < s.steps().length && s.steps()[first] <= steps - windowSteps) {
        first++;
      }
      for (int l = 0; l < s.layers().size(); l++) {
        float[][] rows = s.layer(l).neurons();
        if (rows == null || rows.length == 0 || rows[0] == null) {
          continue;
        }
        int n = rows[0].length, points = rows.length;
        double[] rates = new double[n], cos = new double[points];
        for (int j = 0; j < n; j++) {
          for (int p = 0; p < points; p++) {
            cos[p] = rows[p][j];
          }
          rates[j] = oscillationRate(cos, first);
        }
        out.add(new Oscillation(c, l, rates, Math.max(0, points - first)));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Writes {@code oscillation-vs-val-loss-layerL.svg} per layer: three panels, one series per
   * rule, mean over seeds with +-1 s.d. error bars: the mean per-neuron oscillation rate (E19b)
   * against gamma, the validation loss against gamma, and the validation loss against the
   * oscillation rate (one point per gamma, joined in gamma order).
   *
   * @param dir the output folder
   * @param what the model, for the titles (e.g. "relu MLP")
   * @param sum the runs
   * @param osc {@link #oscillations} of the runs
   * @param rules the rules, in legend order
   * @param gammas the weight decays
   * @throws IOException when a file cannot be written
   */
  public static void oscillationFigure(Path dir, String what, Summary sum, List<Oscillation> osc,
      List<Rule> rules, double[] gammas) throws IOException {
    int depth = 0;
    for (Oscillation o : osc) {
      depth = Math.max(depth, o.layer() + 1);
    }
    int seeds = sum.groups().get(0).seeds();
    String spread = seeds > 1 ? String.format(Locale.ROOT, "points: mean over %d seeds; error"
        + " bars: ±1 s.d. over the seeds", seeds) : "one seed per point (no error bars)";
    for (int l = 0; l < depth; l++) {
      Panels fig = new Panels(String.format(Locale.ROOT, "Per-neuron oscillation and validation"
          + " loss: layer %d (%s)", l + 1, what), spread + "; oscillation: fraction of sign"
          + " changes of each neuron's cos(g, H) between time-series points in the window", 3,
          440, 300);
      LinePlot rate = new LinePlot("oscillation rate vs gamma", "gamma (log; 0 left of the"
          + " break)", "mean oscillation rate").gammaX();
      LinePlot val = new LinePlot("validation loss vs gamma", "gamma (log; 0 left of the break)",
          "validation loss").gammaX();
      LinePlot both = new LinePlot("validation loss vs oscillation", "mean oscillation rate",
          "validation loss");
      for (Rule r : rules) {
        double[] rm = new double[gammas.length], rs = new double[gammas.length];
        double[] vm = new double[gammas.length], vs = new double[gammas.length];
        for (int g = 0; g < gammas.length; g++) {
          Summary.Group gr = sum.group(r, gammas[g]);
          double[] means = new double[gr.seeds()];
          java.util.Arrays.fill(means, Double.NaN);
          for (Oscillation o : osc) {
            if (o.layer() == l && o.cell().rule() == r && o.cell().gamma() == gammas[g]) {
              means[o.cell().seedIndex()] = o.mean();
            }
          }
          Stat st = Stat.of(means);
          rm[g] = st.mean();
          rs[g] = st.std();
          vm[g] = gr.valLoss().mean();
          vs[g] = gr.valLoss().std();
        }
        rate.add(r.id(), gammas, rm, seeds > 1 ? rs : null, false);
        val.add(null, gammas, vm, seeds > 1 ? vs : null, false);
        both.add(null, rm, vm, seeds > 1 ? vs : null, false);
      }
      fig.add(rate).add(val).add(both);
      fig.write(dir.resolve("oscillation-vs-val-loss-layer" + (l + 1) + ".svg"));
    }
  }

  /**
   * Writes {@code alignment-and-norm-RULE-layerL.svg} for every rule and layer: two panels on
   * a log step axis, one series per gamma (mean over seeds): the minibatch cos(g, H) at every
   * time-series step (where the early bump shows) and ||W||_F beside it. Nothing is written
   * when the runs recorded no time series.
   *
   * @param dir the output folder
   * @param what the model, for the titles
   * @param sum the runs
   * @param rules the rules
   * @param gammas the weight decays (one series each)
   * @throws IOException when a file cannot be written
   */
  public static void alignmentAndNorm(Path dir, String what, Summary sum, List<Rule> rules,
      double[] gammas) throws IOException {
    Figures.forEachRuleAndLayer(sum, rules, gammas, (r, l, seeds, gl) -> {
      Panels fig = new Panels(String.format(Locale.ROOT, "Alignment and weight norm during"
          + " training: %s, layer %d (%s)", r.id(), l + 1, what), (seeds > 1
          ? String.format(Locale.ROOT, "lines: mean over %d seeds", seeds) : "one seed")
          + "; one series per weight decay gamma; log step axis", 2, 520, 340);
      LinePlot cos = new LinePlot("minibatch cos(g, H)", "step (log scale)", "cos(g, H)")
          .logX();
      LinePlot norm = new LinePlot("weight norm ||W||_F", "step (log scale)", "||W||_F")
          .logX();
      for (int g = 0; g < gammas.length; g++) {
        Summary.Group gr = sum.group(r, gammas[g]);
        double[] x = Figures.stepsX(gr);
        cos.add("gamma = " + gl[g], x, gr.layer(l).seriesCos(), null, false);
        norm.add(null, x, meanNorm(gr, l, x.length), null, false);
      }
      fig.add(cos).add(norm);
      fig.write(dir.resolve("alignment-and-norm-" + r.id() + "-layer" + (l + 1) + ".svg"));
    });
  }

  /** The mean over seeds of ||W_l||_F at each time-series point (NaN where none is finite). */
  static double[] meanNorm(Summary.Group gr, int layer, int points) {
    double[] out = new double[points];
    double[] v = new double[gr.seeds()];
    for (int p = 0; p < points; p++) {
      for (int s = 0; s < v.length; s++) {
        double[] w = gr.cells().get(s).result().series().layer(layer).weightNorm();
        v[s] = p < w.length ? w[p] : Double.NaN;
      }
      out[p] = Stat.of(v).mean();
    }
    return out;
  }
}
