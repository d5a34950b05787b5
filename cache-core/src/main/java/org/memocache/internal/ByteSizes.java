package org.memocache.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as operators write them in settings and agent options: {@code 512m}, {@code 50g}, {@code 1.5G}, {@code 4096}. */
public final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  /**
   * Parses a size: a number of bytes, optionally with a binary unit {@code k}, {@code m}, {@code g}
   * or {@code t} (also written {@code KB}, {@code MiB}, ...).
   *
   * @throws IllegalArgumentException quoting the text when it is not a size, or too large
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size such as 512m, 50g or 4096");
    }
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
    return (long) bytes;
  }

  /** The shortest exact form {@link #parse} reads back: {@code 536870912} → {@code 512m}. */
  public static String format(long bytes) {
    String[] units = {"t", "g", "m", "k"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes != 0 && bytes % unit == 0) {
        return (bytes / unit) + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
