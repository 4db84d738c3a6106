package org.hebb4j.verify;

/** A malformed test-vector file or case; the message is one line naming the JSON location. */
public final class VectorFormatException extends RuntimeException {

  public VectorFormatException(String message) {
    super(message);
  }
}
