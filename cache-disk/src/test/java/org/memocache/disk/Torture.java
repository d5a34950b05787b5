package org.memocache.disk;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic values of random sizes (1 KiB to 64 MiB, log-uniform) for the kill -9 torture test. */
final class Torture {
  private Torture() {}

  static final long MAX_BYTES = 64L << 20;

  /** The value of key {@code k}: every fourth a Kryo list, the rest raw double arrays. */
  static Object value(int k) {
    Random r = new Random(k * 7919L + 13);
    double logBytes = Math.log(1024) + r.nextDouble() * (Math.log(MAX_BYTES) - Math.log(1024));
    int bytes = (int) Math.exp(logBytes);
    if (k % 4 == 0) {
      int n = Math.max(1, Math.min(bytes / 64, 20_000));
      List<String> l = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        l.add("k" + k + "-" + i);
      }
      return l;
    }
    double[] a = new double[Math.max(1, bytes / 8)];
    for (int i = 0; i < a.length; i++) {
      a[i] = k * 1e9 + i;
    }
    return a;
  }

  /** A fingerprint of a value, to compare without keeping 64 MiB arrays around. */
  static long fingerprint(Object v) {
    HashStream64 h = Hashing.xxh3_64().hashStream();
    if (v instanceof double[] a) {
      h.putInt(a.length);
      for (double d : a) {
        h.putDouble(d);
      }
    } else {
      for (Object o : (List<?>) v) {
        h.putString((String) o);
      }
    }
    return h.getAsLong();
  }
}
