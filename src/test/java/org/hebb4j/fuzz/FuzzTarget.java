package org.hebb4j.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hebb4j.cli.Main;
import org.hebb4j.cli.Option;
import org.hebb4j.data.Cifar10;
import org.hebb4j.data.DataException;
import org.hebb4j.data.Idx;
import org.hebb4j.io.Checkpoint;
import org.hebb4j.io.FormatException;
import org.hebb4j.io.Npy;
import org.hebb4j.io.Npz;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.verify.VectorJsonTarget;

/**
 * The fuzz targets (README: Fuzzing): each feeds one input, raw bytes, to one reader and fails
 * with an {@link AssertionError} on a finding: an exception other than the reader's documented
 * one, a message that is not one line, or more memory allocated than the input's size justifies.
 * Used by the Jazzer fuzz tests (src/fuzz/java, {@code mvn -Pfuzz}) and, without Jazzer, by
 * {@link CorpusReplayTest}, which replays the committed corpus in every {@code mvn test}.
 */
public enum FuzzTarget {

  /**
   * {@link Idx#read}: the first byte picks the rank (1 to 3), the rest is the file; a gzip file
   * may really hold up to 1032 times its size, so the allowance follows its decompressed size.
   */
  IDX(8) {
    @Override
    long realSize(byte[] in) {
      if (in.length < 3 || (in[1] & 0xff) != 0x1f || (in[2] & 0xff) != 0x8b) {
        return in.length;
      }
      long n = 0;
      try (java.io.InputStream z = new java.util.zip.GZIPInputStream(
          new java.io.ByteArrayInputStream(in, 1, in.length - 1))) {
        byte[] buf = new byte[8192];
        for (int r; (r = z.read(buf)) > 0 && n < (1L << 30); ) {
          n += r;
        }
      } catch (IOException e) {
        // corrupt or truncated: what was decompressed so far counts
      }
      return Math.max(in.length, n);
    }

    @Override
    void run(byte[] in) throws IOException {
      int rank = in.length == 0 ? 1 : 1 + (in[0] & 0xff) % 3;
      Path f = file("idx", in.length == 0 ? in : Arrays.copyOfRange(in, 1, in.length));
      try {
        Idx.read(f, rank);
      } catch (DataException e) {
        oneLine(e);
      }
    }
  },
  /** {@link Cifar10#read}: the input is one batch file. */
  CIFAR10(8) {
    @Override
    void run(byte[] in) throws IOException {
      try {
        Cifar10.read("fuzz", file("cifar.bin", in));
      } catch (DataException e) {
        oneLine(e);
      }
    }
  },
  /** The test-vector JSON reader: {@code Json.parse} and the TENSOR objects in it. */
  VECTOR_JSON(64) {
    @Override
    void run(byte[] in) {
      VectorJsonTarget.read(in);
    }
  },
  /** {@link SafeTensors#read}. */
  SAFETENSORS(8) {
    @Override
    void run(byte[] in) throws IOException {
      Path f = file("fuzz.safetensors", in);
      try {
        SafeTensors.read(f);
      } catch (FormatException e) {
        oneLine(e);
      }
    }
  },
  /** {@link Checkpoint#read} (spec/io.md#checkpoints), and the unit states it returns. */
  CHECKPOINT(8) {
    @Override
    void run(byte[] in) throws IOException {
      try {
        for (Checkpoint.Unit u : Checkpoint.read(file("checkpoint.safetensors", in)).units()) {
          u.state().has("step");
        }
      } catch (FormatException e) {
        oneLine(e);
      }
    }
  },
  /** {@link Npy#read} and {@link Npy#readInt} of the same file. */
  NPY(8) {
    @Override
    void run(byte[] in) throws IOException {
      Path f = file("fuzz.npy", in);
      try {
        Npy.read(f);
      } catch (FormatException e) {
        oneLine(e);
      }
      try {
        Npy.readInt(f);
      } catch (FormatException e) {
        oneLine(e);
      }
    }
  },
  /** {@link Npz#read}; a deflated entry may really hold up to 1032 times its size. */
  NPZ(2 * 1032 + 64) {
    @Override
    void run(byte[] in) throws IOException {
      try {
        Npz.read(file("fuzz.npz", in));
      } catch (FormatException e) {
        oneLine(e);
      }
    }
  },
  /**
   * A command line of an experiment command through {@link Main#run}: the first byte picks the
   * command, the rest is the arguments separated by NUL bytes; an argument {@code \1X} becomes
   * the command's option number X. Files are never touched: the fuzzer may not name the options
   * that take a FILE or DIR, and --out is an existing file (refused before any folder is made),
   * --data a tiny IDX data set, --model a missing file. The run must end before any work with
   * status 0 (help) or 2 and one error line, never an internal error.
   */
  CLI(-1) {
    @Override
    void run(byte[] in) throws IOException {
      Cli.run(in);
    }
  };

