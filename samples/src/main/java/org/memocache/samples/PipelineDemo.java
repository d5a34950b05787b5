package org.memocache.samples;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.memocache.Memo;
import org.memocache.MemoStats;
import org.memocache.internal.Sizes;

/**
 * The README demo: a data pipeline whose expensive steps go through MemoCache. Each step runs
 * twice in this JVM (the second time a hit: from memory, or from disk for results of 4 MiB and
 * more); run the program again and every step is served from the disk cache
 * ({@code $MEMOCACHE_DIR}, or {@code ~/.cache/memocache}), each with its speed-up over computing it: the time the first run spent computing a step is stored with its
 * result, and the second run reads it back through {@link Memo#lookup}.
 *
 * <p>{@code --plain} runs the same steps once each without MemoCache, for comparison.
 */
public final class PipelineDemo {
  private PipelineDemo() {}

  /** Runs the pipeline; {@code --plain} runs it without the cache. */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--plain")) {
      plain();
      return;
    }
    if (args.length != 0) {
      throw new IllegalArgumentException("usage: PipelineDemo [--plain]");
    }
    Memo memo = Memo.defaultMemo();
    System.out.println("MemoCache demo — cache: " + (memo.config().directory() == null ? "memory only"
        : memo.config().directory()));
    System.out.printf(Locale.ROOT, "%-4s %-34s %-12s %10s   %s%n", "pass", "step", "served by", "time", "result");
    Totals totals = new Totals();
    for (int pass = 1; pass <= 2; pass++) {
      Step s = new Step(memo, pass, totals);
      Pipeline.Dataset data = s.run("generate(n=2000000, seed=7)", "generate", () -> Pipeline.generate(2_000_000, 7),
          d -> d.x().length + " points", 2_000_000, 7L);
      s.run("fit(dataset)", "fit", () -> Pipeline.fit(data),
          f -> String.format(Locale.ROOT, "y = %.3f x + %.3f (R² %.4f)", f.slope(), f.intercept(), f.r2()), data);
      s.run("monteCarloPi(samples=30M, seed=1)", "monteCarloPi", () -> Pipeline.monteCarloPi(30_000_000, 1),
          pi -> String.format(Locale.ROOT, "π ≈ %.5f", pi), 30_000_000, 1L);
      for (double rate : new double[] {2.8, 3.2, 3.5, 3.9}) {
        s.run(String.format(Locale.ROOT, "logisticMap(rate=%.1f, steps=4M)", rate), "logisticMap",
            () -> Pipeline.logisticMap(rate, 4_000_000),
            t -> String.format(Locale.ROOT, "Lyapunov %.4f", t.lyapunov()), rate, 4_000_000);
      }
    }
    MemoStats stats = memo.stats();
    System.out.println();
    System.out.println("stats: " + stats);
    System.out.println("time saved by the cache in this run: " + Sizes.human(stats.timeSaved()));
    if (totals.diskSteps > 0) {
      System.out.printf(Locale.ROOT, "%d steps served from disk in %s; computing them took %s: %s%n",
          totals.diskSteps, Sizes.human(Duration.ofNanos(totals.servedNanos)),
          Sizes.human(Duration.ofNanos(totals.computeNanos)), speedUp(totals.servedNanos, totals.computeNanos));
    }
    if (memo.config().directory() != null) {
      System.out.println("Run the demo again: a new JVM is served from " + memo.config().directory() + ".");
    }
    memo.close();
  }

  /** The same steps, each computed once, with no cache anywhere. */
  private static void plain() {
    System.out.println("Demo pipeline without MemoCache: every step computed once");
    long t0 = System.nanoTime();
    Pipeline.Dataset data = timed("generate(n=2000000, seed=7)", () -> Pipeline.generate(2_000_000, 7));
    timed("fit(dataset)", () -> Pipeline.fit(data));
    timed("monteCarloPi(samples=30M, seed=1)", () -> Pipeline.monteCarloPi(30_000_000, 1));
    for (double rate : new double[] {2.8, 3.2, 3.5, 3.9}) {
      timed(String.format(Locale.ROOT, "logisticMap(rate=%.1f, steps=4M)", rate),
          () -> Pipeline.logisticMap(rate, 4_000_000));
    }
    System.out.println("all steps: " + Sizes.human(Duration.ofNanos(System.nanoTime() - t0)));
  }

  private static <T> T timed(String name, Supplier<T> step) {
    long t0 = System.nanoTime();
    T result = step.get();
    System.out.printf(Locale.ROOT, "%-34s %10s%n", name, Sizes.human(Duration.ofNanos(System.nanoTime() - t0)));
    return result;
  }

  /** "21× faster" or "1.4× slower", comparing a served time with the time computing took. */
  static String speedUp(long servedNanos, long computeNanos) {
    if (servedNanos <= 0 || computeNanos <= 0) {
      return "no computing time recorded";
    }
    double f = (double) computeNanos / servedNanos;
    return f >= 1 ? String.format(Locale.ROOT, f >= 10 ? "%.0f× faster than computing" : "%.1f× faster than computing", f)
        : String.format(Locale.ROOT, "%.1f× slower than computing", 1 / f);
  }

  /** What the steps served from disk took, against what computing them took when they were stored. */
  private static final class Totals {
    int diskSteps;
    long servedNanos;
    long computeNanos;
  }

  /** One pass of steps: runs each through the Memo and prints how it was served. */
  private record Step(Memo memo, int pass, Totals totals) {
    <T> T run(String label, String name, Supplier<T> compute, Function<T, String> describe, Object... keyArgs) {
      MemoStats before = memo.stats();
      long t0 = System.nanoTime();
      T result = memo.call(name, compute, keyArgs);
      long nanos = System.nanoTime() - t0;
      MemoStats after = memo.stats();
      String servedBy = after.loads() > before.loads() ? "computed"
          : after.tierHits() > before.tierHits() ? "disk" : "memory";
      String speed = "";
      if (servedBy.equals("disk")) {
        // The computing time the first run stored with the result, from the entry's header: reading
        // the result itself back (a 32 MB array) to print one number would double the run's disk reads.
        long computed = memo.method(name).info(keyArgs).map(i -> i.computeTime().toNanos()).orElse(0L);
        if (pass == 1) {
          // The summary is about what this run found on disk, not about repeats within it.
          totals.diskSteps++;
          totals.servedNanos += nanos;
          totals.computeNanos += computed;
        }
        speed = "   " + speedUp(nanos, computed) + " it (" + Sizes.human(Duration.ofNanos(computed)) + ")";
      }
      System.out.printf(Locale.ROOT, "%-4d %-34s %-12s %10s   %s%s%n", pass, label, servedBy,
          Sizes.human(Duration.ofNanos(nanos)), describe.apply(result), speed);
      return result;
    }
  }
}
