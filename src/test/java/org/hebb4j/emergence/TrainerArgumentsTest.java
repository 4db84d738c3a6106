package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.IntFunction;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/** Trainer and Probe reject a layer index out of range and null arguments by name. */
class TrainerArgumentsTest {

  @Test
  void layerIndexOutOfRangeIsNamed() {
    Kernels k = KernelProvider.scalar();
    Mlp net = Teacher.network(4, 6, 2, Activation.TANH, new Rng(4));
    Trainer tr = new Trainer(k, net, Loss.MSE,
        TrainConfig.of(Rule.DFA, 0.05, 0, Noise.NONE, 0, 2), new Rng(9));
    Probe p = new Probe(k, net, 4, false);
    Trainer.Batch b = new Trainer.Batch(new float[8], new float[4], null, 2);
    Trainer.Step s = tr.train(b, p, true, true);
    p.completePoint(s, 0.0);
    List<IntFunction<Object>> views = List.of(tr::signalW, tr::signalB, tr::feedback,
        s::weightNorm, s::weightNormSq, p::minibatch, p::timeavg, p::neuronStats,
        p.series()::layer);
    for (IntFunction<Object> v : views) {
      v.apply(1);
      for (int l : new int[] {-1, 2, 5}) {
        assertEquals("layer " + l + " out of range [0, 2)",
            assertThrows(IllegalArgumentException.class, () -> v.apply(l)).getMessage());
      }
    }
  }

  @Test
  void badConstructorArgumentsAreNamed() {
    Kernels k = KernelProvider.scalar();
    Mlp net = Teacher.network(4, 6, 2, Activation.TANH, new Rng(4));
    TrainConfig c = TrainConfig.of(Rule.SGD, 0.05, 0, Noise.NONE, 0, 2);
    assertEquals("net", assertThrows(NullPointerException.class,
        () -> new Trainer(k, null, Loss.MSE, c, new Rng(1))).getMessage());
    assertEquals("run", assertThrows(NullPointerException.class,
        () -> new Trainer(k, net, Loss.MSE, c, null)).getMessage());
    assertEquals("points must be 0 or more, got -1", assertThrows(
        IllegalArgumentException.class, () -> new Probe(k, net, -1, false)).getMessage());
  }
}
