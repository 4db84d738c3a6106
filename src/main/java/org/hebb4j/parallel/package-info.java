/**
 * The worker pool (spec/parallel.md): {@link org.hebb4j.parallel.Workers} runs a fixed split of
 * the work on a fixed set of threads, so results are bit-identical for every thread count and the
 * steady state allocates nothing.
 */
package org.hebb4j.parallel;
