package org.hebb4j.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/**
 * A checkpoint of a long run (spec/io.md#checkpoints): which run it belongs to (the command, its
 * options, a digest of its data, the hebb4j version and this format's number) and the state of
 * each of its training units (a network being trained, or one already trained), written as one
 * safetensors file through {@link AtomicWrite}, so that a process killed while writing leaves
 * the previous checkpoint whole. The reader validates the safetensors container first
 * ({@link SafeTensors#read}: nothing is allocated beyond what the file's real size holds), then
 * the checkpoint's own keys, names and digests; any fault is a {@link FormatException} naming the
 * file and the fault on one line.
 */
public final class Checkpoint {

  /** The format name and number, in the metadata key {@code format}. */
  public static final String FORMAT = "hebb4j-checkpoint/1";

  /** The checkpoint's file name in a run's output folder. */
  public static final String FILE = "checkpoint.safetensors";

  /**
   * Milliseconds to pause in the middle of every checkpoint write, for the test that kills a run
   * while it writes one (system property {@code hebb4j.checkpoint.testDelayMillis}; 0 without
   * it). It changes no byte written.
   */
  static final long TEST_DELAY = Long.getLong("hebb4j.checkpoint.testDelayMillis", 0);

  private static final String OPTION = "option.";
  private static final String UNIT = "unit.";
  private static final String I64 = "#i64";
  private static final String F64 = "#f64";

