package org.memocache.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the headline comparisons of a PeerBench results file ({@code .tsv}) as one self-contained
 * SVG: a panel per workload, a bar per system at its median with a min–max whisker, on a log scale
 * (the systems span up to five decades). No network, no dependencies.
 *
 * <p>Usage: {@code SvgChart results.tsv out.svg}.
 */
public final class SvgChart {
  private static final int WIDTH = 920;
  private static final int LABEL = 230;
  private static final int VALUE = 150;
  private static final int ROW = 22;
  private static final String MEMO = "#c2410c";
  private static final String PEER = "#64748b";
  private static final String REF = "#cbd5e1";

  /** One panel: rows of a workload/variant/metric, and whether larger is better. */
  private record Panel(String title, String workload, String variant, String metric, boolean higherBetter) {}

  private SvgChart() {}

  /** Reads {@code args[0]} (TSV), writes {@code args[1]} (SVG). */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SvgChart results.tsv out.svg");
    }
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    for (String l : lines.subList(1, lines.size())) {
      rows.add(Row.parseTsv(l));
    }
    String big = rows.stream().filter(r -> r.workload().equals("bigio") && r.metric().equals("dd write"))
        .map(Row::variant).reduce((a, b) -> b).orElse("1 GiB");
    String hashVariant = rows.stream().filter(r -> r.workload().equals("hash")).map(Row::variant)
        .findFirst().orElse("1 GiB");
    String sweepVariant = rows.stream().filter(r -> r.workload().equals("sweep")).map(Row::variant)
        .findFirst().orElse("");
    List<Panel> panels = new ArrayList<>();
    // The second run first: one panel per value, the first call of a fresh process (from main).
    rows.stream().filter(r -> r.workload().equals("second-run")).map(Row::variant).distinct().forEach(v ->
        panels.add(new Panel("Second run, fresh process: " + v + ", first call from main (ms)", "second-run", v,
            "first-call", false)));
    panels.add(new Panel("The demo pipeline: whole process, start to exit (ms)", "demo", "", "run 1|run 2|no cache",
        false));
    panels.addAll(List.of(
        new Panel("Memory hit, 2 small args (ns/call, lower is better)", "memory-hit", "", "hit", false),
        new Panel("Disk hit in a fresh process: first hit after open (ms)", "disk-hit-fresh", "", "first-hit", false),
        new Panel("Disk hit in a fresh process: whole process, start to exit (ms)", "disk-hit-fresh", "",
            "process wall", false),
        new Panel("Miss + store of a small value (µs/call)", "miss-store", "", "miss+store", false),
        new Panel("Hash a " + hashVariant + " double[] argument (GB/s, higher is better)", "hash", hashVariant, "*",
            true),
        new Panel("Store a " + big + " double[] result (ms)", "bigio", big, "store|dd write", false),
        new Panel("Load a " + big + " double[] result (ms)", "bigio", big, "load", false),
        new Panel("Sweep " + sweepVariant.replace("x", " processes × ") + " keys of 200 ms: computations (ideal "
            + sweepVariant.substring(sweepVariant.indexOf('x') + 1) + ")", "sweep", sweepVariant, "computations",
            false)));
    StringBuilder body = new StringBuilder();
    int y = 40;
    for (Panel p : panels) {
      List<Row> sel = new ArrayList<>();
      for (Row r : rows) {
        if (r.workload().equals(p.workload()) && r.variant().equals(p.variant())
            && (p.metric().equals("*") || List.of(p.metric().split("\\|")).contains(r.metric())
                || r.metric().equals("*"))) {
          sel.add(r);
        }
      }
      if (sel.isEmpty()) {
        continue;
      }
      y = panel(body, p, sel, y) + 18;
    }
    String svg = String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">%n"
        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
        + "<text x=\"12\" y=\"24\" font-size=\"16\" font-weight=\"bold\">MemoCache and its peers, one run on one"
        + " machine (median, whisker min–max, log scale)</text>%n%s</svg>%n", WIDTH, y, WIDTH, y, body);
    Path out = Path.of(args[1]);
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    Files.writeString(out, svg, StandardCharsets.UTF_8);
  }

  private static int panel(StringBuilder b, Panel p, List<Row> rows, int y) {
    b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y + 14,
        esc(p.title())));
    y += 22;
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Row r : rows) {
      if (r.measured()) {
        lo = Math.min(lo, Math.max(r.min(), 1e-9));
        hi = Math.max(hi, Math.max(r.max(), 1e-9));
      }
    }
    boolean linear = p.workload().equals("sweep");
    if (hi == 0) { // nothing measured: the rows say why, no axis
      lo = 1;
      hi = 10;
    }
    double l0 = linear ? 0 : Math.floor(Math.log10(lo));
    double l1 = linear ? hi * 1.1 : Math.ceil(Math.log10(hi) + 1e-9);
    if (!linear && l1 - l0 < 1) {
      l1 = l0 + 1;
    }
    int x0 = LABEL;
    int x1 = WIDTH - VALUE;
    for (Row r : rows) {
      String label = r.system() + (p.metric().equals("*") || p.metric().contains("|") ? " · " + r.metric() : "");
      boolean reference = r.system().equals("reference") || r.metric().equals("dd write") || r.metric().equals("no cache")
          || r.system().startsWith("floor") || r.system().startsWith("recompute") || r.system().equals("dd read");
      String color = reference ? REF
          : r.system().startsWith("memocache") || r.system().startsWith("PipelineDemo") ? MEMO : PEER;
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", x0 - 8, y + 15,
          esc(label)));
      if (!r.measured()) {
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#94a3b8\" font-style=\"italic\">%s</text>%n",
            x0, y + 15, esc(shorten(r.note()))));
        y += ROW;
        continue;
      }
      double xm = scale(r.median(), l0, l1, x0, x1, linear);
      double xa = scale(r.min(), l0, l1, x0, x1, linear);
      double xb = scale(r.max(), l0, l1, x0, x1, linear);
      b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>%n",
          x0, y + 4, Math.max(1, xm - x0), color));
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#111\"/>%n",
          xa, xb, y + 11, y + 11));
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#111\"/>%n",
          xa, xa, y + 7, y + 15));
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#111\"/>%n",
          xb, xb, y + 7, y + 15));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s %s</text>%n", x1 + 8, y + 15,
          Report.fmt(r.median()), esc(r.unit())));
      y += ROW;
    }
    // axis: decades (or a linear scale for counts)
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n",
        x0, x1, y + 2, y + 2));
    if (linear) {
      for (int t = 0; t <= 4; t++) {
        double v = l1 * t / 4;
        double x = scale(v, l0, l1, x0, x1, true);
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
            + " fill=\"#555\">%s</text>%n", x, y + 14, Report.fmt(v)));
      }
    } else {
      for (double d = l0; d <= l1 + 1e-9; d++) {
        double x = scale(Math.pow(10, d), l0, l1, x0, x1, false);
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n",
            x, x, y, y + 5));
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
            + " fill=\"#555\">%s</text>%n", x, y + 16, esc(Report.fmt(Math.pow(10, d)))));
      }
    }
    return y + 18;
  }

  private static double scale(double v, double l0, double l1, int x0, int x1, boolean linear) {
    double f = linear ? (v - l0) / (l1 - l0) : (Math.log10(Math.max(v, 1e-12)) - l0) / (l1 - l0);
    return x0 + Math.max(0, Math.min(1, f)) * (x1 - x0);
  }

  private static String shorten(String s) {
    return s.length() > 95 ? s.substring(0, 92) + "..." : s;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
