package org.hebb4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A heatmap of {@code values[row][col]} on a grid whose rows and columns are labelled by numbers
 * (drawn bottom-to-top and left-to-right, e.g. sigma rows and gamma columns, both log-spaced), with
 * a colour bar, the value printed in each cell, and optional overlays: a straight line in log10
 * coordinates ({@code log10 col = a + b log10 row}) and marker points (open rings). The values
 * are drawn last, each on a halo of its cell's colour, so that no overlay covers them; row,
 * column and colour-bar labels each use one number format ({@link Axis#labels}).
 */
public final class Heatmap {

  /** Colour maps: DIVERGING (blue - white - red around 0) and SEQUENTIAL (dark blue - yellow). */
  public enum Colors { DIVERGING, SEQUENTIAL }

  private static final int LEFT = 96;
  private static final int TOP = 46;
  private static final int BOTTOM = 104;
  private static final int BAR = 110;

  private final String title;
  private final String rowLabel;
  private final String colLabel;
  private final double[] rows;
  private final double[] cols;
  private final double[][] values;
  private Colors colors = Colors.DIVERGING;
  private double lo = -1;
  private double hi = 1;
  private boolean logValues;
  private String barLabel = "";
  private double lineA = Double.NaN;
  private double lineB = Double.NaN;
  private String lineName;
  private double[] markRows = new double[0];
  private double[] markCols = new double[0];
  private String missing;

  public Heatmap(String title, String rowLabel, String colLabel, double[] rows, double[] cols,
      double[][] values) {
    this.title = title;
    this.rowLabel = rowLabel;
    this.colLabel = colLabel;
    this.rows = rows.clone();
    this.cols = cols.clone();
    this.values = values;
  }

  /** Diverging map over [-limit, limit]. */
  public Heatmap diverging(double limit, String label) {
    colors = Colors.DIVERGING;
    lo = -limit;
    hi = limit;
    barLabel = label;
    return this;
  }

  /** Sequential map over the data range, on log10 values when {@code log}. */
  public Heatmap sequential(boolean log, String label) {
    colors = Colors.SEQUENTIAL;
    logValues = log;
    barLabel = label;
    lo = Double.POSITIVE_INFINITY;
    hi = Double.NEGATIVE_INFINITY;
    for (double[] r : values) {
      for (double v : r) {
        double t = tv(v);
        if (Double.isFinite(t)) {
          lo = Math.min(lo, t);
          hi = Math.max(hi, t);
        }
      }
    }
    if (!Double.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi == lo) {
      hi = lo + 1;
    }
    return this;
  }

  /** Draws log10(col) = a + b log10(row) across the grid, named in the legend. */
  public Heatmap line(double a, double b, String name) {
    lineA = a;
    lineB = b;
    lineName = name;
    return this;
  }

  /** Marks points (row value, col value), e.g. the fitted crossings. */
  public Heatmap marks(double[] rowValues, double[] colValues) {
    markRows = rowValues.clone();
    markCols = colValues.clone();
    return this;
  }

  /**
   * Names the cells without a value (NaN, drawn grey), e.g. "diverged": the name is written in
   * each such cell and, beside a grey swatch, under the colour bar.
   */
  public Heatmap missing(String name) {
    missing = name;
    return this;
  }

  private double tv(double v) {
    return logValues ? (v > 0 ? Math.log10(v) : Double.NaN) : v;
  }

  String color(double v) {
    double t = tv(v);
    if (!Double.isFinite(t)) {
      return "#bfbfbf";
    }
    double u = Math.max(0, Math.min(1, (t - lo) / (hi - lo)));
    if (colors == Colors.DIVERGING) {
      // blue (0.23, 0.30, 0.75) - white - red (0.71, 0.02, 0.15)
      if (u < 0.5) {
        double s = u / 0.5;
        return Svg.rgb(0.23 + s * 0.77, 0.30 + s * 0.70, 0.75 + s * 0.25);
      }
      double s = (u - 0.5) / 0.5;
      return Svg.rgb(1 - s * 0.29, 1 - s * 0.98, 1 - s * 0.85);
    }
    // dark blue (0.15, 0.10, 0.40) -> teal (0.13, 0.57, 0.55) -> yellow (0.99, 0.91, 0.15)
    if (u < 0.5) {
      double s = u / 0.5;
      return Svg.rgb(0.15 - s * 0.02, 0.10 + s * 0.47, 0.40 + s * 0.15);
    }
    double s = (u - 0.5) / 0.5;
    return Svg.rgb(0.13 + s * 0.86, 0.57 + s * 0.34, 0.55 - s * 0.40);
  }

  public Svg render() {
    int nr = rows.length, nc = cols.length;
    int cell = Math.max(34, Math.min(60, 560 / Math.max(nr, nc)));
    int pw = cell * nc, ph = cell * nr;
    int w = LEFT + pw + BAR + 20, h = TOP + ph + BOTTOM;
    Svg svg = new Svg(w, h);
    svg.text(LEFT + pw / 2.0, 26, title, 15, "middle", 0, null);
    String[] rl = Axis.labels(rows), cl = Axis.labels(cols);
    for (int r = 0; r < nr; r++) {
      double y = TOP + (nr - 1 - r) * cell;
      for (int c = 0; c < nc; c++) {
        svg.rect(LEFT + c * cell, y, cell, cell, color(values[r][c]), "#ffffff", 0.5);
      }
      svg.text(LEFT - 8, y + cell / 2.0 + 4, rl[r], 11, "end", 0, null);
    }
    for (int c = 0; c < nc; c++) {
      double x = LEFT + c * cell + cell / 2.0;
      svg.text(x, TOP + ph + 16, cl[c], 10.5, "end", -40, null);
    }
    svg.rect(LEFT, TOP, pw, ph, null, "#000000", 1);
    svg.text(LEFT + pw / 2.0, TOP + ph + 66, colLabel, 13, "middle", 0, null);
    svg.text(22, TOP + ph / 2.0, rowLabel, 13, "middle", -90, null);
    // overlay: cell centres sit at index positions; map log10 values by linear interpolation
    if (Double.isFinite(lineB) && nr > 1 && nc > 1) {
      int steps = 200;
      double[] xs = new double[steps + 1], ys = new double[steps + 1];
      double lr0 = Math.log10(rows[0]), lr1 = Math.log10(rows[nr - 1]);
      for (int i = 0; i <= steps; i++) {
        double lr = lr0 + (lr1 - lr0) * i / steps;
        double lc = lineA + lineB * lr;
        double ci = index(cols, lc), ri = index(rows, lr);
        boolean in = ci >= -0.5 && ci <= nc - 0.5;
        xs[i] = in ? LEFT + (ci + 0.5) * cell : Double.NaN;
        ys[i] = in ? TOP + (nr - 1 - ri + 0.5) * cell : Double.NaN;
      }
      svg.polyline(xs, ys, "#000000", 2.5, "7,4");
      svg.line(LEFT, h - 14, LEFT + 28, h - 14, "#000000", 2.5, "7,4");
      svg.text(LEFT + 34, h - 10, lineName, 11, "start", 0, null);
    }
    // markers: open rings, drawn before the values, which sit on top with a halo
    for (int i = 0; i < markRows.length; i++) {
      double ci = index(cols, Math.log10(markCols[i])), ri = index(rows, Math.log10(markRows[i]));
      double x = LEFT + (ci + 0.5) * cell, y = TOP + (nr - 1 - ri + 0.5) * cell;
      svg.circle(x, y, 9.5, null, "#ffffff");
      svg.circle(x, y, 8.5, null, "#000000");
      svg.circle(x, y, 7.5, null, "#ffffff");
    }
    svg.group("values", null);
    for (int r = 0; r < nr; r++) {
      double y = TOP + (nr - 1 - r) * cell;
      for (int c = 0; c < nc; c++) {
        double x = LEFT + c * cell;
        double v = values[r][c];
        double u = (tv(v) - lo) / (hi - lo);
        boolean dark = colors == Colors.DIVERGING ? Math.abs(u - 0.5) > 0.33 : u < 0.45;
        String label = Double.isNaN(v) && missing != null ? missing
            : colors == Colors.DIVERGING && Double.isFinite(v)
            ? String.format(Locale.ROOT, "%.2f", v) : cellLabel(v);
        svg.text(x + cell / 2.0, y + cell / 2.0 + 4, label, cell >= 46 ? 10 : 8.5,
            "middle", 0, dark ? "#ffffff" : "#000000", color(v));
      }
    }
    svg.end();
    // colour bar
    int bx = LEFT + pw + 30, bw = 18;
    int seg = 100;
    for (int i = 0; i < seg; i++) {
      double t = lo + (hi - lo) * (i + 0.5) / seg;
      double v = logValues ? Math.pow(10, t) : t;
      svg.rect(bx, TOP + ph - (i + 1) * ph / (double) seg, bw, ph / (double) seg + 0.6, color(v),
          null, 0);
    }
    svg.rect(bx, TOP, bw, ph, null, "#000000", 1);
    double[] bt = Axis.linearTicks(lo, hi, 5), bv = bt.clone();
    for (int i = 0; i < bv.length && logValues; i++) {
      bv[i] = Math.pow(10, bt[i]);
    }
    String[] bl = Axis.labels(bv);
    int bi = 0;
    for (double t : bt) {
      double y = TOP + ph - (t - lo) / (hi - lo) * ph;
      svg.line(bx + bw, y, bx + bw + 4, y, "#000000", 1, null);
      svg.text(bx + bw + 7, y + 4, bl[bi++], 10, "start", 0, null);
    }
    svg.text(bx + bw / 2.0, TOP - 8, barLabel, 11, "middle", 0, null);
    if (missing != null) {
      svg.rect(bx, TOP + ph + 12, bw, 12, color(Double.NaN), "#000000", 1);
      svg.text(bx + bw + 5, TOP + ph + 22, missing, 10, "start", 0, null);
    }
    return svg;
  }

  /**
   * Fractional index of log10 value {@code lv} among the log10 of the increasing grid values:
   * piecewise linear between grid points, extrapolated from the end intervals.
   */
  static double index(double[] grid, double lv) {
    int n = grid.length;
    if (n == 1) {
      return 0;
    }
    int i = 0;
    while (i < n - 2 && lv > Math.log10(grid[i + 1])) {
      i++;
    }
    double a = Math.log10(grid[i]), b = Math.log10(grid[i + 1]);
    return i + (lv - a) / (b - a);
  }

  private static String cellLabel(double v) {
    if (!Double.isFinite(v)) {
      return "";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 0.01 || a >= 1000)) {
      return String.format(Locale.ROOT, "%.1e", v).replace("e-0", "e-").replace("e+0", "e")
          .replace("e+", "e");
    }
    return String.format(Locale.ROOT, a >= 10 ? "%.1f" : "%.2f", v);
  }

  public void write(Path file) throws IOException {
    render().write(file);
  }
}
