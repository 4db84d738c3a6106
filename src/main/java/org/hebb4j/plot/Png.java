package org.hebb4j.plot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder (8-bit RGB, no interlacing, filter type 0 on every row), dependency-free:
 * signature, IHDR, one zlib-compressed IDAT ({@link Deflater}), IEND, each chunk with its CRC-32
 * (PNG specification, ISO/IEC 15948).
 */
public final class Png {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private Png() {}

  /**
   * Encodes a width x height image; {@code rgb[y * width + x]} holds the pixel as 0xRRGGBB
   * (higher bits ignored).
   */
  public static byte[] encode(int width, int height, int[] rgb) {
    if (width < 1 || height < 1 || (long) width * height > rgb.length) {
      throw new IllegalArgumentException("png: bad size " + width + "x" + height);
    }
    if ((long) (3L * width + 1) * height > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("png: image too large");
    }
    byte[] raw = new byte[(3 * width + 1) * height];
    int o = 0;
    for (int y = 0; y < height; y++) {
      raw[o++] = 0; // filter type None
      for (int x = 0; x < width; x++) {
        int p = rgb[y * width + x];
        raw[o++] = (byte) (p >>> 16);
        raw[o++] = (byte) (p >>> 8);
        raw[o++] = (byte) p;
      }
    }
    Deflater def = new Deflater(Deflater.BEST_COMPRESSION);
    def.setInput(raw);
    def.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 4 + 64);
    byte[] buf = new byte[1 << 16];
    while (!def.finished()) {
      int n = def.deflate(buf);
      z.write(buf, 0, n);
    }
    def.end();

    ByteArrayOutputStream out = new ByteArrayOutputStream(z.size() + 64);
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type: truecolour RGB
    ihdr[10] = 0; // compression: deflate
    ihdr[11] = 0; // filter method 0
    ihdr[12] = 0; // no interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", z.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** Encodes and writes to {@code file}. */
  public static void write(Path file, int width, int height, int[] rgb) throws IOException {
    org.hebb4j.io.AtomicWrite.write(file, encode(width, height, rgb));
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.writeBytes(len);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
