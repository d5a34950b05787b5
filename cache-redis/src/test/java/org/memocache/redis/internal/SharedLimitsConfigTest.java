package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.Memo;

/**
 * The {@code shared-entries} key bounds the shared tier a {@code Memo} builds: of three values
 * stored by one host, a new host (an empty local directory) finds the two most recently used and
 * computes the evicted one again.
 */
class SharedLimitsConfigTest {
  @TempDir Path dir;

  @Test
  void sharedEntriesKey_evictsTheLeastRecentlyUsed_forEveryHost() throws Exception {
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"), "limits-pw")) {
      String before = System.setProperty("memocache.shared-entries", "2");
      try {
        AtomicInteger computed = new AtomicInteger();
        try (Memo host = Memo.builder().directory(dir.resolve("host1")).shared(redis.uri()).build()) {
          for (int k = 1; k <= 3; k++) {
            int n = k;
            host.call("limits.value", () -> value(n, computed), n);
          }
        }
        assertEquals(3, computed.get());
        try (Memo other = Memo.builder().directory(dir.resolve("host2")).shared(redis.uri()).build()) {
          for (int k = 3; k >= 1; k--) {
            int n = k;
            assertArrayEquals(value(n, new AtomicInteger()), other.call("limits.value", () -> value(n, computed), n));
          }
        }
        assertEquals(4, computed.get(), "only the value evicted first (key 1) is computed again");
      } finally {
        if (before == null) {
          System.clearProperty("memocache.shared-entries");
        } else {
          System.setProperty("memocache.shared-entries", before);
        }
      }
    }
  }

  private static double[] value(int n, AtomicInteger computed) {
    computed.incrementAndGet();
    double[] v = new double[100];
    java.util.Arrays.fill(v, n);
    return v;
  }
}
