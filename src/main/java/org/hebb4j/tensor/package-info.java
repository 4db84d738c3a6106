/**
 * Row-major tensors (spec/kernels.md#tensors): {@link org.hebb4j.tensor.Tensor} (float32) and
 * {@link org.hebb4j.tensor.IntTensor} (int32), a shape over an exposed array, used for model
 * parameters, state dicts and saved arrays. No autograd: gradients are explicit in the models.
 */
package org.hebb4j.tensor;
