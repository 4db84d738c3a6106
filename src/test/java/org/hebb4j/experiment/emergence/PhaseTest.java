package org.hebb4j.experiment.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhaseTest {

  /** A synthetic grid whose sign changes exactly at gamma* = 10^0.3 sigma^2. */
  @Test
  void fitRecoversAKnownBoundary() {
    double[] s = Phase.logspace(1e-3, 1e-1, 5), g = Phase.logspace(1e-7, 1, 15);
    double[][] a = new double[s.length][g.length];
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < g.length; j++) {
        double lgStar = 0.3 + 2 * Math.log10(s[i]);
        a[i][j] = Math.tanh(Math.log10(g[j]) - lgStar);
      }
    }
    Phase.Boundary b = Phase.fit(new Phase.Grid(s, g, a, a, java.util.List.of()));
    assertTrue(b.found());
    assertEquals(2.0, b.b(), 0.05);
    assertEquals(0.3, b.a(), 0.1);
    assertEquals(5, b.sigmas().length);
  }

  @Test
  void rowsWithoutASignChangeAreSkipped() {
    double[] s = {1e-3, 1e-2}, g = {1e-3, 1e-2};
    Phase.Boundary b = Phase.fit(new Phase.Grid(s, g, new double[][] {{0.1, 0.2}, {-0.1, -0.2}},
        new double[2][2], java.util.List.of()));
    assertFalse(b.found());
    assertEquals(0, b.sigmas().length);
  }

  /** A synthetic grid with a known slope 2 plus scatter: the interval covers 2, excluding cells. */
  @Test
  void fitOnStationaryColumnsExcludesTheOthersAndGivesAnInterval() {
    double[] s = Phase.logspace(1e-2, 1, 7), g = Phase.logspace(1e-6, 1, 13);
    double[][] a = new double[s.length][g.length];
    org.hebb4j.rng.Rng r = new org.hebb4j.rng.Rng(5);
    double[] shift = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      shift[i] = 0.05 * r.gaussian();
      for (int j = 0; j < g.length; j++) {
        a[i][j] = Math.tanh(Math.log10(g[j]) - (-0.5 + 2 * Math.log10(s[i]) + shift[i]));
      }
    }
    Phase.Grid grid = new Phase.Grid(s, g, a, a, java.util.List.of());
    boolean[] used = new boolean[g.length];
    for (int j = 0; j < g.length; j++) {
      used[j] = g[j] >= 1e-3; // columns 6..12
    }
    Phase.Boundary b = Phase.fit(grid, used);
    assertEquals(7, b.usedColumns());
    assertEquals(7 * 6, b.excludedCells());
    // gamma* = 10^-0.5 sigma^2 >= 1e-3 only for sigma >= 0.056: rows 0.01, 0.0215, 0.0464 drop
    assertEquals(4, b.sigmas().length);
    assertTrue(b.line().hasInterval());
    assertTrue(b.line().contains(2), b.line().toString());
    assertTrue(b.line().slopeHigh() - b.line().slopeLow() < 1.5, b.line().toString());
    // the same grid on every column uses all 7 rows
    assertEquals(7, Phase.fit(grid).sigmas().length);
    assertEquals(0, Phase.fit(grid).excludedCells());
  }

  @Test
  void tooFewStationaryColumnsGiveNoBoundaryNotACrash() {
    double[] s = {1e-3, 1e-2, 1e-1}, g = {1e-3, 1e-2, 1e-1};
    double[][] a = {{-1, 1, 1}, {-1, -1, 1}, {-1, -1, -1}};
    Phase.Boundary b = Phase.fit(new Phase.Grid(s, g, a, a, java.util.List.of()),
        new boolean[] {false, false, true});
    assertFalse(b.found());
    assertEquals(1, b.usedColumns());
    assertEquals(6, b.excludedCells());
    assertFalse(b.line().hasInterval());
  }

  @Test
  void stationaryColumnsFollowLrGammaT() {
    Phase.Options mlp = Phase.Options.builder().model(Phase.Model.MLP).build();
    assertEquals(3, mlp.minLrGammaT());
    // lr 0.1 * 3000 steps: gamma >= 0.01 (the 5 largest of 1e-5..1 in half decades)
    int used = 0;
    for (boolean u : mlp.stationaryColumns()) {
      used += u ? 1 : 0;
    }
    assertEquals(5, used);
    assertTrue(mlp.stationary(0.01));
    assertFalse(mlp.stationary(0.0099));
    assertEquals(0, Phase.Options.builder().build().minLrGammaT());
    assertThrows(IllegalArgumentException.class,
        () -> Phase.Options.builder().noise(org.hebb4j.emergence.Noise.NONE).build());
    assertThrows(IllegalArgumentException.class,
        () -> Phase.Options.builder().minLrGammaT(-1e-9).build());
  }

  /** The validation-loss minimum of each row, in decades above the fitted line. */
  @Test
  void valMinimaArePlacedAgainstTheBoundary() {
    double[] s = {1e-2, 1e-1}, g = {1e-4, 1e-3, 1e-2, 1e-1};
    double[][] a = {{-1, 1, 1, 1}, {-1, -1, -1, 1}};
    double[][] v = {{3, 1, 2, 4}, {Double.NaN, 5, 6, 7}};
    Phase.Grid grid = new Phase.Grid(s, g, a, v, java.util.List.of());
    boolean[] all = {true, true, true, true};
    Phase.Boundary b = Phase.fit(grid, all);
    assertTrue(b.found());
    java.util.List<Phase.ValMinimum> m = Phase.valMinima(grid, b, all);
    assertEquals(1e-3, m.get(0).gamma());
    assertEquals(1.0, m.get(0).valLoss());
    assertEquals(Math.log10(1e-3) - (b.a() + b.b() * Math.log10(1e-2)),
        m.get(0).decadesFromBoundary(), 1e-12);
    assertEquals(1e-3, m.get(1).gamma(), "a NaN cell is skipped");
    Phase.Result res = new Phase.Result(grid, b, m);
    assertEquals(0, res.minimaAtSmallestGamma());
    assertEquals(1, res.minimaNearBoundary(0.5));
  }

  @Test
  void logspaceIsInclusive() {
    double[] v = Phase.logspace(1e-3, 1e-1, 3);
    assertEquals(1e-3, v[0], 1e-15);
    assertEquals(1e-2, v[1], 1e-15);
    assertEquals(1e-1, v[2], 1e-15);
  }

  @Test
  void builderDefaultsFollowTheModel() {
    Phase.Options lin = Phase.Options.builder().build();
    assertEquals(Phase.Model.LINEAR, lin.model());
    assertEquals(1000, lin.steps());
    assertEquals(0, lin.probedLayer());
    assertEquals(9, lin.sigmas().length);
    assertEquals(11, lin.gammas().length);
    Phase.Options mlp = Phase.Options.builder().model(Phase.Model.MLP).build();
    assertEquals(3000, mlp.steps());
    assertEquals(1, mlp.probedLayer());
    assertEquals(40, Phase.Options.builder().model(Phase.Model.MLP).steps(40).build().steps());
    assertEquals("mlp", Phase.Model.MLP.id());
  }
}
