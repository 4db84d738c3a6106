package org.hebb4j.experiment.hebbcnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.hebb4j.plot.Png;

/**
 * PNG grids of learned filters (spec/hebbcnn.md#outputs). Weights are shown on a diverging grey
 * scale centred on mid-grey (0): each filter is scaled by its own largest |weight|, white
 * positive, black negative. Three-channel first-layer filters are shown in colour.
 *
 * <ul>
 *   <li>First layer: one tile per filter, C x K x K as an image, in a square grid.</li>
 *   <li>Deeper layers: one strip per filter, its {@value #TOP} strongest input channels (largest
 *       L2 norm of w[o, c, :, :], strongest first) as K x K tiles; strips in a grid.</li>
 * </ul>
 */
public final class FilterGrid {

  static final int TOP = 8;
  static final int ZOOM = 8;
  static final int GAP = 2;
  static final int BG = 0x3050a0; // separators: dark blue, distinct from every weight colour
  static final int INNER = 0x5a5a5a; // gaps between the tiles of one strip

  private FilterGrid() {}

  /**
   * An RGB image laid out as a grid of equal cells, one per filter.
   *
   * @param width pixels
   * @param height pixels
   * @param rgb 0xRRGGBB per pixel, row-major
   * @param perRow cells per row
   * @param cellWidth a cell's width including its gap, pixels
   * @param cellHeight a cell's height including its gap, pixels
   */
  record Image(int width, int height, int[] rgb, int perRow, int cellWidth, int cellHeight) {

    byte[] png() {
      return Png.encode(width, height, rgb);
    }
  }

  /**
   * Writes the first-layer grid: one tile per filter, C x K x K as an image (colour for C = 3).
   *
   * @param file the PNG file
   * @param w weights [o, c, k, k]
   * @param o filters
   * @param c channels
   * @param k side
   * @throws IOException if the file cannot be written
   */
  public static void writeFirstLayer(Path file, float[] w, int o, int c, int k)
      throws IOException {
    Image im = firstLayer(w, o, c, k);
    Png.write(file, im.width, im.height, im.rgb);
  }

  /** w [o, c, k, k]: each filter's strongest input channels. */
  static void writeDeepLayer(Path file, float[] w, int o, int c, int k) throws IOException {
    Image im = deepLayer(w, o, c, k);
    Png.write(file, im.width, im.height, im.rgb);
  }

