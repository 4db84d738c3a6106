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

  /**
   * A tensor of zeros (spec/kernels.md#tensors).
   *
   * @param shape the dimensions, outermost first, e.g. {@code [B, C, H, W]}; copied; rank 0 gives
   *     a scalar of one element
   * @return a new tensor owning a new array of {@code size(shape)} zeros
   * @throws IllegalArgumentException if a dimension is negative or the product exceeds
   *     {@code Integer.MAX_VALUE - 8}
   */
  public static Tensor zeros(int... shape) {
    return new Tensor(shape.clone(), new float[size(shape)]);
  }

  /**
   * Wraps {@code data} (not copied), which must hold exactly the product of {@code shape}
   * (spec/kernels.md#tensors).
   *
   * @param data the row-major values, shared with the returned tensor
   * @param shape the dimensions, outermost first; copied
   * @return a tensor viewing {@code data}
   * @throws IllegalArgumentException if a dimension is negative, the product is too large for an
   *     array, or {@code data.length} differs from the product
   */
  public static Tensor of(float[] data, int... shape) {
    int n = size(shape);
    if (data.length != n) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
    return new Tensor(shape.clone(), data);
  }

  /**
   * Number of elements of {@code shape}, checking that every dimension is non-negative and that
   * the product fits a Java array (spec/kernels.md#tensors).
   *
   * @param shape the dimensions; the empty shape has one element
   * @return the product of the dimensions
   * @throws IllegalArgumentException if a dimension is negative or the product exceeds
   *     {@code Integer.MAX_VALUE - 8}
   */
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

  /**
   * The dimensions, outermost first. See spec/kernels.md#tensors.
   *
   * @return a copy of the shape (changing it does not change the tensor)
   */
  public int[] shape() {
    return shape.clone();
  }

  /**
   * The number of dimensions. See spec/kernels.md#tensors.
   *
   * @return {@code shape().length}
   */
  public int rank() {
    return shape.length;
  }

  /**
   * One dimension. See spec/kernels.md#tensors.
   *
   * @param axis 0 for the outermost, up to {@code rank() - 1}
   * @return the size along {@code axis}
   * @throws ArrayIndexOutOfBoundsException if {@code axis} is not in {@code [0, rank())}
   */
  public int dim(int axis) {
    return shape[axis];
  }

  /**
   * The number of elements. See spec/kernels.md#tensors.
   *
   * @return the product of the shape, equal to {@code data().length}
   */
  public int size() {
    return data.length;
  }

  /**
   * The backing array (row-major), shared, not copied: writes to it change the tensor.
   * See spec/kernels.md#tensors.
   *
   * @return the data, of length {@link #size()}
   */
  public float[] data() {
    return data;
  }

  /**
   * A view with another shape over the same data (no copy), like PyTorch's {@code view}.
   * See spec/kernels.md#tensors.
   *
   * @param newShape the new dimensions, whose product must equal {@link #size()}
   * @return a tensor sharing this one's data
   * @throws IllegalArgumentException if the product of {@code newShape} differs from
   *     {@link #size()} or a dimension is negative
   */
  public Tensor reshape(int... newShape) {
    return of(data, newShape);
  }

  /**
   * A deep copy. See spec/kernels.md#tensors.
   *
   * @return a tensor of the same shape with its own copy of the data
   */
  public Tensor copy() {
    return new Tensor(shape.clone(), data.clone());
  }

  /**
   * Row-major offset of an index: {@code ((i0 * d1 + i1) * d2 + i2) ...}
   * (spec/kernels.md#tensors).
   *
   * @param index one coordinate per dimension, each in {@code [0, dim(axis))}
   * @return the position of that element in {@link #data()}
   * @throws IllegalArgumentException if {@code index.length != rank()}
   * @throws IndexOutOfBoundsException if a coordinate is outside its dimension
   */
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

  /**
   * One element. See spec/kernels.md#tensors.
   *
   * @param index one coordinate per dimension
   * @return the element at {@link #offset(int...)}
   * @throws IllegalArgumentException if {@code index.length != rank()}
   * @throws IndexOutOfBoundsException if a coordinate is outside its dimension
   */
  public float get(int... index) {
    return data[offset(index)];
  }

  /**
   * Writes one element. See spec/kernels.md#tensors.
   *
   * @param value the new value
   * @param index one coordinate per dimension
   * @throws IllegalArgumentException if {@code index.length != rank()}
   * @throws IndexOutOfBoundsException if a coordinate is outside its dimension
   */
  public void set(float value, int... index) {
    data[offset(index)] = value;
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
