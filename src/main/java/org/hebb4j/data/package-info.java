/**
 * Readers for the image data sets (spec/data.md): Fashion-MNIST/MNIST IDX files
 * ({@link org.hebb4j.data.Idx}, {@link org.hebb4j.data.FashionMnist}, spec/data.md#idx) and
 * CIFAR-10 binary batches ({@link org.hebb4j.data.Cifar10}, spec/data.md#cifar10), giving a
 * {@link org.hebb4j.data.Dataset} of NCHW float32 images in [0, 1]. Headers and sizes are checked
 * before allocating; a bad file is a one-line {@link org.hebb4j.data.DataException} naming it.
 */
package org.hebb4j.data;
