package org.memocache.internal.key;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.memocache.MethodId;

/**
 * Keys of primitive array arguments, pinned: every user's cache is addressed by them, so any change
 * in how arrays are hashed must show here (and come with a new {@link KeyHasher#ENCODING_VERSION}).
 * The lengths cover the streamed path, whole 1 MiB chunks, tails of fewer than 240 bytes, tails that
 * are not a multiple of 8 bytes, the parallel path, and non-canonical NaNs.
 */
class ArrayKeyPinTest {
  private static final MethodId M = MethodId.of("pin", 0);

  static Map<String, Object> arrays() {
    SplittableRandom r = new SplittableRandom(20261129);
    Map<String, Object> a = new LinkedHashMap<>();
    double[] d = new double[4_000_000];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextDouble();
    }
    d[3] = Double.NaN;
    d[1_500_000] = Double.longBitsToDouble(0x7ff0_0000_dead_beefL);
    d[3_999_999] = Double.longBitsToDouble(0xfff8_0000_0000_0001L);
    a.put("double[4_000_000]", d);
    a.put("double[131_072+5]", java.util.Arrays.copyOf(d, 131_072 + 5));
    a.put("double[131_072+31]", java.util.Arrays.copyOf(d, 131_072 + 31));
    a.put("double[131_072+40]", java.util.Arrays.copyOf(d, 131_072 + 40));
    a.put("double[100]", java.util.Arrays.copyOf(d, 100));
    long[] l = new long[300_001];
    for (int i = 0; i < l.length; i++) {
      l[i] = r.nextLong();
    }
    a.put("long[300_001]", l);
    int[] n = new int[(1 << 18) * 3 + 3];
    for (int i = 0; i < n.length; i++) {
      n[i] = r.nextInt();
    }
    a.put("int[786_435]", n);
    float[] f = new float[(1 << 18) + 61];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextDouble();
    }
    f[7] = Float.intBitsToFloat(0x7fc0_0001);
    f[f.length - 1] = Float.NaN;
    a.put("float[262_205]", f);
    byte[] b = new byte[(1 << 20) * 17 + 1001];
    r.nextBytes(b);
    a.put("byte[17 MiB+1001]", b);
    short[] s = new short[(1 << 19) + 7];
    char[] c = new char[(1 << 19) + 250];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) r.nextInt();
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) r.nextInt();
    }
    a.put("short[524_295]", s);
    a.put("char[524_538]", c);
    boolean[] z = new boolean[(1 << 20) + 333];
    for (int i = 0; i < z.length; i++) {
      z[i] = r.nextBoolean();
    }
    a.put("boolean[1_048_909]", z);
    return a;
  }

  static final Map<String, String> PINNED = Map.ofEntries(
      Map.entry("double[4_000_000]", "96b3fa55dc4bdfef81d823d5bac02a04"),
      Map.entry("double[131_072+5]", "39d7731ae4082ef2cd6d391d9ca852b6"),
      Map.entry("double[131_072+31]", "fcfba77d57d94eeae1dbca53daf88227"),
      Map.entry("double[131_072+40]", "9edae90dd8558b892536a6cddfc6d9d7"),
      Map.entry("double[100]", "4fe362dc7a9043ce19e6da43b5370ee5"),
      Map.entry("long[300_001]", "4d2070fceb636db078ee11ea5448a353"),
      Map.entry("int[786_435]", "9691ac1247945c506b14dbd86ebf126b"),
      Map.entry("float[262_205]", "68748e2fe7973362b9676899abb0c4ce"),
      Map.entry("byte[17 MiB+1001]", "94b38d8dae2bf42cc2952329b96424d3"),
      Map.entry("short[524_295]", "125d0fc7729b3afd2d3a3c46739480ab"),
      Map.entry("char[524_538]", "bbf1989976741d414021c75914244bfb"),
      Map.entry("boolean[1_048_909]", "8f05a9e821a68504401485722b1e6677"));

  static String key(Object array) {
    return KeyHasher.acquire(M, KeyEncoders.NONE).argument(0, "a", array).finish(M).hex();
  }

  @Test
  void arrayKeys_areUnchanged() {
    Map<String, String> actual = new LinkedHashMap<>();
    arrays().forEach((name, array) -> actual.put(name, key(array)));
    actual.forEach((name, hex) -> assertEquals(PINNED.get(name), hex, name));
  }

  /** The first chunks a process hashes take bulk copies, later ones a compiled loop: same key. */
  @Test
  void doubleKeys_areTheSameBeforeAndAfterTheHashingLoopIsCompiled() {
    Object d = arrays().get("double[4_000_000]");
    for (int round = 0; round < 4; round++) { // 32 chunks a round: past WARM_CHUNKS by the third
      assertEquals(PINNED.get("double[4_000_000]"), key(d), "round " + round);
    }
  }
}
