package org.hebb4j.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed pool of worker threads (spec/parallel.md). {@link #run(int, IntConsumer)} calls
 * {@code body.accept(i)} once for every chunk index i in [0, chunks), on the caller and the
 * workers. Results are bit-identical for every thread count as long as each chunk writes its own
 * memory and its arithmetic does not depend on which thread runs it, which is how every caller in
 * hebb4j splits its work: the split depends on the problem, never on the thread count.
 *
 * <p>Threads beyond the cores cost nothing (spec/parallel.md, P4): a pool of {@code threads}
 * starts only {@code min(threads, Runtime.availableProcessors()) - 1} worker threads, since more
 * could only take turns on the same cores, and a run wakes at most
 * {@code min(threads, chunks, availableProcessors())} threads, the caller included. A waiting
 * thread spins briefly ({@link Thread#onSpinWait}) before it parks, but only while no more pool
 * threads are awake, in all pools, than there are processors; otherwise it parks at once, so
 * waiting never takes a core from a thread with work. Chunks are claimed one at a time, and the
 * caller waits only for the chunks other threads have claimed: on a busy machine a worker that
 * has not woken yet finds nothing left to claim, and the caller, having run the chunks itself,
 * does not wait for it.
 *
 * <p>Nothing is allocated per call (no futures, no queues), so training steps stay garbage-free.
 */
public final class Workers implements AutoCloseable {

  private static final int SPINS = 20_000;
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  /** Pool threads (workers, and callers inside a run) of every pool that are not parked. */
  private static final AtomicInteger AWAKE = new AtomicInteger();
  /** The low bits of {@link #round}: how many workers take part in the round. */
  private static final int HELPER_BITS = 20;
  /** The chunk index of a {@link #ticket} whose round is being set up: no chunk to claim. */
  private static final long CLOSED = Integer.MAX_VALUE;

  /** The pool size asked for, the caller included. */
  private final int size;
  /** The worker threads: min(size, maxRunning) - 1. */
  private final Thread[] threads;
  /**
   * The claims: the run's number (upper 32 bits) and the next chunk to claim (lower 32). A chunk
   * is claimed by a compare-and-set that advances the lower half, so a thread that read an older
   * run's ticket can never claim a chunk of the next run with the older run's chunk count.
   */
  private final AtomicLong ticket = new AtomicLong(CLOSED);
  /** Chunks of the run under way that are done. */
  private final AtomicInteger done = new AtomicInteger();
  private volatile IntConsumer body;
  private volatile int chunks;
  /**
   * The round under way: its number (upper bits) and how many workers take part (lower
   * {@link #HELPER_BITS} bits: workers 0 .. helpers - 1), read by a worker in one volatile read.
   */
  private volatile long round;
  private volatile boolean closed;
  private volatile Throwable failure;
  private volatile Thread caller;
  /** True while a run is under way: a run started from inside one runs inline. */
  private volatile boolean running;

  /**
   * A pool with {@code threads} threads in all, the caller included (1 = run inline).
   * See spec/parallel.md.
   *
   * @param threads the pool size, at least 1; at most {@code Runtime.availableProcessors()} of
   *     them run chunks, and only as many are started
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public Workers(int threads) {
    this(threads, CORES);
  }

  /** A pool that runs at most {@code maxRunning} threads at once (tests: more than the cores). */
  Workers(int threads, int maxRunning) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.size = threads;
    int cap = Math.max(1, Math.min(maxRunning, 1 << HELPER_BITS));
    this.threads = new Thread[Math.min(threads, cap) - 1];
    for (int t = 0; t < this.threads.length; t++) {
      int index = t;
      Thread th = new Thread(() -> loop(index), "hebb4j-worker-" + (t + 1));
      th.setDaemon(true);
      this.threads[t] = th;
      AWAKE.incrementAndGet();
      th.start();
    }
  }

  /**
   * The default pool size. See spec/parallel.md.
   *
   * @return one thread per available processor ({@code Runtime.availableProcessors()})
   */
  public static int defaultThreads() {
    return CORES;
  }

  /**
   * The pool size. See spec/parallel.md.
   *
   * @return the number of threads, the caller included, as given to the constructor
   */
  public int threads() {
    return size;
  }

  /**
   * The pool's own threads, e.g. for ThreadMXBean accounting. See spec/parallel.md.
   *
   * @return the ids of the worker threads (not the caller's): {@code min(threads(),
   *     Runtime.availableProcessors()) - 1} of them
   */
  public long[] threadIds() {
    long[] ids = new long[threads.length];
    for (int t = 0; t < ids.length; t++) {
      ids[t] = threads[t].getId();
    }
    return ids;
  }

  /**
   * Runs {@code body} for every chunk in [0, chunks); returns when all are done. A run started
   * from inside a chunk (a threaded GEMM called by a chunk, say) runs its chunks inline on that
   * thread, in order; the pool serves one caller at a time. See spec/parallel.md.
   *
   * @param chunks the number of chunks; none run when it is 0 or less
   * @param body called once with each chunk index, on some thread of the pool or the caller
   * @throws IllegalStateException if the pool is closed; a chunk's exception (the first one) is
   *     rethrown after all chunks are done, an Error or RuntimeException as it is
   */
  public void run(int chunks, IntConsumer body) {
    if (chunks <= 0) {
      return;
    }
    int helpers = Math.min(threads.length, chunks - 1);
    if (helpers <= 0 || running) {
      for (int i = 0; i < chunks; i++) {
        body.accept(i);
      }
      return;
    }
    if (closed) {
      throw new IllegalStateException("workers closed");
    }
    running = true;
    long number = (ticket.get() >>> 32) + 1 & 0xffff_ffffL;
    ticket.set(number << 32 | CLOSED); // claims of the last run fail from here on
    this.body = body;
    this.chunks = chunks;
    this.failure = null;
    this.caller = Thread.currentThread();
    done.set(0);
    ticket.set(number << 32);
    round = ((round >>> HELPER_BITS) + 1) << HELPER_BITS | helpers;
    for (int t = 0; t < helpers; t++) {
      LockSupport.unpark(threads[t]);
    }
    AWAKE.incrementAndGet();
    work();
    // wait only for chunks other threads have claimed: a worker that has not woken yet (a busy
    // machine) finds nothing left to claim, and the caller does not wait for it
    int spins = 0;
    while (done.get() < chunks) {
      spins = waitBriefly(spins);
    }
    AWAKE.decrementAndGet();
    this.body = null;
    running = false;
    Throwable f = failure;
    if (f != null) {
      if (f instanceof RuntimeException) {
        throw (RuntimeException) f;
      }
      if (f instanceof Error) {
        throw (Error) f;
      }
      throw new IllegalStateException(f);
    }
  }

  /**
   * One step of waiting, for a thread counted in {@link #AWAKE}: a spin while spinning is cheap
   * (at most the cores awake, fewer than {@link #SPINS} spins so far), else a park. The caller
   * checks its condition again after each step; returns the new spin count.
   */
  private static int waitBriefly(int spins) {
    if (spins < SPINS && AWAKE.get() <= CORES) {
      Thread.onSpinWait();
      return spins + 1;
    }
    AWAKE.decrementAndGet();
    LockSupport.park(Workers.class);
    AWAKE.incrementAndGet();
    return spins;
  }

  /**
   * Claims and runs chunks of the run under way until none is left; a chunk is only read and
   * run after its claim succeeded, which cannot happen once the run's last chunk is done.
   */
  private void work() {
    while (true) {
      long t = ticket.get();
      int i = (int) t & Integer.MAX_VALUE;
      int n = chunks;
      if (i >= n) {
        return;
      }
      if (!ticket.compareAndSet(t, t + 1)) {
        continue;
      }
      try {
        body.accept(i);
      } catch (Throwable e) {
        if (failure == null) {
          failure = e;
        }
      }
      if (done.incrementAndGet() == n) {
        LockSupport.unpark(caller);
      }
    }
  }

  private void loop(int index) {
    long seen = 0;
    while (true) {
      long r;
      int spins = 0;
      while ((r = round) == seen && !closed) {
        spins = waitBriefly(spins);
      }
      if (closed) {
        AWAKE.decrementAndGet();
        return;
      }
      seen = r;
      if (index < (int) (r & ((1 << HELPER_BITS) - 1))) {
        work();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : threads) {
      LockSupport.unpark(t);
    }
  }
}
