package org.hebb4j.verify;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every op {@code hebb4j verify} knows; each family registers itself from its own class. */
final class OpRegistry {

  private OpRegistry() {}

  static Map<String, VectorOp> all() {
    Map<String, VectorOp> ops = new LinkedHashMap<>();
    KernelOps.register(ops);
    RngOps.register(ops);
    EmergenceOps.register(ops);
    HebbianOps.register(ops);
    TransformerOps.register(ops);
    SoftHebbOps.register(ops);
    return ops;
  }
}
