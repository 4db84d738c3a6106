package org.hebb4j.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Figures a reader can trust (issue 10): legends list only visible series, overlapping series
 * stay distinguishable, bands are drawn, gamma = 0 sits left of an axis break, error bars of
 * different series do not cover each other, every axis uses one number format, and heatmap
 * markers leave the cell values readable. Checked on the SVG text.
 */
class FigureReadabilityTest {

  static final double[] GAMMAS = {0, 5e-5, 5e-4, 5e-3};

  /** The {@code <g class=cls>} elements. */
  static List<Element> groups(Document d, String cls) {
    List<Element> out = new ArrayList<>();
    NodeList g = d.getElementsByTagName("g");
    for (int i = 0; i < g.getLength(); i++) {
      Element e = (Element) g.item(i);
      if (cls.equals(e.getAttribute("class"))) {
        out.add(e);
      }
    }
    return out;
  }

  static List<String> tickLabels(Document d, String cls) {
    List<String> out = new ArrayList<>();
    for (Element e : groups(d, cls)) {
      out.add(e.getElementsByTagName("text").item(0).getTextContent());
    }
    return out;
  }

  static double tickX(Document d, String label) {
    for (Element e : groups(d, "xtick")) {
      Element t = (Element) e.getElementsByTagName("text").item(0);
      if (t.getTextContent().equals(label)) {
        return Double.parseDouble(t.getAttribute("x"));
      }
    }
    throw new AssertionError("no x tick " + label);
  }

  /** True when every label is scientific, or none is ("0" goes with either). */
  static boolean oneFormat(List<String> labels) {
    Set<Boolean> kinds = new HashSet<>();
    Set<Integer> decimals = new HashSet<>();
    for (String s : labels) {
      if (!s.equals("0") || labels.size() == 1) {
        kinds.add(Axis.scientific(s));
      }
      if (!Axis.scientific(s)) {
        decimals.add(s.contains(".") ? s.length() - s.indexOf('.') - 1 : 0);
      }
    }
    return kinds.size() <= 1 && (kinds.contains(true) || decimals.size() <= 1);
  }

  @Test
  void legendListsOnlySeriesThatCanBeSeen() throws Exception {
    double[] nan = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    Document d = SvgTest.parse(new LinePlot("t", "gamma", "cos").gammaX()
        .add("sgd", GAMMAS, new double[] {0.1, 0.2, 0.3, 0.4}, null, false)
        .add("diverged", GAMMAS, nan, null, false)
        .add("negative-x", new double[] {-1, -2}, new double[] {1, 2}, null, false)
        .render().render());
    List<Element> legend = groups(d, "legend-entry");
    assertEquals(List.of("sgd"), legend.stream().map(e -> e.getAttribute("data-name")).toList());
    for (Element e : groups(d, "series")) {
      boolean drawn = e.getElementsByTagName("polyline").getLength()
          + e.getElementsByTagName("circle").getLength() > 0;
      assertEquals(e.getAttribute("data-name").equals("sgd"), drawn, e.getAttribute("data-name"));
    }
  }

