package org.hebb4j.experiment.emergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hebb4j.emergence.Noise;
import org.hebb4j.emergence.Protocol;
import org.hebb4j.emergence.Rule;
import org.hebb4j.experiment.Problem;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.DivergedException;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.parallel.Workers;
import org.junit.jupiter.api.Test;

/** The SRE runner: thread-count independence, divergence, and the summary it computes. */
class SreTest {

  static final Kernels K = KernelProvider.get();

  static Sre.Options tiny(List<Rule> rules, int steps) {
    return Sre.Options.builder().rules(rules).gammas(0, 5e-3).seeds(2).seed(11).batch(32)
        .steps(steps).window(0.5).every(10).neurons(true).widths(32, 16, 32).sizes(400, 100)
        .build();
  }

  static void assertSameLayers(TrainingRun.Result a, TrainingRun.Result b) {
    for (int l = 0; l < a.layers().size(); l++) {
      for (Protocol p : Protocol.values()) {
        assertEquals(a.alignment(p, l), b.alignment(p, l), p + " layer " + l);
      }
    }
  }

  @Test
  void resultsAreBitIdenticalForAnyThreadCount() {
    Sre.Options o = tiny(List.of(Rule.SGD, Rule.ADAMW, Rule.DFA, Rule.RANDOMNN), 40);
    Summary one, three;
    try (Workers w = new Workers(1)) {
      one = Sre.run(K, o, w, null);
    }
    try (Workers w = new Workers(3)) {
      three = Sre.run(K, o, w, null);
    }
    assertEquals(one.cells().size(), three.cells().size());
    for (int i = 0; i < one.cells().size(); i++) {
      TrainingRun.Result a = one.cells().get(i).result(), b = three.cells().get(i).result();
      assertSameLayers(a, b);
      assertEquals(a.valLoss(), b.valLoss());
      assertArrayEquals(a.series().layer(1).cos(), b.series().layer(1).cos());
      assertTrue(Double.isFinite(a.layer(1).timeavg()));
    }
  }

  /** A single run uses the workers for its GEMMs (shape-determined blocks): same bits. */
  @Test
  void singleRunIsBitIdenticalForAnyThreadCount() {
    Sre.Options o = Sre.Options.builder().rules(List.of(Rule.SGD)).gammas(5e-3).seeds(1).seed(2)
        .steps(6).window(0.5).every(2).widths(32, 512, 32).sizes(600, 100).build();
    TrainingRun.Result a, b;
    try (Workers w = new Workers(1)) {
      a = Sre.run(K, o, w, null).cells().get(0).result();
    }
    try (Workers w = new Workers(2)) {
      b = Sre.run(K, o, w, null).cells().get(0).result();
    }
    assertSameLayers(a, b);
    assertEquals(a.valLoss(), b.valLoss());
  }

  @Test
  void divergenceNamesTheStepAndLayer() {
    Sre.Options o = Sre.Options.builder().rules(List.of(Rule.SGD)).gammas(0).seeds(1)
        .lr(1e4, 1e-3).batch(32).steps(200).every(0).widths(32, 16, 32).sizes(400, 100).build();
    DivergedException e;
    try (Workers w = new Workers(1)) {
      e = assertThrows(DivergedException.class, () -> Sre.run(K, o, w, null));
    }
    assertTrue(e.getMessage().matches("training diverged at step \\d+: .*(weights|loss).*"),
        e.getMessage());
  }

