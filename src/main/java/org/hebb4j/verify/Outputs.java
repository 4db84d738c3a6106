package org.hebb4j.verify;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/** The named outputs of one op run: float32 {@link Tensor}s or int32 {@link IntTensor}s. */
public final class Outputs {

  private final Map<String, Object> values = new LinkedHashMap<>();

  public Outputs put(String name, Tensor t) {
    values.put(name, t);
    return this;
  }

  public Outputs put(String name, IntTensor t) {
    values.put(name, t);
    return this;
  }

  /** A float32 scalar (shape []). */
  public Outputs scalar(String name, float v) {
    return put(name, Tensor.of(new float[] {v}));
  }

  Object get(String name) {
    return values.get(name);
  }
}
