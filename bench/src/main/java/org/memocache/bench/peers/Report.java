package org.memocache.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.memocache.bench.Measure;

/**
 * The run's results: a table per workload, printed when the workload ends, ratio lines, and at the
 * end a text copy of everything printed plus a tab-separated file that the chart and the docs are
 * made from.
 */
public final class Report {
  private final Map<String, String> titles = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();

  /** Prints a line and keeps it for the text results file. */
  public void println(String line) {
    System.out.println(line);
    System.out.flush();
    text.append(line).append('\n');
  }

  /** Starts a workload's section. */
  public void begin(String workload, String title) {
    titles.put(workload, title);
    println("");
    println("== " + title + " [" + workload + "] ==");
  }

  /** Adds a system's samples of one metric. */
  public Row add(String workload, String variant, String system, String metric, String unit, double[] samples,
                 String note) {
    if (samples == null || samples.length == 0) {
      return missing(workload, variant, system, metric, note.isEmpty() ? "failed: no samples" : note);
    }
    double[] s = samples.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    double median = s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2; // the true median, also for 2 rounds
    Row r = new Row(workload, variant, system, metric, unit, s.length, s[0], median, s[s.length - 1], note);
    rows.add(r);
    return r;
  }

  /** Records that a system has no figure here, and why ({@code skipped:}, {@code failed:}, {@code pending:}). */
  public Row missing(String workload, String variant, String system, String metric, String why) {
    Row r = new Row(workload, variant, system, metric, "", 0, Double.NaN, Double.NaN, Double.NaN, why);
    rows.add(r);
    return r;
  }

  /** Adds every metric a child reported, or a missing row naming its problem. */
  public void addAll(String workload, String variant, String system, ChildOutput out) {
    if (!out.ok()) {
      missing(workload, variant, system, "*", out.problem());
      return;
    }
    out.samples().forEach((metric, v) -> add(workload, variant, system, metric, out.units().get(metric), v, ""));
  }

  /** The median of a measured row, if there is one. */
  public Optional<Double> median(String workload, String variant, String system, String metric) {
    return rows.stream()
        .filter(r -> r.measured() && r.workload().equals(workload) && r.variant().equals(variant)
            && r.system().equals(system) && r.metric().equals(metric))
        .map(Row::median).findFirst();
  }

  /** Prints a ratio line when both medians exist, else says which is missing. */
  public void ratio(String name, Optional<Double> numerator, Optional<Double> denominator, String target) {
    if (numerator.isPresent() && denominator.isPresent() && denominator.get() != 0) {
      println(Measure.ratio(name, numerator.get() / denominator.get(), target));
    } else {
      println(String.format(Locale.ROOT, "RATIO %-52s      n/a   (target %s; a figure is missing above)", name,
          target));
    }
  }

  /** Prints the table of {@code workload}. */
  public void table(String workload) {
    println(String.format(Locale.ROOT, "%-22s %-18s %-24s %12s %12s %12s %-6s %4s  %s",
        "case", "system", "metric", "min", "median", "max", "unit", "n", "note"));
    for (Row r : rows) {
      if (!r.workload().equals(workload)) {
        continue;
      }
      if (r.measured()) {
        println(String.format(Locale.ROOT, "%-22s %-18s %-24s %12s %12s %12s %-6s %4d  %s",
            r.variant(), r.system(), r.metric(), fmt(r.min()), fmt(r.median()), fmt(r.max()), r.unit(), r.n(),
            r.note()));
      } else {
        println(String.format(Locale.ROOT, "%-22s %-18s %-24s %s", r.variant(), r.system(), r.metric(), r.note()));
      }
    }
  }

  /** All rows so far. */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Workload ids and titles, in the order they ran. */
  public Map<String, String> titles() {
    return Map.copyOf(titles);
  }

  /** Writes {@code <base>.txt} (everything printed) and {@code <base>.tsv} (all rows). */
  public void write(Path txt, Path tsv) throws IOException {
    Files.createDirectories(txt.toAbsolutePath().getParent());
    Files.writeString(txt, text, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    lines.add(Row.tsvHeader());
    rows.forEach(r -> lines.add(r.tsv()));
    Files.write(tsv, lines, StandardCharsets.UTF_8);
  }

  /** Four significant digits, without scientific notation for the usual ranges. */
  static String fmt(double v) {
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
