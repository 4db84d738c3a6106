package org.hebb4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A line plot with axes, ticks, axis labels, a title and a legend, written as SVG. The x axis is
 * linear, log10 or categorical (evenly spaced named positions, e.g. gamma = 0, 5e-5, ...). Series
 * may carry symmetric error bars. A dotted line marks y = 0 when it is in range.
 */
public final class LinePlot {

  /** How x values map to the horizontal axis. */
  public enum Scale { LINEAR, LOG, CATEGORY }

  private record Series(String name, double[] x, double[] y, double[] err, boolean dashed) {}

  private static final int W = 760;
  private static final int H = 470;
  private static final int LEFT = 78;
  private static final int RIGHT = 190;
  private static final int TOP = 46;
  private static final int BOTTOM = 64;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private Scale xScale = Scale.LINEAR;
  private String[] categories;
  private double yMin = Double.NaN;
  private double yMax = Double.NaN;
  private final List<Series> series = new ArrayList<>();

  public LinePlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  public LinePlot logX() {
    xScale = Scale.LOG;
    return this;
  }

  /** Categorical x: series x values are indices into {@code labels}. */
  public LinePlot categories(String... labels) {
    xScale = Scale.CATEGORY;
    categories = labels.clone();
    return this;
  }

  /** Fixes the y range (otherwise fitted to the data with a margin). */
  public LinePlot yRange(double lo, double hi) {
    yMin = lo;
    yMax = hi;
    return this;
  }

  /** Adds a series; {@code err} (may be null) gives symmetric error bars. */
  public LinePlot add(String name, double[] x, double[] y, double[] err, boolean dashed) {
    if (x.length != y.length || (err != null && err.length != y.length)) {
      throw new IllegalArgumentException("series " + name + ": lengths differ");
    }
    series.add(new Series(name, x.clone(), y.clone(), err == null ? null : err.clone(), dashed));
    return this;
  }

  private double tx(double v) {
    return xScale == Scale.LOG ? Math.log10(v) : v;
  }

  public Svg render() {
    double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (!Double.isFinite(s.y[i]) || (xScale == Scale.LOG && !(s.x[i] > 0))) {
          continue;
        }
        x0 = Math.min(x0, tx(s.x[i]));
        x1 = Math.max(x1, tx(s.x[i]));
        double e = s.err == null || !Double.isFinite(s.err[i]) ? 0 : s.err[i];
        y0 = Math.min(y0, s.y[i] - e);
        y1 = Math.max(y1, s.y[i] + e);
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
    final double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
    double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    java.util.function.DoubleUnaryOperator px = v -> LEFT + (tx(v) - fx0) / (fx1 - fx0) * pw;
    java.util.function.DoubleUnaryOperator pxc = v -> LEFT + (v - fx0) / (fx1 - fx0) * pw;
    java.util.function.DoubleUnaryOperator py = v -> TOP + (fy1 - v) / (fy1 - fy0) * ph;

    Svg svg = new Svg(W, H);
    svg.text(LEFT + pw / 2, 26, title, 15, "middle", 0, null);
    // grid and ticks
    double[] yt = Axis.linearTicks(y0, y1, 6);
    for (double t : yt) {
      double y = py.applyAsDouble(t);
      svg.line(LEFT, y, LEFT + pw, y, "#e6e6e6", 1, null);
      svg.line(LEFT - 5, y, LEFT, y, "#000000", 1, null);
      svg.text(LEFT - 8, y + 4, Axis.label(t), 11, "end", 0, null);
    }
    if (xScale == Scale.CATEGORY) {
      for (int i = 0; i < categories.length; i++) {
        double x = pxc.applyAsDouble(i);
        svg.line(x, TOP + ph, x, TOP + ph + 5, "#000000", 1, null);
        svg.text(x, TOP + ph + 19, categories[i], 11, "middle", 0, null);
      }
    } else {
      double[] xt = xScale == Scale.LOG ? Axis.logTicks(Math.pow(10, x0), Math.pow(10, x1))
          : Axis.linearTicks(x0, x1, 7);
      for (double t : xt) {
        double x = px.applyAsDouble(t);
        svg.line(x, TOP, x, TOP + ph, "#e6e6e6", 1, null);
        svg.line(x, TOP + ph, x, TOP + ph + 5, "#000000", 1, null);
        svg.text(x, TOP + ph + 19, Axis.label(t), 11, "middle", 0, null);
      }
    }
    if (y0 < 0 && y1 > 0) {
      double y = py.applyAsDouble(0);
      svg.line(LEFT, y, LEFT + pw, y, "#808080", 1, "2,3");
    }
    svg.rect(LEFT, TOP, pw, ph, null, "#000000", 1);
    svg.text(LEFT + pw / 2, H - 18, xLabel, 13, "middle", 0, null);
    svg.text(22, TOP + ph / 2, yLabel, 13, "middle", -90, null);
    // series
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      String col = Svg.PALETTE[si % Svg.PALETTE.length];
      double[] xs = new double[s.x.length], ys = new double[s.x.length];
      for (int i = 0; i < s.x.length; i++) {
        boolean ok = Double.isFinite(s.y[i]) && (xScale != Scale.LOG || s.x[i] > 0);
        xs[i] = ok ? (xScale == Scale.CATEGORY ? pxc.applyAsDouble(s.x[i])
            : px.applyAsDouble(s.x[i])) : Double.NaN;
        ys[i] = ok ? py.applyAsDouble(Math.max(y0, Math.min(y1, s.y[i]))) : Double.NaN;
      }
      svg.polyline(xs, ys, col, 2, s.dashed ? "6,4" : null);
      boolean markers = s.x.length <= 40;
      for (int i = 0; i < xs.length; i++) {
        if (!Double.isFinite(xs[i])) {
          continue;
        }
        if (s.err != null && Double.isFinite(s.err[i]) && s.err[i] > 0) {
          double lo = py.applyAsDouble(Math.max(y0, s.y[i] - s.err[i]));
          double hi = py.applyAsDouble(Math.min(y1, s.y[i] + s.err[i]));
          svg.line(xs[i], lo, xs[i], hi, col, 1.5, null);
          svg.line(xs[i] - 4, lo, xs[i] + 4, lo, col, 1.5, null);
          svg.line(xs[i] - 4, hi, xs[i] + 4, hi, col, 1.5, null);
        }
        if (markers) {
          svg.circle(xs[i], ys[i], 3, col, null);
        }
      }
      // legend
      double ly = TOP + 14 + si * 20;
      double lx = LEFT + pw + 16;
      svg.line(lx, ly - 4, lx + 26, ly - 4, col, 2.5, s.dashed ? "6,4" : null);
      svg.text(lx + 32, ly, s.name, 12, "start", 0, null);
    }
    return svg;
  }

  public void write(Path file) throws IOException {
    render().write(file);
  }
}
