package org.memocache.internal;

import java.time.Duration;

/** Human-readable sizes and durations, as the CLI, logs and {@code toString}s print them. */
public final class Sizes {
  private Sizes() {}

  /** {@code 1536} → {@code "1.5 KiB"}. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }

  /** A duration as {@code 850 µs}, {@code 12.3 ms}, {@code 4.2 s} or {@code 3 min 5 s}. */
  public static String human(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 1_000_000) {
      return (nanos / 1000) + " µs";
    }
    if (nanos < 1_000_000_000) {
      return String.format("%.1f ms", nanos / 1e6);
    }
    if (nanos < 60_000_000_000L) {
      return String.format("%.1f s", nanos / 1e9);
    }
    long s = d.toSeconds();
    return (s / 60) + " min " + (s % 60) + " s";
  }
}
