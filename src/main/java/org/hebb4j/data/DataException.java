package org.hebb4j.data;

/** A missing, truncated or malformed data file; the message is one line naming the file. */
public class DataException extends RuntimeException {

  /**
   * An exception with a one-line message. See spec/data.md#idx and spec/data.md#cifar10.
   *
   * @param message what is wrong, naming the file, e.g. "t10k-labels-idx1-ubyte: truncated"
   */
  public DataException(String message) {
    super(message);
  }
}
