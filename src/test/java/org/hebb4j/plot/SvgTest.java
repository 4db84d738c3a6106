package org.hebb4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgTest {

  static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  static String texts(Document d) {
    StringBuilder sb = new StringBuilder();
    var list = d.getElementsByTagName("text");
    for (int i = 0; i < list.getLength(); i++) {
      sb.append(list.item(i).getTextContent()).append('|');
    }
    return sb.toString();
  }

  @Test
  void linePlotIsWellFormedWithAxesLabelsAndLegend() throws Exception {
    String svg = new LinePlot("Alignment <test> & more", "weight decay gamma", "cos(g, H)")
        .categories("0", "5e-5", "5e-4", "5e-3")
        .add("sgd", new double[] {0, 1, 2, 3}, new double[] {-0.1, 0, 0.2, 0.6},
            new double[] {0.01, 0.02, 0.03, 0.04}, false)
        .add("dfa", new double[] {0, 1, 2, 3}, new double[] {0.4, Double.NaN, 0.7, 0.9}, null, true)
        .render().render();
    Document d = parse(svg);
    assertEquals("svg", d.getDocumentElement().getTagName());
    String t = texts(d);
    for (String s : new String[] {"Alignment <test> & more", "weight decay gamma", "cos(g, H)",
        "sgd", "dfa", "5e-5", "0.2"}) {
      assertTrue(t.contains(s + "|"), s + " missing in " + t);
    }
  }

  @Test
  void logAxisTicksArePowersOfTen() throws Exception {
    String svg = new LinePlot("t", "x", "y").logX()
        .add("a", new double[] {1e-3, 1e-1, 10}, new double[] {1, 2, 3}, null, false)
        .render().render();
    String t = texts(parse(svg));
    // one number format on the axis: 0.1 and 10 are written as powers of ten too
    assertTrue(t.contains("1e-3|") && t.contains("1e-1|") && t.contains("1e1|"), t);
  }

  @Test
  void heatmapHasCellsColourBarAndBoundary() throws Exception {
    double[][] v = {{-0.5, 0.2}, {0.9, Double.NaN}};
    String svg = new Heatmap("H", "sigma", "gamma", new double[] {1e-3, 1e-2},
        new double[] {1e-4, 1e-2}, v).diverging(1, "cos").line(0, 2, "fit b=2")
        .marks(new double[] {1e-3}, new double[] {1e-3}).render().render();
    Document d = parse(svg);
    String t = texts(d);
    assertTrue(t.contains("-0.50|") && t.contains("fit b=2|") && t.contains("sigma|"), t);
    assertTrue(d.getElementsByTagName("rect").getLength() > 100, "cells and colour bar");
    assertTrue(d.getElementsByTagName("polyline").getLength() >= 1, "boundary line");
    String seq = new Heatmap("L", "r", "c", new double[] {1, 2}, new double[] {1, 2},
        new double[][] {{1e-4, 1e-2}, {1, 100}}).sequential(true, "loss").render().render();
    assertTrue(texts(parse(seq)).contains("1e-4|"));
  }

  @Test
  void labelsAreCompact() {
    assertEquals("0", Axis.label(0));
    assertEquals("5e-5", Axis.label(5e-5));
    assertEquals("5e-4", Axis.label(5e-4));
    assertEquals("0.25", Axis.label(0.25));
    assertEquals("2000", Axis.label(2000));
    assertEquals("-0.1", Axis.label(-0.1));
  }
}
