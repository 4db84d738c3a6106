package org.hebb4j.experiment.sweep;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hebb4j.io.FormatException;
import org.hebb4j.util.Named;

/**
 * The manifest {@code sweep.txt} of a sweep's run folder (spec/emergence.md#cell-records): the
 * format, the hebb4j version, the command, the options digest, the number of cells, the shard
 * and the options given on the command line (those that shape the results), one
 * {@code option NAME VALUE} line each, from which {@code --resume} and {@code hebb4j merge}
 * rebuild the sweep.
 *
 * @param version the hebb4j version that wrote it
 * @param command the sweep's command, e.g. "emergence"
 * @param digest SHA-256 (hex) of the resolved options ({@link #digest})
 * @param cells the sweep's number of cells
 * @param shard this folder's shard
 * @param options the options given, in the order given
 */
public record Manifest(String version, String command, String digest, int cells, Shard shard,
    Map<String, String> options) {

  /** The manifest's file name in a run folder. */
  public static final String FILE = "sweep.txt";
  /** The manifest layout's version. */
  public static final int FORMAT = 1;
  private static final String MAGIC = "hebb4j-sweep";
  /** The largest manifest read. */
  private static final long MAX_BYTES = 1 << 20;

  /**
   * Keeps an unmodifiable copy of the options.
   *
   * @param version the hebb4j version
   * @param command the command
   * @param digest the options digest
   * @param cells the number of cells
   * @param shard the shard
   * @param options the options
   */
  public Manifest {
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /**
   * The same manifest for another shard.
   *
   * @param s the shard
   * @return the new manifest
   */
  public Manifest with(Shard s) {
    return new Manifest(version, command, digest, cells, s, options);
  }

  /**
   * The file's text.
   *
   * @return lines ending in '\n'
   * @throws IllegalArgumentException if a value holds a line break
   */
  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append(MAGIC).append(' ').append(FORMAT).append('\n');
    sb.append("version ").append(version).append('\n');
    sb.append("command ").append(command).append('\n');
    sb.append("digest ").append(digest).append('\n');
    sb.append("cells ").append(cells).append('\n');
    sb.append("shard ").append(shard).append('\n');
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\r') >= 0) {
        throw new IllegalArgumentException("--" + e.getKey() + ": a line break cannot be"
            + " recorded in " + FILE);
      }
      sb.append("option ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Reads a run folder's manifest.
   *
   * @param dir the run folder
   * @return the manifest
   * @throws IOException "DIR/sweep.txt: no such file (not a sweep's run folder)", or a
   *     {@link FormatException} naming the file and the bad line
   */
  public static Manifest read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new FormatException(f + ": no such file (" + dir + " is not the run folder of a"
          + " sweep)");
    }
    if (Files.size(f) > MAX_BYTES) {
      throw new FormatException(f + ": too large for a manifest (" + Files.size(f) + " bytes)");
    }
    String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    if (lines.length < 7 || !lines[lines.length - 1].isEmpty()) {
      throw new FormatException(f + ": truncated manifest");
    }
    if (!lines[0].equals(MAGIC + " " + FORMAT)) {
      throw new FormatException(f + ": not a hebb4j sweep manifest of format " + FORMAT
          + " (first line '" + printable(lines[0]) + "')");
    }
    String version = field(f, lines[1], "version");
    String command = field(f, lines[2], "command");
    String digest = field(f, lines[3], "digest");
    if (!digest.matches("[0-9a-f]{64}")) {
      throw new FormatException(f + ": bad digest '" + printable(digest) + "'");
    }
    String c = field(f, lines[4], "cells");
    if (!c.matches("\\d{1,9}")) {
      throw new FormatException(f + ": bad cells '" + printable(c) + "'");
    }
    Shard shard;
    String s = field(f, lines[5], "shard");
    try {
      if (!s.matches("\\d{1,9}/\\d{1,9}")) {
        throw new IllegalArgumentException("expected i/n");
      }
      shard = Shard.parse(s, k -> null);
    } catch (IllegalArgumentException e) {
      throw new FormatException(f + ": bad shard '" + printable(s) + "' (" + e.getMessage()
          + ")");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 6; i < lines.length - 1; i++) {
      String o = field(f, lines[i], "option");
      int sp = o.indexOf(' ');
      if (sp <= 0 || options.put(o.substring(0, sp), o.substring(sp + 1)) != null) {
        throw new FormatException(f + ": line " + (i + 1) + ": bad or repeated option '"
            + printable(o) + "'");
      }
    }
    return new Manifest(version, command, digest, Integer.parseInt(c), shard, options);
  }

  private static String field(Path f, String line, String key) throws FormatException {
    if (!line.startsWith(key + " ")) {
      throw new FormatException(f + ": expected a line '" + key + " ...', got '"
          + printable(line) + "'");
    }
    return line.substring(key.length() + 1);
  }

  private static String printable(String s) {
    return org.hebb4j.json.Json.printable(s, 60);
  }

  /**
   * The options digest: SHA-256 (hex) of the command and of {@link #canonical} of every value
   * that shapes a sweep's results.
   *
   * @param command the command
   * @param values the resolved options (records, lists, numbers)
   * @return 64 hex digits
   */
  public static String digest(String command, Object... values) {
    StringBuilder sb = new StringBuilder(MAGIC + " " + FORMAT + "\n" + command + "\n");
    for (Object v : values) {
      sb.append(canonical(v)).append('\n');
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }

  /**
   * A value as exact text: records as {@code Name{field=value, ...}} over every component,
   * doubles as hex bits, arrays and collections element by element, {@link Named} constants by
   * id, paths as "set" (a folder is no part of the results), null as "null".
   *
   * @param v the value
   * @return the text
   */
  public static String canonical(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Double d) {
      return Long.toHexString(Double.doubleToRawLongBits(d));
    }
    if (v instanceof Float x) {
      return Integer.toHexString(Float.floatToRawIntBits(x));
    }
    if (v instanceof Path) {
      return "set";
    }
    if (v instanceof Named n) {
      return n.id();
    }
    if (v instanceof double[] a) {
      StringBuilder sb = new StringBuilder("[");
      for (double x : a) {
        sb.append(sb.length() > 1 ? "," : "").append(canonical(x));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("[");
      for (Object x : c) {
        sb.append(sb.length() > 1 ? "," : "").append(canonical(x));
      }
      return sb.append(']').toString();
    }
    if (v.getClass().isRecord()) {
      StringBuilder sb = new StringBuilder(v.getClass().getSimpleName()).append('{');
      RecordComponent[] cs = v.getClass().getRecordComponents();
      for (int i = 0; i < cs.length; i++) {
        try {
          sb.append(i > 0 ? ", " : "").append(cs[i].getName()).append('=')
              .append(canonical(cs[i].getAccessor().invoke(v)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("record component " + cs[i], e);
        }
      }
      return sb.append('}').toString();
    }
    if (v.getClass().isArray()) {
      throw new IllegalArgumentException("canonical: arrays of " + v.getClass()
          .getComponentType() + " are not supported");
    }
    return v.toString();
  }
}
