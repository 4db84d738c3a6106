package org.hebb4j.emergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.hebb4j.kernel.Activation;
import org.hebb4j.kernel.KernelProvider;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.nn.Loss;
import org.hebb4j.nn.Mlp;
import org.hebb4j.rng.Rng;
import org.junit.jupiter.api.Test;

/** Each noise kind (spec/emergence.md#noise) changes what it should and nothing else. */
class NoiseKindsTest {

  static final Kernels K = KernelProvider.scalar();
  static final int B = 16;

  record Outcome(float[] hPre0, float[] hPre1, float[] g0, float[] x) {}

  static Outcome step(Noise noise, double sigma) {
    Teacher.Sets sets = TrainerTest.sre(3, 64, 8);
    Mlp net = Teacher.network(32, 8, 32, Activation.TANH, new Rng(4));
    Trainer tr = new Trainer(K, net, Loss.MSE,
        TrainConfig.of(Rule.SGD, 0.05, 1e-3, noise, sigma, B), new Rng(9));
    float[] x = Arrays.copyOf(sets.train().x(), B * 32);
    float[] y = Arrays.copyOf(sets.train().y(), B * 32);
    tr.train(new Trainer.Batch(x, y, null, B));
    Mlp.Workspace ws = tr.workspace();
    return new Outcome(Arrays.copyOf(ws.hPre(0), B * 32), Arrays.copyOf(ws.hPre(1), B * 8),
        tr.signalW(0).clone(), x);
  }

  @Test
  void inputNoiseReachesTheFirstLayersHPreAndTheSignalButNotTheBatch() {
    Outcome clean = step(Noise.NONE, 0);
    Outcome in = step(Noise.INPUT, 0.3);
    // (E15b) h_pre of layer 1 is x + eps, eps drawn row-major from the run's "noise" stream
    Rng noise = new Rng(9).derive("noise");
    float[] want = new float[B * 32];
    for (int i = 0; i < want.length; i++) {
      want[i] = clean.x()[i] + (float) (0.3f * noise.gaussian());
    }
    assertArrayEquals(want, in.hPre0());
    assertArrayEquals(clean.x(), in.x(), "the caller's batch is left as it was");
    assertFalse(Arrays.equals(clean.hPre1(), in.hPre1()), "layer 2's h_pre sees the noise");
    assertFalse(Arrays.equals(clean.g0(), in.g0()), "the gradient is taken at the noisy input");
  }

  @Test
  void signalNoiseChangesOnlyTheSignal() {
    Outcome clean = step(Noise.NONE, 0);
    Outcome sig = step(Noise.SIGNAL, 0.3);
    assertArrayEquals(clean.hPre0(), sig.hPre0());
    assertArrayEquals(clean.hPre1(), sig.hPre1());
    // (E15) layer 1's g is the clean g plus the first draws of the noise stream
    Rng noise = new Rng(9).derive("noise");
    for (int i = 0; i < clean.g0().length; i++) {
      assertEquals(clean.g0()[i] + (float) (0.3f * noise.gaussian()), sig.g0()[i], 0f);
    }
  }

  @Test
  void parameterNoiseChangesTheForwardPassButNotTheInput() {
    Outcome clean = step(Noise.NONE, 0);
    Outcome par = step(Noise.PARAM, 0.3);
    assertArrayEquals(clean.hPre0(), par.hPre0());
    assertFalse(Arrays.equals(clean.hPre1(), par.hPre1()), "the hidden layer sees w = v + eps");
  }

  @Test
  void zeroSigmaIsNoNoiseForEveryKind() {
    Outcome clean = step(Noise.NONE, 0);
    for (Noise n : Noise.values()) {
      Outcome o = step(n, 0);
      assertArrayEquals(clean.hPre1(), o.hPre1(), n.id());
      assertArrayEquals(clean.g0(), o.g0(), n.id());
    }
  }
}
