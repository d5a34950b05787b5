package org.memocache.samples.partial;

import java.time.Duration;
import java.util.Optional;
import org.memocache.Memo;
import org.memocache.MemoConfig;
import org.memocache.MemoizedMethod;
import org.memocache.disk.CacheDirectory;
import org.memocache.partial.PartialResult;
import org.memocache.partial.Progress;
import org.memocache.view.DoubleView;

/**
 * Partial-result access, runnable ({@code $MEMOCACHE_DIR}, default {@code ~/.cache/memocache}):
 *
 * <pre>
 * mvn -q -B -DskipTests -pl samples -am package
 * CP="samples/target/classes:$(cat samples/target/classpath.txt)"
 * java -cp "$CP" org.memocache.samples.partial.PartialDemo run 20 500   # kill it half way (Ctrl-C) ...
 * java -cp "$CP" org.memocache.samples.partial.PartialDemo watch 20     # ... from another terminal, meanwhile
 * java -cp "$CP" org.memocache.samples.partial.PartialDemo run 20 500   # ... resumes after the last step
 * java -cp "$CP" org.memocache.samples.partial.PartialDemo view 50000000 # a 400 MB result, opened in place
 * java -cp "$CP" org.memocache.samples.partial.PartialDemo ls           # what the directory holds
 * </pre>
 */
public final class PartialDemo {
  private PartialDemo() {}

  private static final long SEED = 42;

  public static void main(String[] args) throws Exception {
    String command = args.length > 0 ? args[0] : "run";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    switch (command) {
      case "run" -> run(n, args.length > 2 ? Integer.parseInt(args[2]) : 300);
      case "watch" -> watch(n);
      case "view" -> view(n);
      case "ls" -> ls();
      default -> {
        System.err.println("usage: PartialDemo run|watch|view|ls [n] [millis per step]");
        System.exit(2);
      }
    }
    System.exit(0);
  }

  private static void run(int steps, int millis) {
    double[] mean = Sweep.sweep(steps, SEED, millis, Progress.injected());
    System.out.printf("sweep of %d steps: mean %.4f, sd %.4f%n", steps, mean[0], mean[1]);
  }

  /** Reads the finished steps of a sweep running (or killed) in another process, every second. */
  private static void watch(int steps) throws InterruptedException {
    MemoizedMethod sweep = Memo.defaultMemo().method(Sweep.class, "sweep", int.class, long.class, int.class,
        Progress.class);
    int shown = 0;
    for (int tick = 0; tick < 600; tick++) {
      Optional<PartialResult<double[], double[]>> p = sweep.partial(steps, SEED, 0, null);
      if (p.isEmpty()) {
        if (sweep.contains(steps, SEED, 0, null)) {
          System.out.println("the sweep is complete: " + sweep.entries().get(0));
          return;
        }
        System.out.println("no progress recorded (yet)");
      } else {
        PartialResult<double[], double[]> r = p.get();
        for (; shown < r.chunkCount(); shown++) {
          double[] c = r.chunk(shown);
          System.out.printf("step %d: %.4f %.4f (took %s)%n", shown, c[0], c[1], r.chunkInfo(shown).computeTime());
        }
        if (!r.running()) {
          System.out.println("... stopped after " + r.chunkCount() + " steps: run it again to resume");
          return;
        }
        System.out.println("... running");
      }
      Thread.sleep(Duration.ofSeconds(1).toMillis());
    }
  }

  /** Opens a big stored field in place (computing and storing it first if it is not there). */
  private static void view(int n) {
    MemoizedMethod field = Memo.defaultMemo().method(Sweep.class, "field", int.class, double.class);
    long t0 = System.nanoTime();
    Optional<DoubleView> found = field.view(DoubleView.class, n, 3.0);
    if (found.isEmpty()) {
      Sweep.field(n, 3.0);
      System.out.printf("field(%d) was not stored: computed and stored it in %.0f ms; run view again%n", n,
          (System.nanoTime() - t0) / 1e6);
      return;
    }
    DoubleView v = found.get();
    double mid = v.get(n / 2);
    System.out.printf("opened a %d MB result in place and read element %d = %.6f in %.3f ms (first open in this"
        + " JVM: mostly class loading)%n", n * 8L / 1_000_000, n / 2, mid, (System.nanoTime() - t0) / 1e6);
    t0 = System.nanoTime();
    DoubleView again = field.view(DoubleView.class, n, 3.0).orElseThrow();
    double first = again.get(0);
    System.out.printf("opened it again and read element 0 = %.1f in %.3f ms%n", first, (System.nanoTime() - t0) / 1e6);
    t0 = System.nanoTime();
    double tail = v.slice(n - 1_000_000L, n).stream().map(Math::abs).max().orElse(0);
    System.out.printf("max |x| over the last million elements: %.6f in %.1f ms (each 64 KiB block verified as it"
        + " is first read)%n", tail, (System.nanoTime() - t0) / 1e6);
  }

  private static void ls() {
    try (CacheDirectory dir = CacheDirectory.open(MemoConfig.defaultDirectory())) {
      dir.methods().forEach(System.out::println);
      dir.entries().forEach(e -> System.out.println("  " + e));
      dir.partials().forEach(p -> System.out.println("  in progress: " + p));
    }
  }
}
