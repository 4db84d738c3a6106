package org.hebb4j.experiment.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
