package org.hebb4j.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hebb4j.io.Checkpoint;

/**
 * When a long run writes its checkpoint, and what it restores from one (spec/io.md#checkpoints).
 * A run is a sequence of training units (a network trained batch by batch over epochs); a unit
 * calls {@link #begin} before its first batch, {@link #boundary} after each batch and
 * {@link #finish} once trained. A checkpoint is written at a boundary when the interval has passed
 * ({@link Every}) or a stop was requested ({@link #requestStop}, by SIGINT/SIGTERM), and when a
 * unit finishes; writing only reads the state, so when checkpoints happen changes no result.
 * A stop requested while a unit trains takes effect at its next boundary: the checkpoint is
 * written, then {@link Stopped} is thrown.
 */
public final class Checkpoints {

  /**
   * The interval between periodic checkpoints: wall time, a number of batches (for tests), or
   * neither (off: only a stop writes one).
   *
   * @param nanos wall time in nanoseconds, 0 for none
   * @param batches batches, 0 for none
   */
  public record Every(long nanos, long batches) {

    /** The default, 5 minutes. */
    public static final Every DEFAULT = new Every(300_000_000_000L, 0);

    /** No periodic checkpoints. */
    public static final Every OFF = new Every(0, 0);

    /**
     * Parses {@code Ns}, {@code Nm}, {@code Nh} (wall time), {@code Nb} (batches) with N a whole
     * number from 1 to 1000000, or {@code off}.
     *
     * @param v the text
     * @return the interval
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Every parse(String v) {
      if (v.equals("off")) {
        return OFF;
      }
      if (!v.matches("[1-9][0-9]{0,6}[smhb]")) {
        throw new IllegalArgumentException("expected Ns, Nm, Nh (wall time), Nb (batches) or"
            + " off, got '" + v + "'");
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      if (n > 1_000_000) {
        throw new IllegalArgumentException(v + " is too large (at most 1000000)");
      }
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> new Every(n * 1_000_000_000L, 0);
        case 'm' -> new Every(n * 60_000_000_000L, 0);
        case 'h' -> new Every(n * 3_600_000_000_000L, 0);
        default -> new Every(0, n);
      };
    }
  }

  /** Thrown at a boundary after the checkpoint a stop request asked for is written. */
  public static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String signal;

    Stopped(String signal) {
      super("stopped by " + signal, null, false, false);
      this.signal = signal;
    }

    /**
     * The signal that stopped the run, e.g. {@code SIGTERM}.
     *
     * @return the signal's name
     */
    public String signal() {
      return signal;
    }
  }

  private final Path file;
  private final Checkpoint.Header header;
  private final Every every;
  private final Map<String, Checkpoint.Unit> restored = new LinkedHashMap<>();
  /** Finished units (restored or trained), kept for every later checkpoint. */
  private final Map<String, Checkpoint.Unit> done = new LinkedHashMap<>();
  private long last = System.nanoTime();
  private long batches;
  private String training;   // the unit under way, or null
  private String stop;       // the signal of a pending stop request, or null
  private boolean written;

  private Checkpoints(Path file, Checkpoint.Header header, Every every, Checkpoint from) {
    this.file = file;
    this.header = header;
    this.every = every;
    if (from != null) {
      for (Checkpoint.Unit u : from.units()) {
        restored.put(u.name(), u);
        if (u.position().done()) {
          done.put(u.name(), u);
        }
      }
      written = true;
    }
  }

  /**
   * No checkpoints: nothing is written or restored, and stop requests are refused (the run is
   * stopped at once, as without checkpoints).
   *
   * @return a disabled instance
   */
  public static Checkpoints none() {
    return new Checkpoints(null, null, Every.OFF, null);
  }

