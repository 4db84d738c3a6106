/**
 * Emergent Hebbian dynamics under weight decay (spec/emergence.md): learning rules (SGD, AdamW,
 * Adam with coupled L2, DFA, Random NN; {@link org.hebb4j.emergence.Rule},
 * spec/emergence.md#rules) and noise injection ({@link org.hebb4j.emergence.Noise}) applied by the
 * {@link org.hebb4j.emergence.Trainer}, the alignment probe between the learning signal and the
 * Hebbian term ({@link org.hebb4j.emergence.Probe}, spec/emergence.md#probe), and student-teacher
 * data ({@link org.hebb4j.emergence.Teacher}, spec/emergence.md#sre).
 */
package org.hebb4j.emergence;
