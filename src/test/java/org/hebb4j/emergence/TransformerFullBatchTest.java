package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fullbatch protocol of the transformer (spec/transformer.md#training) accumulates the
 * gradient over chunks: the result must be that of one pass over all rows, for every parameter.
 */
class TransformerFullBatchTest {

  static final Kernels K = KernelProvider.get();

  @Test
  void chunkedGradientEqualsOnePass() {
    TransformerConfig c = TransformerConfig.builder().tokens(4).ffn(16).build();
    Transformer net = new Transformer(c);
    net.init(new Rng(3));
    int n = 40;
    float[] x = new float[n * 32];
    float[] y = new float[n * 32];
    new Rng(4).fillGaussian(x, 0, x.length, 1f);
    new Rng(5).fillGaussian(y, 0, y.length, 1f);
    Transformer.Workspace all = net.workspace(n);
    all.forward(K, x, n);
    all.loss(Loss.MSE, y, 1f / n);
    all.backward(K, false);
    Transformer.Workspace ch = net.workspace(16);
    for (int from = 0; from < n; from += 16) {
      int rows = Math.min(16, n - from);
      float[] xb = java.util.Arrays.copyOfRange(x, from * 32, (from + rows) * 32);
      float[] yb = java.util.Arrays.copyOfRange(y, from * 32, (from + rows) * 32);
      ch.forward(K, xb, rows);
      ch.loss(Loss.MSE, yb, 1f / n);
      ch.backward(K, from > 0);
    }
    Map<String, Tensor> ga = all.gradients(), gc = ch.gradients();
    for (String name : ga.keySet()) {
      float[] a = ga.get(name).data(), b = gc.get(name).data();
      double scale = 0;
      for (float v : a) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-4 * scale + 1e-7, name + "[" + i + "]");
      }
    }
  }
}
