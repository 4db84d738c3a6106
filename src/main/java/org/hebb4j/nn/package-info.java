/**
 * Dense layers and multilayer perceptrons with explicit backprop (spec/emergence.md#dense,
 * spec/emergence.md#backprop): {@link org.hebb4j.nn.MlpConfig} (named fields, a builder),
 * {@link org.hebb4j.nn.Mlp} (per-layer {@link org.hebb4j.nn.Dense} objects, predict, features, a
 * PyTorch-named state dict, spec/emergence.md#mlp-state) and its allocation-free
 * {@link org.hebb4j.nn.Mlp.Workspace}, and the losses of {@link org.hebb4j.nn.Loss}
 * (spec/emergence.md#loss). Shapes are [rows, features], row-major; weights are [out, in] as
 * {@code torch.nn.Linear.weight}.
 */
package org.hebb4j.nn;
