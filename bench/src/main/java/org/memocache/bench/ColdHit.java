package org.memocache.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.memocache.CacheKey;
import org.memocache.Memo;
import org.memocache.MemoConfig;
import org.memocache.internal.Config;
import org.memocache.disk.DiskTier;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.TierValues;
import org.memocache.spi.Tier;

/**
 * What a user's second run pays for a big result: the first {@code call} of a fresh JVM served from
 * disk, for a 16 MB and a 256 MB {@code double[]}, each sample in its own child {@code java}
 * process, through {@code Memo.call} and through {@code DiskTier.get} alone; beside it the plain-Java floor on the same file in its own process (map, CRC32C over the
 * payload, {@code new double[n]}, one bulk {@code asDoubleBuffer().get}). And the miss + store of a
 * 512 MiB {@code double[]} ({@code Memo.call} and {@code DiskTier.put}) against {@code FileChannel.write}
 * of the same bytes in the same process (one child per sample, the order rotating).
 *
 * <p>Usage: {@code ColdHit [--quick] [work dir]} (default {@code bench/target/coldhit}); child JVM
 * flags from the system property {@code coldhit.jvmFlags} (e.g. {@code -XX:+UseTransparentHugePages}).
 */
public final class ColdHit {
  private static final int SAMPLES = 5;
  private static final int MB16 = 2_000_000;
  private static final int MB256 = 32_000_000;
  private static final int MIB512 = 64 << 20;

