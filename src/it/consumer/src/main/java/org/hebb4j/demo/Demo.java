package org.hebb4j.demo;

import java.nio.file.Path;
import java.util.Arrays;
import org.hebb4j.data.Dataset;
import org.hebb4j.data.FashionMnist;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.hebbian.HebbCnnConfig;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;

/**
 * The README's Hebbian-CNN example as a downstream program: trains on 1000 Fashion-MNIST images,
 * saves, loads and compares the features of the two networks bit for bit. Argument: the file.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Dataset train = FashionMnist.load(FashionMnist.DEFAULT_DIR).train().first(1000);
    HebbCnnConfig cfg = HebbCnnConfig.paper(1, 28, 28, HebbCnnConfig.Variant.TRIANGLE_PRUNING)
        .toBuilder().burnIn(0).build();
    try (Workers workers = new Workers(2)) {
      HebbCnn net = new HebbCnn(cfg, KernelProvider.get(), workers, new Rng(1));
      net.fitWhitening(train.x(), train.n());
      for (int i = 0; i < train.n(); i += cfg.batch()) {
        net.train(train.x(), i * cfg.imageSize(), Math.min(cfg.batch(), train.n() - i));
      }
      net.save(Path.of(args[0]));
      HebbCnn back = HebbCnn.load(Path.of(args[0]), KernelProvider.get(), workers);
      float[] a = net.features(train.x(), 0, train.n()).last().data();
      float[] b = back.features(train.x(), 0, train.n()).last().data();
      System.out.println("kernels " + KernelProvider.get().name() + ", module "
          + HebbCnn.class.getModule().getName() + ", steps " + back.step()
          + ", same features: " + Arrays.equals(a, b));
    }
  }
}
