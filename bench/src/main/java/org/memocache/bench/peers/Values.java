package org.memocache.bench.peers;

/**
 * The values every peer memoizes, identical on the Java and the Python side ({@code pypeers.py}), so
 * that a peer serving a wrong or torn value is caught by the same checks everywhere.
 */
public final class Values {
  /** Length of the small value: 100 doubles, 800 bytes of payload. */
  public static final int SMALL_LEN = 100;
  /** The second key argument of the small-value workloads. */
  public static final long SEED = 42;

  private Values() {}

  /** The small value of {@code (n, seed)}: {@code v[i] = (31 n + seed) + 0.5 i}. */
  public static double[] small(long n, long seed) {
    double[] v = new double[SMALL_LEN];
    double base = 31 * n + seed;
    for (int i = 0; i < v.length; i++) {
      v[i] = base + 0.5 * i;
    }
    return v;
  }

  /** Whether {@code v} is exactly {@link #small(long, long)}. */
  public static boolean isSmall(Object v, long n, long seed) {
    if (!(v instanceof double[] d) || d.length != SMALL_LEN) {
      return false;
    }
    double base = 31 * n + seed;
    for (int i = 0; i < d.length; i++) {
      if (d[i] != base + 0.5 * i) {
        return false;
      }
    }
    return true;
  }

  /** A big array of {@code bytes / 8} doubles, {@code v[i] = i}. */
  public static double[] big(long bytes) {
    long n = bytes / 8;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("big array of " + bytes + " bytes exceeds a Java array");
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return v;
  }

  /**
   * Whether {@code v} is {@link #big(long)}: length, ends and a stride of samples (a full compare
   * would double the load time being measured; torn tails and shifted blocks are still caught).
   */
  public static boolean isBig(Object v, long bytes) {
    if (!(v instanceof double[] d) || d.length != bytes / 8) {
      return false;
    }
    int step = Math.max(1, d.length / 4096);
    for (int i = 0; i < d.length; i += step) {
      if (d[i] != i) {
        return false;
      }
    }
    return d.length == 0 || d[d.length - 1] == d.length - 1;
  }
}
