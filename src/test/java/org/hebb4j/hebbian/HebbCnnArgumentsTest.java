package org.hebb4j.hebbian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.hebb4j.hebbian.HebbCnnConfig.Layer;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every public method of HebbCnn rejects a bad argument with a one-line message. */
class HebbCnnArgumentsTest {

  static final Kernels K = KernelProvider.scalar();

  /** 1x8x8 images, two layers, batch 4. */
  static HebbCnnConfig tiny() {
    return HebbCnnConfig.builder(1, 8, 8).layer(Layer.of(4, 3)).layer(Layer.of(6, 2)).batch(4)
        .build();
  }

  private static void oneLine(Exception e, String... parts) {
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), e.getMessage() + " lacks " + p);
    }
  }

  @Test
  void layerIndexOutOfRangeIsNamed() {
    try (Workers wk = new Workers(1)) {
      HebbCnn net = new HebbCnn(tiny(), K, wk, new Rng(1));
      List<IntFunction<Object>> views = List.of(net::output, net::input, net::convShape,
          net::outputShape, net::filterShape, net::weights, net::mask, net::thresholds,
          net::winners);
      for (IntFunction<Object> v : views) {
        v.apply(1); // in range
        for (int l : new int[] {-1, 2, 7}) {
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
              () -> v.apply(l));
          assertEquals("layer " + l + " out of range [0, 2)", e.getMessage());
        }
      }
    }
  }

  @Test
  void offsetMustBeAMultipleOfTheImageSize() {
    try (Workers wk = new Workers(1)) {
      HebbCnn net = new HebbCnn(tiny(), K, wk, new Rng(1));
      int d = tiny().imageSize();
      float[] x = HebbCnnTest.images(new Rng(2), 10, d);
      net.infer(x, 2 * d, 4);
      oneLine(assertThrows(IllegalArgumentException.class, () -> net.train(x, 3, 4)),
          "offset 3", "multiple", String.valueOf(d));
      oneLine(assertThrows(IllegalArgumentException.class, () -> net.infer(x, d + 1, 2)),
          "offset " + (d + 1));
      oneLine(assertThrows(IllegalArgumentException.class, () -> net.features(x, 5, 2)),
          "offset 5");
      oneLine(assertThrows(IllegalArgumentException.class, () -> net.infer(x, -d, 2)),
          "offset " + (-d));
      oneLine(assertThrows(IllegalArgumentException.class, () -> net.infer(x, 8 * d, 3)),
          "do not fit");
      oneLine(assertThrows(IllegalArgumentException.class, () -> net.train(x, 0, 5)),
          "batch of 5");
      oneLine(assertThrows(IllegalArgumentException.class, () -> net.features(x, 0, 0)),
          "at least 1");
      // features takes more images than a batch, batch by batch
      assertEquals(7, net.features(x, 3 * d, 7).last().shape()[0]);
    }
  }

  @Test
  void nullArgumentsAreNamed(@TempDir Path dir) throws Exception {
    try (Workers wk = new Workers(1)) {
      assertEquals("config", assertThrows(NullPointerException.class,
          () -> new HebbCnn(null, K, wk, new Rng(1))).getMessage());
      assertEquals("kernels", assertThrows(NullPointerException.class,
          () -> new HebbCnn(tiny(), null, wk, new Rng(1))).getMessage());
      assertEquals("workers", assertThrows(NullPointerException.class,
          () -> new HebbCnn(tiny(), K, null, new Rng(1))).getMessage());
      assertEquals("rng", assertThrows(NullPointerException.class,
          () -> new HebbCnn(tiny(), K, wk, null)).getMessage());
      HebbCnn net = new HebbCnn(tiny(), K, wk, new Rng(1));
      Path f = dir.resolve("net.safetensors");
      net.save(f);
      assertEquals("kernels", assertThrows(NullPointerException.class,
          () -> HebbCnn.load(f, null, wk)).getMessage());
      assertEquals("workers", assertThrows(NullPointerException.class,
          () -> HebbCnn.load(f, K, null)).getMessage());
      assertEquals("file", assertThrows(NullPointerException.class,
          () -> HebbCnn.load(null, K, wk)).getMessage());
      assertEquals("kernels", assertThrows(NullPointerException.class,
          () -> HebbCnn.fromMetadata(net.configMetadata(), null, wk)).getMessage());
      assertEquals("workers", assertThrows(NullPointerException.class,
          () -> HebbCnn.fromMetadata(net.configMetadata(), K, null)).getMessage());
      assertEquals("images", assertThrows(NullPointerException.class,
          () -> net.infer(null, 0, 1)).getMessage());
    }
  }
}
