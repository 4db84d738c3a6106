package org.hebb4j.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hebb4j.io.Npy;
import org.hebb4j.io.Npz;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.tensor.IntTensor;
import org.hebb4j.tensor.Tensor;

/**
 * {@code hebb4j verify --exact A B} (spec/test-vectors.md#exact): compares two runs' output
 * folders, or two files, bit for bit, and names the first difference. Files are equal when their
 * bytes are; for unequal files the first difference is located by kind: {@code .npy},
 * {@code .npz} and {@code .safetensors} by tensor and element (both values as hex bits and
 * decimal), CSV and other text by line, anything else by byte offset. Folders are compared file
 * by file in the sorted order of their relative paths; a file in one folder only is a
 * difference.
 */
public final class ExactComparison {

  /** Extensions compared line by line. */
  private static final List<String> TEXT = List.of(".csv", ".txt", ".tsv", ".json", ".svg",
      ".md", ".log");

  private final List<PathMatcher> skip;
  private int files;

  /**
   * A comparison that leaves out files whose name matches one of {@code skip}.
   *
   * @param skip glob patterns matched against a file's name (e.g. {@code run.txt}, {@code *.log})
   */
  public ExactComparison(List<String> skip) {
    this.skip = new ArrayList<>();
    for (String s : skip) {
      this.skip.add(FileSystems.getDefault().getPathMatcher("glob:" + s));
    }
  }

  /**
   * The number of files compared (and found equal) so far.
   *
   * @return the count
   */
  public int files() {
    return files;
  }

