package org.hebb4j.verify;

import java.util.List;
import java.util.Map;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;
import org.hebb4j.util.Named;

/**
 * One case of a test-vector file (spec/test-vectors.md): typed access to its {@code params} and
 * {@code inputs}. Every missing or malformed value is a {@link VectorFormatException} naming the
 * JSON location, e.g. {@code cases[3].inputs.x.data[7]}.
 */
public final class VectorCase {

  private final String where;
  private final Map<String, Object> params;
  private final Map<String, Object> inputs;

  VectorCase(String where, Map<String, Object> caseObject) {
    this.where = where;
    this.params = optionalObject(caseObject, "params", where);
    Map<String, Object> in = optionalObject(caseObject, "inputs", where);
    if (!caseObject.containsKey("inputs")) {
      throw new VectorFormatException(where + ": missing required key 'inputs'");
    }
    this.inputs = in;
  }

  /** The JSON location of this case, e.g. {@code cases[3]}. */
  public String where() {
    return where;
  }

  // ---- params

  public boolean hasParam(String name) {
    return params.containsKey(name);
  }

  private Object param(String name) {
    Object v = params.get(name);
    if (v == null) {
      throw new VectorFormatException(where + ".params: missing required param '" + name + "'");
    }
    return v;
  }

  public double number(String name) {
    Object v = param(name);
    if (!(v instanceof Number n)) {
      throw new VectorFormatException(where + ".params." + name + ": expected a number, got "
          + describe(v));
    }
    return n.doubleValue();
  }

  public float floatParam(String name) {
    return (float) number(name);
  }

  /** An integral number in [min, max]. */
  public int integer(String name, int min, int max) {
    double d = number(name);
    if (d != Math.rint(d) || d < min || d > max) {
      throw new VectorFormatException(where + ".params." + name + ": expected an integer in ["
          + min + ", " + max + "], got " + d);
    }
    return (int) d;
  }

  /** An integral number below 2^53, as a long. */
  public long longParam(String name) {
    double d = number(name);
    if (d != Math.rint(d) || Math.abs(d) > 0x1p53) {
      throw new VectorFormatException(where + ".params." + name
          + ": expected an integer below 2^53 in magnitude, got " + d);
    }
    return (long) d;
  }

  public boolean bool(String name) {
    Object v = param(name);
    if (!(v instanceof Boolean)) {
      throw new VectorFormatException(where + ".params." + name + ": expected true or false, got "
          + describe(v));
    }
    return (Boolean) v;
  }

  public String string(String name) {
    Object v = param(name);
    if (!(v instanceof String)) {
      throw new VectorFormatException(where + ".params." + name + ": expected a string, got "
          + describe(v));
    }
    return (String) v;
  }

  /** A string param restricted to {@code allowed}. */
  public String choice(String name, String... allowed) {
    String v = string(name);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new VectorFormatException(where + ".params." + name + ": '" + v
        + "' is not one of " + String.join(", ", allowed));
  }

  /**
   * A string param naming a constant of {@code type} ({@link Named#parse}).
   *
   * @param <E> the enum type
   * @param name the param's name
   * @param type the enum's class
   * @return the constant the param names
   * @throws VectorFormatException if the param is missing, not a string or names no constant
   */
  public <E extends Enum<E> & Named> E named(String name, Class<E> type) {
    String v = string(name);
    try {
      return Named.parse(type, "value", v);
    } catch (IllegalArgumentException e) {
      throw new VectorFormatException(where + ".params." + name + ": " + e.getMessage());
    }
  }

  // ---- inputs

  public boolean hasInput(String name) {
    return inputs.containsKey(name);
  }

  /** A required float32 input. */
  public Tensor tensor(String name) {
    Object v = inputs.get(name);
    if (v == null) {
      throw new VectorFormatException(where + ".inputs: missing required input '" + name + "'");
    }
    return TensorJson.readFloat(v, where + ".inputs." + name);
  }

  /** A float32 input of the given rank, checking it. */
  public Tensor tensor(String name, int rank) {
    Tensor t = tensor(name);
    if (t.rank() != rank) {
      throw new VectorFormatException(where + ".inputs." + name + ": expected rank " + rank
          + ", got shape " + java.util.Arrays.toString(t.shape()));
    }
    return t;
  }

  /** An optional float32 input, or null. */
  public Tensor optionalTensor(String name) {
    return inputs.containsKey(name) ? tensor(name) : null;
  }

  /** A required int32 input. */
  public IntTensor intTensor(String name) {
    Object v = inputs.get(name);
    if (v == null) {
      throw new VectorFormatException(where + ".inputs: missing required input '" + name + "'");
    }
    return TensorJson.readInt(v, where + ".inputs." + name);
  }

  /** Fails with a message naming the input when {@code ok} is false. */
  public void check(boolean ok, String input, String message) {
    if (!ok) {
      throw new VectorFormatException(where + ".inputs." + input + ": " + message);
    }
  }

  // ---- helpers

  @SuppressWarnings("unchecked")
  static Map<String, Object> optionalObject(Map<String, Object> parent, String key, String where) {
    Object v = parent.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map)) {
      throw new VectorFormatException(where + "." + key + ": expected an object, got "
          + describe(v));
    }
    return (Map<String, Object>) v;
  }

  static String describe(Object v) {
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "an array";
    }
    if (v instanceof String) {
      return "the string \"" + org.hebb4j.json.Json.printable((String) v, 100) + "\"";
    }
    return String.valueOf(v);
  }
}