  /** Bytes allocated per input byte allowed, beyond {@link #ALLOCATION_SLACK}; -1: unchecked. */
  private final long allocationPerByte;

  /** Fixed allocation allowed per input: buffers, the exception and its message. */
  static final long ALLOCATION_SLACK = 8L << 20;

  FuzzTarget(long allocationPerByte) {
    this.allocationPerByte = allocationPerByte;
  }

  /** The bytes the input really holds: its length, unless it is compressed. */
  long realSize(byte[] in) {
    return in.length;
  }

  /** Runs one input; a finding escapes as an exception or AssertionError. */
  abstract void run(byte[] in) throws IOException;

  /**
   * Runs one input and checks what it cost.
   *
   * @param in the fuzzer's input
   * @throws AssertionError on a finding (an undocumented exception is wrapped in one)
   */
  public void check(byte[] in) {
    long allocated = runCounting(in);
    long limit = ALLOCATION_SLACK + allocationPerByte * realSize(in);
    if (allocated > limit) {
      // The first run of a code path loads (and under Jazzer instruments) classes on this
      // thread: only an input that allocates too much again is a finding.
      allocated = runCounting(in);
      if (allocated > limit) {
        throw new AssertionError(this + ": allocated " + allocated + " bytes for a "
            + in.length + "-byte input holding " + realSize(in) + " (limit " + limit + ")");
      }
    }
  }

