package org.memocache.bench.peers;

import java.nio.file.Path;
import java.util.Locale;
import org.memocache.Memo;

/**
 * One process of the second-run workload: the first call of a fresh JVM, as a user's job makes it
 * when it runs again. Kept apart from {@link ChildMain} so that nothing but MemoCache and the value's
 * classes is loaded before the value is in hand.
 *
 * <p>Usage: {@code FreshChild <mode> <case> <dir> <bigBytes>}; modes: {@code prepare} (compute and
 * store into {@code dir}), {@code hit} (open {@code dir} and make the call, which must be served),
 * {@code recompute} (compute the value, no cache). Prints {@code first-call} (ms from the first line of
 * {@code main} to the value in hand) and, for {@code hit}, {@code open} and {@code first-get}, in
 * PeerBench's line protocol.
 */
public final class FreshChild {
  private FreshChild() {}

  /** Runs one mode; see the class Javadoc. */
  public static void main(String[] args) {
    long t0 = System.nanoTime();
    String mode = args[0];
    String id = args[1];
    Path dir = Path.of(args[2]);
    long bigBytes = Long.parseLong(args[3]);
    int[] computed = {0};
    Object v;
    if (mode.equals("recompute")) {
      v = FreshValues.compute(id, bigBytes);
      sample("first-call", (System.nanoTime() - t0) / 1e6);
    } else {
      // Commons Math is a third-party package: a user admits it once, as here.
      try (Memo memo = Memo.builder().directory(dir).allowPackages("org.apache.commons.math3.linear").build()) {
        long t1 = System.nanoTime();
        v = memo.call("fresh-" + id, () -> {
          computed[0]++;
          return FreshValues.compute(id, bigBytes);
        }, id, bigBytes);
        long t2 = System.nanoTime();
        if (mode.equals("hit")) {
          sample("first-call", (t2 - t0) / 1e6);
          sample("open", (t1 - t0) / 1e6);
          sample("first-get", (t2 - t1) / 1e6);
        }
      }
    }
    boolean ok = FreshValues.check(id, bigBytes, v);
    System.out.println("INFO computed=" + computed[0] + " wrong=" + (ok ? 0 : 1));
  }

  private static void sample(String metric, double ms) {
    System.out.println(String.format(Locale.ROOT, "SAMPLES %s ms %.6f", metric, ms));
  }
}
