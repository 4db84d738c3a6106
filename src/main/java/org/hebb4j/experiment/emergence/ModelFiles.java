package org.hebb4j.experiment.emergence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.io.SafeTensors;
import org.hebb4j.nn.Mlp;
import org.hebb4j.nn.Transformer;
import org.hebb4j.nn.TransformerConfig;

/**
 * Where the emergence runners save their trained networks (spec/io.md#models): one safetensors
 * file per run, {@code DIR/NAME.safetensors}, with a name built from the run's cell, e.g.
 * {@code sgd-gamma0.0005-seed1}. Numbers are written in plain decimal notation, shortest form.
 */
final class ModelFiles {

  private ModelFiles() {}

  /** The shortest plain decimal form of x: 0, 0.0005, 0.1, 2. */
  static String number(double x) {
    return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }

  /** Creates the folder (before any training, so a bad folder fails early). */
  static void prepare(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code net} to {@code dir/name.safetensors} ({@link Mlp#save} with {@code extra}
   * metadata keys after the config's); does nothing when {@code dir} is null.
   */
  static void save(Path dir, String name, Mlp net, Map<String, String> extra) {
    if (dir == null) {
      return;
    }
    Map<String, String> meta = new LinkedHashMap<>(net.configMetadata());
    meta.putAll(extra);
    try {
      SafeTensors.write(dir.resolve(name + ".safetensors"), net.stateDict(), meta);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the transformer {@code net} to {@code dir/name.safetensors}: {@link
   * Transformer#stateDict()} under the contract's names (spec/transformer.md#shapes) and its
   * architecture as metadata (model, tokens, heads, blocks, act, norm, ffn); does nothing when
   * {@code dir} is null.
   */
  static void save(Path dir, String name, Transformer net) {
    if (dir == null) {
      return;
    }
    TransformerConfig c = net.config();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("model", "transformer");
    meta.put("tokens", Integer.toString(c.tokens()));
    meta.put("heads", Integer.toString(c.heads()));
    meta.put("blocks", Integer.toString(c.blocks()));
    meta.put("act", c.act().id());
    meta.put("norm", c.norm().id());
    meta.put("ffn", Integer.toString(c.ffn()));
    try {
      SafeTensors.write(dir.resolve(name + ".safetensors"), net.stateDict(), meta);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
