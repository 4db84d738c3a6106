package org.hebb4j.verify;

import java.util.List;
import java.util.Map;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/**
 * Reads TENSOR objects {@code {"shape": [...], "data": [...], "dtype": ...}} (spec/test-vectors.md).
 * The shape is checked against the data length before anything is allocated. Non-finite floats,
 * which JSON numbers cannot express, are written as the strings "NaN", "Infinity", "-Infinity".
 */
final class TensorJson {

  private TensorJson() {}

  static Tensor readFloat(Object v, String where) {
    Map<String, Object> t = object(v, where);
    String dtype = dtype(t, where);
    if (!dtype.equals("float32")) {
      throw new VectorFormatException(where + ".dtype: expected float32, got " + dtype);
    }
    int[] shape = shape(t, where);
    List<?> data = data(t, shape, where);
    float[] out = new float[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) number(data.get(i), where + ".data[" + i + "]");
    }
    return Tensor.of(out, shape);
  }

  static IntTensor readInt(Object v, String where) {
    Map<String, Object> t = object(v, where);
    String dtype = dtype(t, where);
    if (!dtype.equals("int32")) {
      throw new VectorFormatException(where + ".dtype: expected int32, got " + dtype);
    }
    int[] shape = shape(t, where);
    List<?> data = data(t, shape, where);
    int[] out = new int[data.size()];
    for (int i = 0; i < out.length; i++) {
      double d = number(data.get(i), where + ".data[" + i + "]");
      if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
        throw new VectorFormatException(where + ".data[" + i + "]: not an int32: " + d);
      }
      out[i] = (int) d;
    }
    return new IntTensor(shape, out);
  }

  /** True when the TENSOR object declares dtype int32. */
  static boolean isInt(Object v, String where) {
    return dtype(object(v, where), where).equals("int32");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object v, String where) {
    if (!(v instanceof Map)) {
      throw new VectorFormatException(where + ": expected a TENSOR object, got "
          + VectorCase.describe(v));
    }
    return (Map<String, Object>) v;
  }

  private static String dtype(Map<String, Object> t, String where) {
    Object d = t.get("dtype");
    if (d == null) {
      return "float32";
    }
    if (!(d instanceof String) || !(d.equals("float32") || d.equals("int32"))) {
      throw new VectorFormatException(where + ".dtype: expected \"float32\" or \"int32\", got "
          + VectorCase.describe(d));
    }
    return (String) d;
  }

  private static int[] shape(Map<String, Object> t, String where) {
    Object s = t.get("shape");
    if (!(s instanceof List)) {
      throw new VectorFormatException(where + ".shape: " + (s == null ? "missing"
          : "expected an array, got " + VectorCase.describe(s)));
    }
    List<?> dims = (List<?>) s;
    int[] shape = new int[dims.size()];
    double n = 1;
    for (int i = 0; i < shape.length; i++) {
      Object d = dims.get(i);
      double x = d instanceof Number num ? num.doubleValue() : Double.NaN;
      if (x != Math.rint(x) || x < 0 || x > Integer.MAX_VALUE) {
        throw new VectorFormatException(where + ".shape[" + i
            + "]: expected a non-negative integer, got " + VectorCase.describe(d));
      }
      shape[i] = (int) x;
      n *= shape[i];
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new VectorFormatException(where + ".shape: " + java.util.Arrays.toString(shape)
          + " has " + (long) n + " elements, more than a Java array holds");
    }
    return shape;
  }

  private static List<?> data(Map<String, Object> t, int[] shape, String where) {
    Object d = t.get("data");
    if (!(d instanceof List)) {
      throw new VectorFormatException(where + ".data: " + (d == null ? "missing"
          : "expected an array, got " + VectorCase.describe(d)));
    }
    List<?> data = (List<?>) d;
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    if (data.size() != n) {
      throw new VectorFormatException(where + ": shape " + java.util.Arrays.toString(shape)
          + " needs " + n + " values, data has " + data.size());
    }
    return data;
  }

  private static double number(Object v, String where) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if ("NaN".equals(v)) {
      return Double.NaN;
    }
    if ("Infinity".equals(v)) {
      return Double.POSITIVE_INFINITY;
    }
    if ("-Infinity".equals(v)) {
      return Double.NEGATIVE_INFINITY;
    }
    throw new VectorFormatException(where + ": expected a number, got " + VectorCase.describe(v));
  }
}
