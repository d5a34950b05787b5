package org.memocache.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.memocache.Memo;
import org.memocache.disk.internal.EntryReader;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/**
 * A disk hit of an object graph holding big arrays, in fresh JVMs: {@code record Dataset(double[] x,
 * double[] y)} with 2 × 2,000,000 doubles (32 MB), ({@code matrix}) a class holding a
 * {@code double[2000][1000]} (16 MB, shaped as Commons Math's {@code Array2DRowRealMatrix}),
 * ({@code commons}) that {@code Array2DRowRealMatrix} itself, ({@code map}) a
 * {@code HashMap<String, double[]>} of 2 × 2,000,000 doubles, or ({@code immutable}) a record of a
 * {@code List.of} of 10,000 small records and a {@code Map.of} of 3 × 200,000 doubles, stored once,
 * then read by child JVMs,
 * each doing one thing in its first call:
 * <ul>
 *   <li>{@code hit}: open the {@code Memo}, then the first call, served from disk (read, verify,
 *       decode);
 *   <li>{@code store} (run by hand, as {@code GraphHitBench$Child store <dir> <kind>}): compute the
 *       value, then time its first {@code call}, a miss that stores it in a new directory;
 *   <li>{@code decode}: read and verify the entry's payload, encode and decode a tiny record with
 *       the codec the entry names (that codec's start-up), then time the decoding of the payload alone
 *       by that codec.
 * </ul>
 * Prints min/median/max of each over the children. Uses only what every codec version has, so the
 * same source measures an older build (put the older build's jars on the class path instead).
 *
 * <p>Run: {@code java -cp "bench/target/classes:$(cat bench/target/classpath.txt)"
 * org.memocache.bench.GraphHitBench [runs] [work dir] [record|matrix|commons|map|immutable] [JVM flags of the
 * children...]}, for example {@code 5 target/graphhitbench record -XX:+UseTransparentHugePages}.
 */
public final class GraphHitBench {
  private GraphHitBench() {}

  static final int N = 2_000_000;

  /** The result: two big arrays in a record. */
  public record Dataset(double[] x, double[] y) {}

  /** Shaped like Commons Math's {@code Array2DRowRealMatrix}: a private {@code double[][]}. */
  public static final class RowMatrix {
    private final double[][] data;

    RowMatrix(double[][] data) {
      this.data = data;
    }
  }

