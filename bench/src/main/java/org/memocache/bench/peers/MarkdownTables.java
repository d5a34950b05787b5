package org.memocache.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Prints the tables of a PeerBench results file ({@code .tsv}) as Markdown, one per workload, so
 * that {@code docs/benchmarks.md} carries the numbers of a run exactly as measured.
 *
 * <p>Usage: {@code MarkdownTables results.tsv [workload...]}, or {@code MarkdownTables results.tsv
 * --second-run} for the summary of the second-run and demo workloads: medians (min–max) side by side,
 * with MemoCache's ratios to the floor and to joblib of the same run.
 */
public final class MarkdownTables {
  private MarkdownTables() {}

  /** Prints the tables of the given workloads (all when none is named). */
  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    List<Row> rows = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      rows.add(Row.parseTsv(l));
    }
    if (args.length == 2 && args[1].equals("--second-run")) {
      secondRun(rows);
      return;
    }
    Set<String> workloads = new LinkedHashSet<>();
    if (args.length > 1) {
      workloads.addAll(List.of(args).subList(1, args.length));
    } else {
      rows.forEach(r -> workloads.add(r.workload()));
    }
    for (String w : workloads) {
      System.out.println("<!-- " + w + " -->");
      System.out.println("| case | system | metric | min | median | max | unit | n | note |");
      System.out.println("|---|---|---|---:|---:|---:|---|---:|---|");
      for (Row r : rows) {
        if (!r.workload().equals(w)) {
          continue;
        }
        String sys = r.system().equals("memocache") ? "**memocache**" : r.system();
        if (r.measured()) {
          System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %d | %s |%n", r.variant(), sys, r.metric(),
              Report.fmt(r.min()), Report.fmt(r.median()), Report.fmt(r.max()), r.unit(), r.n(), cell(r.note()));
        } else {
          System.out.printf("| %s | %s | %s | | | | | | %s |%n", r.variant(), sys, r.metric(), cell(r.note()));
        }
      }
      System.out.println();
    }
  }

  private static void secondRun(List<Row> rows) {
    Set<String> values = new LinkedHashSet<>();
    rows.stream().filter(r -> r.workload().equals("second-run")).forEach(r -> values.add(r.variant()));
    System.out.println("| value | floor | floor +THP | **MemoCache** | **MemoCache +THP** | joblib | recompute"
        + " | MemoCache / floor | MemoCache +THP / floor +THP | MemoCache / joblib | MemoCache +THP / joblib |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (String v : values) {
      Row floor = find(rows, "second-run", v, "floor", "first-call");
      Row floorThp = find(rows, "second-run", v, "floor +THP", "first-call");
      Row memo = find(rows, "second-run", v, "memocache", "first-call");
      Row memoThp = find(rows, "second-run", v, "memocache +THP", "first-call");
      Row joblib = find(rows, "second-run", v, "joblib", "first-call");
      System.out.printf(Locale.ROOT, "| %s | %s | %s | **%s** | **%s** | %s | %s | %s | %s | %s | %s |%n", v,
          spread(floor), spread(floorThp), spread(memo), spread(memoThp), spread(joblib),
          spread(find(rows, "second-run", v, "recompute", "first-call")), ratio(memo, floor), ratio(memoThp, floorThp),
          ratio(memo, joblib), ratio(memoThp, joblib));
    }
    System.out.println();
    System.out.println("| value | MemoCache open | MemoCache first get | joblib import+open | joblib first get"
        + " | MemoCache process | joblib process | floor process | dd read |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (String v : values) {
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", v,
          median(find(rows, "second-run", v, "memocache", "open")),
          median(find(rows, "second-run", v, "memocache", "first-get")),
          median(find(rows, "second-run", v, "joblib", "open")),
          median(find(rows, "second-run", v, "joblib", "first-get")),
          median(find(rows, "second-run", v, "memocache", "process wall")),
          median(find(rows, "second-run", v, "joblib", "process wall")),
          median(find(rows, "second-run", v, "floor", "process wall")),
          median(find(rows, "second-run", v, "dd read", "process wall")));
    }
    System.out.println();
    System.out.println("| flags | run 1 (computes, stores) | run 2 (served from disk) | no cache (`--plain`)"
        + " | run 2 / run 1 | run 2 / no cache | run 1 / no cache |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (String s : List.of("PipelineDemo", "PipelineDemo +THP")) {
      Row run1 = find(rows, "demo", "", s, "run 1");
      Row run2 = find(rows, "demo", "", s, "run 2");
      Row plain = find(rows, "demo", "", s, "no cache");
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n",
          s.endsWith("+THP") ? "`-XX:+UseTransparentHugePages`" : "default", spread(run1), spread(run2),
          spread(plain), ratio(run2, run1), ratio(run2, plain), ratio(run1, plain));
    }
  }

  private static @Nullable Row find(List<Row> rows, String workload, String variant, String system, String metric) {
    return rows.stream().filter(r -> r.measured() && r.workload().equals(workload) && r.variant().equals(variant)
        && r.system().equals(system) && r.metric().equals(metric)).findFirst().orElse(null);
  }

  /** {@code median (min–max)}, or a dash when the row is missing. */
  private static String spread(@Nullable Row r) {
    return r == null ? "–" : Report.fmt(r.median()) + " (" + Report.fmt(r.min()) + "–" + Report.fmt(r.max()) + ")";
  }

  private static String median(@Nullable Row r) {
    return r == null ? "–" : Report.fmt(r.median());
  }

  private static String ratio(@Nullable Row a, @Nullable Row b) {
    return a == null || b == null ? "–" : String.format(Locale.ROOT, "%.2f×", a.median() / b.median());
  }

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }
}
