package org.memocache.bench.torture;

/**
 * The value every torture worker computes for key {@code k}, and the verdict on a value served for
 * {@code k}. Sizes are drawn from the key (70 % up to 1 KiB, 25 % up to 1 MiB, 5 % up to 16 MiB) so
 * kills land in the middle of small and of long writes; contents encode key and position, so a value
 * of another key and a torn one (right key, wrong length or wrong elements) are told apart.
 */
public final class Expected {
  private Expected() {}

  /** What a served value is. */
  public enum Verdict { OK, WRONG, TORN }

  /** Number of doubles in the value of {@code k}. */
  public static int length(long k) {
    long h = mix(k);
    int bucket = (int) Long.remainderUnsigned(h, 100);
    long r = h >>> 8;
    if (bucket < 70) {
      return 1 + (int) (r % 128);
    }
    if (bucket < 95) {
      return 128 + (int) (r % (128 * 1024));
    }
    return 128 * 1024 + (int) (r % (2 * 1024 * 1024 - 128 * 1024));
  }

  /** The {@code i}-th element of the value of {@code k}; exact in a double for the key ranges used. */
  public static double element(long k, int i) {
    return k * 4_194_304.0 + i;
  }

  /** The value of {@code k}. */
  public static double[] value(long k) {
    double[] v = new double[length(k)];
    for (int i = 0; i < v.length; i++) {
      v[i] = element(k, i);
    }
    return v;
  }

  /** Judges a value served for {@code k}. */
  public static Verdict judge(long k, Object served) {
    if (!(served instanceof double[] v) || v.length == 0 || v[0] != element(k, 0)) {
      return Verdict.WRONG;
    }
    if (v.length != length(k)) {
      return Verdict.TORN;
    }
    for (int i = 0; i < v.length; i++) {
      if (v[i] != element(k, i)) {
        return Verdict.TORN;
      }
    }
    return Verdict.OK;
  }

  private static long mix(long k) {
    long z = k * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
