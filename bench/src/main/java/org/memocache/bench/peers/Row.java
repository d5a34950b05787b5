package org.memocache.bench.peers;

import java.util.Locale;

/**
 * One line of a workload's table: a system's figure for one metric of one case, or why it is
 * missing.
 *
 * @param workload the workload's id, such as {@code disk-hit-fresh}
 * @param variant the case within the workload, such as a value size, or {@code ""}
 * @param system who was measured: {@code memocache}, a peer, or a physical reference
 * @param metric what was measured
 * @param unit the unit of min, median and max
 * @param n how many samples
 * @param min the smallest sample
 * @param median the median sample
 * @param max the largest sample
 * @param note {@code "skipped: ..."}, {@code "failed: ..."}, {@code "pending: ..."}, or a remark
 */
public record Row(String workload, String variant, String system, String metric, String unit,
                  int n, double min, double median, double max, String note) {

  /** Whether the row has figures. */
  public boolean measured() {
    return n > 0;
  }

  /** The tab-separated form written to the results file. */
  public String tsv() {
    return String.join("\t", workload, variant, system, metric, unit, Integer.toString(n),
        num(min), num(median), num(max), note.replace('\t', ' ').replace('\n', ' '));
  }

  /** Reads {@link #tsv()} back. */
  public static Row parseTsv(String line) {
    String[] f = line.split("\t", -1);
    return new Row(f[0], f[1], f[2], f[3], f[4], Integer.parseInt(f[5]), Double.parseDouble(f[6]),
        Double.parseDouble(f[7]), Double.parseDouble(f[8]), f.length > 9 ? f[9] : "");
  }

  /** The column names of {@link #tsv()}. */
  public static String tsvHeader() {
    return "workload\tvariant\tsystem\tmetric\tunit\tn\tmin\tmedian\tmax\tnote";
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
  }
}