  /**
   * The first difference between {@code a} and {@code b}: two folders (compared file by file)
   * or two files.
   *
   * @param a the first folder or file
   * @param b the second, of the same kind
   * @return the first difference as one line, or empty when they are the same bit for bit
   * @throws IOException when a file cannot be read, or a {@link org.hebb4j.io.FormatException}
   *     when a tensor file is malformed (the message names the file)
   * @throws IllegalArgumentException when a path does not exist or one is a folder and the
   *     other a file
   */
  public Optional<String> compare(Path a, Path b) throws IOException {
    for (Path p : List.of(a, b)) {
      if (!Files.exists(p)) {
        throw new IllegalArgumentException("no such file or directory: " + p);
      }
    }
    boolean dirA = Files.isDirectory(a), dirB = Files.isDirectory(b);
    if (dirA != dirB) {
      throw new IllegalArgumentException((dirA ? a : b) + " is a folder but "
          + (dirA ? b : a) + " is a file");
    }
    if (!dirA) {
      return compareFiles(a.getFileName().toString(), a, b);
    }
    TreeSet<String> names = new TreeSet<>(list(a));
    TreeSet<String> namesB = new TreeSet<>(list(b));
    TreeSet<String> all = new TreeSet<>(names);
    all.addAll(namesB);
    for (String rel : all) {
      if (!names.contains(rel)) {
        return Optional.of(rel + ": only in " + b);
      }
      if (!namesB.contains(rel)) {
        return Optional.of(rel + ": only in " + a);
      }
      Optional<String> d = compareFiles(rel, a.resolve(rel), b.resolve(rel));
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  /** Relative paths of the regular files under {@code dir} not skipped, '/'-separated. */
  private List<String> list(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p) && !skipped(p.getFileName())) {
          out.add(dir.relativize(p).toString().replace('\\', '/'));
        }
      }
    }
    return out;
  }

  private boolean skipped(Path name) {
    for (PathMatcher m : skip) {
      if (m.matches(name)) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> compareFiles(String rel, Path a, Path b) throws IOException {
    byte[] x = Files.readAllBytes(a), y = Files.readAllBytes(b);
    if (Arrays.equals(x, y)) {
      files++;
      return Optional.empty();
    }
    String name = rel.toLowerCase(Locale.ROOT);
    Optional<String> d = Optional.empty();
    if (name.endsWith(".safetensors")) {
      d = safetensors(a, b);
    } else if (name.endsWith(".npz")) {
      d = tensors(Npz.read(a), Npz.read(b));
    } else if (name.endsWith(".npy")) {
      d = npy(a, b);
    } else if (TEXT.stream().anyMatch(name::endsWith)) {
      d = lines(x, y);
    }
    // tensors equal as float32 but bytes not (e.g. float64 files, header order): the byte offset
    return Optional.of(rel + ": " + d.orElseGet(() -> bytes(x, y)));
  }

  private static Optional<String> safetensors(Path a, Path b) throws IOException {
    SafeTensors.Contents x = SafeTensors.read(a), y = SafeTensors.read(b);
    if (!x.metadata().equals(y.metadata())) {
      return Optional.of("metadata differ: A " + x.metadata() + ", B " + y.metadata());
    }
    Optional<String> d = tensors(x.tensors(), y.tensors());
    return d.isPresent() ? d : intTensors(x.intTensors(), y.intTensors());
  }

  private static Optional<String> npy(Path a, Path b) throws IOException {
    Tensor x, y;
    try {
      x = Npy.read(a);
      y = Npy.read(b);
    } catch (org.hebb4j.io.FormatException floatsFailed) {
      IntTensor i = Npy.readInt(a), j = Npy.readInt(b);
      return intTensors(Map.of("array", i), Map.of("array", j));
    }
    return tensors(Map.of("array", x), Map.of("array", y));
  }

  private static Optional<String> tensors(Map<String, Tensor> x, Map<String, Tensor> y) {
    Optional<String> names = names(x, y);
    if (names.isPresent()) {
      return names;
    }
    for (Map.Entry<String, Tensor> e : x.entrySet()) {
      Tensor s = e.getValue(), t = y.get(e.getKey());
      if (!Arrays.equals(s.shape(), t.shape())) {
        return Optional.of(shapes(e.getKey(), s.shape(), t.shape()));
      }
      float[] u = s.data(), v = t.data();
      for (int i = 0; i < u.length; i++) {
        int bu = Float.floatToRawIntBits(u[i]), bv = Float.floatToRawIntBits(v[i]);
        if (bu != bv) {
          return Optional.of("tensor " + e.getKey() + " " + index(s.shape(), i) + ": A "
              + hex(bu) + " (" + u[i] + "), B " + hex(bv) + " (" + v[i] + ")");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> intTensors(Map<String, IntTensor> x, Map<String, IntTensor> y) {
    Optional<String> names = names(x, y);
    if (names.isPresent()) {
      return names;
    }
    for (Map.Entry<String, IntTensor> e : x.entrySet()) {
      IntTensor s = e.getValue(), t = y.get(e.getKey());
      if (!Arrays.equals(s.shape(), t.shape())) {
        return Optional.of(shapes(e.getKey(), s.shape(), t.shape()));
      }
      for (int i = 0; i < s.data().length; i++) {
        int u = s.data()[i], v = t.data()[i];
        if (u != v) {
          return Optional.of("tensor " + e.getKey() + " " + index(s.shape(), i) + ": A "
              + hex(u) + " (" + u + "), B " + hex(v) + " (" + v + ")");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> names(Map<String, ?> x, Map<String, ?> y) {
    if (x.keySet().equals(y.keySet())) {
      return Optional.empty();
    }
    TreeSet<String> onlyA = new TreeSet<>(x.keySet()), onlyB = new TreeSet<>(y.keySet());
    onlyA.removeAll(y.keySet());
    onlyB.removeAll(x.keySet());
    return Optional.of(onlyA.isEmpty() ? "tensor " + onlyB.first() + " only in B"
        : "tensor " + onlyA.first() + " only in A");
  }

  private static String shapes(String name, int[] a, int[] b) {
    return "tensor " + name + " shape A " + Arrays.toString(a) + ", B " + Arrays.toString(b);
  }

  /** The multi-index of flat element {@code flat} in row-major order, and the flat index. */
  static String index(int[] shape, int flat) {
    int[] idx = new int[shape.length];
    int rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = shape[d] == 0 ? 0 : rest % shape[d];
      rest = shape[d] == 0 ? 0 : rest / shape[d];
    }
    return Arrays.toString(idx) + " (element " + flat + ")";
  }

  private static String hex(int bits) {
    return String.format("0x%08x", bits);
  }

  private static Optional<String> lines(byte[] x, byte[] y) {
    String[] a = new String(x, StandardCharsets.UTF_8).split("\n", -1);
    String[] b = new String(y, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String u = i < a.length ? a[i] : null, v = i < b.length ? b[i] : null;
      if (u == null || v == null || !u.equals(v)) {
        return Optional.of("line " + (i + 1) + ": A " + quote(u) + ", B " + quote(v));
      }
    }
    return Optional.empty();
  }

  private static String quote(String line) {
    if (line == null) {
      return "(no line)";
    }
    return "'" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "'";
  }

  private static String bytes(byte[] x, byte[] y) {
    int n = Math.min(x.length, y.length);
    for (int i = 0; i < n; i++) {
      if (x[i] != y[i]) {
        return String.format("byte %d: A 0x%02x, B 0x%02x", i, x[i] & 0xff, y[i] & 0xff);
      }
    }
    return "lengths A " + x.length + ", B " + y.length + " bytes (equal up to " + n + ")";
  }
}
