package org.hebb4j.util;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

/** Bytes allocated by threads, for the tests that a steady-state step allocates nothing. */
public final class AllocationCounter {

  private AllocationCounter() {}

  /**
   * The JVM's per-thread allocation counter, switched on; skips the calling test (JUnit
   * assumption) on a JVM that cannot count.
   */
  public static com.sun.management.ThreadMXBean require() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadAllocatedMemorySupported(),
        "this JVM cannot count allocated bytes per thread");
    mx.setThreadAllocatedMemoryEnabled(true);
    return mx;
  }
}
