package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.kernel.ThreadedKernels;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.Tensor;
import org.hebb4j.util.AllocationCounter;
import org.junit.jupiter.api.Test;

/**
 * {@link Transformer} and {@link TransformerConfig} (spec/transformer.md): the contract's names
 * and shapes, deterministic initialisation, one-line configuration errors, no allocation in a
 * steady-state training step, and the same bits for 1 and 2 threads.
 */
class TransformerTest {

  static final int D = 32;

  static TransformerConfig.Builder paper() {
    return TransformerConfig.builder().tokens(4).heads(4).blocks(2).act(Activation.TANH)
        .norm(TransformerConfig.Norm.PRE).ffn(128);
  }

  @Test
  void parametersAreNamedAndShapedAsTheContract() {
    Transformer net = new Transformer(paper().build());
    List<String> expected = new ArrayList<>(List.of("E", "e", "P"));
    for (int l = 1; l <= 2; l++) {
      for (String n : new String[] {"ln1.g", "ln1.b", "Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo",
          "bo", "ln2.g", "ln2.b", "W1", "b1", "W2", "b2"}) {
        expected.add("b" + l + "." + n);
      }
    }
    expected.addAll(List.of("lnf.g", "lnf.b", "R", "r"));
    Map<String, Tensor> p = net.parameters();
    assertEquals(expected, new ArrayList<>(p.keySet()));
    assertArrayEquals(new int[] {32, 8}, p.get("E").shape());
    assertArrayEquals(new int[] {4, 32}, p.get("P").shape());
    assertArrayEquals(new int[] {128, 32}, p.get("b2.W1").shape());
    assertArrayEquals(new int[] {32, 128}, p.get("b2.W2").shape());
    assertArrayEquals(new int[] {32, 32}, p.get("b1.Wo").shape());
    Map<String, Tensor> g = net.workspace(2).gradients();
    assertEquals(expected, new ArrayList<>(g.keySet()));
    for (String n : expected) {
      assertArrayEquals(p.get(n).shape(), g.get(n).shape(), n);
    }
    Transformer none = new Transformer(paper().norm(TransformerConfig.Norm.NONE).blocks(1)
        .build());
    assertEquals(List.of("E", "e", "P", "b1.Wq", "b1.bq", "b1.Wk", "b1.bk", "b1.Wv", "b1.bv",
        "b1.Wo", "b1.bo", "b1.W1", "b1.b1", "b1.W2", "b1.b2", "R", "r"),
        new ArrayList<>(none.parameters().keySet()));
  }

