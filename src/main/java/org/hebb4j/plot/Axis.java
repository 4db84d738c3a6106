package org.hebb4j.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Tick positions and labels for linear and log10 axes. */
public final class Axis {

  private Axis() {}

  /** About {@code target} "nice" ticks (1, 2, 5 times a power of ten) covering [lo, hi]. */
  public static double[] linearTicks(double lo, double hi, int target) {
    if (!(hi > lo)) {
      return new double[] {lo};
    }
    double raw = (hi - lo) / Math.max(1, target);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    }
    List<Double> t = new ArrayList<>();
    for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
      t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    double[] out = new double[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.get(i);
    }
    return out;
  }

  /** Integer powers of ten within [lo, hi] (both > 0). */
  public static double[] logTicks(double lo, double hi) {
    List<Double> t = new ArrayList<>();
    for (int e = (int) Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9);
        e++) {
      t.add(Math.pow(10, e));
    }
    if (t.isEmpty()) {
      t.add(lo);
    }
    double[] out = new double[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.get(i);
    }
    return out;
  }

  /** A short label: "0", "0.25", "5e-5", "1e-3", "2000", "1.5e6". */
  public static String label(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-2 && a < 1e5) {
      return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    String[] p = String.format(Locale.ROOT, "%.2e", v).split("e");
    String m = p[0].replaceAll("0+$", "").replaceAll("\\.$", "");
    return m + "e" + Integer.parseInt(p[1]);
  }

  /**
   * Labels for the ticks of one axis, all in one number format: plain decimals with a common
   * number of decimals ("0.00", "0.25", "0.50") when every nonzero value is in [0.01, 1e5),
   * otherwise scientific for every nonzero value ("1e-4", "1e-3", "1e-2", "1e-1", "1e0") with 0
   * written "0".
   *
   * @param v the tick values
   * @return one label per value
   */
  public static String[] labels(double[] v) {
    boolean sci = false;
    int decimals = 0;
    for (double x : v) {
      double a = Math.abs(x);
      if (x == 0 || !Double.isFinite(x)) {
        continue;
      }
      if (a < 1e-2 || a >= 1e5) {
        sci = true;
      }
      String s = String.format(Locale.ROOT, "%.4f", a).replaceAll("0+$", "");
      decimals = Math.max(decimals, s.length() - s.indexOf('.') - 1);
    }
    String[] out = new String[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] == 0 && sci) {
        out[i] = "0";
      } else if (sci) {
        String[] p = String.format(Locale.ROOT, "%.2e", v[i]).split("e");
        String m = p[0].replaceAll("0+$", "").replaceAll("\\.$", "");
        out[i] = m + "e" + Integer.parseInt(p[1]);
      } else {
        out[i] = String.format(Locale.ROOT, "%." + decimals + "f", v[i] == 0 ? 0.0 : v[i]);
      }
    }
    return out;
  }

  /**
   * Whether a label is written in scientific notation ("5e-4").
   *
   * @param label a label from {@link #labels} or {@link #label}
   * @return true when it holds an exponent
   */
  public static boolean scientific(String label) {
    return label.matches("-?[0-9.]+e-?[0-9]+");
  }
}
