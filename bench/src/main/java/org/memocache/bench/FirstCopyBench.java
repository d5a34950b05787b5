package org.memocache.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.memocache.Memo;
import org.memocache.internal.ResultCopies;
import org.memocache.internal.codec.Codecs;

/**
 * A fresh JVM's first copy of a Commons Math {@code Array2DRowRealMatrix} of n × n doubles, as the
 * memory tier makes one for a caller ({@code ResultCopies.copy}), beside Kryo's first deep copy of
 * it in another fresh JVM; the first call of a fresh JVM that computes the matrix (given, so only
 * the cache's work is timed) and stores it on disk, keeping a copy in the memory tier; and the first
 * call of a fresh JVM served from disk, a hit whose decoded matrix the memory tier keeps
 * (n × n × 8 bytes under 4 MiB) and copies for the caller. Each child JVM does one of these and
 * prints its time. Uses only what earlier builds have, so the same source
 * measures an older build (put its jars on the class path instead).
 *
 * <p>Run: {@code java -cp "bench/target/classes:$(cat bench/target/classpath.txt)"
 * org.memocache.bench.FirstCopyBench [runs] [n] [work dir]}, for example {@code 5 600 target/firstcopy}.
 */
public final class FirstCopyBench {
  private FirstCopyBench() {}

  static Array2DRowRealMatrix matrix(int n) {
    double[][] d = new double[n][n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        d[r][c] = r + c * 0.5;
      }
    }
    return new Array2DRowRealMatrix(d, false);
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 600;
    Path cache = Path.of(args.length > 2 ? args[2] : "target/firstcopy").toAbsolutePath()
        .resolve("run-" + System.currentTimeMillis()).resolve("cache");
    try (Memo memo = Memo.builder().directory(cache).allowPackages("org.apache.commons.math3").build()) {
      memo.call("matrix", () -> matrix(n), n);
    }
    System.out.println("== FirstCopyBench: Array2DRowRealMatrix(double[" + n + "][" + n + "]), " + runs
        + " fresh JVMs per figure (Java " + System.getProperty("java.version") + ")");
    List<double[]> copies = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      copies.add(new double[] {child("copy", n, cache), child("kryo", n, cache), child("miss", n, cache),
          child("hit", n, cache)});
    }
    System.out.println(Measure.column("first copy, ResultCopies.copy (ms)", copies, 0).format());
    System.out.println(Measure.column("first copy, Kryo's deep copy (ms)", copies, 1).format());
    System.out.println(Measure.column("first call, a miss that stores it (ms)", copies, 2).format());
    System.out.println(Measure.column("first call, a disk hit kept in memory (ms)", copies, 3).format());
  }

  private static double child(String mode, int n, Path cache) throws IOException, InterruptedException {
    return Measure.childFigures(List.of(), Child.class, mode, String.valueOf(n), cache.toString())[0];
  }

  /** One fresh JVM: prints its figure in ms. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      int n = Integer.parseInt(args[1]);
      if (args[0].equals("hit")) {
        try (Memo memo = Memo.builder().directory(Path.of(args[2])).allowPackages("org.apache.commons.math3").build()) {
          long t0 = System.nanoTime();
          Array2DRowRealMatrix m = memo.call("matrix", () -> {
            throw new IllegalStateException("a miss: the entry was not served from disk");
          }, n);
          long t1 = System.nanoTime();
          check(m, n);
          System.out.println((t1 - t0) / 1e6);
        }
        return;
      }
      Array2DRowRealMatrix m = matrix(n);
      if (args[0].equals("miss")) {
        Path fresh = Path.of(args[2]).resolveSibling("miss-" + ProcessHandle.current().pid());
        try (Memo memo = Memo.builder().directory(fresh).allowPackages("org.apache.commons.math3").build()) {
          long t0 = System.nanoTime();
          Array2DRowRealMatrix got = memo.call("matrix", () -> m, n);
          long t1 = System.nanoTime();
          if (got != m) {
            throw new IllegalStateException("a miss returns the computed object");
          }
          System.out.println((t1 - t0) / 1e6);
        }
        return;
      }
      long t0 = System.nanoTime();
      Object copy = args[0].equals("kryo") ? Codecs.kryo().copy(m) : ResultCopies.copy(m);
      long t1 = System.nanoTime();
      if (copy == m || ((Array2DRowRealMatrix) copy).getDataRef() == m.getDataRef()) {
        throw new IllegalStateException("not a copy");
      }
      check((Array2DRowRealMatrix) copy, n);
      System.out.println((t1 - t0) / 1e6);
    }

    private static void check(Array2DRowRealMatrix m, int n) {
      if (m.getEntry(n - 1, n - 1) != n - 1 + (n - 1) * 0.5) {
        throw new IllegalStateException("wrong value");
      }
    }
  }
}
