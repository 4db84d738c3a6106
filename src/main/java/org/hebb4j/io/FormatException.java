package org.hebb4j.io;

import java.io.IOException;

/**
 * A malformed or unsupported safetensors, {@code .npy} or {@code .npz} file (spec/io.md). The
 * message is one line: the file, then what is wrong with it, for example
 * {@code "w.safetensors: tensor 'fc.weight': data_offsets [0, 12] do not match shape [4] of F32
 * (16 bytes)"}.
 */
public final class FormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * A format error. See spec/io.md#safetensors-validation.
   *
   * @param message one line naming the file and the fault
   */
  public FormatException(String message) {
    super(message);
  }
}
