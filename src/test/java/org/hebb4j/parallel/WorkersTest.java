package org.hebb4j.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkersTest {

  @Test
  void everyChunkRunsExactlyOnceForEveryThreadCount() {
    for (int threads = 1; threads <= 4; threads++) {
      try (Workers w = new Workers(threads)) {
        for (int round = 0; round < 200; round++) {
          int chunks = 1 + round % 37;
          AtomicIntegerArray hits = new AtomicIntegerArray(chunks);
          w.run(chunks, hits::incrementAndGet);
          for (int i = 0; i < chunks; i++) {
            assertEquals(1, hits.get(i));
          }
        }
      }
    }
  }

  @Test
  void everyChunkRunsExactlyOnceWhenFewerThreadsRunThanThePoolHas() {
    // More running threads than this machine may have cores, and pools larger than that: each
    // run wakes min(threads, chunks, maxRunning) threads, a different number from run to run.
    for (int maxRunning : new int[] {2, 3, 5}) {
      try (Workers w = new Workers(8, maxRunning)) {
        for (int round = 0; round < 500; round++) {
          int chunks = 1 + round % 11;
          AtomicIntegerArray hits = new AtomicIntegerArray(chunks);
          w.run(chunks, hits::incrementAndGet);
          for (int i = 0; i < chunks; i++) {
            assertEquals(1, hits.get(i), "maxRunning " + maxRunning + " round " + round);
          }
        }
      }
    }
  }

  @Test
  void threadsBeyondTheCoresAreNeitherStartedNorRun() {
    int cores = Runtime.getRuntime().availableProcessors();
    try (Workers w = new Workers(64)) {
      assertEquals(64, w.threads());
      assertEquals(Math.min(64, cores) - 1, w.threadIds().length, "worker threads started");
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      for (int round = 0; round < 200; round++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(100);
        w.run(100, i -> {
          ran.add(Thread.currentThread());
          hits.incrementAndGet(i);
        });
        for (int i = 0; i < 100; i++) {
          assertEquals(1, hits.get(i));
        }
      }
      assertTrue(ran.size() <= cores, ran.size() + " threads ran chunks on " + cores + " cores");
    }
  }

  @Test
  void aRunFromInsideAChunkRunsInline() {
    try (Workers w = new Workers(2)) {
      for (int round = 0; round < 50; round++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(6 * 5);
        w.run(6, outer -> w.run(5, inner -> hits.incrementAndGet(outer * 5 + inner)));
        for (int i = 0; i < hits.length(); i++) {
          assertEquals(1, hits.get(i), "round " + round + " cell " + i);
        }
      }
    }
  }

  @Test
  void aFailingChunkIsRethrownToTheCaller() {
    try (Workers w = new Workers(2)) {
      assertThrows(IllegalStateException.class, () -> w.run(8, i -> {
        if (i == 5) {
          throw new IllegalStateException("chunk 5");
        }
      }));
      int[] ok = new int[3];
      w.run(3, i -> ok[i] = i + 1);
      assertEquals(6, ok[0] + ok[1] + ok[2]);
    }
    assertThrows(IllegalArgumentException.class, () -> new Workers(0));
  }
}
