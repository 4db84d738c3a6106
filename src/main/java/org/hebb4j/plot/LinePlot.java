package org.hebb4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A line plot with axes, ticks, axis labels, a title, an optional subtitle (say there what bands
 * and error bars are) and a legend, written as SVG. The x axis is linear, log10, categorical
 * (evenly spaced named positions) or a weight-decay axis ({@link #gammaX()}: log10 for x &gt; 0,
 * with x = 0 drawn apart, left of an axis break, and labelled "0"; ticks at the data's x values
 * when there are at most 8 of them, else at powers of ten).
 *
 * <p>Series may carry symmetric error bars and a shaded band (e.g. min-max over seeds). Each
 * series has its own colour, dash pattern and marker shape; earlier series are drawn wider, so a
 * series lying exactly on another still shows at its edges; on categorical and weight-decay axes
 * series with error bars are offset horizontally by a few pixels so the bars do not cover each
 * other. Only series with at least one finite point get a legend entry. Tick labels of one axis
 * share one number format ({@link Axis#labels}). A dotted line marks y = 0 when it is in range.
 *
 * <p>Parts are grouped for readers and tests: {@code <g class="series" data-name=...>},
 * {@code <g class="band" ...>}, {@code <g class="legend-entry" ...>}, {@code <g class="xtick">},
 * {@code <g class="ytick">} and {@code <g class="axis-break">}.
 */
public final class LinePlot {

  /** How x values map to the horizontal axis. */
  public enum Scale { LINEAR, LOG, CATEGORY, GAMMA }

  private record Series(String name, double[] x, double[] y, double[] err, boolean dashed,
      double[] lo, double[] hi) {

    boolean visible(Scale s) {
      for (int i = 0; i < x.length; i++) {
        if (Double.isFinite(y[i]) && Double.isFinite(x[i]) && (s != Scale.LOG || x[i] > 0)
            && (s != Scale.GAMMA || x[i] >= 0)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String[] DASHES = {null, "7,4", "2,3", "9,3,2,3", "4,2"};
  private static final String[] MARKERS = {"circle", "square", "triangle", "diamond", "cross"};
  /** Pixels between the offsets of neighbouring series on categorical and gamma axes. */
  static final double OFFSET = 5;
  /** Width of the gamma = 0 slot left of the break, and the gap after it. */
  static final int ZERO_SLOT = 44;
  static final int ZERO_GAP = 16;

  private int width = 760;
  private int height = 470;
  private static final int LEFT = 78;
  private static final int LEGEND = 190;
  private static final int TOP = 46;
  private static final int BOTTOM = 64;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private String subtitle;
  private Scale xScale = Scale.LINEAR;
  private String[] categories;
  private double yMin = Double.NaN;
  private double yMax = Double.NaN;
  private final List<Series> series = new ArrayList<>();

  /**
   * A plot without series.
   *
   * @param title the title, drawn above the plot
   * @param xLabel the x-axis label
   * @param yLabel the y-axis label
   */
  public LinePlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /**
   * A log10 x axis (points with x &lt;= 0 are left out).
   *
   * @return this
   */
  public LinePlot logX() {
    xScale = Scale.LOG;
    return this;
  }

  /**
   * A weight-decay x axis: log10 for x &gt; 0, and x = 0 drawn apart left of an axis break,
   * with the tick label "0" (negative x are left out).
   *
   * @return this
   */
  public LinePlot gammaX() {
    xScale = Scale.GAMMA;
    return this;
  }

  /**
   * Categorical x: series x values are indices into {@code labels}.
   *
   * @param labels the names of the positions 0, 1, ...
   * @return this
   */
  public LinePlot categories(String... labels) {
    xScale = Scale.CATEGORY;
    categories = labels.clone();
    return this;
  }

  /**
   * A line under the title in a smaller font, e.g. "band: min-max over 3 seeds".
   *
   * @param text the subtitle
   * @return this
   */
  public LinePlot subtitle(String text) {
    subtitle = text;
    return this;
  }

  /**
   * The size of the whole figure (default 760 x 470), e.g. smaller for a panel of
   * {@link Panels}.
   *
   * @param w width, pixels, at least 300
   * @param h height, pixels, at least 200
   * @return this
   * @throws IllegalArgumentException when a size is too small
   */
  public LinePlot size(int w, int h) {
    if (w < 300 || h < 200) {
      throw new IllegalArgumentException("plot size " + w + "x" + h + " is below 300x200");
    }
    width = w;
    height = h;
    return this;
  }

  /**
   * Fixes the y range (otherwise fitted to the data, bands and error bars with a margin).
   *
   * @param lo the bottom
   * @param hi the top
   * @return this
   */
  public LinePlot yRange(double lo, double hi) {
    yMin = lo;
    yMax = hi;
    return this;
  }

  /**
   * Adds a series.
   *
   * @param name the legend entry (null or empty: none)
   * @param x the x values
   * @param y the y values, same length (NaN: no point)
   * @param err symmetric error bars (half lengths), same length, or null
   * @param dashed whether the line is dashed (otherwise the series' own dash pattern)
   * @return this
   * @throws IllegalArgumentException when the lengths differ
   */
  public LinePlot add(String name, double[] x, double[] y, double[] err, boolean dashed) {
    if (x.length != y.length || (err != null && err.length != y.length)) {
      throw new IllegalArgumentException("series " + name + ": lengths differ");
    }
    series.add(new Series(name, x.clone(), y.clone(), err == null ? null : err.clone(), dashed,
        null, null));
    return this;
  }

  /**
   * Gives the series added last a shaded band from {@code lo} to {@code hi} (e.g. min and max
   * over seeds; say what it is in the {@link #subtitle}).
   *
   * @param lo the band's bottom at each x
   * @param hi the band's top at each x
   * @return this
   * @throws IllegalArgumentException when no series was added or the lengths differ
   */
  public LinePlot band(double[] lo, double[] hi) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("band: add a series first");
    }
    Series s = series.remove(series.size() - 1);
    if (lo.length != s.x.length || hi.length != s.x.length) {
      throw new IllegalArgumentException("band of series " + s.name + ": lengths differ");
    }
    series.add(new Series(s.name, s.x, s.y, s.err, s.dashed, lo.clone(), hi.clone()));
    return this;
  }

  private boolean usable(double x) {
    return Double.isFinite(x) && switch (xScale) {
      case LOG -> x > 0;
      case GAMMA -> x >= 0;
      default -> true;
    };
  }

  /**
   * Draws the plot.
   *
   * @return the SVG document
   */
  public Svg render() {
    boolean legend = false;
    for (Series s : series) {
      legend |= s.name != null && !s.name.isEmpty() && s.visible(xScale);
    }
    double pw = width - LEFT - (legend ? LEGEND : 24), ph = height - TOP - BOTTOM;
    // data ranges (log10 x on LOG and GAMMA axes; GAMMA's x = 0 has its own slot)
    double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
    boolean zero = false;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (!Double.isFinite(s.y[i]) || !usable(s.x[i])) {
          continue;
        }
        if (xScale == Scale.GAMMA && s.x[i] == 0) {
          zero = true;
        } else {
          double t = xScale == Scale.LINEAR || xScale == Scale.CATEGORY ? s.x[i]
              : Math.log10(s.x[i]);
          x0 = Math.min(x0, t);
          x1 = Math.max(x1, t);
        }
        double e = s.err == null || !Double.isFinite(s.err[i]) ? 0 : s.err[i];
        y0 = Math.min(y0, s.y[i] - e);
        y1 = Math.max(y1, s.y[i] + e);
        if (s.lo != null && Double.isFinite(s.lo[i]) && Double.isFinite(s.hi[i])) {
          y0 = Math.min(y0, s.lo[i]);
          y1 = Math.max(y1, s.hi[i]);
        }
      }
    }
    if (xScale == Scale.CATEGORY) {
      x0 = -0.5;
      x1 = categories.length - 0.5;
    }
    if (!Double.isFinite(x0)) {
      x0 = 0;
      x1 = 1;
    }
    if (x1 == x0) {
      x0 -= 0.5;
      x1 += 0.5;
    } else if (xScale == Scale.GAMMA) {
      double pad = (x1 - x0) * 0.08;
      x0 -= pad;
      x1 += pad;
    }
    if (Double.isFinite(yMin)) {
      y0 = yMin;
      y1 = yMax;
    } else if (!Double.isFinite(y0)) {
      y0 = -1;
      y1 = 1;
    } else {
      double pad = (y1 - y0) * 0.06 + (y1 == y0 ? 0.1 : 0);
      y0 -= pad;
      y1 += pad;
    }
    // horizontal mapping: on GAMMA axes the log part starts right of the zero slot and the gap
    double left = LEFT + (zero ? ZERO_SLOT + ZERO_GAP : 0), span = LEFT + pw - left;
    final double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
    final boolean log = xScale == Scale.LOG || xScale == Scale.GAMMA;
    DoubleUnaryOperator px = v -> xScale == Scale.GAMMA && v == 0 ? LEFT + ZERO_SLOT / 2.0
        : left + ((log ? Math.log10(v) : v) - fx0) / (fx1 - fx0) * span;
    DoubleUnaryOperator py = v -> TOP + (fy1 - v) / (fy1 - fy0) * ph;

    Svg svg = new Svg(width, height);
    svg.text(LEFT + pw / 2, subtitle == null ? 26 : 20, title, 15, "middle", 0, null);
    if (subtitle != null) {
      svg.text(LEFT + pw / 2, 37, subtitle, 11.5, "middle", 0, "#404040");
    }
    // grid and ticks
    double[] yt = Axis.linearTicks(y0, y1, Math.max(4, (int) (ph / 50)));
    String[] yl = Axis.labels(yt);
    for (int i = 0; i < yt.length; i++) {
      double y = py.applyAsDouble(yt[i]);
      svg.line(LEFT, y, LEFT + pw, y, "#e6e6e6", 1, null);
      svg.group("ytick", null).line(LEFT - 5, y, LEFT, y, "#000000", 1, null)
          .text(LEFT - 8, y + 4, yl[i], 11, "end", 0, null).end();
    }
    double[] xt;
    String[] xl;
    if (xScale == Scale.CATEGORY) {
      xt = new double[categories.length];
      for (int i = 0; i < xt.length; i++) {
        xt[i] = i;
      }
      xl = categories;
    } else if (log) {
      xt = Axis.logTicks(Math.pow(10, x0), Math.pow(10, x1));
      double[] data = xScale == Scale.GAMMA ? positiveXs() : new double[0];
      if (data.length > 0 && data.length <= 8) { // a few weight decays: tick each one
        xt = data;
      }
      if (xScale == Scale.GAMMA && zero) {
        double[] t = new double[xt.length + 1];
        System.arraycopy(xt, 0, t, 1, xt.length);
        xt = t;
      }
      xl = Axis.labels(xt);
    } else {
      xt = Axis.linearTicks(x0, x1, Math.max(3, (int) (pw / 80)));
      xl = Axis.labels(xt);
    }
    for (int i = 0; i < xt.length; i++) {
      double x = px.applyAsDouble(xt[i]);
      if (xScale != Scale.CATEGORY) {
        svg.line(x, TOP, x, TOP + ph, "#e6e6e6", 1, null);
      }
      svg.group("xtick", null).line(x, TOP + ph, x, TOP + ph + 5, "#000000", 1, null)
          .text(x, TOP + ph + 19, xl[i], 11, "middle", 0, null).end();
    }
    if (y0 < 0 && y1 > 0) {
      double y = py.applyAsDouble(0);
      svg.line(LEFT, y, LEFT + pw, y, "#808080", 1, "2,3");
    }
    svg.rect(LEFT, TOP, pw, ph, null, "#000000", 1);
    if (zero) { // the break: a white gap in the frame with two slanted strokes on each axis line
      double b = LEFT + ZERO_SLOT + ZERO_GAP / 2.0;
      svg.group("axis-break", null);
      svg.rect(b - 4, TOP - 2, 8, 4, "#ffffff", null, 0);
      svg.rect(b - 4, TOP + ph - 2, 8, 4, "#ffffff", null, 0);
      for (double y : new double[] {TOP, TOP + ph}) {
        svg.line(b - 7, y + 5, b - 1, y - 5, "#000000", 1.2, null);
        svg.line(b + 1, y + 5, b + 7, y - 5, "#000000", 1.2, null);
      }
      svg.line(b, TOP, b, TOP + ph, "#b0b0b0", 1, "3,3");
      svg.end();
    }
    svg.text(LEFT + pw / 2, height - 18, xLabel, 13, "middle", 0, null);
    svg.text(22, TOP + ph / 2, yLabel, 13, "middle", -90, null);

    int n = series.size();
    boolean offsets = xScale == Scale.CATEGORY || xScale == Scale.GAMMA;
    double[][] xs = new double[n][], ys = new double[n][];
    for (int si = 0; si < n; si++) {
      Series s = series.get(si);
      double dx = offsets && s.err != null ? (si - (n - 1) / 2.0) * OFFSET : 0;
      xs[si] = new double[s.x.length];
      ys[si] = new double[s.x.length];
      for (int i = 0; i < s.x.length; i++) {
        boolean ok = Double.isFinite(s.y[i]) && usable(s.x[i]);
        xs[si][i] = ok ? px.applyAsDouble(s.x[i]) + dx : Double.NaN;
        ys[si][i] = ok ? py.applyAsDouble(Math.max(y0, Math.min(y1, s.y[i]))) : Double.NaN;
      }
    }
    // bands first, under every line
    for (int si = 0; si < n; si++) {
      Series s = series.get(si);
      if (s.lo != null) {
        svg.group("band", s.name);
        band(svg, s, xs[si], py, y0, y1, Svg.PALETTE[si % Svg.PALETTE.length]);
        svg.end();
      }
    }
    for (int si = 0; si < n; si++) {
      Series s = series.get(si);
      String col = Svg.PALETTE[si % Svg.PALETTE.length];
      String dash = s.dashed ? "6,4" : DASHES[si % DASHES.length];
      double lw = 1.5 + 2.0 * (n - 1 - si) / Math.max(1, n - 1); // 3.5 (first) to 1.5 (last)
      svg.group("series", s.name);
      double[] line = xs[si].clone(); // never connect across the gamma = 0 break
      for (int i = 0; i < line.length; i++) {
        if (xScale == Scale.GAMMA && s.x[i] == 0) {
          line[i] = Double.NaN;
        }
      }
      svg.polyline(line, ys[si], col, lw, dash);
      boolean markers = s.x.length <= 40;
      for (int i = 0; i < xs[si].length; i++) {
        double x = xs[si][i], y = ys[si][i];
        if (!Double.isFinite(x)) {
          continue;
        }
        if (s.err != null && Double.isFinite(s.err[i]) && s.err[i] > 0) {
          double lo = py.applyAsDouble(Math.max(y0, s.y[i] - s.err[i]));
          double hi = py.applyAsDouble(Math.min(y1, s.y[i] + s.err[i]));
          svg.line(x, lo, x, hi, col, 1.5, null);
          svg.line(x - 4, lo, x + 4, lo, col, 1.5, null);
          svg.line(x - 4, hi, x + 4, hi, col, 1.5, null);
        }
        if (markers || (xScale == Scale.GAMMA && s.x[i] == 0)) {
          marker(svg, MARKERS[si % MARKERS.length], x, y, col);
        }
      }
      svg.end();
    }
    // legend: visible named series only
    int row = 0;
    for (int si = 0; si < n; si++) {
      Series s = series.get(si);
      if (s.name == null || s.name.isEmpty() || !s.visible(xScale)) {
        continue;
      }
      String col = Svg.PALETTE[si % Svg.PALETTE.length];
      double ly = TOP + 14 + row++ * 20, lx = LEFT + pw + 16;
      svg.group("legend-entry", s.name);
      if (s.lo != null) {
        svg.polygon(new double[] {lx, lx + 26, lx + 26, lx},
            new double[] {ly - 10, ly - 10, ly + 2, ly + 2}, col, 0.22);
      }
      svg.line(lx, ly - 4, lx + 26, ly - 4, col, 2.5, s.dashed ? "6,4" : DASHES[si % 5]);
      if (s.x.length <= 40) {
        marker(svg, MARKERS[si % MARKERS.length], lx + 13, ly - 4, col);
      }
      svg.text(lx + 32, ly, s.name, 12, "start", 0, null);
      svg.end();
    }
    return svg;
  }

  /** The distinct positive finite x values of every series, increasing. */
  private double[] positiveXs() {
    java.util.TreeSet<Double> set = new java.util.TreeSet<>();
    for (Series s : series) {
      for (double x : s.x) {
        if (x > 0 && Double.isFinite(x)) {
          set.add(x);
        }
      }
    }
    return set.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The band of one series as polygons over its runs of finite values. */
  private static void band(Svg svg, Series s, double[] xs, DoubleUnaryOperator py, double y0,
      double y1, String col) {
    int i = 0, m = xs.length;
    while (i < m) {
      int j = i;
      while (j < m && Double.isFinite(xs[j]) && Double.isFinite(s.lo[j])
          && Double.isFinite(s.hi[j])) {
        j++;
      }
      if (j - i >= 2) {
        double[] px = new double[2 * (j - i)], pyy = new double[2 * (j - i)];
        for (int t = i; t < j; t++) {
          int a = t - i, b = 2 * (j - i) - 1 - a;
          px[a] = xs[t];
          pyy[a] = py.applyAsDouble(Math.min(y1, Math.max(y0, s.hi[t])));
          px[b] = xs[t];
          pyy[b] = py.applyAsDouble(Math.min(y1, Math.max(y0, s.lo[t])));
        }
        svg.polygon(px, pyy, col, 0.22);
      }
      i = Math.max(j, i + 1);
    }
  }

  private static void marker(Svg svg, String shape, double x, double y, String col) {
    double r = 3.6;
    switch (shape) {
      case "square" -> svg.rect(x - r, y - r, 2 * r, 2 * r, col, null, 0);
      case "triangle" -> svg.polygon(new double[] {x - r - 0.8, x + r + 0.8, x},
          new double[] {y + r, y + r, y - r - 0.8}, col, 1);
      case "diamond" -> svg.polygon(new double[] {x - r - 0.8, x, x + r + 0.8, x},
          new double[] {y, y - r - 0.8, y, y + r + 0.8}, col, 1);
      case "cross" -> {
        svg.line(x - r, y - r, x + r, y + r, col, 2, null);
        svg.line(x - r, y + r, x + r, y - r, col, 2, null);
      }
      default -> svg.circle(x, y, r, col, null);
    }
  }

  /**
   * Writes the plot as an SVG file.
   *
   * @param file the file
   * @throws IOException when it cannot be written
   */
  public void write(Path file) throws IOException {
    render().write(file);
  }
}
