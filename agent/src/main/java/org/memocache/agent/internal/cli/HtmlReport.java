package org.memocache.agent.internal.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.memocache.EntryInfo;
import org.memocache.MethodStats;
import org.memocache.internal.Sizes;

/**
 * The {@code memocache report} page: one self-contained HTML file, inline CSS and inline SVG, no
 * script and no URL, so that it opens from a mail attachment or an air-gapped cluster alike. Holds
 * size per method, hits and time saved per method, time saved by the day the results were computed
 * (daily bars and a cumulative line), and the biggest entries.
 */
final class HtmlReport {
  static final int BIGGEST = 20;
  private static final int CHART_WIDTH = 1000;
  private static final int LABEL_WIDTH = 300;
  private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
      "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

  private HtmlReport() {}

  /** The page for the directory {@code root}, its methods and entries, written at {@code now}. */
  static String render(String root, List<MethodStats> methods, List<EntryInfo> entries, Instant now) {
    List<MethodStats> bySize = methods.stream().sorted(Comparator.comparing(MethodStats::bytes).reversed()).toList();
    long bytes = methods.stream().mapToLong(MethodStats::bytes).sum();
    long hits = methods.stream().mapToLong(MethodStats::hits).sum();
    Duration saved = methods.stream().map(MethodStats::timeSaved).reduce(Duration.ZERO, Duration::plus);
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>MemoCache report: ")
        .append(esc(root)).append("</title>\n<style>\n")
        .append("body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px 32px;color:#222;"
            + "max-width:1100px}\n")
        .append("h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;"
            + "padding-bottom:4px}\n")
        .append(".sub{color:#666}.cards{display:flex;gap:12px;margin:16px 0}.card{flex:1;background:#f5f7fa;"
            + "border-radius:6px;padding:10px 14px}.card b{display:block;font-size:20px}\n")
        .append("table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;text-align:left;"
            + "border-bottom:1px solid #eee}th{background:#f5f7fa}td.n,th.n{text-align:right;"
            + "font-variant-numeric:tabular-nums}\n")
        .append("code{font:12px ui-monospace,Menlo,Consolas,monospace}svg text{font:12px system-ui,sans-serif;"
            + "fill:#333}.empty{color:#888;font-style:italic}\n")
        .append("</style></head><body>\n");
    h.append("<h1>MemoCache report</h1><div class=\"sub\"><code>").append(esc(root)).append("</code> &middot; ")
        .append(esc(now.truncatedTo(ChronoUnit.SECONDS).toString())).append("</div>\n");
    h.append("<div class=\"cards\">").append(card("methods", Integer.toString(methods.size())))
        .append(card("entries", Integer.toString(entries.size()))).append(card("stored", Sizes.human(bytes)))
        .append(card("hits", Long.toString(hits))).append(card("time saved", Sizes.human(saved))).append("</div>\n");

    h.append("<h2>Size per method</h2>\n");
    h.append(bars("size", bySize, m -> m.bytes(), m -> Sizes.human(m.bytes())));

    h.append("<h2>Time saved per method</h2>\n");
    List<MethodStats> bySaved = methods.stream()
        .sorted(Comparator.comparing(MethodStats::timeSaved).reversed()).toList();
    h.append(bars("saved", bySaved, m -> m.timeSaved().toNanos(), m -> Sizes.human(m.timeSaved()) + " ("
        + m.hits() + " hits)"));
    h.append("<table><tr><th>method</th><th class=\"n\">version</th><th class=\"n\">entries</th>"
        + "<th class=\"n\">size</th><th class=\"n\">hits</th><th class=\"n\">hit rate</th>"
        + "<th class=\"n\">compute time</th><th class=\"n\">time saved</th></tr>\n");
    for (MethodStats m : bySaved) {
      h.append("<tr><td><code>").append(esc(m.method().name() + m.method().descriptor())).append("</code></td>")
          .append(num(m.method().version())).append(num(m.entries())).append(num(Sizes.human(m.bytes())))
          .append(num(m.hits())).append(num(String.format("%.0f%%", 100 * m.hitRate())))
          .append(num(Sizes.human(m.computeTime()))).append(num(Sizes.human(m.timeSaved()))).append("</tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Time saved, by the day results were computed</h2>\n");
    h.append(timeline(entries));

    h.append("<h2>Biggest entries</h2>\n<table><tr><th>key</th><th>method</th><th>arguments</th>"
        + "<th class=\"n\">size</th><th>created</th><th class=\"n\">compute time</th><th class=\"n\">hits</th>"
        + "<th>codec</th></tr>\n");
    entries.stream().sorted(Comparator.comparing(EntryInfo::sizeBytes).reversed()).limit(BIGGEST).forEach(e ->
        h.append("<tr><td><code>").append(esc(e.key().substring(0, 12))).append("</code></td><td><code>")
            .append(esc(e.method())).append("</code></td><td>").append(esc(cut(e.argsSummary()))).append("</td>")
            .append(num(Sizes.human(e.sizeBytes()))).append("<td>")
            .append(esc(e.created().atOffset(ZoneOffset.UTC).toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).toString()
                .replace('T', ' ')))
            .append("</td>").append(num(Sizes.human(e.computeTime()))).append(num(e.hits())).append("<td>")
            .append(esc(e.codec())).append("</td></tr>\n"));
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  /** A horizontal bar chart, one bar per method, labelled with the method and {@code label}. */
  private static String bars(String id, List<MethodStats> methods, ToDoubleFunction<MethodStats> value,
      Function<MethodStats, String> label) {
    if (methods.isEmpty()) {
      return "<p class=\"empty\">no entries</p>\n";
    }
    double max = methods.stream().mapToDouble(value).max().orElse(0);
    int row = 24;
    int height = methods.size() * row + 8;
    int plot = CHART_WIDTH - LABEL_WIDTH - 160;
    StringBuilder s = new StringBuilder();
    s.append("<svg class=\"chart\" id=\"").append(id).append("\" width=\"").append(CHART_WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ')
        .append(height).append("\" role=\"img\">\n");
    for (int i = 0; i < methods.size(); i++) {
      MethodStats m = methods.get(i);
      int y = 4 + i * row;
      double w = max <= 0 ? 0 : Math.max(1, value.applyAsDouble(m) / max * plot);
      s.append("<text x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(y + 16)
          .append("\" text-anchor=\"end\">").append(esc(cutLeft(m.method().name(), 40))).append("</text>")
          .append("<rect x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y + 3).append("\" width=\"")
          .append(String.format("%.1f", w)).append("\" height=\"").append(row - 6).append("\" fill=\"")
          .append(COLORS[i % COLORS.length]).append("\" rx=\"2\"><title>").append(esc(m.method().name())).append(": ")
          .append(esc(label.apply(m))).append("</title></rect>")
          .append("<text x=\"").append(String.format("%.1f", LABEL_WIDTH + w + 6)).append("\" y=\"").append(y + 16)
          .append("\">").append(esc(label.apply(m))).append("</text>\n");
    }
    return s.append("</svg>\n").toString();
  }

  /**
   * Daily bars of the time saved by the results computed that day (their hits times their compute
   * time), and a line of the running total; days without results are drawn as gaps, not skipped, so
   * the x axis is honest about time.
   */
  private static String timeline(List<EntryInfo> entries) {
    TreeMap<LocalDate, Double> daily = new TreeMap<>();
    for (EntryInfo e : entries) {
      daily.merge(e.created().atOffset(ZoneOffset.UTC).toLocalDate(), e.hits() * (e.computeTime().toNanos() / 1e9),
          Double::sum);
    }
    if (daily.isEmpty()) {
      return "<p class=\"empty\">no entries</p>\n";
    }
    LocalDate first = daily.firstKey();
    LocalDate last = daily.lastKey();
    if (first.plusDays(365).isBefore(last)) {
      first = last.minusDays(365); // a year is what fits; older days are folded into the first
      double older = daily.headMap(first).values().stream().mapToDouble(Double::doubleValue).sum();
      daily.headMap(first).clear();
      daily.merge(first, older, Double::sum);
    }
    int days = (int) (last.toEpochDay() - first.toEpochDay()) + 1;
    double total = daily.values().stream().mapToDouble(Double::doubleValue).sum();
    double maxDay = daily.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    int left = 70;
    int right = 70;
    int top = 14;
    int height = 260;
    int bottom = 40;
    int plotW = CHART_WIDTH - left - right;
    int plotH = height - top - bottom;
    double step = (double) plotW / days;
    StringBuilder s = new StringBuilder();
    s.append("<svg class=\"chart\" id=\"timeline\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ').append(height).append("\" role=\"img\">\n");
    s.append("<line x1=\"").append(left).append("\" y1=\"").append(top + plotH).append("\" x2=\"")
        .append(left + plotW).append("\" y2=\"").append(top + plotH).append("\" stroke=\"#999\"/>\n");
    // left axis: per day; right axis: running total
    s.append("<text x=\"").append(left - 6).append("\" y=\"").append((int) (top + plotH * 0.08) + 4).append("\" text-anchor=\"end\">")
        .append(esc(seconds(maxDay))).append("</text><text x=\"").append(left - 6).append("\" y=\"").append(top + plotH)
        .append("\" text-anchor=\"end\">0</text>\n");
    s.append("<text x=\"").append(left + plotW + 6).append("\" y=\"").append((int) (top + plotH * 0.08) + 4).append("\" fill=\"#e15759\">")
        .append(esc(seconds(total))).append("</text>\n");
    double running = 0;
    StringBuilder line = new StringBuilder();
    for (int d = 0; d < days; d++) {
      LocalDate day = first.plusDays(d);
      double v = daily.getOrDefault(day, 0.0);
      running += v;
      double x = left + d * step;
      if (v > 0) {
        double bh = maxDay <= 0 ? 0 : v / maxDay * plotH * 0.92;
        s.append("<rect x=\"").append(String.format("%.1f", x + step * 0.1)).append("\" y=\"")
            .append(String.format("%.1f", top + plotH - bh)).append("\" width=\"")
            .append(String.format("%.1f", Math.max(1, step * 0.8))).append("\" height=\"")
            .append(String.format("%.1f", bh)).append("\" fill=\"#4e79a7\"><title>").append(day).append(": saved ")
            .append(esc(seconds(v))).append("</title></rect>\n");
      }
      double ly = top + plotH - (total <= 0 ? 0 : running / total * plotH * 0.92);
      line.append(d == 0 ? "M" : " L").append(String.format("%.1f,%.1f", x + step / 2, ly));
    }
    s.append("<path d=\"").append(line).append("\" fill=\"none\" stroke=\"#e15759\" stroke-width=\"2\"/>\n");
    // a label every few days, never closer than a label's width
    int every = Math.max(1, (int) Math.ceil(days / 8.0));
    for (int d = 0; d < days; d += every) {
      s.append("<text x=\"").append(String.format("%.1f", left + d * step + step / 2)).append("\" y=\"")
          .append(top + plotH + 18).append("\" text-anchor=\"middle\">").append(first.plusDays(d)).append("</text>\n");
    }
    s.append("<rect x=\"").append(left).append("\" y=\"").append(height - 14).append("\" width=\"10\" height=\"10\""
        + " fill=\"#4e79a7\"/><text x=\"").append(left + 14).append("\" y=\"").append(height - 5)
        .append("\">saved by results computed that day</text><rect x=\"").append(left + 260).append("\" y=\"")
        .append(height - 10).append("\" width=\"14\" height=\"3\" fill=\"#e15759\"/><text x=\"").append(left + 278)
        .append("\" y=\"").append(height - 5).append("\">running total</text>\n");
    return s.append("</svg>\n").toString();
  }

  private static String seconds(double s) {
    return Sizes.human(Duration.ofNanos((long) (s * 1e9)));
  }

  private static String card(String label, String value) {
    return "<div class=\"card\">" + esc(label) + "<b>" + esc(value) + "</b></div>";
  }

  private static String num(Object v) {
    return "<td class=\"n\">" + esc(String.valueOf(v)) + "</td>";
  }

  private static String cut(String s) {
    return s.length() <= 80 ? s : s.substring(0, 79) + "…";
  }

  /** Keeps the end of a long method name: the method is more telling than the package. */
  private static String cutLeft(String s, int max) {
    return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

}
