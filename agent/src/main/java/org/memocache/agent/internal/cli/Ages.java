package org.memocache.agent.internal.cli;

import java.time.Duration;
import java.time.Instant;
import org.memocache.internal.ByteSizes;
import org.memocache.internal.Settings;

/** Ages for humans: {@code 3d}, {@code 5h} when printing; the configuration's duration forms when parsing. */
final class Ages {
  private Ages() {}

  /** How long ago {@code t} was, as {@code 42s}, {@code 7m}, {@code 5h} or {@code 3d}; {@code -} for the epoch. */
  static String since(Instant t, Instant now) {
    if (t.equals(Instant.EPOCH)) {
      return "-";
    }
    long s = Math.max(0, Duration.between(t, now).toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86400) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }

  /**
   * Parses {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code 2w} or an ISO-8601 duration.
   *
   * @throws IllegalArgumentException naming {@code option} and the text
   */
  static Duration parse(String option, String text) {
    try {
      return Settings.duration(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " takes an age such as 30d, 12h, 90m or P30D, not '" + text + "'");
    }
  }

  /**
   * Parses a size with the configuration's rules ({@link ByteSizes}): {@code 1048576}, {@code 500M},
   * {@code 10G}, {@code 2GiB}, {@code 64k}.
   *
   * @throws IllegalArgumentException naming {@code option} and the text
   */
  static long bytes(String option, String text) {
    try {
      return ByteSizes.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " takes a size such as 500M, 10G or 1048576, not '" + text + "'");
    }
  }
}
