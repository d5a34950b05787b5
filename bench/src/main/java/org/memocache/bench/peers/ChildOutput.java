package org.memocache.bench.peers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one measuring child process (a {@link ChildMain} JVM or {@code pypeers.py}) reported: its
 * samples per metric, its facts, and why it skipped, if it did.
 *
 * @param samples values per metric, in the order the child printed them
 * @param units unit per metric
 * @param info the child's {@code INFO key=value} facts
 * @param failures metrics the child could not measure ({@code FAIL metric reason}), with the reason
 * @param skip the reason the child could not measure, or {@code null}
 * @param exitCode the process's exit code
 * @param wallMillis the process's wall time as the parent saw it, start to exit
 * @param errorTail the last lines of its standard error, for a failure message
 */
public record ChildOutput(
    Map<String, double[]> samples,
    Map<String, String> units,
    Map<String, String> info,
    Map<String, String> failures,
    @Nullable String skip,
    int exitCode,
    double wallMillis,
    String errorTail) {

  /** Parses the line protocol. */
  public static ChildOutput parse(List<String> lines, int exitCode, double wallMillis, String errorTail) {
    Map<String, double[]> samples = new LinkedHashMap<>();
    Map<String, String> units = new LinkedHashMap<>();
    Map<String, String> info = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    String skip = null;
    for (String line : lines) {
      if (line.startsWith("SAMPLES ")) {
        String[] f = line.trim().split("\\s+");
        double[] v = new double[f.length - 3];
        for (int i = 3; i < f.length; i++) {
          v[i - 3] = Double.parseDouble(f[i]);
        }
        samples.merge(f[1], v, ChildOutput::concat);
        units.put(f[1], f[2]);
      } else if (line.startsWith("INFO ")) {
        for (String kv : line.substring(5).trim().split("\\s+")) {
          int eq = kv.indexOf('=');
          if (eq > 0) {
            info.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
      } else if (line.startsWith("FAIL ")) {
        String[] f = line.substring(5).trim().split("\\s+", 2);
        failures.put(f[0], f.length > 1 ? f[1] : "");
      } else if (line.startsWith("SKIP ")) {
        skip = line.substring(5).trim();
      }
    }
    return new ChildOutput(samples, units, info, failures, skip, exitCode, wallMillis, errorTail);
  }

  /** Whether the child measured (exit 0 and no skip). */
  public boolean ok() {
    return exitCode == 0 && skip == null;
  }

  /** Why this child's figures are missing, for a "skipped: ..." or "failed: ..." row. */
  public String problem() {
    if (skip != null) {
      return "skipped: " + skip;
    }
    return "failed: exit " + exitCode + (errorTail.isBlank() ? "" : ": " + errorTail);
  }

  /** An {@code INFO} value as a long, or {@code dflt}. */
  public long infoLong(String key, long dflt) {
    String v = info.get(key);
    return v == null ? dflt : Long.parseLong(v);
  }

  static double[] concat(double[] a, double[] b) {
    double[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Pools the failures of many children: metric to the first reason given. */
  public static Map<String, String> poolFailures(List<ChildOutput> outputs) {
    Map<String, String> pooled = new LinkedHashMap<>();
    for (ChildOutput o : outputs) {
      o.failures.forEach(pooled::putIfAbsent);
    }
    return pooled;
  }

  /** Pools the samples of many children (say, one per fresh process) metric by metric. */
  public static Map<String, double[]> pool(List<ChildOutput> outputs) {
    Map<String, double[]> pooled = new LinkedHashMap<>();
    for (ChildOutput o : outputs) {
      o.samples.forEach((k, v) -> pooled.merge(k, v, ChildOutput::concat));
    }
    return pooled;
  }

  /** Every child's wall time. */
  public static double[] walls(List<ChildOutput> outputs) {
    List<Double> w = new ArrayList<>();
    outputs.forEach(o -> w.add(o.wallMillis));
    return w.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
