package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.hebb4j.parallel.Workers;
import org.hebb4j.rng.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Threads beyond the cores cost nothing (spec/parallel.md, P4; issue 10): one fixed small
 * parallel job, {@link Workers#run} of 16 chunks each summing 4096 products of two float arrays
 * into its own slot (65,536 multiply-adds in all, tens of microseconds), on pools of 1, 2, 16
 * and 256 threads. On a machine with C cores the time per job should fall from 1 thread to
 * min(C, 16) and stay flat beyond: threads beyond the cores are not even started. Run with
 * bench/jmh.sh WorkersOversubscription (see BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class WorkersOversubscriptionBenchmark {

  private static final int CHUNKS = 16;
  private static final int CHUNK = 4096;

  /** The pool size, the caller included. */
  @Param({"1", "2", "16", "256"})
  public int threads;

  private Workers workers;
  private float[] x, y;
  private final double[] partial = new double[CHUNKS];
  private IntConsumer chunk;

  @Setup
  public void setup() {
    workers = new Workers(threads);
    Rng rng = new Rng(7);
    x = GemmBenchmark.random(rng, CHUNKS * CHUNK);
    y = GemmBenchmark.random(rng, CHUNKS * CHUNK);
    chunk = c -> {
      double s = 0;
      for (int i = c * CHUNK, end = i + CHUNK; i < end; i++) {
        s += x[i] * y[i];
      }
      partial[c] = s;
    };
  }

  @TearDown
  public void tearDown() {
    workers.close();
  }

  /** One job: the 16 chunks on the pool, then their sum in chunk order. */
  @Benchmark
  public double job() {
    workers.run(CHUNKS, chunk);
    double s = 0;
    for (double p : partial) {
      s += p;
    }
    return s;
  }
}
