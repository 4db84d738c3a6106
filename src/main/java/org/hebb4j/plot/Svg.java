package org.hebb4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A minimal SVG 1.1 writer: shapes and text appended to a document of fixed size. Coordinates are
 * pixels with y pointing down. No dependencies; the output is plain text any browser shows.
 */
public final class Svg {

  /** Font used for every label. */
  public static final String FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

  private final int width;
  private final int height;
  private final StringBuilder body = new StringBuilder();

  public Svg(int width, int height) {
    this.width = width;
    this.height = height;
    rect(0, 0, width, height, "#ffffff", null, 0);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** A number with at most 2 decimals, no exponent, '.' as the separator. */
  static String n(double v) {
    if (!Double.isFinite(v)) {
      return "0";
    }
    String s = String.format(Locale.ROOT, "%.2f", v);
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s.equals("-0") ? "0" : s;
  }

  /** XML-escapes text. */
  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  public Svg line(double x1, double y1, double x2, double y2, String stroke, double width,
      String dash) {
    body.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1))
        .append("\" x2=\"").append(n(x2)).append("\" y2=\"").append(n(y2))
        .append("\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(n(width))
        .append('"');
    if (dash != null) {
      body.append(" stroke-dasharray=\"").append(dash).append('"');
    }
    body.append("/>\n");
    return this;
  }

  /** A polyline through (xs[i], ys[i]); non-finite points break the line into pieces. */
  public Svg polyline(double[] xs, double[] ys, String stroke, double width, String dash) {
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i <= xs.length; i++) {
      boolean ok = i < xs.length && Double.isFinite(xs[i]) && Double.isFinite(ys[i]);
      if (ok) {
        pts.append(pts.length() == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
      } else if (pts.length() > 0) {
        body.append("<polyline fill=\"none\" stroke=\"").append(stroke)
            .append("\" stroke-width=\"").append(n(width)).append("\" stroke-linejoin=\"round\"");
        if (dash != null) {
          body.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        body.append(" points=\"").append(pts).append("\"/>\n");
        pts.setLength(0);
      }
    }
    return this;
  }

  public Svg rect(double x, double y, double w, double h, String fill, String stroke,
      double strokeWidth) {
    body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"")
        .append(n(w)).append("\" height=\"").append(n(h)).append("\" fill=\"")
        .append(fill == null ? "none" : fill).append('"');
    if (stroke != null) {
      body.append(" stroke=\"").append(stroke).append("\" stroke-width=\"")
          .append(n(strokeWidth)).append('"');
    }
    body.append("/>\n");
    return this;
  }

