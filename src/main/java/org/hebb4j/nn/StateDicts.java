package org.hebb4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.tensor.Tensor;

/** The name and shape checks of a state dict, and its copy into a model's live parameters. */
final class StateDicts {
  private StateDicts() {}

  /**
   * Checks that {@code given} holds exactly the names of {@code shapes}, each of its shape.
   *
   * @param owner what the model is ("MLP", "transformer"), for the messages
   * @throws IllegalArgumentException naming the first unexpected, missing or misshapen tensor
   */
  static void checkShapes(String owner, Map<String, int[]> shapes, Map<String, Tensor> given) {
    for (String name : given.keySet()) {
      if (!shapes.containsKey(name)) {
        throw new IllegalArgumentException("unexpected tensor '" + name + "' (this " + owner
            + " has " + shapes.keySet() + ")");
      }
    }
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      Tensor t = given.get(e.getKey());
      if (t == null) {
        throw new IllegalArgumentException("missing tensor '" + e.getKey() + "'");
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        throw new IllegalArgumentException("tensor '" + e.getKey() + "': expected shape "
            + Arrays.toString(e.getValue()) + ", got " + Arrays.toString(t.shape()));
      }
    }
  }

  /**
   * Copies {@code state} into the live parameters {@code own} after {@link #checkShapes}:
   * nothing is copied unless every name and shape matches.
   */
  static void load(String owner, Map<String, Tensor> own, Map<String, Tensor> state) {
    if (state == null) {
      throw new IllegalArgumentException("state dict is null");
    }
    Map<String, int[]> shapes = new LinkedHashMap<>();
    own.forEach((name, t) -> shapes.put(name, t.shape()));
    checkShapes(owner, shapes, state);
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      float[] dst = e.getValue().data();
      System.arraycopy(state.get(e.getKey()).data(), 0, dst, 0, dst.length);
    }
  }
}