  /** Runs one input; returns the bytes this thread allocated meanwhile (0 if unchecked). */
  private long runCounting(byte[] in) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    boolean counting = allocationPerByte >= 0 && mx.isThreadAllocatedMemorySupported();
    if (counting) {
      mx.setThreadAllocatedMemoryEnabled(true);
    }
    long tid = Thread.currentThread().getId();
    long before = counting ? mx.getThreadAllocatedBytes(tid) : 0;
    try {
      run(in);
    } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
      throw new AssertionError(this + ": undocumented " + e, e);
    }
    return counting ? mx.getThreadAllocatedBytes(tid) - before : 0;
  }

  /** The directory name of this target's corpus, e.g. {@code vectorJson}. */
  public String corpusName() {
    String[] p = name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder b = new StringBuilder(p[0]);
    for (int i = 1; i < p.length; i++) {
      b.append(Character.toUpperCase(p[i].charAt(0))).append(p[i].substring(1));
    }
    return b.toString();
  }

  static void oneLine(Exception e) {
    String m = e.getMessage();
    if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
      throw new AssertionError("message is not one line: " + e, e);
    }
  }

  /** A scratch folder for this JVM, removed at exit. */
  private static final Path SCRATCH = scratch();

  private static Path scratch() {
    try {
      Path d = Files.createTempDirectory("hebb4j-fuzz");
      d.toFile().deleteOnExit();
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bytes} as the file {@code name} in the scratch folder (rewritten every time). */
  static Path file(String name, byte[] bytes) throws IOException {
    Path f = SCRATCH.resolve(name);
    Files.write(f, bytes);
    f.toFile().deleteOnExit();
    return f;
  }

  /** The CLI target. */
  static final class Cli {
    /** The experiment commands, whose options are parsed before any work. */
    static final List<String> COMMANDS = List.of("emergence", "phase", "classify", "hebbcnn",
        "softhebb", "krotov", "features");

    private Cli() {}

    static void run(byte[] in) throws IOException {
      if (in.length == 0) {
        return;
      }
      String command = COMMANDS.get((in[0] & 0xff) % COMMANDS.size());
      List<Option> options = Main.options(command);
      List<String> argv = new ArrayList<>(List.of(command));
      String text = new String(in, 1, in.length - 1, StandardCharsets.UTF_8);
      if (!text.isEmpty()) {
        for (String s : text.split("\0", -1)) {
          if (s.length() >= 2 && s.charAt(0) == 1) {
            s = "--" + options.get(s.charAt(1) % options.size()).name() + s.substring(2);
          }
          if (s.startsWith("--") && touchesFiles(s.substring(2), options)) {
            return; // not this target's subject, and it could write anywhere
          }
          argv.add(s);
        }
      }
      boolean features = command.equals("features");
      argv.addAll(List.of("--out", features ? SCRATCH.resolve("features.npz").toString()
          : file("out-is-a-file", new byte[0]).toString()));
      if (features) {
        argv.addAll(List.of("--model", SCRATCH.resolve("missing.safetensors").toString()));
      } else if (options.stream().anyMatch(o -> o.name().equals("data"))) {
        argv.addAll(List.of("--data", tinyData().toString()));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status;
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
           PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        status = Main.run(argv.toArray(new String[0]), o, e);
      }
      String errText = err.toString(StandardCharsets.UTF_8);
      if (status == 0 && errText.isEmpty()) {
        return; // --help
      }
      String[] lines = errText.split("\n", -1);
      String prefix = "hebb4j " + command + ": ";
      boolean ok = status == 2 && lines.length >= 2 && lines[lines.length - 1].isEmpty()
          && lines[lines.length - 2].startsWith(prefix)
          && !lines[lines.length - 2].startsWith(prefix + "WARNING:");
      for (int i = 0; ok && i < lines.length - 2; i++) {
        ok = lines[i].startsWith(prefix + "WARNING: ");
      }
      if (!ok) {
        throw new AssertionError("CLI " + argv + ": status " + status + ", stderr: " + errText);
      }
    }

    /** Whether {@code option} (or {@code option=value}) names an option taking a file. */
    private static boolean touchesFiles(String option, List<Option> options) {
      String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
      for (Option o : options) {
        if (o.name().equals(name) && (o.value() == null ? name.equals("save")
            || name.equals("force") : o.value().equals("FILE") || o.value().equals("DIR"))) {
          return true;
        }
      }
      return false;
    }

    private static Path data;

    /** A Fashion-MNIST layout of 4 + 2 images of 28x28, made once. */
    private static synchronized Path tinyData() throws IOException {
      if (data == null) {
        Path d = Files.createDirectories(SCRATCH.resolve("data"));
        d.toFile().deleteOnExit();
        idx(d, "train-images-idx3-ubyte", new int[] {4, 28, 28});
        idx(d, "train-labels-idx1-ubyte", new int[] {4});
        idx(d, "t10k-images-idx3-ubyte", new int[] {2, 28, 28});
        idx(d, "t10k-labels-idx1-ubyte", new int[] {2});
        data = d;
      }
      return data;
    }

    private static void idx(Path dir, String name, int[] dims) throws IOException {
      int n = 1;
      for (int x : dims) {
        n *= x;
      }
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + n);
      b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
      for (int x : dims) {
        b.putInt(x);
      }
      for (int i = 0; i < n; i++) {
        b.put((byte) (dims.length == 1 ? i % 10 : i % 251));
      }
      file("data/" + name, b.array());
    }
  }
}
