package org.hebb4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small multiples: several {@link LinePlot}s of one size in a grid under a common title and
 * subtitle, written as one SVG. Give the panels one {@link LinePlot#yRange} so that they can be
 * compared.
 */
public final class Panels {

  private static final int HEAD = 52;

  private final String title;
  private final String subtitle;
  private final int columns;
  private final int panelWidth;
  private final int panelHeight;
  private final List<LinePlot> plots = new ArrayList<>();

  /**
   * An empty figure.
   *
   * @param title the common title
   * @param subtitle a line under it (e.g. what the bands are), or null
   * @param columns panels per row, at least 1
   * @param panelWidth each panel's width, pixels (see {@link LinePlot#size})
   * @param panelHeight each panel's height, pixels
   * @throws IllegalArgumentException when columns is below 1
   */
  public Panels(String title, String subtitle, int columns, int panelWidth, int panelHeight) {
    if (columns < 1) {
      throw new IllegalArgumentException("panels: columns must be at least 1, got " + columns);
    }
    this.title = title;
    this.subtitle = subtitle;
    this.columns = columns;
    this.panelWidth = panelWidth;
    this.panelHeight = panelHeight;
  }

  /**
   * Adds a panel, resized to the panel size.
   *
   * @param plot the panel
   * @return this
   */
  public Panels add(LinePlot plot) {
    plots.add(plot.size(panelWidth, panelHeight));
    return this;
  }

  /**
   * Draws the figure.
   *
   * @return the SVG document
   */
  public Svg render() {
    int cols = Math.max(1, Math.min(columns, plots.size()));
    int rows = (plots.size() + cols - 1) / cols;
    Svg svg = new Svg(cols * panelWidth, HEAD + Math.max(1, rows) * panelHeight);
    svg.text(cols * panelWidth / 2.0, 22, title, 16, "middle", 0, null);
    if (subtitle != null) {
      svg.text(cols * panelWidth / 2.0, 42, subtitle, 12, "middle", 0, "#404040");
    }
    for (int i = 0; i < plots.size(); i++) {
      svg.group("panel", null)
          .place(plots.get(i).render(), (i % cols) * panelWidth, HEAD + (i / cols) * panelHeight)
          .end();
    }
    return svg;
  }

  /**
   * Writes the figure as an SVG file.
   *
   * @param file the file
   * @throws IOException when it cannot be written
   */
  public void write(Path file) throws IOException {
    render().write(file);
  }
}
