/**
 * Small dense linear algebra in double precision for the Hebbian CNN's preprocessing and decoding
 * (spec/hebbcnn.md): Gram matrices ({@link org.hebb4j.linalg.Gram}, spec/hebbcnn.md#gram), the
 * symmetric eigendecomposition ({@link org.hebb4j.linalg.SymmetricEigen},
 * spec/hebbcnn.md#eigen), ZCA whitening ({@link org.hebb4j.linalg.Zca}, spec/hebbcnn.md#zca),
 * Cholesky and ridge regression ({@link org.hebb4j.linalg.Cholesky},
 * {@link org.hebb4j.linalg.Ridge}, spec/hebbcnn.md#ridge). Matrices are row-major arrays.
 */
package org.hebb4j.linalg;