  /**
   * Which run a checkpoint belongs to.
   *
   * @param version the hebb4j version that wrote it
   * @param command the command, e.g. {@code hebbcnn}
   * @param options the run's options, name (without {@code --}) to value as given; flags have
   *     the value {@code true}
   * @param data a digest of the run's data ({@link #digest(float[][], int[][])})
   */
  public record Header(String version, String command, Map<String, String> options,
      String data) {

    /**
     * Sorts and copies the options.
     *
     * @param version the hebb4j version
     * @param command the command
     * @param options name to value
     * @param data the data digest
     */
    public Header {
      options = Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /**
     * SHA-256 (hex) of the options in name order, each as name, NUL, value, NUL in UTF-8.
     *
     * @return 64 hex digits
     */
    public String optionsDigest() {
      MessageDigest md = sha256();
      for (Map.Entry<String, String> e : options.entrySet()) {
        md.update((e.getKey() + '\0' + e.getValue() + '\0').getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest());
    }
  }

  /**
   * Where a training unit stands: finished ({@code done}), or before batch {@code batch} (from
   * 0) of epoch {@code epoch} (from 1); {@code batch} equal to the epoch's batch count means the
   * epoch's batches are all done and its log row is not yet taken.
   *
   * @param epoch epoch, from 1 (0 when done)
   * @param batch next batch of the epoch, from 0 (0 when done)
   * @param done whether the unit's training is complete
   */
  public record Position(int epoch, int batch, boolean done) {

    /** A finished unit. */
    public static final Position DONE = new Position(0, 0, true);

    /**
     * Checks the fields.
     *
     * @param epoch epoch
     * @param batch batch
     * @param done done
     * @throws IllegalArgumentException for a negative field, epoch 0 before the end, or a
     *     finished position with an epoch or batch
     */
    public Position {
      if (done ? epoch != 0 || batch != 0 : epoch < 1 || batch < 0) {
        throw new IllegalArgumentException("invalid position: epoch " + epoch + ", batch "
            + batch + (done ? ", done" : ""));
      }
    }

    @Override
    public String toString() {
      return done ? "done" : epoch + "," + batch;
    }
  }

  /**
   * One training unit: its name (e.g. a variant's id), where it stands and its state.
   *
   * @param name non-empty, without '/' or line breaks
   * @param position where it stands
   * @param state its state
   */
  public record Unit(String name, Position position, State state) {

    /**
     * Checks the name.
     *
     * @param name the name
     * @param position the position
     * @param state the state
     * @throws IllegalArgumentException for an empty name or one holding '/' or a line break
     */
    public Unit {
      if (name.isEmpty() || name.contains("/") || name.contains("\n")) {
        throw new IllegalArgumentException("unit name '" + name + "' is empty or holds '/' or"
            + " a line break");
      }
    }
  }

  private final Header header;
  private final List<Unit> units;

  private Checkpoint(Header header, List<Unit> units) {
    this.header = header;
    this.units = List.copyOf(units);
  }

  /**
   * The run this checkpoint belongs to.
   *
   * @return the header
   */
  public Header header() {
    return header;
  }

  /**
   * The units, in the order of the run.
   *
   * @return the units
   */
  public List<Unit> units() {
    return units;
  }

  /**
   * Writes a checkpoint to {@code file} atomically (spec/io.md#checkpoints, spec/io.md#writing).
   *
   * @param file the file to create or replace
   * @param header the run
   * @param units the units, in order (names unique)
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException for a repeated unit name
   */
  public static void write(Path file, Header header, List<Unit> units) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("hebb4j", header.version());
    meta.put("command", header.command());
    meta.put("data_sha256", header.data());
    meta.put("options_sha256", header.optionsDigest());
    for (Map.Entry<String, String> e : header.options().entrySet()) {
      meta.put(OPTION + e.getKey(), e.getValue());
    }
    List<String> names = new ArrayList<>();
    Map<String, Tensor> floats = new LinkedHashMap<>();
    Map<String, IntTensor> ints = new LinkedHashMap<>();
    for (Unit u : units) {
      if (names.contains(u.name())) {
        throw new IllegalArgumentException("unit '" + u.name() + "' given twice");
      }
      names.add(u.name());
      meta.put(UNIT + u.name(), u.position().toString());
      for (Map.Entry<String, Object> e : u.state().arrays.entrySet()) {
        String name = u.name() + "/" + e.getKey();
        Object a = e.getValue();
        if (a instanceof float[] f) {
          floats.put(name, Tensor.of(f, f.length));
        } else if (a instanceof int[] i) {
          ints.put(name, new IntTensor(new int[] {i.length}, i));
        } else if (a instanceof long[] l) {
          ints.put(name + I64, new IntTensor(new int[] {l.length, 2}, split(l)));
        } else {
          double[] d = (double[]) a;
          long[] bits = new long[d.length];
          for (int j = 0; j < d.length; j++) {
            bits[j] = Double.doubleToRawLongBits(d[j]);
          }
          ints.put(name + F64, new IntTensor(new int[] {d.length, 2}, split(bits)));
        }
      }
    }
    meta.put("units", String.join("\n", names));
    meta.put("state_sha256", digest(floats, ints));
    AtomicWrite.Body body = SafeTensors.body(floats, ints, meta);
    AtomicWrite.write(file, TEST_DELAY <= 0 ? body : out -> body.writeTo(new Pausing(out)));
  }

  /** Pauses once, for {@link #TEST_DELAY}, after the first 8 bytes (the header size). */
  private static final class Pausing extends FilterOutputStream {
    private long written;

    Pausing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      pause(len);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      pause(1);
    }

    private void pause(int len) throws IOException {
      boolean first = written < 8 && written + len >= 8;
      written += len;
      if (first) {
        out.flush();
        try {
          Thread.sleep(TEST_DELAY);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
    }
  }

  /**
   * Reads and validates a checkpoint (spec/io.md#checkpoints).
   *
   * @param file the file
   * @return the checkpoint
   * @throws FormatException naming the file and the fault: not a safetensors file, not a hebb4j
   *     checkpoint, another format number, a missing or malformed key, a tensor of no unit, or
   *     a digest that does not match (corrupt)
   * @throws IOException if the file cannot be read
   */
  public static Checkpoint read(Path file) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, String> meta = c.metadata();
    String label = file + ": ";
    String format = meta.get("format");
    if (format == null) {
      throw new FormatException(label + "not a hebb4j checkpoint (no format key)");
    }
    if (!format.equals(FORMAT)) {
      throw new FormatException(label + "checkpoint format " + quote(format)
          + " is not " + FORMAT);
    }
    for (String key : List.of("hebb4j", "command", "data_sha256", "options_sha256", "units",
        "state_sha256")) {
      if (!meta.containsKey(key)) {
        throw new FormatException(label + "checkpoint has no " + key + " key");
      }
    }
    Map<String, String> options = new TreeMap<>();
    List<String> names = new ArrayList<>();
    Map<String, Position> positions = new LinkedHashMap<>();
    String units = meta.get("units");
    if (!units.isEmpty()) {
      for (String n : units.split("\n", -1)) {
        if (n.isEmpty() || n.contains("/") || names.contains(n)) {
          throw new FormatException(label + "unit list has an empty, repeated or invalid name "
              + quote(n));
        }
        names.add(n);
      }
    }
    for (Map.Entry<String, String> e : meta.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(OPTION)) {
        options.put(k.substring(OPTION.length()), e.getValue());
      } else if (k.startsWith(UNIT)) {
        String n = k.substring(UNIT.length());
        if (!names.contains(n)) {
          throw new FormatException(label + "position of unit " + quote(n)
              + ", which the unit list does not name");
        }
        positions.put(n, position(e.getValue(), label + "unit " + quote(n)));
      }
    }
    for (String n : names) {
      if (!positions.containsKey(n)) {
        throw new FormatException(label + "unit " + quote(n) + " has no position");
      }
    }
    Header h = new Header(meta.get("hebb4j"), meta.get("command"), options,
        meta.get("data_sha256"));
    if (!h.optionsDigest().equals(meta.get("options_sha256"))) {
      throw new FormatException(label + "the recorded options do not match their digest"
          + " (corrupt checkpoint)");
    }
    if (!digest(c.tensors(), c.intTensors()).equals(meta.get("state_sha256"))) {
      throw new FormatException(label + "the state does not match its digest (corrupt"
          + " checkpoint)");
    }
    Map<String, State> states = new LinkedHashMap<>();
    for (String n : names) {
      states.put(n, new State());
    }
    for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
      Tensor t = e.getValue();
      if (t.shape().length != 1) {
        throw new FormatException(label + "tensor " + quote(e.getKey()) + " is not 1-D");
      }
      unitState(states, e.getKey(), label).arrays.put(local(e.getKey()), t.data());
    }
    for (Map.Entry<String, IntTensor> e : c.intTensors().entrySet()) {
      String name = e.getKey();
      IntTensor t = e.getValue();
      boolean wide = name.endsWith(I64) || name.endsWith(F64);
      if (wide ? t.shape().length != 2 || t.shape()[1] != 2 : t.shape().length != 1) {
        throw new FormatException(label + "tensor " + quote(name) + " has shape "
            + java.util.Arrays.toString(t.shape()) + ", expected " + (wide ? "[N, 2]" : "[N]"));
      }
      String plain = wide ? name.substring(0, name.length() - I64.length()) : name;
      State s = unitState(states, plain, label);
      if (!wide) {
        s.arrays.put(local(plain), t.data());
        continue;
      }
      long[] l = join(t.data());
      if (name.endsWith(I64)) {
        s.arrays.put(local(plain), l);
      } else {
        double[] d = new double[l.length];
        for (int j = 0; j < l.length; j++) {
          d[j] = Double.longBitsToDouble(l[j]);
        }
        s.arrays.put(local(plain), d);
      }
    }
    List<Unit> out = new ArrayList<>();
    for (String n : names) {
      out.add(new Unit(n, positions.get(n), states.get(n)));
    }
    return new Checkpoint(h, out);
  }

  private static Position position(String v, String what) throws FormatException {
    if (v.equals("done")) {
      return Position.DONE;
    }
    String[] p = v.split(",", -1);
    if (p.length == 2 && p[0].matches("[0-9]{1,9}") && p[1].matches("[0-9]{1,9}")) {
      int e = Integer.parseInt(p[0]), b = Integer.parseInt(p[1]);
      if (e >= 1) {
        return new Position(e, b, false);
      }
    }
    throw new FormatException(what + ": position " + quote(v)
        + " is not 'done' or EPOCH,BATCH (EPOCH from 1)");
  }

  private static State unitState(Map<String, State> states, String name, String label)
      throws FormatException {
    int slash = name.indexOf('/');
    State s = slash > 0 ? states.get(name.substring(0, slash)) : null;
    if (s == null || slash == name.length() - 1) {
      throw new FormatException(label + "tensor " + quote(name) + " belongs to no unit");
    }
    return s;
  }

  private static String local(String name) {
    return name.substring(name.indexOf('/') + 1);
  }

  private static String quote(String s) {
    return org.hebb4j.json.Json.quote(org.hebb4j.json.Json.printable(s, 200));
  }

  private static int[] split(long[] l) {
    int[] out = new int[Math.multiplyExact(l.length, 2)];
    for (int i = 0; i < l.length; i++) {
      out[2 * i] = (int) l[i];
      out[2 * i + 1] = (int) (l[i] >>> 32);
    }
    return out;
  }

  private static long[] join(int[] a) {
    long[] out = new long[a.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (a[2 * i] & 0xffffffffL) | ((long) a[2 * i + 1] << 32);
    }
    return out;
  }

  /** SHA-256 (hex) of every tensor in name order: name, NUL, then its values little-endian. */
  private static String digest(Map<String, Tensor> floats, Map<String, IntTensor> ints) {
    MessageDigest md = sha256();
    Map<String, Object> all = new TreeMap<>();
    floats.forEach((k, v) -> all.put(k, v.data()));
    ints.forEach((k, v) -> all.put(k, v.data()));
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 << 12)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, Object> e : all.entrySet()) {
      md.update((e.getKey() + '\0').getBytes(StandardCharsets.UTF_8));
      Object a = e.getValue();
      int n = a instanceof float[] f ? f.length : ((int[]) a).length;
      for (int i = 0; i < n; i++) {
        if (!b.hasRemaining()) {
          md.update(b.array(), 0, b.position());
          b.clear();
        }
        b.putInt(a instanceof float[] f ? Float.floatToRawIntBits(f[i]) : ((int[]) a)[i]);
      }
      md.update(b.array(), 0, b.position());
      b.clear();
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * A digest of a run's data: SHA-256 (hex) of the arrays' values in order, little-endian, each
   * preceded by its length, so that a checkpoint is not resumed on other data.
   *
   * @param floats float arrays (e.g. the training and test images)
   * @param ints int arrays (e.g. the labels)
   * @return 64 hex digits
   */
  public static String digest(float[][] floats, int[][] ints) {
    Map<String, Tensor> f = new LinkedHashMap<>();
    Map<String, IntTensor> i = new LinkedHashMap<>();
    for (int j = 0; j < floats.length; j++) {
      f.put(String.format("f%04d", j), Tensor.of(floats[j], floats[j].length));
    }
    for (int j = 0; j < ints.length; j++) {
      i.put(String.format("i%04d", j), new IntTensor(new int[] {ints[j].length}, ints[j]));
    }
    return digest(f, i);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * The named arrays of one unit's state: float, int, long and double arrays, kept in the order
   * put. Getters check the length and name the array on a mismatch; getters of a read checkpoint
   * return its arrays (copy what is kept), putters copy.
   */
  public static final class State {
    final Map<String, Object> arrays = new LinkedHashMap<>();

    /** An empty state. */
    public State() {}

    /**
     * Puts a copy of {@code a}.
     *
     * @param name the array's name within the unit
     * @param a the values
     * @return this
     */
    public State put(String name, float[] a) {
      arrays.put(checked(name), a.clone());
      return this;
    }

    /**
     * Puts a copy of {@code a}.
     *
     * @param name the array's name within the unit
     * @param a the values
     * @return this
     */
    public State put(String name, int[] a) {
      arrays.put(checked(name), a.clone());
      return this;
    }

    /**
     * Puts a copy of {@code a}.
     *
     * @param name the array's name within the unit
     * @param a the values
     * @return this
     */
    public State put(String name, long[] a) {
      arrays.put(checked(name), a.clone());
      return this;
    }

    /**
     * Puts a copy of {@code a}.
     *
     * @param name the array's name within the unit
     * @param a the values
     * @return this
     */
    public State put(String name, double[] a) {
      arrays.put(checked(name), a.clone());
      return this;
    }

    /**
     * Puts one long.
     *
     * @param name the value's name
     * @param v the value
     * @return this
     */
    public State putLong(String name, long v) {
      return put(name, new long[] {v});
    }

    /**
     * Puts one double (its exact bits).
     *
     * @param name the value's name
     * @param v the value
     * @return this
     */
    public State putDouble(String name, double v) {
      return put(name, new double[] {v});
    }

    /**
     * Puts records whose components are all int, long, float, double or boolean, as one long
     * per component (the exact bits), {@link #records} reads them back.
     *
     * @param name the array's name
     * @param type the record class
     * @param rows the records
     * @param <R> the record type
     * @return this
     * @throws IllegalArgumentException for a component of another type
     */
    public <R extends Record> State putRecords(String name, Class<R> type, List<R> rows) {
      RecordComponent[] rc = type.getRecordComponents();
      long[] out = new long[Math.multiplyExact(rows.size(), rc.length)];
      int i = 0;
      for (R r : rows) {
        for (RecordComponent c : rc) {
          Object v;
          try {
            v = c.getAccessor().invoke(r);
          } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("record " + type.getSimpleName() + ": " + e);
          }
          out[i++] = v instanceof Double d ? Double.doubleToRawLongBits(d)
              : v instanceof Float f ? Float.floatToRawIntBits(f)
              : v instanceof Boolean b ? (b ? 1 : 0)
              : v instanceof Long l ? l
              : v instanceof Integer n ? n
              : unsupported(type, c);
        }
      }
      arrays.put(checked(name), out);
      return this;
    }

    private static long unsupported(Class<?> type, RecordComponent c) {
      throw new IllegalArgumentException("record " + type.getSimpleName() + ": component "
          + c.getName() + " is a " + c.getType().getSimpleName());
    }

    /**
     * The records put by {@link #putRecords}.
     *
     * @param name the array's name
     * @param type the record class
     * @param <R> the record type
     * @return the records
     * @throws IllegalArgumentException when the array is missing, its length is not a multiple
     *     of the component count, or an int or boolean component is out of range
     */
    public <R extends Record> List<R> records(String name, Class<R> type) {
      RecordComponent[] rc = type.getRecordComponents();
      long[] a = longs(name, -1);
      if (rc.length == 0 || a.length % rc.length != 0) {
        throw new IllegalArgumentException("state '" + name + "': " + a.length
            + " values are not whole records of " + rc.length);
      }
      Class<?>[] types = new Class<?>[rc.length];
      for (int j = 0; j < rc.length; j++) {
        types[j] = rc[j].getType();
      }
      List<R> out = new ArrayList<>();
      try {
        Constructor<R> ctor = type.getDeclaredConstructor(types);
        for (int r = 0; r < a.length / rc.length; r++) {
          Object[] args = new Object[rc.length];
          for (int j = 0; j < rc.length; j++) {
            long v = a[r * rc.length + j];
            Class<?> t = types[j];
            if ((t == int.class || t == float.class) && v != (int) v
                || t == boolean.class && (v & ~1L) != 0) {
              throw new IllegalArgumentException("state '" + name + "': value " + v
                  + " of component " + rc[j].getName() + " is out of range");
            }
            args[j] = t == double.class ? (Object) Double.longBitsToDouble(v)
                : t == float.class ? (Object) Float.intBitsToFloat((int) v)
                : t == boolean.class ? (Object) (v == 1)
                : t == int.class ? (Object) (int) v : (Object) v;
          }
          out.add(ctor.newInstance(args));
        }
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw new IllegalArgumentException("state '" + name + "': " + e.getCause().getMessage());
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("state '" + name + "': " + e);
      }
      return out;
    }

    /**
     * Whether an array of this name is present.
     *
     * @param name the name
     * @return whether it is present
     */
    public boolean has(String name) {
      return arrays.containsKey(name);
    }

    /**
     * The float array {@code name}.
     *
     * @param name the name
     * @param length the expected length, or -1 for any
     * @return the values
     * @throws IllegalArgumentException when it is missing, of another type or length
     */
    public float[] floats(String name, int length) {
      return (float[]) get(name, float[].class, length);
    }

    /**
     * The int array {@code name}; see {@link #floats}.
     *
     * @param name the name
     * @param length the expected length, or -1 for any
     * @return the values
     */
    public int[] ints(String name, int length) {
      return (int[]) get(name, int[].class, length);
    }

    /**
     * The long array {@code name}; see {@link #floats}.
     *
     * @param name the name
     * @param length the expected length, or -1 for any
     * @return the values
     */
    public long[] longs(String name, int length) {
      return (long[]) get(name, long[].class, length);
    }

    /**
     * The double array {@code name}; see {@link #floats}.
     *
     * @param name the name
     * @param length the expected length, or -1 for any
     * @return the values
     */
    public double[] doubles(String name, int length) {
      return (double[]) get(name, double[].class, length);
    }

    /**
     * The long put by {@link #putLong}.
     *
     * @param name the name
     * @return the value
     */
    public long getLong(String name) {
      return longs(name, 1)[0];
    }

    /**
     * The double put by {@link #putDouble}.
     *
     * @param name the name
     * @return the value
     */
    public double getDouble(String name) {
      return doubles(name, 1)[0];
    }

    /**
     * Copies the float array {@code name} into {@code dst}, whose length it must have.
     *
     * @param name the name
     * @param dst the destination
     */
    public void into(String name, float[] dst) {
      System.arraycopy(floats(name, dst.length), 0, dst, 0, dst.length);
    }

    /**
     * Copies the long array {@code name} into {@code dst}, whose length it must have.
     *
     * @param name the name
     * @param dst the destination
     */
    public void into(String name, long[] dst) {
      System.arraycopy(longs(name, dst.length), 0, dst, 0, dst.length);
    }

    /**
     * Copies the double array {@code name} into {@code dst}, whose length it must have.
     *
     * @param name the name
     * @param dst the destination
     */
    public void into(String name, double[] dst) {
      System.arraycopy(doubles(name, dst.length), 0, dst, 0, dst.length);
    }

    private Object get(String name, Class<?> type, int length) {
      Object a = arrays.get(name);
      if (a == null) {
        throw new IllegalArgumentException("state '" + name + "' is missing");
      }
      if (a.getClass() != type) {
        throw new IllegalArgumentException("state '" + name + "' holds "
            + a.getClass().getComponentType() + " values, expected "
            + type.getComponentType());
      }
      int n = java.lang.reflect.Array.getLength(a);
      if (length >= 0 && n != length) {
        throw new IllegalArgumentException("state '" + name + "' has " + n + " values, expected "
            + length);
      }
      return a;
    }

    private static String checked(String name) {
      if (name.isEmpty() || name.endsWith(I64) || name.endsWith(F64)) {
        throw new IllegalArgumentException("state name '" + name + "' is empty or reserved");
      }
      return name;
    }
  }
}
