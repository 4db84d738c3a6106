package org.hebb4j.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Rng checks ranges before it draws or writes anything. */
class RngArgumentsTest {

  @Test
  void fillGaussianChecksTheRangeBeforeWriting() {
    float[] a = new float[5];
    Rng r = new Rng(7);
    long[][] bad = {{3, 3}, {-1, 2}, {0, -1}, {6, 0}, {1, Integer.MAX_VALUE}};
    for (long[] b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> r.fillGaussian(a, (int) b[0], (int) b[1], 1f));
      assertEquals("out[" + b[0] + ", " + b[0] + "+" + b[1] + ") out of range for length 5",
          e.getMessage());
    }
    assertArrayEquals(new float[5], a); // nothing written
    assertEquals(new Rng(7).nextLong(), r.nextLong()); // nothing drawn
    r.fillGaussian(a, 5, 0, 1f);
    r.fillGaussian(a, 2, 3, 1f);
    assertEquals(0f, a[1]);
  }

  @Test
  void nullsAreNamed() {
    Rng r = new Rng(1);
    assertEquals("out", assertThrows(NullPointerException.class,
        () -> r.fillGaussian(null, 0, 0, 1f)).getMessage());
    assertEquals("a", assertThrows(NullPointerException.class, () -> r.shuffle(null))
        .getMessage());
    assertEquals("name", assertThrows(NullPointerException.class, () -> r.derive(null))
        .getMessage());
  }
}