  @Test
  void coincidingSeriesStayDistinguishable() throws Exception {
    double[] x = {1, 2, 3}, y = {0.5, 0.6, 0.7};
    Document d = SvgTest.parse(new LinePlot("t", "x", "y").add("a", x, y, null, false)
        .add("b", x, y, null, false).add("c", x, y, null, false).render().render());
    List<Element> s = groups(d, "series");
    double[] width = new double[3];
    Set<String> dashes = new HashSet<>(), shapes = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      Element line = (Element) s.get(i).getElementsByTagName("polyline").item(0);
      width[i] = Double.parseDouble(line.getAttribute("stroke-width"));
      dashes.add(line.getAttribute("stroke-dasharray"));
      Element marker = (Element) s.get(i).getElementsByTagName("*").item(1);
      shapes.add(marker.getTagName() + marker.getAttribute("points").isEmpty());
    }
    assertTrue(width[0] > width[1] && width[1] > width[2], "earlier lines are wider");
    assertEquals(3, dashes.size(), "each series its own dash pattern");
    assertEquals(3, shapes.size(), "each series its own marker");
  }

  @Test
  void bandIsAFilledPolygonAroundTheLine() throws Exception {
    double[] x = {1, 10, 100, 1000};
    Document d = SvgTest.parse(new LinePlot("t", "step", "cos").logX()
        .subtitle("band: min to max over 3 seeds")
        .add(null, x, new double[] {0, 0.2, 0.3, 0.3}, null, false)
        .band(new double[] {-0.1, 0.1, 0.25, 0.2}, new double[] {0.1, 0.3, 0.35, 0.4})
        .render().render());
    List<Element> band = groups(d, "band");
    assertEquals(1, band.size());
    Element poly = (Element) band.get(0).getElementsByTagName("polygon").item(0);
    assertEquals(8, poly.getAttribute("points").split(" ").length, "4 tops and 4 bottoms");
    assertTrue(SvgTest.texts(d).contains("band: min to max over 3 seeds|"));
    assertTrue(groups(d, "legend-entry").isEmpty(), "an unnamed series has no legend entry");
  }

  @Test
  void gammaZeroIsDrawnLeftOfTheBreakAndBarsAreOffset() throws Exception {
    double[] err = {0.01, 0.02, 0.01, 0.02};
    Document d = SvgTest.parse(new LinePlot("t", "gamma", "cos").gammaX()
        .subtitle("error bars: ±1 s.d. over 3 seeds")
        .add("sgd", GAMMAS, new double[] {0.1, 0.1, 0.3, 0.5}, err, false)
        .add("adam", GAMMAS, new double[] {0.1, 0.1, 0.3, 0.5}, err, false)
        .render().render());
    List<Element> brk = groups(d, "axis-break");
    assertEquals(1, brk.size());
    double b = Double.parseDouble(((Element) brk.get(0).getElementsByTagName("line").item(0))
        .getAttribute("x2")) + 1;
    List<String> xl = tickLabels(d, "xtick");
    assertEquals("0", xl.get(0), xl.toString());
    assertTrue(tickX(d, "0") < b, "0 left of the break");
    for (String s : xl.subList(1, xl.size())) {
      assertTrue(tickX(d, s) > b, s + " right of the break");
    }
    assertTrue(oneFormat(xl), xl.toString());
    assertTrue(SvgTest.texts(d).contains("error bars: ±1 s.d. over 3 seeds|"));
    // the same points of two series sit OFFSET pixels apart
    List<Element> s = groups(d, "series");
    double x0 = Double.parseDouble(((Element) s.get(0).getElementsByTagName("circle").item(0))
        .getAttribute("cx"));
    double x1 = Double.parseDouble(((Element) s.get(1).getElementsByTagName("rect").item(0))
        .getAttribute("x")) + 3.6; // the second series' markers are squares
    assertEquals(LinePlot.OFFSET, x1 - x0, 0.02);
    // no line across the break: every polyline lies right of it
    for (Element e : s) {
      NodeList pl = e.getElementsByTagName("polyline");
      for (int i = 0; i < pl.getLength(); i++) {
        for (String p : ((Element) pl.item(i)).getAttribute("points").split(" ")) {
          assertTrue(Double.parseDouble(p.split(",")[0]) > b, p);
        }
      }
    }
  }

  @Test
  void everyAxisUsesOneNumberFormat() throws Exception {
    assertArrayEquals(new String[] {"1e-3", "1e-2", "1e-1", "1e0", "1e1"},
        Axis.labels(new double[] {1e-3, 1e-2, 0.1, 1, 10}));
    assertArrayEquals(new String[] {"0.00", "0.25", "0.50", "-0.25"},
        Axis.labels(new double[] {0, 0.25, 0.5, -0.25}));
    assertArrayEquals(new String[] {"0", "5e-5", "5e-4", "5e-3"}, Axis.labels(GAMMAS));
    Document d = SvgTest.parse(new LinePlot("t", "x", "y").logX()
        .add("a", new double[] {1e-3, 0.1, 10}, new double[] {0, 0.5, 1}, null, false)
        .render().render());
    List<String> xl = tickLabels(d, "xtick"), yl = tickLabels(d, "ytick");
    assertTrue(xl.contains("1e-3") && xl.contains("1e1"), xl.toString());
    assertTrue(oneFormat(xl), xl.toString());
    assertTrue(oneFormat(yl), yl.toString());
    Document h = SvgTest.parse(new Heatmap("H", "sigma", "gamma",
        new double[] {1e-3, 1e-2, 0.1}, new double[] {1e-4, 1e-2, 1},
        new double[][] {{1e-4, 1, 10}, {0.1, 1, 1}, {1, 2, 3}}).sequential(true, "loss")
        .render().render());
    String t = SvgTest.texts(h);
    assertTrue(t.contains("|1e-1|") && t.contains("|1e0|") && !t.contains("|0.1|"), t);
  }

  @Test
  void heatmapMarkersLeaveTheValuesReadable() throws Exception {
    double[][] v = {{-0.5, 0.2}, {0.9, 0.1}};
    Document d = SvgTest.parse(new Heatmap("H", "sigma", "gamma", new double[] {1e-3, 1e-2},
        new double[] {1e-4, 1e-2}, v).diverging(1, "cos").line(0, 2, "fit")
        .marks(new double[] {1e-3, 1e-2}, new double[] {1e-4, 1e-2}).render().render());
    NodeList circles = d.getElementsByTagName("circle");
    assertTrue(circles.getLength() >= 2);
    for (int i = 0; i < circles.getLength(); i++) {
      assertEquals("none", ((Element) circles.item(i)).getAttribute("fill"), "open rings");
    }
    List<Element> values = groups(d, "values");
    assertEquals(1, values.size());
    NodeList texts = values.get(0).getElementsByTagName("text");
    assertEquals(4, texts.getLength());
    for (int i = 0; i < texts.getLength(); i++) {
      Element t = (Element) texts.item(i);
      assertNotEquals("", t.getAttribute("stroke"), "a halo under " + t.getTextContent());
      assertEquals("stroke", t.getAttribute("paint-order"));
      // drawn after every marker and the boundary line
      assertTrue((circles.item(circles.getLength() - 1).compareDocumentPosition(t)
          & org.w3c.dom.Node.DOCUMENT_POSITION_FOLLOWING) != 0, "values on top");
      assertTrue((d.getElementsByTagName("polyline").item(0).compareDocumentPosition(t)
          & org.w3c.dom.Node.DOCUMENT_POSITION_FOLLOWING) != 0, "values above the line");
    }
  }

  @Test
  void panelsShareOneFigure() throws Exception {
    Panels p = new Panels("T", "band: min to max", 2, 400, 260);
    for (int i = 0; i < 3; i++) {
      p.add(new LinePlot("gamma = " + i, "step", "cos").add(null, new double[] {1, 2},
          new double[] {0, 1}, null, false));
    }
    Svg svg = p.render();
    assertEquals(800, svg.width());
    Document d = SvgTest.parse(svg.render());
    assertEquals(3, groups(d, "panel").size());
    assertTrue(SvgTest.texts(d).contains("gamma = 2|"));
  }
}
