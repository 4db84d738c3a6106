package org.hebb4j.experiment.hebbcnn;

import java.util.List;
import java.util.Locale;
import org.hebb4j.experiment.hebbcnn.HebbCnnExperiment.Filters;
import org.hebb4j.hebbian.HebbCnn;
import org.hebb4j.plot.Svg;

/**
 * Labelled SVG figures of a layer's filters (spec/hebbcnn.md#outputs): the {@link FilterGrid}
 * image embedded under a title (variant, layer, channel count, filter shape) and a subtitle
 * saying how each filter is scaled, the index of the first filter of every row, and a colour bar
 * with its values; and, for layers 2+, the input-space view (the mean winning input patches).
 */
final class FilterFigure {

  private static final int MARGIN = 44;
  private static final int HEAD = 78;
  private static final int FOOT = 70;

  private FilterFigure() {}

  /** The weights of one layer: {@code filters-V-layerL.svg}. */
  static Svg weights(Filters f) {
    int[] s = f.weights().shape();
    int o = s[0], c = s[1], k = s[2];
    boolean first = f.layer() == 1;
    FilterGrid.Image im = first ? FilterGrid.firstLayer(f.weights().data(), o, c, k)
        : FilterGrid.deepLayer(f.weights().data(), o, c, k);
    String title = String.format(Locale.ROOT, "Layer %d filters, %s variant: %d channels, each"
        + " %d x %d x %d (input channels x K x K)", f.layer(), f.variant().id(), o, c, k, k);
    List<String> notes = first
        ? List.of("Each filter scaled on its own: value w / max|w| of that filter"
            + (c == 3 ? ", per RGB channel" : "") + "; mid-grey 0.",
            "One tile per filter, filters numbered row by row (the number of each row's first).")
        : List.of("Each filter scaled on its own: value w / max|w| of that filter; mid-grey 0.",
            String.format(Locale.ROOT, "One strip per filter: its %d strongest input channels"
                + " (largest L2 norm), strongest first, as K x K tiles.",
                Math.min(FilterGrid.TOP, c)));
    return figure(im, title, notes, new String[] {"-1", "-0.5", "0", "0.5", "1"},
        "w / max|w| of each filter", c == 3 && first ? "(each of R, G, B)" : null);
  }

  /** What the filters of layer 2+ respond to in input space: {@code filters-V-layerL-input.svg}. */
  static Svg input(Filters f) {
    HebbCnn.WinningPatches wp = f.input();
    int[] s = wp.mean().shape();
    int o = s[0], c = s[1], r = s[2];
    FilterGrid.Image im = FilterGrid.patches(wp.mean().data(), wp.wins(), o, c, r);
    int never = 0;
    for (long w : wp.wins()) {
      never += w == 0 ? 1 : 0;
    }
    String title = String.format(Locale.ROOT, "Layer %d, %s variant: what each of the %d"
        + " filters responds to in input space", f.layer(), f.variant().id(), o);
    List<String> notes = List.of(String.format(Locale.ROOT, "Mean input patch (%d x %d pixels,"
        + " the receptive field) over the positions where the filter wins (k-WTA), in %d test"
        + " images.", r, r, f.sample()),
        String.format(Locale.ROOT, "Each patch scaled on its own from its min (black) to its max"
        + " (white)%s; dark blue: never won (%d filters).", c == 3 ? ", in colour" : "", never));
    return figure(im, title, notes, new String[] {"min", "", "mid", "", "max"},
        "value of each patch, own min to own max", null);
  }

  private static Svg figure(FilterGrid.Image im, String title, List<String> notes,
      String[] ticks, String barLabel, String barNote) {
    int width = Math.max(im.width() + 2 * MARGIN, 720);
    int height = HEAD + im.height() + FOOT;
    Svg svg = new Svg(width, height);
    svg.text(width / 2.0, 22, title, 15, "middle", 0, null);
    for (int i = 0; i < notes.size(); i++) {
      svg.text(width / 2.0, 42 + 16 * i, notes.get(i), 11.5, "middle", 0, "#404040");
    }
    double x0 = (width - im.width()) / 2.0;
    svg.image(x0, HEAD, im.width(), im.height(), im.png());
    svg.group("row-labels", null);
    int rows = (im.height() - FilterGrid.GAP) / im.cellHeight();
    for (int row = 0; row < rows; row++) {
      svg.text(x0 - 6, HEAD + FilterGrid.GAP + row * im.cellHeight() + im.cellHeight() / 2.0 + 3,
          String.valueOf(row * im.perRow()), 9, "end", 0, "#404040");
    }
    svg.end();
    // colour bar: black (-1 or min) to white (+1 or max)
    double bw = 240, bx = (width - bw) / 2.0, by = HEAD + im.height() + 14;
    svg.group("colour-bar", barLabel);
    int seg = 60;
    for (int i = 0; i < seg; i++) {
      double u = (i + 0.5) / seg;
      svg.rect(bx + i * bw / seg, by, bw / seg + 0.6, 12, Svg.rgb(u, u, u), null, 0);
    }
    svg.rect(bx, by, bw, 12, null, "#000000", 1);
    for (int i = 0; i < ticks.length; i++) {
      double x = bx + bw * i / (ticks.length - 1);
      svg.line(x, by + 12, x, by + 16, "#000000", 1, null);
      if (!ticks[i].isEmpty()) {
        svg.text(x, by + 27, ticks[i], 10, "middle", 0, null);
      }
    }
    svg.text(width / 2.0, by + 44, barLabel + (barNote == null ? "" : " " + barNote), 11,
        "middle", 0, null);
    svg.end();
    return svg;
  }
}