  public Svg circle(double cx, double cy, double r, String fill, String stroke) {
    body.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy))
        .append("\" r=\"").append(n(r)).append("\" fill=\"").append(fill == null ? "none" : fill)
        .append('"');
    if (stroke != null) {
      body.append(" stroke=\"").append(stroke).append("\" stroke-width=\"1\"");
    }
    body.append("/>\n");
    return this;
  }

  /**
   * Text at (x, y) (baseline), anchored "start", "middle" or "end"; {@code rotate} in degrees
   * around the anchor point (-90 for a vertical axis label).
   */
  public Svg text(double x, double y, String s, double size, String anchor, double rotate,
      String fill) {
    return text(x, y, s, size, anchor, rotate, fill, null);
  }

  /**
   * Text as {@link #text(double, double, String, double, String, double, String)}, outlined by
   * a halo of colour {@code halo} (3 pixels wide, painted under the glyphs) that keeps it
   * readable over lines and markers drawn before it; no halo when {@code halo} is null.
   *
   * @param x anchor x, pixels
   * @param y baseline y, pixels
   * @param s the text (escaped here)
   * @param size font size, pixels
   * @param anchor "start", "middle" or "end"
   * @param rotate degrees around the anchor point
   * @param fill the text colour (null: black)
   * @param halo the halo colour, or null
   * @return this
   */
  public Svg text(double x, double y, String s, double size, String anchor, double rotate,
      String fill, String halo) {
    body.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y))
        .append("\" font-family=\"").append(FONT).append("\" font-size=\"").append(n(size))
        .append("\" text-anchor=\"").append(anchor).append("\" fill=\"")
        .append(fill == null ? "#000000" : fill).append('"');
    if (halo != null) {
      body.append(" stroke=\"").append(halo).append("\" stroke-width=\"3\"")
          .append(" stroke-linejoin=\"round\" paint-order=\"stroke\"");
    }
    if (rotate != 0) {
      body.append(" transform=\"rotate(").append(n(rotate)).append(' ').append(n(x)).append(' ')
          .append(n(y)).append(")\"");
    }
    body.append('>').append(esc(s)).append("</text>\n");
    return this;
  }

  /**
   * A closed filled polygon through (xs[i], ys[i]) (all finite), e.g. a band around a line.
   *
   * @param xs x coordinates, pixels
   * @param ys y coordinates, pixels
   * @param fill the fill colour
   * @param opacity the fill opacity, 0..1
   * @return this
   */
  public Svg polygon(double[] xs, double[] ys, String fill, double opacity) {
    body.append("<polygon fill=\"").append(fill).append("\" fill-opacity=\"").append(n(opacity))
        .append("\" stroke=\"none\" points=\"");
    for (int i = 0; i < xs.length; i++) {
      body.append(i == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
    }
    body.append("\"/>\n");
    return this;
  }

  /**
   * Opens a group {@code <g class="cls" data-name="name">} (closed by {@link #end()}), so that
   * readers and tests can find a figure's parts (a series, its legend entry, an axis break).
   *
   * @param cls the group's class
   * @param name its name (may be null)
   * @return this
   */
  public Svg group(String cls, String name) {
    body.append("<g class=\"").append(esc(cls)).append('"');
    if (name != null) {
      body.append(" data-name=\"").append(esc(name)).append('"');
    }
    body.append(">\n");
    return this;
  }

  /**
   * Closes the group opened last by {@link #group}.
   *
   * @return this
   */
  public Svg end() {
    body.append("</g>\n");
    return this;
  }

  /**
   * Another document drawn with its top-left corner at (x, y), e.g. a panel of a figure.
   *
   * @param other the document to place
   * @param x left, pixels
   * @param y top, pixels
   * @return this
   */
  public Svg place(Svg other, double x, double y) {
    body.append("<g transform=\"translate(").append(n(x)).append(' ').append(n(y)).append(")\">\n")
        .append(other.body).append("</g>\n");
    return this;
  }

  /**
   * A PNG image embedded as a data URI, scaled to w x h pixels without smoothing.
   *
   * @param x left, pixels
   * @param y top, pixels
   * @param w width, pixels
   * @param h height, pixels
   * @param png the PNG file's bytes ({@link Png#encode})
   * @return this
   */
  public Svg image(double x, double y, double w, double h, byte[] png) {
    body.append("<image x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"")
        .append(n(w)).append("\" height=\"").append(n(h))
        .append("\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" ")
        .append("xlink:href=\"data:image/png;base64,")
        .append(java.util.Base64.getEncoder().encodeToString(png)).append("\"/>\n");
    return this;
  }

  /** The whole document. */
  public String render() {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\""
        + " xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"" + width
        + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height + "\">\n"
        + body + "</svg>\n";
  }

  public void write(Path file) throws IOException {
    org.hebb4j.io.AtomicWrite.writeString(file, render());
  }

  /** A colour as #rrggbb from components in [0, 1]. */
  public static String rgb(double r, double g, double b) {
    return String.format(Locale.ROOT, "#%02x%02x%02x", c(r), c(g), c(b));
  }

  private static int c(double v) {
    return (int) Math.round(255 * Math.max(0, Math.min(1, v)));
  }

  /** Ten distinguishable line colours (the Tableau 10 palette). */
  public static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
}
