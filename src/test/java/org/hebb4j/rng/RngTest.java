package org.hebb4j.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {

  @Test
  void splitMix64MatchesThePublishedSequenceForSeedZero() {
    Rng r = new Rng(0);
    assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
    assertEquals(0x06C45D188009454FL, r.nextLong());
  }

  @Test
  void fnv1aMatchesKnownValues() {
    assertEquals(0xcbf29ce484222325L, Rng.fnv1a64(""));
    assertEquals(0xaf63dc4c8601ec8cL, Rng.fnv1a64("a"));
  }

  @Test
  void sameSeedSameDraws() {
    Rng a = new Rng(42), b = new Rng(42);
    for (int i = 0; i < 1000; i++) {
      assertEquals(Float.floatToRawIntBits(a.gaussianFloat()),
          Float.floatToRawIntBits(b.gaussianFloat()));
    }
  }

  @Test
  void derivedStreamsDependOnlyOnSeedAndName() {
    Rng parent = new Rng(7);
    Rng before = parent.derive("layer1");
    parent.nextLong();
    parent.nextLong();
    Rng after = parent.derive("layer1");
    assertEquals(before.seed(), after.seed());
    assertNotEquals(parent.derive("layer1").seed(), parent.derive("layer2").seed());
  }

  @Test
  void uniformDrawsStayInRange() {
    Rng r = new Rng(1);
    for (int i = 0; i < 100_000; i++) {
      float f = r.uniformFloat();
      double d = r.uniformDouble();
      assertTrue(f >= 0f && f < 1f);
      assertTrue(d >= 0.0 && d < 1.0);
    }
  }

  @Test
  void gaussianMomentsAreStandard() {
    Rng r = new Rng(3);
    int n = 200_000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
      double g = r.gaussian();
      assertTrue(Double.isFinite(g));
      s += g;
      s2 += g * g;
    }
    double mean = s / n, var = s2 / n - mean * mean;
    assertEquals(0.0, mean, 0.01);
    assertEquals(1.0, var, 0.02);
  }

  @Test
  void nextIntIsUniformAndInRange() {
    Rng r = new Rng(11);
    int[] counts = new int[7];
    for (int i = 0; i < 70_000; i++) {
      counts[r.nextInt(7)]++;
    }
    for (int c : counts) {
      assertEquals(10_000, c, 500);
    }
    assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
  }

  @Test
  void shuffleIsAPermutation() {
    int[] a = new int[100];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    new Rng(5).shuffle(a);
    int[] sorted = a.clone();
    java.util.Arrays.sort(sorted);
    int[] identity = new int[100];
    for (int i = 0; i < identity.length; i++) {
      identity[i] = i;
    }
    assertArrayEquals(identity, sorted);
    assertTrue(!java.util.Arrays.equals(a, identity));
  }
}
