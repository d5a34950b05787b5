package org.memocache.disk.internal;

/** Lower-case hex without {@code String.format}, which costs a microsecond on the hit path. */
final class Hex {
  private Hex() {}

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  /** 16 hex digits. */
  static String of(long v) {
    char[] c = new char[16];
    put(c, 0, v);
    return new String(c);
  }

  /** 32 hex digits: {@code hi} then {@code lo}, as {@code CacheKey.hex()}. */
  static String of(long hi, long lo) {
    char[] c = new char[32];
    put(c, 0, hi);
    put(c, 16, lo);
    return new String(c);
  }

  private static void put(char[] c, int at, long v) {
    for (int i = 15; i >= 0; i--) {
      c[at + i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /** Parses 16 hex digits; throws {@link NumberFormatException} naming the text otherwise. */
  static long parse16(String s) {
    if (s.length() != 16) {
      throw new NumberFormatException("not 16 hex digits: '" + s + "'");
    }
    return Long.parseUnsignedLong(s, 16);
  }
}
