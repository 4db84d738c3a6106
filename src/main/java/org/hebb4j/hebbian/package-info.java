/**
 * Hebbian learning through gradients (spec/hebbian-rules.md, spec/hebbcnn.md): the plain, instar
 * and Oja rules ({@link org.hebb4j.hebbian.HebbRule}, {@link org.hebb4j.hebbian.HebbianRules}),
 * their surrogate losses ({@link org.hebb4j.hebbian.SurrogateLoss}), k-winners-take-all with
 * adaptive thresholds and the triangle output ({@link org.hebb4j.hebbian.Competition}), and the
 * Hebbian CNN ({@link org.hebb4j.hebbian.HebbCnnConfig}, {@link org.hebb4j.hebbian.HebbCnn}) with
 * its ZCA whitening ({@link org.hebb4j.hebbian.Whitening}). Images are NCHW float32, row-major.
 */
package org.hebb4j.hebbian;
