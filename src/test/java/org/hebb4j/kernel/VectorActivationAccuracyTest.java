package org.hebb4j.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The vector tanh (spec/kernels.md#activations (K8a)) stays within 3.5e-7 relative of tanh. */
class VectorActivationAccuracyTest {

  @Test
  void vectorTanhIsWithinItsDocumentedBound() {
    assumeTrue(KernelProvider.vector().isPresent(), "no Vector API in this JVM");
    Kernels k = KernelProvider.vector().get();
    int n = 1 << 21;
    float[] a = new float[n + 6], z = new float[n + 6];
    for (int i = 0; i < n; i++) {
      // dense near 0, where the relative error matters most, and out to +-20
      double u = (i - n / 2) / (double) (n / 2);
      a[i] = (float) (Math.signum(u) * 20 * u * u * Math.abs(u));
    }
    float[] special = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -0f,
        7.9988117f, 1e-30f};
    // at the end (the scalar tail for most widths) and at the start (always the vector loop)
    System.arraycopy(special, 0, a, n, special.length);
    System.arraycopy(special, 0, a, 0, special.length);
    k.activate(Activation.TANH, a.length, a, 0, z, 0);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      double exact = Math.tanh(a[i]);
      double rel = exact == 0 ? Math.abs(z[i]) : Math.abs(z[i] - exact) / Math.abs(exact);
      worst = Math.max(worst, rel);
    }
    assertTrue(worst <= 3.5e-7, "worst relative error " + worst);
    k.activate(Activation.SIGMOID, a.length, a, 0, z, 0);
    for (int i = 0; i < a.length; i++) {
      double exact = 1 / (1 + Math.exp(-(double) a[i]));
      assertTrue(Math.abs(z[i] - exact) <= 2e-7, "sigmoid at " + a[i] + ": " + z[i]);
    }
    float[] dz = new float[a.length], da = new float[a.length];
    java.util.Arrays.fill(dz, 1f);
    k.activateBackward(Activation.TANH, a.length, a, 0, dz, 0, da, 0);
    for (int i = 0; i < a.length; i++) {
      double exact = 1 - Math.tanh(a[i]) * Math.tanh(a[i]);
      assertTrue(Math.abs(da[i] - exact) <= 1e-6, "tanh' at " + a[i] + ": " + da[i]);
    }
  }
}