  @Test
  void initIsDeterministicAndLoadStateDictChecksNamesAndShapes() {
    Transformer a = new Transformer(paper().build()), b = new Transformer(paper().build());
    a.init(new Rng(5));
    b.init(new Rng(5));
    for (String n : a.parameters().keySet()) {
      assertArrayEquals(a.parameters().get(n).data(), b.parameters().get(n).data(), n);
    }
    assertEquals(1f, a.parameters().get("b1.ln1.g").data()[0]);
    assertNotEquals(0f, a.parameters().get("P").data()[0]);
    Transformer c = new Transformer(paper().build());
    c.loadStateDict(a.stateDict());
    assertArrayEquals(a.parameters().get("b2.W2").data(), c.parameters().get("b2.W2").data());
    Map<String, Tensor> bad = new HashMap<>(a.stateDict());
    bad.put("b1.Wq", Tensor.zeros(16, 32));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.loadStateDict(bad));
    assertEquals("tensor 'b1.Wq': expected shape [32, 32], got [16, 32]", e.getMessage());
    bad.remove("b1.Wq");
    e = assertThrows(IllegalArgumentException.class, () -> c.loadStateDict(bad));
    assertEquals("missing tensor 'b1.Wq'", e.getMessage());
  }

  @Test
  void badConfigsGiveOneLineErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> paper().tokens(5).build());
    assertEquals("tokens 5 does not divide 32 (allowed: 1, 2, 4, 8, 16, 32)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> paper().heads(3).build());
    assertEquals("heads 3 does not divide 32 (allowed: 1, 2, 4, 8, 16, 32)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> paper().tokens(0).build());
    assertTrue(e.getMessage().startsWith("tokens 0 does not divide 32"));
    e = assertThrows(IllegalArgumentException.class, () -> paper().blocks(0).build());
    assertEquals("blocks must be at least 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> paper().ffn(0).build());
    assertEquals("ffn width must be in [1, 1048576], got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.Norm.parse("post"));
    assertEquals("unknown norm 'post' (expected one of: pre, none)", e.getMessage());
    Transformer net = new Transformer(paper().build());
    Transformer.Workspace ws = net.workspace(4);
    e = assertThrows(IllegalArgumentException.class,
        () -> ws.forward(KernelProvider.get(), new float[5 * D], 5));
    assertEquals("batch of 5 rows, capacity 4", e.getMessage());
    ws.forward(KernelProvider.get(), new float[4 * D], 4);
    e = assertThrows(IllegalArgumentException.class,
        () -> ws.loss(Loss.SOFTMAX_CE, new float[4 * D], 0.25f));
    assertTrue(e.getMessage().contains("mse or mse_mean"), e.getMessage());
  }

  /** A training step: forward, loss, backward and an SGD update with decay on every weight. */
  static final class Step {
    final Transformer.Workspace ws;
    final float[][] params;
    final float[][] grads;

    Step(Transformer net, int batch) {
      ws = net.workspace(batch);
      params = net.parameters().values().stream().map(Tensor::data).toArray(float[][]::new);
      grads = ws.gradients().values().stream().map(Tensor::data).toArray(float[][]::new);
    }

    double run(Kernels k, float[] x, float[] y, int rows) {
      ws.forward(k, x, rows);
      double loss = ws.loss(Loss.MSE_MEAN, y, 1f / rows);
      ws.backward(k, false);
      for (int i = 0; i < params.length; i++) {
        k.scale(params[i].length, 1f - 1e-4f, params[i], 0);
        k.axpy(params[i].length, -0.01f, grads[i], 0, params[i], 0);
      }
      return loss;
    }
  }

  static float[] gaussian(Rng r, int n) {
    float[] v = new float[n];
    r.fillGaussian(v, 0, n, 1f);
    return v;
  }

  /**
   * A steady-state training step allocates nothing. On the scalar kernels, as TrainerTest: the
   * Vector API kernels allocate vector boxes until C2 has compiled them.
   */
  @Test
  void steadyStateStepAllocatesNothing() {
    com.sun.management.ThreadMXBean mx = AllocationCounter.require();
    long tid = Thread.currentThread().getId();
    Kernels k = KernelProvider.scalar();
    for (TransformerConfig.Norm norm : TransformerConfig.Norm.values()) {
      Transformer net = new Transformer(paper().norm(norm).ffn(32).build());
      net.init(new Rng(3));
      Rng r = new Rng(4);
      int batch = 16;
      float[] x = gaussian(r, batch * D), y = gaussian(r, batch * D);
      Step step = new Step(net, batch);
      for (int t = 0; t < 200; t++) {
        step.run(k, x, y, t % 3 == 0 ? batch - 1 : batch);
      }
      long first = mx.getThreadAllocatedBytes(tid);
      long overhead = mx.getThreadAllocatedBytes(tid) - first;
      long bytes = Long.MAX_VALUE;
      for (int window = 0; window < 10 && bytes != 0; window++) {
        long before = mx.getThreadAllocatedBytes(tid);
        for (int t = 0; t < 100; t++) {
          step.run(k, x, y, t % 3 == 0 ? batch - 1 : batch);
        }
        bytes = Math.min(bytes, mx.getThreadAllocatedBytes(tid) - before - overhead);
      }
      assertEquals(0, bytes, norm + ": 100 steps allocated " + bytes + " bytes");
    }
  }

  /**
   * Ten training steps give the same bits on the plain kernels and on 1 and 2 worker threads
   * (batch 256 of 8 tokens: the feed-forward GEMMs are large enough to be split).
   */
  @Test
  void sameBitsForOneAndTwoThreads() {
    Kernels base = KernelProvider.get();
    int batch = 256;
    Rng r = new Rng(8);
    float[] x = gaussian(r, batch * D), y = gaussian(r, batch * D);
    TransformerConfig cfg = paper().tokens(8).build();
    float[][] ref = null;
    for (int threads = 0; threads <= 2; threads++) {
      Transformer net = new Transformer(cfg);
      net.init(new Rng(6));
      Step step = new Step(net, batch);
      float[][] got;
      if (threads == 0) {
        for (int t = 0; t < 10; t++) {
          step.run(base, x, y, batch);
        }
      } else {
        try (Workers w = new Workers(threads)) {
          Kernels k = new ThreadedKernels(base, w);
          for (int t = 0; t < 10; t++) {
            step.run(k, x, y, batch);
          }
        }
      }
      got = new float[step.params.length + step.grads.length + 1][];
      for (int i = 0; i < step.params.length; i++) {
        got[i] = step.params[i].clone();
        got[step.params.length + i] = step.grads[i].clone();
      }
      got[got.length - 1] = java.util.Arrays.copyOf(step.ws.output(), batch * D);
      if (ref == null) {
        ref = got;
      } else {
        for (int i = 0; i < ref.length; i++) {
          assertArrayEquals(ref[i], got[i], "threads=" + threads + " array " + i);
        }
      }
    }
  }

  /** mse_mean is (2/32) of mse's gradient and (1/16) of its loss for 32 outputs ((E26)). */
  @Test
  void mseMeanIsPyTorchsMseLoss() {
    float[] out = {1f, 2f, -1f, 0.5f}, y = {0f, 0f, 0f, 0f};
    float[] e = new float[4];
    double s = Loss.MSE_MEAN.sum(2, 2, out, y, null, 0.5f, e);
    assertEquals((1 + 4) / 2.0 + (1 + 0.25) / 2.0, s, 1e-12);
    assertEquals(0.5f * 2 * 1f / 2, e[0]);
    assertEquals(0.5f * 2 * 0.5f / 2, e[3]);
    assertEquals(Loss.MSE_MEAN, Loss.parse("mse_mean"));
  }
}
