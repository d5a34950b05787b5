package org.memocache.redis.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.memocache.Memo;
import org.memocache.spi.Tier;

/**
 * One "host" of the multi-host tests, in a child JVM: a Memo with its own local cache directory and
 * the shared tier named by {@code MEMOCACHE_SHARED} (and {@code MEMOCACHE_BLOBS} with the AWS SDK's
 * variables), computing {@code keys} keys of {@code workMillis} each, starting at key {@code first}.
 * Each computation leaves a marker file {@code <key>-<pid>}; each result is printed as
 * {@code result <key> <hash> in <ms> ms}, then the tiers' counters.
 *
 * <p>Args: {@code localDir markersDir goFile keys workMillis first}. Key 0 is large (2.4 MB, the object
 * store's), the others small (Redis's).
 */
public final class HostMain {
  private HostMain() {}

  public static void main(String[] args) throws Exception {
    Path local = Path.of(args[0]);
    Path markers = Path.of(args[1]);
    Path go = Path.of(args[2]);
    int keys = Integer.parseInt(args[3]);
    long work = Long.parseLong(args[4]);
    int first = Integer.parseInt(args[5]);
    try (Memo memo = Memo.builder().directory(local).build()) {
      System.out.println("ready " + memo.tiers().stream().map(Tier::name).toList());
      while (!Files.exists(go)) {
        Thread.sleep(5);
      }
      for (int i = 0; i < keys; i++) {
        int k = (first + i) % keys;
        long t0 = System.nanoTime();
        double[] v = memo.call("work", () -> {
          try {
            Files.createFile(markers.resolve(k + "-" + ProcessHandle.current().pid()));
            Thread.sleep(work);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return valueOf(k);
        }, k);
        System.out.println("result " + k + " " + Arrays.hashCode(v) + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      }
      for (Tier t : memo.tiers()) {
        System.out.println("counters " + t.name() + " " + t.counters());
      }
    }
    System.out.println("closed");
  }

  static double[] valueOf(int k) {
    double[] v = new double[k == 0 ? 300_000 : 1_000];
    for (int i = 0; i < v.length; i++) {
      v[i] = k * 1_000_003.0 + i;
    }
    return v;
  }
}