  /**
   * Mean input patches p [o, c, r, r], each scaled on its own from its smallest (black) to its
   * largest value (white), in colour when c = 3; a filter with {@code wins[f] == 0} is left in
   * the background colour.
   */
  static Image patches(float[] p, long[] wins, int o, int c, int r) {
    int cols = (int) Math.ceil(Math.sqrt(o)), rows = (o + cols - 1) / cols;
    int zoom = Math.max(2, 48 / r), tile = r * zoom;
    int width = cols * (tile + GAP) + GAP, height = rows * (tile + GAP) + GAP;
    int[] img = new int[width * height];
    Arrays.fill(img, BG);
    int q = c * r * r;
    for (int f = 0; f < o; f++) {
      if (wins[f] == 0) {
        continue;
      }
      float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < q; t++) {
        lo = Math.min(lo, p[f * q + t]);
        hi = Math.max(hi, p[f * q + t]);
      }
      float span = hi > lo ? hi - lo : 1f;
      int x0 = GAP + (f % cols) * (tile + GAP), y0 = GAP + (f / cols) * (tile + GAP);
      for (int u = 0; u < r; u++) {
        for (int v = 0; v < r; v++) {
          int rgb = 0;
          for (int ch = 0; ch < 3; ch++) {
            int src = f * q + ((c == 3 ? ch : 0) * r + u) * r + v;
            int g = Math.round(255f * (p[src] - lo) / span);
            rgb = (rgb << 8) | Math.max(0, Math.min(255, g));
          }
          fill(img, width, x0 + v * zoom, y0 + u * zoom, zoom, rgb);
        }
      }
    }
    return new Image(width, height, img, cols, tile + GAP, tile + GAP);
  }

  static Image firstLayer(float[] w, int o, int c, int k) {
    int cols = (int) Math.ceil(Math.sqrt(o)), rows = (o + cols - 1) / cols;
    int tile = k * ZOOM;
    int width = cols * (tile + GAP) + GAP, height = rows * (tile + GAP) + GAP;
    int[] img = new int[width * height];
    Arrays.fill(img, BG);
    int q = c * k * k;
    for (int f = 0; f < o; f++) {
      float scale = maxAbs(w, f * q, q);
      int x0 = GAP + (f % cols) * (tile + GAP), y0 = GAP + (f / cols) * (tile + GAP);
      for (int u = 0; u < k; u++) {
        for (int v = 0; v < k; v++) {
          int rgb;
          if (c == 3) {
            rgb = (level(w[f * q + u * k + v], scale) << 16)
                | (level(w[f * q + k * k + u * k + v], scale) << 8)
                | level(w[f * q + 2 * k * k + u * k + v], scale);
          } else {
            int g = level(w[f * q + u * k + v], scale); // first channel (C = 1 for grey images)
            rgb = (g << 16) | (g << 8) | g;
          }
          fill(img, width, x0 + v * ZOOM, y0 + u * ZOOM, ZOOM, rgb);
        }
      }
    }
    return new Image(width, height, img, cols, tile + GAP, tile + GAP);
  }

  static Image deepLayer(float[] w, int o, int c, int k) {
    int top = Math.min(TOP, c);
    int tile = k * ZOOM;
    int strip = top * (tile + 1) - 1; // 1-pixel gaps inside a strip
    int perRow = Math.max(1,
        (int) Math.round(Math.sqrt(o * (tile + GAP) / (double) (strip + 3 * GAP))));
    int rows = (o + perRow - 1) / perRow;
    int width = perRow * (strip + 3 * GAP) + GAP, height = rows * (tile + GAP) + GAP;
    int[] img = new int[width * height];
    Arrays.fill(img, BG);
    int q = c * k * k, kk = k * k;
    Integer[] order = new Integer[c];
    double[] norm = new double[c];
    for (int f = 0; f < o; f++) {
      for (int ch = 0; ch < c; ch++) {
        double s = 0;
        for (int t = 0; t < kk; t++) {
          s += (double) w[f * q + ch * kk + t] * w[f * q + ch * kk + t];
        }
        norm[ch] = s;
        order[ch] = ch;
      }
      Arrays.sort(order, (a, b) -> norm[b] != norm[a] ? Double.compare(norm[b], norm[a]) : a - b);
      float scale = maxAbs(w, f * q, q);
      int x0 = GAP + (f % perRow) * (strip + 3 * GAP), y0 = GAP + (f / perRow) * (tile + GAP);
      for (int yy = y0; yy < y0 + tile; yy++) { // thin mid-grey gaps inside a strip
        Arrays.fill(img, yy * width + x0, yy * width + x0 + strip, INNER);
      }
      for (int i = 0; i < top; i++) {
        int ch = order[i];
        for (int u = 0; u < k; u++) {
          for (int v = 0; v < k; v++) {
            int g = level(w[f * q + ch * kk + u * k + v], scale);
            fill(img, width, x0 + i * (tile + 1) + v * ZOOM, y0 + u * ZOOM, ZOOM,
                (g << 16) | (g << 8) | g);
          }
        }
      }
    }
    return new Image(width, height, img, perRow, strip + 3 * GAP, tile + GAP);
  }

  private static float maxAbs(float[] a, int off, int n) {
    float m = 0f;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, Math.abs(a[off + i]));
    }
    return m == 0f ? 1f : m;
  }

  /** Maps v / scale in [-1, 1] to 0..255, 0 -> 128. */
  private static int level(float v, float scale) {
    int g = Math.round(127.5f + 127.5f * v / scale);
    return Math.max(0, Math.min(255, g));
  }

  private static void fill(int[] img, int width, int x0, int y0, int size, int rgb) {
    for (int y = y0; y < y0 + size; y++) {
      Arrays.fill(img, y * width + x0, y * width + x0 + size, rgb);
    }
  }
}
