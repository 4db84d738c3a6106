package org.hebb4j.tensor;

import java.util.Arrays;

/**
 * An int32 tensor (labels, indices), row-major; see {@link Tensor} and spec/kernels.md#tensors.
 * Neither array is copied.
 *
 * @param shape the dimensions, outermost first, e.g. {@code [N]} for N labels
 * @param data the row-major values, exactly the product of {@code shape} of them
 */
public record IntTensor(int[] shape, int[] data) {

  /**
   * Checks that {@code data} holds exactly the product of {@code shape}.
   * See spec/kernels.md#tensors.
   *
   * @param shape the dimensions, outermost first
   * @param data the row-major values
   * @throws IllegalArgumentException if a dimension is negative, the product is too large for an
   *     array, or {@code data.length} differs from it
   */
  public IntTensor {
    int n = Tensor.size(shape);
    if (data.length != n) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
  }

  /**
   * The number of elements. See spec/kernels.md#tensors.
   *
   * @return {@code data().length}
   */
  public int size() {
    return data.length;
  }
}