  private ColdHit() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].startsWith("child-")) {
      child(args);
      return;
    }
    boolean quick = args.length > 0 && args[0].equals("--quick");
    int samples = quick ? 3 : SAMPLES;
    Path dir = Path.of(args.length > (quick ? 1 : 0) ? args[quick ? 1 : 0] : "bench/target/coldhit")
        .toAbsolutePath();
    Path cache = dir.resolve("cache");
    deleteTree(dir);
    Files.createDirectories(dir);
    System.out.println("ColdHit: " + samples + " fresh JVMs per figure, child flags: "
        + System.getProperty("coldhit.jvmFlags", "(none)") + ", cache " + cache);
    runChild("child-prepare", cache.toString());
    for (int n : new int[] {MB16, MB256}) {
      double[] hit = new double[samples];
      double[] tier = new double[samples];
      double[] floor = new double[samples];
      Path entry = Path.of(runChild("child-entry", cache.toString(), Integer.toString(n)).strip());
      for (int i = 0; i < samples; i++) {
        // Interleaved, so that a noisy neighbour hurts both columns alike.
        hit[i] = Double.parseDouble(runChild("child-hit", cache.toString(), Integer.toString(n)).strip());
        tier[i] = Double.parseDouble(runChild("child-tier-hit", cache.toString(), Integer.toString(n)).strip());
        floor[i] = Double.parseDouble(runChild("child-floor", entry.toString(), Integer.toString(n)).strip());
      }
      String what = "double[" + n + "] (" + (n * 8L / 1_000_000) + " MB)";
      Measure.Summary h = Measure.summarize("first call, disk hit, fresh JVM: " + what, hit, "ms");
      Measure.Summary t = Measure.summarize("first DiskTier.get, fresh JVM: " + what, tier, "ms");
      Measure.Summary f = Measure.summarize("floor (map, CRC32C, new, bulk get): " + what, floor, "ms");
      System.out.println(h.format());
      System.out.println(t.format());
      System.out.println(f.format());
      System.out.println(Measure.ratio("hit / floor, medians, " + what, h.median() / f.median(), "<= 1.2"));
      System.out.println(Measure.ratio("DiskTier.get / floor, medians, " + what, t.median() / f.median(), "<= 1.2"));
    }
    double[] store = new double[samples];
    double[] put = new double[samples];
    double[] write = new double[samples];
    for (int i = 0; i < samples; i++) {
      String[] out = runChild("child-store", dir.resolve("store-" + i).toString(), Integer.toString(i % 3)).strip()
          .split(" ");
      store[i] = Double.parseDouble(out[0]);
      put[i] = Double.parseDouble(out[1]);
      write[i] = Double.parseDouble(out[2]);
      deleteTree(dir.resolve("store-" + i));
    }
    Measure.Summary s = Measure.summarize("miss + store (Memo.call) of double[" + MIB512 + "] (512 MiB)", store, "ms");
    Measure.Summary p = Measure.summarize("DiskTier.put of the same double[]", put, "ms");
    Measure.Summary w = Measure.summarize("FileChannel.write of the same 512 MiB", write, "ms");
    System.out.println(s.format());
    System.out.println(p.format());
    System.out.println(w.format());
    System.out.println(Measure.ratio("FileChannel.write / Memo.call store, medians (speed)", w.median() / s.median(),
        ">= 0.5"));
    System.out.println(Measure.ratio("FileChannel.write / DiskTier.put, medians (speed)", w.median() / p.median(),
        ">= 0.5"));
  }

  private static double[] values(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5 + 1;
    }
    return a;
  }

  private static Memo memo(Path cache) {
    // A small memory tier: the big values are served and stored by the disk tier only.
    return Memo.builder().directory(cache).maximumMemoryBytes(1 << 20).build();
  }

  private static void child(String[] args) throws Exception {
    switch (args[0]) {
      case "child-prepare" -> {
        try (Memo memo = memo(Path.of(args[1]))) {
          for (int n : new int[] {MB16, MB256}) {
            Measure.blackhole = memo.call("coldhit", () -> values(n), n);
          }
        }
      }
      case "child-entry" -> {
        // The entry file of a stored value: the one file under entries/ of that size.
        long bytes = Long.parseLong(args[2]) * 8;
        try (Stream<Path> s = Files.walk(Path.of(args[1], "entries"))) {
          Path f = s.filter(p -> p.toString().endsWith(".memo") && size(p) > bytes && size(p) < bytes + (1 << 20))
              .findFirst().orElseThrow();
          System.out.println(f);
        }
      }
      case "child-hit" -> {
        int n = Integer.parseInt(args[2]);
        try (Memo memo = memo(Path.of(args[1]))) {
          long t0 = System.nanoTime();
          double[] v = memo.call("coldhit", () -> {
            throw new IllegalStateException("expected a disk hit");
          }, n);
          long t1 = System.nanoTime();
          if (v.length != n || v[n - 1] != (n - 1) * 0.5 + 1) {
            throw new IllegalStateException("wrong value");
          }
          System.out.println((t1 - t0) / 1e6);
        }
      }
      case "child-tier-hit" -> {
        int n = Integer.parseInt(args[2]);
        Path cache = Path.of(args[1]);
        CacheKey key;
        try (Memo memo = Memo.builder().directory(cache).maximumMemoryBytes(1 << 20).build()) {
          key = memo.method("coldhit").keyOf(n).orElseThrow();
        }
        try (DiskTier tier = DiskTier.open(config(cache), Codecs.builtIns(), Duration.ZERO)) {
          long t0 = System.nanoTime();
          double[] v = (double[]) new TierValues(Codecs.builtIns(), cache.toString()).get(tier, key, c -> false)
              .orElseThrow().value();
          long t1 = System.nanoTime();
          if (v.length != n || v[n - 1] != (n - 1) * 0.5 + 1) {
            throw new IllegalStateException("wrong value");
          }
          System.out.println((t1 - t0) / 1e6);
        }
      }
      case "child-floor" -> {
        int n = Integer.parseInt(args[2]);
        long t0 = System.nanoTime();
        double[] v;
        try (FileChannel ch = FileChannel.open(Path.of(args[1]), StandardOpenOption.READ)) {
          ByteBuffer head = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
          ch.read(head, 0);
          long p = head.getLong(56);
          MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, p, head.getLong(64));
          CRC32C crc = new CRC32C();
          crc.update(m.duplicate());
          Measure.blackhole = crc.getValue();
          v = new double[n];
          // The raw-array payload's elements start at its 64-byte prefix.
          m.position(64);
          m.slice().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
        }
        long t1 = System.nanoTime();
        Measure.blackhole = v;
        System.out.println((t1 - t0) / 1e6);
      }
      case "child-store" -> {
        Path dir = Path.of(args[1]);
        int rotate = Integer.parseInt(args[2]);
        double[] v = values(MIB512);
        ByteBuffer bytes = ByteBuffer.allocateDirect(MIB512 * 8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asDoubleBuffer().put(v);
        double store = 0;
        double put = 0;
        double write = 0;
        for (int round = 0; round < 3; round++) {
          int what = (round + rotate) % 3;
          if (what == 0) {
            try (Memo memo = memo(dir.resolve("cache"))) {
              long t0 = System.nanoTime();
              Measure.blackhole = memo.call("store", () -> v, 1);
              store = (System.nanoTime() - t0) / 1e6;
            }
          } else if (what == 1) {
            CacheKey key;
            try (Memo keys = Memo.builder().memoryOnly().build()) {
              key = keys.method("store").keyOf(1).orElseThrow();
            }
            try (DiskTier tier = DiskTier.open(config(dir.resolve("tier")), Codecs.builtIns(), Duration.ZERO)) {
              long t0 = System.nanoTime();
              TierValues values = new TierValues(Codecs.builtIns(), dir.toString());
              if (!values.put(tier, key, Objects.requireNonNull(values.encode("store", v,
                  new Tier.Metadata("1", Instant.now(), Duration.ofSeconds(1)), c -> false)))) {
                throw new IllegalStateException("put failed");
              }
              put = (System.nanoTime() - t0) / 1e6;
            }
          } else {
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            try (FileChannel ch = FileChannel.open(dir.resolve("plain.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
              ByteBuffer b = bytes.duplicate();
              while (b.hasRemaining()) {
                ch.write(b);
              }
            }
            write = (System.nanoTime() - t0) / 1e6;
          }
        }
        System.out.println(store + " " + put + " " + write);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static MemoConfig config(Path dir) {
    return new Config(dir, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE, null, false, Duration.ofMinutes(1), List.of(),
        true, Clock.systemUTC());
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private static String runChild(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx3g");
    String flags = System.getProperty("coldhit.jvmFlags", "").strip();
    if (!flags.isEmpty()) {
      cmd.addAll(List.of(flags.split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdHit.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
