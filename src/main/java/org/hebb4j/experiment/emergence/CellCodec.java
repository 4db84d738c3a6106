package org.hebb4j.experiment.emergence;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.hebb4j.emergence.Probe;
import org.hebb4j.experiment.sweep.CellRecord;
import org.hebb4j.io.FormatException;

/**
 * The payload of an {@code emergence} or {@code classify} cell record
 * (spec/emergence.md#cell-records), and of a {@code phase} one: the cell's
 * key (setting, rule, gamma, seed index, seed) and its whole {@link TrainingRun.Result} (every
 * layer's four alignments, neuron statistics and weight norm, the losses, the time series with
 * its per-neuron cosines), doubles and floats as raw bits, so that the outputs formatted from the
 * records are those of the run, bit for bit.
 */
public final class CellCodec {

  private CellCodec() {}

  /**
   * Writes a cell.
   *
   * @param out the stream
   * @param key the cell's key
   * @param cell its outcome
   * @throws IOException from the stream
   */
  public static void write(DataOutputStream out, Sre.CellKey key, Cell cell) throws IOException {
    out.writeInt(key.setting());
    out.writeUTF(cell.rule().id());
    CellRecord.writeDouble(out, cell.gamma());
    out.writeInt(cell.seedIndex());
    out.writeLong(cell.seed());
    TrainingRun.Result r = cell.result();
    out.writeInt(r.layers().size());
    for (TrainingRun.Layer l : r.layers()) {
      for (double v : new double[] {l.minibatch(), l.fullbatch(), l.timeavg(), l.persample(),
          l.neurons().positiveFraction(), l.neurons().flipRate(), l.neurons().hebbianTimeavg(),
          l.weightNorm()}) {
        CellRecord.writeDouble(out, v);
      }
    }
    CellRecord.writeDouble(out, r.trainLoss());
    CellRecord.writeDouble(out, r.valLoss());
    CellRecord.writeDouble(out, r.valAccuracy());
    Probe.Series s = r.series();
    CellRecord.writeLongs(out, s.steps());
    CellRecord.writeDoubles(out, s.valLoss());
    out.writeInt(s.layers().size());
    for (Probe.LayerSeries ls : s.layers()) {
      CellRecord.writeDoubles(out, ls.cos());
      CellRecord.writeDoubles(out, ls.weightNorm());
      out.writeBoolean(ls.neurons() != null);
      if (ls.neurons() != null) {
        out.writeInt(ls.neurons().length);
        for (float[] row : ls.neurons()) {
          out.writeBoolean(row != null);
          if (row != null) {
            CellRecord.writeFloats(out, row);
          }
        }
      }
    }
  }

