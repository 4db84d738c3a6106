package org.hebb4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
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
 * The transformer's step split over threads (spec/transformer.md#performance): the forward pass
 * and the activation gradients by ranges of batch rows, the parameter gradients as sums over the
 * rows in row order. Parameters, gradients, outputs and every map's output gradient handed to a
 * sink are the same bits on the plain kernels and on pools of 1, 2, 3 and 8 threads (each a
 * different cut of the batch), on both kernel paths, with and without layer norms, for a batch
 * that no cut divides and a batch below the capacity, overwriting and accumulating; the workers
 * allocate nothing in a steady-state step.
 */
class TransformerThreadsTest {

  private static final int D = 32;

  /** Everything a few steps leave behind: parameters, gradients, outputs and sink gradients. */
  private static List<float[]> steps(TransformerConfig cfg, Kernels k, int capacity) {
    Transformer net = new Transformer(cfg);
    net.init(new Rng(11));
    Transformer.Workspace ws = net.workspace(capacity);
    Rng r = new Rng(12);
    float[] x = TransformerTest.gaussian(r, capacity * D);
    float[] y = TransformerTest.gaussian(r, capacity * D);
    List<float[]> got = new ArrayList<>();
    // the last step is on the whole capacity: every array the sink sees is filled
    Transformer.OutputGradients sink = (map, dy) -> got.add(dy.clone());
    float[][] params = net.parameters().values().stream().map(Tensor::data)
        .toArray(float[][]::new);
    float[][] grads = ws.gradients().values().stream().map(Tensor::data)
        .toArray(float[][]::new);
    int[] rows = {capacity, capacity - 7, capacity};
    for (int t = 0; t < rows.length; t++) {
      got.add(ws.forward(k, x, rows[t]).clone());
      ws.loss(Loss.MSE, y, 1f / rows[t]);
      ws.backward(k, t == 1, t == 2 ? sink : null); // step 1 adds to step 0's gradients
      for (int i = 0; i < params.length; i++) {
        got.add(grads[i].clone());
        k.axpy(params[i].length, -0.05f, grads[i], 0, params[i], 0);
      }
    }
    for (float[] p : params) {
      got.add(p.clone());
    }
    return got;
  }

  @Test
  void sameBitsForEveryThreadCountAndCut() {
    TransformerConfig[] configs = {
        TransformerTest.paper().build(),
        TransformerTest.paper().tokens(8).heads(2).blocks(1).act(Activation.RELU)
            .norm(TransformerConfig.Norm.NONE).ffn(48).build()};
    for (Kernels base : new Kernels[] {KernelProvider.get(), KernelProvider.scalar()}) {
      for (TransformerConfig cfg : configs) {
        int capacity = 77; // no cut divides it
        List<float[]> ref = steps(cfg, base, capacity);
        for (int threads : new int[] {1, 2, 3, 8}) {
          List<float[]> got;
          try (Workers w = new Workers(threads)) {
            got = steps(cfg, new ThreadedKernels(base, w), capacity);
          }
          assertEquals(ref.size(), got.size());
          for (int i = 0; i < ref.size(); i++) {
            assertArrayEquals(ref.get(i), got.get(i), base.name() + " " + cfg.tokens()
                + " tokens, " + threads + " threads: array " + i);
          }
        }
      }
    }
  }

  /** The workers allocate nothing in a steady-state step (scalar kernels, as TransformerTest). */
  @Test
  void workersAllocateNothingInASteadyStateStep() {
    com.sun.management.ThreadMXBean mx = AllocationCounter.require();
    try (Workers w = new Workers(2)) {
      long[] ids = w.threadIds();
      assumeTrue(ids.length > 0, "one core: no worker threads");
      Kernels k = new ThreadedKernels(KernelProvider.scalar(), w);
      Transformer net = new Transformer(TransformerTest.paper().ffn(32).build());
      net.init(new Rng(3));
      int batch = 64;
      Rng r = new Rng(4);
      float[] x = TransformerTest.gaussian(r, batch * D);
      float[] y = TransformerTest.gaussian(r, batch * D);
      TransformerTest.Step step = new TransformerTest.Step(net, batch);
      for (int t = 0; t < 300; t++) {
        step.run(k, x, y, batch);
      }
      long bytes = Long.MAX_VALUE;
      for (int window = 0; window < 10 && bytes != 0; window++) {
        long before = allocated(mx, ids);
        long mine = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int t = 0; t < 100; t++) {
          step.run(k, x, y, batch);
        }
        bytes = Math.min(bytes, allocated(mx, ids) - before
            + mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - mine);
      }
      assertEquals(0, bytes, "100 steps on 2 threads allocated " + bytes + " bytes");
    }
  }

  private static long allocated(com.sun.management.ThreadMXBean mx, long[] ids) {
    long sum = 0;
    for (long id : ids) {
      sum += mx.getThreadAllocatedBytes(id);
    }
    return sum;
  }
}
