package org.memocache.samples;

import java.util.Locale;
import java.util.function.Supplier;
import org.memocache.Memo;
import org.memocache.MemoStats;
import org.memocache.Sizes;

/**
 * The README demo: a data pipeline whose expensive steps go through MemoCache. Each step runs
 * twice in this JVM (the second time is a memory hit); run the program again and every step is
 * served from the disk cache ({@code $MEMOCACHE_DIR}, or {@code ~/.cache/memocache}).
 */
public final class PipelineDemo {
  private PipelineDemo() {}

  public static void main(String[] args) {
    Memo memo = Memo.defaultMemo();
    System.out.println("MemoCache demo — cache: " + (memo.config().directory() == null ? "memory only"
        : memo.config().directory()));
    System.out.printf(Locale.ROOT, "%-4s %-34s %-12s %10s   %s%n", "pass", "step", "served by", "time", "result");
    for (int pass = 1; pass <= 2; pass++) {
      Pipeline.Dataset data = step(memo, pass, "generate(n=2000000, seed=7)",
          () -> memo.call("generate", () -> Pipeline.generate(2_000_000, 7), 2_000_000, 7L),
          d -> d.x().length + " points");
      step(memo, pass, "fit(dataset)", () -> memo.call("fit", () -> Pipeline.fit(data), data),
          f -> String.format(Locale.ROOT, "y = %.3f x + %.3f (R² %.4f)", f.slope(), f.intercept(), f.r2()));
      step(memo, pass, "monteCarloPi(samples=30M, seed=1)",
          () -> memo.call("monteCarloPi", () -> Pipeline.monteCarloPi(30_000_000, 1), 30_000_000, 1L),
          pi -> String.format(Locale.ROOT, "π ≈ %.5f", pi));
      for (double rate : new double[] {2.8, 3.2, 3.5, 3.9}) {
        step(memo, pass, String.format(Locale.ROOT, "logisticMap(rate=%.1f, steps=4M)", rate),
            () -> memo.call("logisticMap", () -> Pipeline.logisticMap(rate, 4_000_000), rate, 4_000_000),
            t -> String.format(Locale.ROOT, "Lyapunov %.4f", t.lyapunov()));
      }
    }
    MemoStats s = memo.stats();
    System.out.println();
    System.out.println("stats: " + s);
    System.out.println("time saved by the cache in this run: " + Sizes.human(s.timeSaved()));
    if (memo.config().directory() != null) {
      System.out.println("Run the demo again: a new JVM is served from " + memo.config().directory() + ".");
    }
    memo.close();
  }

  private static <T> T step(Memo memo, int pass, String name, Supplier<T> call,
      java.util.function.Function<T, String> describe) {
    MemoStats before = memo.stats();
    long t0 = System.nanoTime();
    T result = call.get();
    long nanos = System.nanoTime() - t0;
    MemoStats after = memo.stats();
    String servedBy = after.loads() > before.loads() ? "computed"
        : after.tierHits() > before.tierHits() ? "disk" : "memory";
    System.out.printf(Locale.ROOT, "%-4d %-34s %-12s %10s   %s%n", pass, name, servedBy,
        Sizes.human(java.time.Duration.ofNanos(nanos)), describe.apply(result));
    return result;
  }
}
