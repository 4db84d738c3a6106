package org.hebb4j.verify;

import java.util.Map;
import org.hebb4j.kernel.Kernels;
import org.hebb4j.rng.Rng;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/** Op {@code rng} (spec/rng.md#vectors): draws from a seeded, possibly derived, stream. */
final class RngOps {

  private RngOps() {}

  static void register(Map<String, VectorOp> ops) {
    ops.put("rng", RngOps::rng);
  }

  static Outputs rng(VectorCase c, Kernels k) {
    Rng r = new Rng(c.longParam("seed"));
    String stream = c.hasParam("stream") ? c.string("stream") : "";
    if (!stream.isEmpty()) {
      for (String name : stream.split("/", -1)) {
        r = r.derive(name);
      }
    }
    String dist = c.choice("dist", "raw", "uniform_float", "gaussian", "int");
    int count = c.integer("count", 0, 1 << 20);
    switch (dist) {
      case "raw": {
        int[] hi = new int[count], lo = new int[count];
        for (int i = 0; i < count; i++) {
          long v = r.nextLong();
          hi[i] = (int) (v >>> 32);
          lo[i] = (int) v;
        }
        return new Outputs().put("hi", new IntTensor(new int[] {count}, hi))
            .put("lo", new IntTensor(new int[] {count}, lo));
      }
      case "int": {
        int bound = c.integer("bound", 1, Integer.MAX_VALUE);
        int[] v = new int[count];
        for (int i = 0; i < count; i++) {
          v[i] = r.nextInt(bound);
        }
        return new Outputs().put("values", new IntTensor(new int[] {count}, v));
      }
      default: {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
          v[i] = dist.equals("gaussian") ? r.gaussianFloat() : r.uniformFloat();
        }
        return new Outputs().put("values", Tensor.of(v, count));
      }
    }
  }
}
