package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hebb4j.hebbian.HebbCnnConfig.Layer;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/** {@link HebbCnn#receptiveField} and {@link HebbCnn#winningPatches} on tiny networks. */
class WinningPatchesTest {

  /** 2 x 11 x 11 images padded by 1 to 13 x 13; kernels 3 (pool 2), 2 (stride 1, pad 1), 2. */
  static HebbCnnConfig tiny() {
    return HebbCnnConfig.builder(2, 11, 11).pad(1)
        .layer(Layer.of(4, 3).withK(2))
        .layer(Layer.of(5, 2).withStride(1, 1))
        .layer(Layer.of(3, 2))
        .triangle(false).batch(3).build();
  }

  @Test
  void receptiveFieldsComposeKernelsPoolsAndPadding() {
    try (Workers wk = new Workers(1)) {
      HebbCnn net = new HebbCnn(tiny(), HebbCnnTest.K, wk, new Rng(1));
      // layer 1: 3 pixels from -1 (the config's padding), step 1
      assertEquals(new HebbCnn.ReceptiveField(3, 1, -1), net.receptiveField(0));
      // layer 2: pool 2 -> 4 pixels, step 2; kernel 2 -> 6; its padding 1 moves the start by 2
      assertEquals(new HebbCnn.ReceptiveField(6, 2, -3), net.receptiveField(1));
      // layer 3: pool 2 -> 8, step 4; kernel 2 -> 12
      assertEquals(new HebbCnn.ReceptiveField(12, 4, -3), net.receptiveField(2));
      assertThrows(IllegalArgumentException.class, () -> net.receptiveField(3));
    }
  }

  @Test
  void meanPatchesAreTheMeansOfTheWinningInputPatches() {
    HebbCnnConfig cfg = tiny();
    int n = 7, d = cfg.imageSize(), h = 11, c = 2;
    float[] x = HebbCnnTest.images(new Rng(4), n + 1, d);
    try (Workers wk = new Workers(2)) {
      HebbCnn net = new HebbCnn(cfg, HebbCnnTest.K, wk, new Rng(2));
      net.train(x, d, 3); // away from the initial thresholds
      for (int l = 0; l < 3; l++) {
        HebbCnn.WinningPatches wp = net.winningPatches(l, x, d, n); // images 1..7 of x
        HebbCnn.ReceptiveField rf = net.receptiveField(l);
        int o = net.outputShape(l)[0], r = rf.size(), q = c * r * r;
        assertArrayEquals(new int[] {o, c, r, r}, wp.mean().shape(), "layer " + (l + 1));
        // the brute-force means, one image at a time, from the winners the network reports
        double[] sum = new double[o * q];
        long[] wins = new long[o];
        int ow = net.convShape(l).ow(), p = net.convShape(l).positions();
        int k = cfg.layers().get(l).k();
        for (int i = 0; i < n; i++) {
          net.infer(x, (1 + i) * d, 1);
          int[] win = net.winners(l);
          for (int pos = 0; pos < p; pos++) {
            for (int j = 0; j < k; j++) {
              int f = win[pos * k + j];
              if (f < 0) {
                continue;
              }
              wins[f]++;
              for (int t = 0; t < q; t++) {
                int ch = t / (r * r), u = t / r % r, v = t % r;
                int y = rf.start() + pos / ow * rf.jump() + u;
                int xx = rf.start() + pos % ow * rf.jump() + v;
                boolean in = y >= 0 && y < h && xx >= 0 && xx < h;
                sum[f * q + t] += in ? x[(1 + i) * d + (ch * h + y) * h + xx] : 0;
              }
            }
          }
        }
        assertArrayEquals(wins, wp.wins(), "layer " + (l + 1) + " wins");
        long total = 0;
        for (int f = 0; f < o; f++) {
          total += wins[f];
          for (int t = 0; t < q; t++) {
            double want = wins[f] == 0 ? 0 : sum[f * q + t] / wins[f];
            assertEquals(want, wp.mean().data()[f * q + t], 1e-5, "layer " + (l + 1));
          }
        }
        assertTrue(total > 0 && total <= (long) n * p * k, "at most k winners per position");
      }
      assertThrows(IllegalArgumentException.class, () -> net.winningPatches(0, x, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> net.winningPatches(0, x, 1, 1));
    }
  }
}