  static RowMatrix matrix() {
    double[][] rows = new double[2000][1000];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < rows[r].length; c++) {
        rows[r][c] = r + c * 0.5;
      }
    }
    return new RowMatrix(rows);
  }

  static org.apache.commons.math3.linear.Array2DRowRealMatrix commons() {
    return new org.apache.commons.math3.linear.Array2DRowRealMatrix(matrix().data, false);
  }

  static java.util.Map<String, double[]> map() {
    Dataset d = dataset();
    java.util.Map<String, double[]> m = new java.util.HashMap<>();
    m.put("x", d.x());
    m.put("y", d.y());
    return m;
  }

  /** A small record, 10,000 of them in the {@code immutable} result. */
  public record Point(double x, double y, int label) {}

  /** Immutable collections as {@code List.of} and {@code Map.of} make them. */
  public record Survey(List<Point> points, java.util.Map<String, double[]> series) {}

  static final int POINTS = 10_000;
  static final int SERIES = 200_000;

  static Survey survey() {
    Point[] points = new Point[POINTS];
    for (int i = 0; i < POINTS; i++) {
      points[i] = new Point(i * 0.5, Math.sqrt(i), i % 7);
    }
    double[][] series = new double[3][SERIES];
    for (int i = 0; i < SERIES; i++) {
      series[0][i] = i;
      series[1][i] = i * 0.25;
      series[2][i] = Math.sqrt(i);
    }
    return new Survey(List.of(points), java.util.Map.of("t", series[0], "a", series[1], "b", series[2]));
  }

  static Object value(String kind) {
    return switch (kind) {
      case "matrix" -> matrix();
      case "commons" -> commons();
      case "map" -> map();
      case "immutable" -> survey();
      default -> dataset();
    };
  }

  static Dataset dataset() {
    double[] x = new double[N];
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      x[i] = i * 0.5;
      y[i] = Math.sqrt(i);
    }
    return new Dataset(x, y);
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path work = Path.of(args.length > 1 ? args[1] : "target/graphhitbench").toAbsolutePath()
        .resolve("run-" + System.currentTimeMillis());
    Path cache = work.resolve("cache");
    String kind = args.length > 2 ? args[2] : "record";
    try (Memo memo = Memo.builder().directory(cache).allowPackages("org.apache.commons.math3").build()) {
      memo.call("dataset", () -> value(kind), N);
    }
    List<String> flags = Arrays.asList(args).subList(Math.min(3, args.length), args.length);
    String what = switch (kind) {
      case "matrix" -> "a class holding double[2000][1000]";
      case "commons" -> "Commons Math Array2DRowRealMatrix(double[2000][1000])";
      case "map" -> "HashMap<String, double[]> of 2 x double[" + N + "]";
      case "immutable" -> "record of List.of(" + POINTS + " records), Map.of(3 x double[" + SERIES + "])";
      default -> "record of 2 x double[" + N + "]";
    };
    System.out.println("== GraphHitBench: " + what + ", " + runs + " fresh JVMs per figure (Java "
        + System.getProperty("java.version") + ", child flags " + flags + ")");
    List<double[]> hit = new ArrayList<>();
    List<double[]> decode = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      hit.add(child("hit", cache, kind, flags));
      decode.add(child("decode", cache, kind, flags));
    }
    System.out.println(Measure.column("open Memo (ms)", hit, 0).format());
    System.out.println(Measure.column("first call, a disk hit (ms)", hit, 1).format());
    System.out.println(Measure.column("read + verify payload (ms)", decode, 0).format());
    System.out.println(Measure.column("first encode + decode of a tiny record, codec start-up (ms)", decode, 1).format());
    System.out.println(Measure.column("decode of the payload alone, by its codec (ms)", decode, 2).format());
  }

  private static double[] child(String mode, Path cache, String kind, List<String> flags)
      throws IOException, InterruptedException {
    return Measure.childFigures(flags, Child.class, mode, cache.toString(), kind);
  }

  /** One fresh JVM: prints its figures in ms. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path cache = Path.of(args[1]);
      if (args[0].equals("store")) {
        // The value computed first (not timed), then a miss that stores it in a new directory.
        Object v = value(args[2]);
        Path fresh = cache.resolveSibling("store-" + ProcessHandle.current().pid());
        try (Memo memo = Memo.builder().directory(fresh).allowPackages("org.apache.commons.math3").build()) {
          long t0 = System.nanoTime();
          Object stored = memo.call("dataset", () -> v, N);
          long t1 = System.nanoTime();
          check(stored);
          System.out.println((t1 - t0) / 1e6);
        }
        try (Stream<Path> s = Files.walk(fresh)) {
          if (s.noneMatch(f -> f.toString().endsWith(".memo") && f.toFile().length() > 8_000_000)) {
            throw new IllegalStateException("not stored on disk");
          }
        }
        return;
      }
      if (args[0].equals("hit")) {
        long t0 = System.nanoTime();
        try (Memo memo = Memo.builder().directory(cache).allowPackages("org.apache.commons.math3").build()) {
          long t1 = System.nanoTime();
          Object d = memo.call("dataset", () -> {
            throw new IllegalStateException("a miss: the entry was not served from disk");
          }, N);
          long t2 = System.nanoTime();
          check(d);
          System.out.println((t1 - t0) / 1e6 + " " + (t2 - t1) / 1e6);
        }
        return;
      }
      Path file;
      try (Stream<Path> s = Files.walk(cache)) {
        file = s.filter(Files::isRegularFile).max(Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
      }
      long t0 = System.nanoTime();
      ByteBuffer payload;
      String codecId;
      try (EntryReader r = EntryReader.open(file)) {
        payload = r.payload();
        codecId = r.codecId();
      }
      long t1 = System.nanoTime();
      ClassFilter all = c -> true;
      // The tiny record through the codec the entry names (whichever the codec chain would choose for it).
      ValueCodec codec = Codecs.builtIns().stream().filter(c -> c.id().equals(codecId)).findFirst().orElseThrow();
      java.io.ByteArrayOutputStream tiny = new java.io.ByteArrayOutputStream();
      codec.encode(new Dataset(new double[1], new double[1]), tiny);
      codec.decode(ByteBuffer.wrap(tiny.toByteArray()), all);
      long t2 = System.nanoTime();
      Object d = codec.decode(payload.order(ByteOrder.BIG_ENDIAN), all);
      long t3 = System.nanoTime();
      check(d);
      System.out.println((t1 - t0) / 1e6 + " " + (t2 - t1) / 1e6 + " " + (t3 - t2) / 1e6);
    }

    private static void check(Object v) {
      boolean right = v instanceof RowMatrix m ? m.data[1999][999] == 1999 + 999 * 0.5
          : v instanceof org.apache.commons.math3.linear.Array2DRowRealMatrix c ? c.getEntry(1999, 999) == 1999 + 999 * 0.5
          : v instanceof java.util.Map<?, ?> mp ? ((double[]) mp.get("y"))[N - 1] == Math.sqrt(N - 1)
          : v instanceof Survey s ? s.points().get(POINTS - 1).label() == (POINTS - 1) % 7
              && s.series().get("b")[SERIES - 1] == Math.sqrt(SERIES - 1)
          : v instanceof Dataset d && d.x().length == N && d.y()[N - 1] == Math.sqrt(N - 1);
      if (!right) {
        throw new IllegalStateException("wrong value");
      }
    }
  }
}
