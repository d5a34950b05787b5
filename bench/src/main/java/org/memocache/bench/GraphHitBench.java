package org.memocache.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import org.memocache.internal.codec.KryoCodec;
import org.memocache.spi.ClassFilter;

/**
 * A disk hit of an object graph holding big arrays, in fresh JVMs: {@code record Dataset(double[] x,
 * double[] y)} with 2 × 2,000,000 doubles (32 MB), or ({@code matrix}) a class holding a
 * {@code double[2000][1000]} (16 MB, as Commons Math's {@code Array2DRowRealMatrix}), stored once,
 * then read by child JVMs, each doing one thing in its first call:
 * <ul>
 *   <li>{@code hit}: open the {@code Memo}, then the first call, served from disk (read, verify,
 *       decode);
 *   <li>{@code decode}: read and verify the entry's payload, decode a tiny record (Kryo's start-up),
 *       then time {@code KryoCodec.decode} of the payload alone.
 * </ul>
 * Prints min/median/max of each over the children. Uses only what every codec version has, so the
 * same source measures an older build.
 *
 * <p>Run: {@code java -cp "bench/target/classes:$(cat bench/target/classpath.txt)"
 * org.memocache.bench.GraphHitBench [runs] [work dir] [record|matrix] [JVM flags of the children...]}, for
 * example {@code 5 target/graphhitbench record -XX:+UseTransparentHugePages}.
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
    try (Memo memo = Memo.builder().directory(cache).build()) {
      memo.call("dataset", () -> kind.equals("matrix") ? matrix() : dataset(), N);
    }
    List<String> flags = Arrays.asList(args).subList(Math.min(3, args.length), args.length);
    System.out.println("== GraphHitBench: " + (kind.equals("matrix") ? "a class holding double[2000][1000]"
        : "record of 2 x double[" + N + "]") + ", " + runs + " fresh JVMs per figure (Java "
        + System.getProperty("java.version") + ", child flags " + flags + ")");
    List<double[]> hit = new ArrayList<>();
    List<double[]> decode = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      hit.add(child("hit", cache, kind, flags));
      decode.add(child("decode", cache, kind, flags));
    }
    print("open Memo (ms)", hit, 0);
    print("first call, a disk hit (ms)", hit, 1);
    print("read + verify payload (ms)", decode, 0);
    print("first decode of a tiny record, Kryo start-up (ms)", decode, 1);
    print("KryoCodec.decode of the payload alone (ms)", decode, 2);
  }

  private static void print(String name, List<double[]> samples, int i) {
    double[] s = samples.stream().mapToDouble(a -> a[i]).toArray();
    System.out.println(Measure.summarize(name, s, "ms").format());
  }

  private static double[] child(String mode, Path cache, String kind, List<String> flags) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), mode, cache.toString(),
        kind));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      line = r.readLine();
    }
    if (p.waitFor() != 0 || line == null) {
      throw new IllegalStateException(mode + " child failed: " + line);
    }
    return Arrays.stream(line.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  /** One fresh JVM: prints its figures in ms. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path cache = Path.of(args[1]);
      if (args[0].equals("hit")) {
        long t0 = System.nanoTime();
        try (Memo memo = Memo.builder().directory(cache).build()) {
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
      try (EntryReader r = EntryReader.open(file)) {
        payload = r.payload();
      }
      long t1 = System.nanoTime();
      ClassFilter all = c -> true;
      KryoCodec codec = new KryoCodec();
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
          : v instanceof Dataset d && d.x().length == N && d.y()[N - 1] == Math.sqrt(N - 1);
      if (!right) {
        throw new IllegalStateException("wrong value");
      }
    }
  }
}
