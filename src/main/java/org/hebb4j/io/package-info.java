/**
 * Saving and loading tensors on the JDK alone (spec/io.md): safetensors ({@link
 * org.hebb4j.io.SafeTensors}, the format of PyTorch and Hugging Face), NumPy {@code .npy}
 * ({@link org.hebb4j.io.Npy}) and {@code .npz} ({@link org.hebb4j.io.Npz}). Readers validate a
 * file's header before allocating and throw a one-line {@link org.hebb4j.io.FormatException}
 * naming the file and the fault; writers replace their file atomically.
 */
package org.hebb4j.io;
