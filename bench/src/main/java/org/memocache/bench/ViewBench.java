package org.memocache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.memocache.CachedResult;
import org.memocache.Memo;
import org.memocache.view.DoubleView;

/**
 * The partial-access figures of the targets (docs/design.md), each beside its reference from the same run:
 * <ul>
 *   <li>open a stored result as a view and read one element, for 1 MiB, 64 MiB and 1 GiB (flat in
 *       size, target under 1 ms), against a full, verified load of the same 1 GiB result;
 *   <li>slice reads through a view ({@code copyTo} of 256 MiB into a {@code double[]}): the first read
 *       of a fresh view (each 64 KiB block hashed as it is copied) and a second read (blocks already
 *       verified), against a single-thread {@code System.arraycopy} of 256 MiB (memcpy bandwidth).
 * </ul>
 * Every figure is min/median/max over repeats; the entries are in the page cache (just written), so
 * the figures are about MemoCache, not the disk.
 *
 * <p>Run: {@code bash bench/run-view.sh [--quick] [work dir]} ({@code -Xmx3g}).
 */
public final class ViewBench {
  private ViewBench() {}

  private static final long MIB = 1L << 20;

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    Path work = Path.of(Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst().orElse("target/viewbench"))
        .toAbsolutePath().resolve("run-" + System.currentTimeMillis());
    Files.createDirectories(work);
    int repeats = quick ? 30 : 200;
    System.out.println("== ViewBench (" + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", work dir " + work + ")");
    // A memory tier of 0 bytes: every lookup below goes to the disk tier.
    try (Memo memo = Memo.builder().directory(work.resolve("cache")).maximumMemoryBytes(0).build()) {
      long[] sizes = {MIB, 64 * MIB, 1024 * MIB};
      for (long bytes : sizes) {
        store(memo, bytes);
      }
      Measure.Summary[] open = new Measure.Summary[sizes.length];
      for (int s = 0; s < sizes.length; s++) {
        open[s] = openAndReadOne(memo, sizes[s], repeats);
        System.out.println(open[s].format());
      }
      Measure.Summary load = Measure.millis("full load of 1 GiB double[] (lookup, verified)", 1, quick ? 2 : 4, () -> {
        Optional<CachedResult<double[]>> r = memo.method("array").lookup((int) (1024 * MIB / 8));
        return r.orElseThrow().value().length;
      });
      System.out.println(load.format());
      System.out.println(Measure.ratio("full load / (open 1 GiB view + read 1) (medians)", load.median() * 1000
          / open[2].median(), "≫ 1; open < 1 ms"));
      System.out.println(Measure.ratio("open view: 1 GiB / 1 MiB (median, flat = 1)", open[2].median()
          / open[0].median(), "≈ 1"));

      slices(memo, quick ? 3 : 9);
    } finally {
      deleteRecursively(work);
    }
  }

  private static void store(Memo memo, long bytes) {
    int n = (int) (bytes / 8);
    memo.call("array", () -> {
      double[] a = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = i * 0.5;
      }
      return a;
    }, n);
  }

  /** Opens a fresh view and reads one random element, each repeat; µs. */
  private static Measure.Summary openAndReadOne(Memo memo, long bytes, int repeats) {
    int n = (int) (bytes / 8);
    Random rnd = new Random(n);
    double[] samples = new double[repeats];
    // As many untimed opens first: the figure is the steady state, not the JIT's warm-up.
    for (int i = 0; i < 2 * repeats; i++) {
      int k = rnd.nextInt(n);
      long t0 = System.nanoTime();
      DoubleView v = memo.method("array").view(DoubleView.class, n).orElseThrow();
      double x = v.get(k);
      long t = System.nanoTime() - t0;
      if (x != k * 0.5) {
        throw new IllegalStateException("element " + k + " is " + x);
      }
      if (i >= repeats) {
        samples[i - repeats] = t / 1e3;
      }
    }
    return Measure.summarize(String.format(Locale.ROOT, "open view of %s + read 1 element (µs)", human(bytes)), samples,
        "µs");
  }

  private static void slices(Memo memo, int repeats) {
    int n = (int) (1024 * MIB / 8);
    int len = (int) (256 * MIB / 8);
    double[] dst = new double[len];
    double[] src = new double[len];
    Arrays.fill(src, 1.5);
    double[] cold = new double[repeats];
    double[] warm = new double[repeats];
    double[] copy = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long from = (long) (r % 3) * len;
      DoubleView v = memo.method("array").view(DoubleView.class, n).orElseThrow();
      long t0 = System.nanoTime();
      v.copyTo(dst, from, from + len);
      cold[r] = gbps(len * 8L, System.nanoTime() - t0);
      t0 = System.nanoTime();
      v.copyTo(dst, from, from + len);
      warm[r] = gbps(len * 8L, System.nanoTime() - t0);
      if (dst[len - 1] != (from + len - 1) * 0.5) {
        throw new IllegalStateException("slice content");
      }
      t0 = System.nanoTime();
      System.arraycopy(src, 0, dst, 0, len);
      copy[r] = gbps(len * 8L, System.nanoTime() - t0);
    }
    Measure.Summary c = Measure.summarize("slice read 256 MiB, fresh view (verify + copy) (GB/s)", cold, "GB/s");
    Measure.Summary w = Measure.summarize("slice read 256 MiB, verified blocks (copy) (GB/s)", warm, "GB/s");
    Measure.Summary m = Measure.summarize("System.arraycopy 256 MiB double[] (GB/s)", copy, "GB/s");
    System.out.println(c.format());
    System.out.println(w.format());
    System.out.println(m.format());
    System.out.println(Measure.ratio("slice read, fresh view / memcpy (median)", c.median() / m.median(), "report"));
    System.out.println(Measure.ratio("slice read, verified / memcpy (median)", w.median() / m.median(), "report"));
  }

  private static double gbps(long bytes, long nanos) {
    return bytes / (double) nanos;
  }

  private static String human(long bytes) {
    return bytes >= 1024 * MIB ? bytes / (1024 * MIB) + " GiB" : bytes / MIB + " MiB";
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
