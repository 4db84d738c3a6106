/**
 * The project's only source of randomness (spec/rng.md): {@link org.hebb4j.rng.Rng}, SplitMix64
 * with bit-exact uniform, Gaussian, integer and shuffle draws and named sub-streams, reproducible
 * from numpy; the same seed gives the same bits on every JVM and for any thread count.
 */
package org.hebb4j.rng;
