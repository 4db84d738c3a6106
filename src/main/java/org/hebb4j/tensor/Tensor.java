package org.hebb4j.tensor;

import java.util.Arrays;

/**
 * A float32 tensor: a shape and its row-major data (spec/kernels.md#tensors). The data array is
 * exposed on purpose: layers hand it, with offsets, straight to the kernels. No autograd.
 */
public final class Tensor {

  private final int[] shape;
  private final float[] data;

  private Tensor(int[] shape, float[] data) {
    this.shape = shape;
    this.data = data;
  }

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    return new Tensor(shape.clone(), new float[size(shape)]);
  }

  /** Wraps {@code data} (not copied), which must hold exactly the product of {@code shape}. */
  public static Tensor of(float[] data, int... shape) {
    int n = size(shape);
    if (data.length != n) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
    return new Tensor(shape.clone(), data);
  }

  /** Number of elements of {@code shape}, checking that every dimension is non-negative. */
  public static int size(int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape)
            + " is too large for a Java array");
      }
    }
    return (int) n;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int size() {
    return data.length;
  }

  /** The backing array (row-major), shared, not copied. */
  public float[] data() {
    return data;
  }

  /** A view with another shape over the same data. */
  public Tensor reshape(int... newShape) {
    return of(data, newShape);
  }

  public Tensor copy() {
    return new Tensor(shape.clone(), data.clone());
  }

  /** Row-major offset of an index. */
  public int offset(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("index of rank " + index.length + " for a tensor of rank "
          + shape.length);
    }
    int off = 0;
    for (int a = 0; a < shape.length; a++) {
      if (index[a] < 0 || index[a] >= shape[a]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape "
            + Arrays.toString(shape));
      }
      off = off * shape[a] + index[a];
    }
    return off;
  }

  public float get(int... index) {
    return data[offset(index)];
  }

  public void set(float value, int... index) {
    data[offset(index)] = value;
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
