package org.hebb4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The control for {@code -prof gc}: an operation that allocates nothing (it spins on
 * System.nanoTime for {@code micros} microseconds) still shows a few kilobytes per iteration,
 * which are JMH's own (its iteration bookkeeping, on its threads and the benchmark's). Its
 * gc.alloc.rate.norm at a given operation time is the floor that an allocation-free benchmark of
 * that duration reports: compare SreStepBenchmark (about 80 us) with micros = 80 and
 * HebbCnnBatchBenchmark (about 50-150 ms) with micros = 100000 (BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class AllocationFloorBenchmark {

  @Param({"80", "100000"})
  public long micros;

  @Benchmark
  public long spin() {
    long end = System.nanoTime() + micros * 1000;
    long now;
    do {
      now = System.nanoTime();
    } while (now < end);
    return now;
  }
}
