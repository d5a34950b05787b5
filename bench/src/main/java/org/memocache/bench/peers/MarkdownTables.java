package org.memocache.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Prints the tables of a PeerBench results file ({@code .tsv}) as Markdown, one per workload, so
 * that {@code docs/benchmarks.md} carries the numbers of a run exactly as measured.
 *
 * <p>Usage: {@code MarkdownTables results.tsv [workload...]}.
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

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }
}
