package org.hebb4j.experiment.emergence;

import org.hebb4j.emergence.Rule;

/**
 * One run's outcome in a grid of (rule, gamma, seed) runs.
 *
 * @param rule the learning rule
 * @param gamma the weight decay
 * @param seedIndex the seed's index s (0-based)
 * @param seed the run's root seed (base seed + s)
 * @param result the run's measurements
 */
public record Cell(Rule rule, double gamma, int seedIndex, long seed, TrainingRun.Result result) {}
