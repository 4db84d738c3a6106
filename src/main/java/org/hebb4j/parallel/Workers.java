package org.hebb4j.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed pool of worker threads (spec/parallel.md). {@link #run(int, IntConsumer)} calls
 * {@code body.accept(i)} once for every chunk index i in [0, chunks), on the caller and the
 * workers. Results are bit-identical for every thread count as long as each chunk writes its own
 * memory and its arithmetic does not depend on which thread runs it, which is how every caller in
 * hebb4j splits its work: the split depends on the problem, never on the thread count.
 *
 * <p>Nothing is allocated per call (no futures, no queues), so training steps stay garbage-free.
 */
public final class Workers implements AutoCloseable {

  private static final int SPINS = 20_000;

  private final Thread[] threads;
  private final Thread[] waiting;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger remaining = new AtomicInteger();
  private volatile IntConsumer body;
  private volatile int chunks;
  private volatile int generation;
  private volatile boolean closed;
  private volatile Throwable failure;
  private volatile Thread caller;
  /** True while a run is under way: a run started from inside one runs inline. */
  private volatile boolean running;

  /** A pool with {@code threads} threads in all, the caller included (1 = run inline). */
  public Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = new Thread[threads - 1];
    this.waiting = this.threads;
    for (int t = 0; t < this.threads.length; t++) {
      Thread th = new Thread(this::loop, "hebb4j-worker-" + (t + 1));
      th.setDaemon(true);
      this.threads[t] = th;
      th.start();
    }
  }

  /** The default: one thread per available processor. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  public int threads() {
    return threads.length + 1;
  }

  /** Ids of the pool's own threads (not the caller's), e.g. for ThreadMXBean accounting. */
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
   * thread, in order; the pool serves one caller at a time.
   */
  public void run(int chunks, IntConsumer body) {
    if (chunks <= 0) {
      return;
    }
    if (threads.length == 0 || chunks == 1 || running) {
      for (int i = 0; i < chunks; i++) {
        body.accept(i);
      }
      return;
    }
    if (closed) {
      throw new IllegalStateException("workers closed");
    }
    running = true;
    this.body = body;
    this.chunks = chunks;
    this.failure = null;
    this.caller = Thread.currentThread();
    next.set(0);
    remaining.set(threads.length);
    generation++;
    for (Thread t : waiting) {
      LockSupport.unpark(t);
    }
    work();
    int spins = 0;
    while (remaining.get() > 0) {
      if (++spins < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
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

  private void work() {
    IntConsumer b = body;
    int n = chunks;
    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
      try {
        b.accept(i);
      } catch (Throwable e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
  }

  private void loop() {
    int seen = 0;
    while (true) {
      int spins = 0;
      while (generation == seen && !closed) {
        if (++spins < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (closed) {
        return;
      }
      seen = generation;
      work();
      if (remaining.decrementAndGet() == 0) {
        LockSupport.unpark(caller);
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