  /**
   * Reads a cell, checking that it holds the cell {@code key} of base seed {@code baseSeed}.
   *
   * @param in the payload
   * @param key the key the cell must have
   * @param baseSeed the sweep's base seed
   * @param depth the layers (or linear maps) every cell measures
   * @return the cell
   * @throws FormatException naming the file, for a truncated payload or another cell's
   */
  public static Cell read(CellRecord.In in, Sre.CellKey key, long baseSeed, int depth)
      throws FormatException {
    int setting = in.readInt();
    String rule = in.readString();
    double gamma = in.readDouble();
    int s = in.readInt();
    long seed = in.readLong();
    if (setting != key.setting() || !rule.equals(key.rule().id())
        || Double.doubleToRawLongBits(gamma) != Double.doubleToRawLongBits(key.gamma())
        || s != key.seedIndex() || seed != baseSeed + s) {
      throw in.fault("holds setting " + setting + ", rule " + rule + ", gamma " + gamma
          + ", seed " + seed + "; the cell is setting " + key.setting() + ", rule "
          + key.rule().id() + ", gamma " + key.gamma() + ", seed " + (baseSeed
          + key.seedIndex()));
    }
    int nl = in.readLength("layers", 64);
    if (nl != depth) {
      throw in.fault(nl + " layers, not " + depth);
    }
    List<TrainingRun.Layer> layers = new ArrayList<>();
    for (int l = 0; l < nl; l++) {
      double[] v = new double[8];
      for (int i = 0; i < v.length; i++) {
        v[i] = in.readDouble();
      }
      layers.add(new TrainingRun.Layer(v[0], v[1], v[2], v[3],
          new Probe.NeuronStats(v[4], v[5], v[6]), v[7]));
    }
    double trainLoss = in.readDouble();
    double valLoss = in.readDouble();
    double valAccuracy = in.readDouble();
    long[] steps = in.readLongs("steps");
    double[] seriesVal = in.readDoubles("series val_loss");
    int ns = in.readLength("series layers", 9);
    List<Probe.LayerSeries> ls = new ArrayList<>();
    for (int l = 0; l < ns; l++) {
      double[] cos = in.readDoubles("series cos");
      double[] norm = in.readDoubles("series weight_norm");
      float[][] neurons = null;
      if (in.readBoolean()) {
        neurons = new float[in.readLength("series neurons", 1)][];
        for (int p = 0; p < neurons.length; p++) {
          neurons[p] = in.readBoolean() ? in.readFloats("series neuron row") : null;
        }
      }
      if (cos.length != steps.length || norm.length != steps.length) {
        throw in.fault("series of layer " + (l + 1) + " has " + cos.length + " points, not "
            + steps.length);
      }
      ls.add(new Probe.LayerSeries(cos, norm, neurons));
    }
    if (seriesVal.length != steps.length) {
      throw in.fault("series val_loss has " + seriesVal.length + " points, not "
          + steps.length);
    }
    in.end();
    return new Cell(key.rule(), gamma, s, seed, new TrainingRun.Result(List.copyOf(layers),
        trainLoss, valLoss, valAccuracy, new Probe.Series(steps, seriesVal, List.copyOf(ls))));
  }

  /**
   * Writes a run of the {@code phase} grid: its indices, seed, alignment, validation loss and
   * divergence message.
   *
   * @param out the stream
   * @param o the grid's settings
   * @param c the run
   * @throws IOException from the stream
   */
  public static void writePhase(DataOutputStream out, Phase.Options o, Phase.RunCell c)
      throws IOException {
    out.writeInt(c.sigma());
    out.writeInt(c.gamma());
    out.writeInt(c.seed());
    out.writeLong(o.seed() + c.seed());
    CellRecord.writeDouble(out, o.sigmas()[c.sigma()]);
    CellRecord.writeDouble(out, o.gammas()[c.gamma()]);
    CellRecord.writeDouble(out, c.alignment());
    CellRecord.writeDouble(out, c.valLoss());
    out.writeBoolean(c.diverged() != null);
    if (c.diverged() != null) {
      String m = c.diverged();
      out.writeUTF(m.length() > 4000 ? m.substring(0, 4000) : m);
    }
  }

  /**
   * Reads run {@code c} of the {@code phase} grid, checking its key.
   *
   * @param in the payload
   * @param o the grid's settings
   * @param c the run's index
   * @return the run
   * @throws FormatException naming the file, for a truncated payload or another run's
   */
  public static Phase.RunCell readPhase(CellRecord.In in, Phase.Options o, int c)
      throws FormatException {
    int[] key = Phase.key(o, c);
    int si = in.readInt(), gi = in.readInt(), s = in.readInt();
    long seed = in.readLong();
    double sigma = in.readDouble(), gamma = in.readDouble();
    if (si != key[0] || gi != key[1] || s != key[2] || seed != o.seed() + key[2]
        || Double.doubleToRawLongBits(sigma) != Double.doubleToRawLongBits(o.sigmas()[key[0]])
        || Double.doubleToRawLongBits(gamma) != Double.doubleToRawLongBits(o.gammas()[key[1]])) {
      throw in.fault("holds sigma " + sigma + ", gamma " + gamma + ", seed " + seed
          + "; the run is sigma " + o.sigmas()[key[0]] + ", gamma " + o.gammas()[key[1]]
          + ", seed " + (o.seed() + key[2]));
    }
    double a = in.readDouble(), v = in.readDouble();
    String diverged = in.readBoolean() ? in.readString() : null;
    in.end();
    return new Phase.RunCell(si, gi, s, a, v, diverged);
  }
}
