package org.hebb4j.tensor;

import java.util.Arrays;

/** An int32 tensor (labels, indices), row-major; see {@link Tensor}. */
public record IntTensor(int[] shape, int[] data) {

  public IntTensor {
    int n = Tensor.size(shape);
    if (data.length != n) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
  }

  public int size() {
    return data.length;
  }
}
