package org.hebb4j.experiment.emergence;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.hebb4j.emergence.Protocol;
import org.hebb4j.emergence.Rule;

/**
 * The outcome of a (rule, gamma, seed) grid of runs (spec/emergence.md#sre,
 * spec/emergence.md#sce), computed once by the runner: every run, and per (rule, gamma) the
 * statistics over seeds that the tables, CSV files and plots show.
 *
 * @param cells every run, seed-major as run
 * @param groups one per (rule, gamma), rules in the given order, gammas within each rule
 */
public record Summary(List<Cell> cells, List<Group> groups) {

  /**
   * The statistics over seeds of one (rule, gamma).
   *
   * @param rule the rule
   * @param gamma the weight decay
   * @param cells the runs, in seed order
   * @param layers per layer, in order
   * @param valLoss the final validation (test) loss
   * @param valAccuracy the final validation (test) accuracy (NaN for regression)
   * @param steps the time-series steps (those of the first seed; empty without a series)
   */
  public record Group(Rule rule, double gamma, List<Cell> cells, List<LayerStats> layers,
      Stat valLoss, Stat valAccuracy, long[] steps) {

    /**
     * The number of seeds.
     *
     * @return cells().size()
     */
    public int seeds() {
      return cells.size();
    }

    /**
     * Layer l's statistics.
     *
     * @param l the layer, 0-based
     * @return the statistics
     */
    public LayerStats layer(int l) {
      return layers.get(l);
    }
  }

  /**
   * One layer's statistics over seeds.
   *
   * @param alignment cos(g, H) under each protocol
   * @param weightNorm ||W||_F at the end
   * @param seriesCos the mean over seeds of the minibatch cosine at each time-series step
   */
  public record LayerStats(Map<Protocol, Stat> alignment, Stat weightNorm, double[] seriesCos) {

    /**
     * The alignment under a protocol.
     *
     * @param p the protocol
     * @return its statistics over seeds
     */
    public Stat alignment(Protocol p) {
      return alignment.get(p);
    }
  }

  /**
   * The group of a (rule, gamma).
   *
   * @param rule the rule
   * @param gamma the weight decay
   * @return the group
   * @throws IllegalArgumentException if the grid has no such group
   */
  public Group group(Rule rule, double gamma) {
    for (Group g : groups) {
      if (g.rule() == rule && g.gamma() == gamma) {
        return g;
      }
    }
    throw new IllegalArgumentException("no runs of " + rule.id() + " at gamma " + gamma);
  }

  /**
   * Groups the runs by (rule, gamma) and computes their statistics.
   *
   * @param rules the rules, in report order
   * @param gammas the weight decays, in report order
   * @param cells every run
   * @return the summary
   */
  public static Summary of(List<Rule> rules, double[] gammas, List<Cell> cells) {
    List<Group> groups = new ArrayList<>();
    for (Rule r : rules) {
      for (double gamma : gammas) {
        List<Cell> cs = new ArrayList<>();
        for (Cell c : cells) {
          if (c.rule() == r && c.gamma() == gamma) {
            cs.add(c);
          }
        }
        groups.add(group(r, gamma, List.copyOf(cs)));
      }
    }
    return new Summary(List.copyOf(cells), List.copyOf(groups));
  }

  private static Group group(Rule r, double gamma, List<Cell> cs) {
    int depth = cs.get(0).result().layers().size();
    long[] steps = cs.get(0).result().series().steps();
    List<LayerStats> layers = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      final int layer = l;
      Map<Protocol, Stat> al = new EnumMap<>(Protocol.class);
      for (Protocol p : Protocol.values()) {
        al.put(p, stat(cs, c -> c.result().alignment(p, layer)));
      }
      double[] series = new double[steps.length];
      for (int p = 0; p < steps.length; p++) {
        final int point = p;
        series[p] = stat(cs, c -> c.result().series().layer(layer).cos()[point]).mean();
      }
      layers.add(new LayerStats(java.util.Collections.unmodifiableMap(al),
          stat(cs, c -> c.result().layer(layer).weightNorm()), series));
    }
    return new Group(r, gamma, cs, List.copyOf(layers), stat(cs, c -> c.result().valLoss()),
        stat(cs, c -> c.result().valAccuracy()), steps);
  }

  private static Stat stat(List<Cell> cs, ToDoubleFunction<Cell> f) {
    double[] v = new double[cs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(cs.get(i));
    }
    return Stat.of(v);
  }
}
