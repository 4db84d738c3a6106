/**
 * Sweeps that survive and scale out (spec/emergence.md#sweeps): the shard assignment of a
 * sweep's cells ({@link org.hebb4j.experiment.sweep.Shard}), the lossless record of one finished
 * cell ({@link org.hebb4j.experiment.sweep.CellRecord}) and the manifest of a run folder
 * ({@link org.hebb4j.experiment.sweep.Manifest}), from which {@code hebb4j merge} and
 * {@code --resume} work.
 */
package org.hebb4j.experiment.sweep;
