package io.streambus.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table the benchmark prints: one row per figure with bus, plain, bus/plain and the target's verdict. */
final class Report {
  private final List<Row> rows = new ArrayList<>();

  /** What a figure must meet: a minimum of bus/plain, or a maximum of the bus's value. */
  record Target(String text, double limit, boolean onRatio) {
    static Target ratioAtLeast(double min) {
      return new Target(String.format(Locale.ROOT, "bus/plain >= %.2f", min), min, true);
    }

    static Target busAtMost(double max, String unit) {
      return new Target(String.format(Locale.ROOT, "bus <= %.2f %s", max, unit), max, false);
    }

    boolean met(Double bus, Double ratio) {
      return onRatio ? ratio != null && ratio >= limit : bus != null && bus <= limit;
    }
  }

  /** @param bus or null when not measured; @param plain or null when not measured or not applicable */
  record Row(String label, Double bus, Double plain, boolean latency, Target target) {
    Double ratio() {
      return bus == null || plain == null || plain == 0 ? null : bus / plain;
    }
  }

  void throughput(String label, Double bus, Double plain, Target target) {
    rows.add(new Row(label, bus, plain, false, target));
  }

  void latency(String label, Double busMs, Double plainMs, Target target) {
    rows.add(new Row(label, busMs, plainMs, true, target));
  }

  /** Prints the table; returns how many targets were missed. */
  int print(PrintStream out) {
    if (rows.isEmpty()) {
      return 0;
    }
    int missed = 0;
    int checked = 0;
    String format = "%-44s %12s %12s %10s   %-18s %s%n";
    out.printf(Locale.ROOT, format, "figure", "bus", "plain", "bus/plain", "target", "");
    out.println("-".repeat(108));
    for (Row r : rows) {
      String verdict = "";
      if (r.target() != null && (r.target().onRatio() ? r.ratio() == null : r.bus() == null)) {
        verdict = "n/a";
      } else if (r.target() != null) {
        checked++;
        boolean met = r.target().met(r.bus(), r.ratio());
        verdict = met ? "PASS" : "MISS";
        missed += met ? 0 : 1;
      }
      out.printf(Locale.ROOT, format, r.label(), value(r.bus(), r.latency()), value(r.plain(), r.latency()),
          r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", r.ratio()),
          r.target() == null ? "" : r.target().text(), verdict);
    }
    out.println("-".repeat(108));
    if (checked > 0) {
      out.printf(Locale.ROOT, "targets met: %d of %d%n", checked - missed, checked);
    }
    return missed;
  }

  private static String value(Double v, boolean latency) {
    if (v == null) {
      return "-";
    }
    return latency ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%,.0f", v);
  }
}