  /** The summary's statistics are those of the cells, per (rule, gamma) in option order. */
  @Test
  void summaryGroupsCellsAndComputesStatistics() {
    Sre.Options o = tiny(List.of(Rule.DFA, Rule.SGD), 20);
    Summary s;
    try (Workers w = new Workers(2)) {
      s = Sre.run(K, o, w, null);
    }
    assertEquals(4, s.groups().size());
    assertEquals(Rule.DFA, s.groups().get(0).rule());
    assertEquals(5e-3, s.groups().get(1).gamma());
    Summary.Group g = s.group(Rule.SGD, 5e-3);
    assertEquals(2, g.seeds());
    double[] v = new double[2];
    for (int i = 0; i < 2; i++) {
      assertEquals(Rule.SGD, g.cells().get(i).rule());
      assertEquals(i, g.cells().get(i).seedIndex());
      v[i] = g.cells().get(i).result().alignment(Protocol.TIMEAVG, 1);
    }
    double mean = (v[0] + v[1]) / 2;
    assertEquals(mean, g.layer(1).alignment(Protocol.TIMEAVG).mean(), 1e-15);
    assertEquals(Math.abs(v[0] - v[1]) / 2, g.layer(1).alignment(Protocol.TIMEAVG).std(), 1e-12);
    assertEquals(g.steps().length, g.layer(1).seriesCos().length);
    assertThrows(IllegalArgumentException.class, () -> s.group(Rule.ADAM, 0));
  }

  @Test
  void builderDefaultsAreThoseOfTheCommand() {
    Sre.Options o = Sre.Options.builder().build();
    assertEquals(Activation.TANH, o.act());
    assertEquals(List.of(Rule.values()), o.rules());
    assertArrayEquals(new double[] {0, 5e-5, 5e-4, 5e-3}, o.gammas());
    assertEquals(3, o.seeds());
    assertEquals(3000, o.steps());
    assertEquals(30, o.every());
    assertEquals(Noise.NONE, o.noise());
    assertEquals(128, o.hidden());
    assertEquals(20000, o.nTrain());
  }

  @Test
  void transformerOptionsNameEveryMapAndRefuseOtherRules() {
    Sre.Options o = Sre.Options.builder().rules(List.of(Rule.SGD, Rule.DFA))
        .noise(Noise.PARAM, 0.1).act(Activation.RELU)
        .transformer(TransformerConfig.builder().blocks(1).build()).build();
    assertEquals(Sre.Model.TRANSFORMER, o.model());
    assertEquals(Activation.RELU, o.transformer().act());
    assertEquals(List.of("E", "b1.Wq", "b1.Wk", "b1.Wv", "b1.Wo", "b1.W1", "b1.W2", "R"),
        o.layerNames());
    List<String> errors = o.problems(1).stream().filter(Problem::isError)
        .map(Problem::message).toList();
    assertEquals(List.of("the transformer trains with rule sgd, adam or adamw, not dfa",
        "the transformer trains without noise, got noise param"), errors);
    assertEquals(List.of("1", "2"), Sre.Options.builder().build().layerNames());
    assertEquals(Sre.Model.TRANSFORMER, Sre.Model.parse("transformer"));
  }

  @Test
  void transformerRunsAreTheSameBitsForAnyThreadCount() {
    Sre.Options o = Sre.Options.builder().rules(List.of(Rule.SGD, Rule.ADAM)).gammas(0, 5e-3)
        .seeds(1).seed(3).batch(16).steps(8).sizes(64, 16).every(0)
        .transformer(TransformerConfig.builder().blocks(1).ffn(16).build()).build();
    Summary one;
    Summary two;
    try (Workers w = new Workers(1)) {
      one = Sre.run(K, o, w, null);
    }
    try (Workers w = new Workers(2)) {
      two = Sre.run(K, o, w, null);
    }
    assertEquals(8, one.groups().get(0).layers().size());
    for (int i = 0; i < one.cells().size(); i++) {
      TrainingRun.Result a = one.cells().get(i).result(), b = two.cells().get(i).result();
      assertEquals(a.layers(), b.layers());
      assertEquals(a.valLoss(), b.valLoss());
      assertEquals(a.trainLoss(), b.trainLoss());
      for (Protocol p : Protocol.values()) {
        assertTrue(Double.isFinite(a.alignment(p, 6)), p.id());
      }
    }
  }

  @Test
  void statLeavesOutNonFiniteValues() {
    Stat s = Stat.of(new double[] {1, Double.NaN, 3});
    assertEquals(2, s.mean());
    assertEquals(1, s.std());
    assertTrue(Double.isNaN(Stat.of(new double[] {Double.NaN}).mean()));
  }
}
