/**
 * The SoftHebb (spec/softhebb.md) and Krotov-Hopfield (spec/krotov.md) experiments behind
 * {@code hebb4j softhebb} and {@code hebb4j krotov}: train without labels, freeze, decode the
 * features with the ridge decoder beside the raw-pixel baseline ({@link
 * org.hebb4j.experiment.softhebb.SoftHebbExperiment}, {@link
 * org.hebb4j.experiment.softhebb.KrotovExperiment}); {@link
 * org.hebb4j.experiment.softhebb.LearnerReport} writes what they computed.
 */
package org.hebb4j.experiment.softhebb;