  /**
   * Checkpoints of a run into {@code file}.
   *
   * @param file the checkpoint file ({@link Checkpoint#FILE} in the output folder)
   * @param header the run
   * @param every the interval
   * @param from the checkpoint to resume from (its header already checked against
   *     {@code header}), or null for a new run
   * @return the instance
   */
  public static Checkpoints of(Path file, Checkpoint.Header header, Every every,
      Checkpoint from) {
    return new Checkpoints(file, header, every, from);
  }

  /**
   * The checkpoint file, or null when disabled.
   *
   * @return the file
   */
  public Path file() {
    return file;
  }

  /**
   * Whether a checkpoint has been written (or resumed from) in this run's folder.
   *
   * @return whether one exists
   */
  public synchronized boolean written() {
    return written;
  }

  /**
   * Starts a unit's training: returns what the checkpoint resumed from holds for it (then the
   * unit restores its state and continues from the position), or null to start afresh.
   *
   * @param unit the unit's name
   * @return the restored unit, or null
   */
  public synchronized Checkpoint.Unit begin(String unit) {
    training = file == null ? null : unit;
    return restored.get(unit);
  }

  /**
   * A batch boundary of the unit under way: writes a checkpoint when due or requested.
   *
   * @param unit the unit (as given to {@link #begin})
   * @param epoch the epoch, from 1
   * @param next the next batch of the epoch, from 0 (the epoch's batch count after its last)
   * @param state puts the unit's state
   * @throws Stopped after writing, when a stop was requested
   * @throws UncheckedIOException when the checkpoint cannot be written
   */
  public void boundary(String unit, int epoch, int next, Consumer<Checkpoint.State> state) {
    if (file == null) {
      return;
    }
    batches++;
    String signal;
    synchronized (this) {
      signal = stop;
    }
    boolean due = every.batches() > 0 && batches >= every.batches()
        || every.nanos() > 0 && System.nanoTime() - last >= every.nanos();
    if (signal == null && !due) {
      return;
    }
    write(new Checkpoint.Unit(unit, new Checkpoint.Position(epoch, next, false), state(state)));
    if (signal != null) {
      throw new Stopped(signal);
    }
  }

  /**
   * The unit is trained: its final state is kept for every later checkpoint, and written now
   * unless checkpoints are off.
   *
   * @param unit the unit
   * @param state puts the unit's state
   * @throws Stopped after writing, when a stop was requested
   * @throws UncheckedIOException when the checkpoint cannot be written
   */
  public void finish(String unit, Consumer<Checkpoint.State> state) {
    if (file == null) {
      return;
    }
    Checkpoint.Unit u = new Checkpoint.Unit(unit, Checkpoint.Position.DONE, state(state));
    done.put(unit, u);
    String signal;
    synchronized (this) {
      signal = stop;
    }
    boolean wrote = signal != null || every.nanos() > 0 || every.batches() > 0;
    if (wrote) {
      write(null);
    }
    synchronized (this) {
      training = null;
      signal = stop;
    }
    if (signal != null) {
      if (!wrote) {
        write(null);
      }
      throw new Stopped(signal);
    }
  }

  /**
   * Asks the run to stop at its next boundary, after writing a checkpoint (called by the signal
   * handler). Refused (false) when checkpoints are off or no unit is training: the caller then
   * stops the run at once, and the last checkpoint written, if any, is the one to resume from.
   *
   * @param signal the signal's name, e.g. {@code SIGTERM}
   * @return whether the run will stop at its next boundary
   */
  public synchronized boolean requestStop(String signal) {
    if (file == null || training == null) {
      return false;
    }
    stop = signal;
    return true;
  }

  private static Checkpoint.State state(Consumer<Checkpoint.State> put) {
    Checkpoint.State s = new Checkpoint.State();
    put.accept(s);
    return s;
  }

  private void write(Checkpoint.Unit current) {
    List<Checkpoint.Unit> units = new ArrayList<>(done.values());
    if (current != null) {
      units.add(current);
    }
    try {
      Checkpoint.write(file, header, units);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    synchronized (this) {
      written = true;
    }
    last = System.nanoTime();
    batches = 0;
  }
}
