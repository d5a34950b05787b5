package org.memocache.disk;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.memocache.Memo;

/**
 * A loaded process of {@link MaintenanceLoadTest} and {@link HostileRoundsTest}: {@code threads} threads call one memoized method
 * on random keys of {@code keys}, each result {@code bytes} long, against a directory with a tiny
 * {@code maximumDiskBytes}, for {@code millis} (after {@code go} appears); then prints {@code calls
 * wrong errors hangs} (calls longer than {@code hangMillis}), the slowest call, {@code computed},
 * the maintenance CPU time and the process's CPU time.
 */
public final class LoadChild {
  private LoadChild() {}

  /** The deterministic value of {@code key}: a byte array whose every byte is derived from the key. */
  static byte[] valueOf(long key, int bytes) {
    byte[] v = new byte[bytes];
    SplittableRandom r = new SplittableRandom(key);
    for (int i = 0; i < v.length; i += 8) {
      long x = r.nextLong();
      for (int j = 0; j < 8 && i + j < v.length; j++) {
        v[i + j] = (byte) (x >>> (8 * j));
      }
    }
    return v;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    Path dir = Path.of(args[0]);
    long maxBytes = Long.parseLong(args[1]);
    int threads = Integer.parseInt(args[2]);
    int keys = Integer.parseInt(args[3]);
    int bytes = Integer.parseInt(args[4]);
    long millis = Long.parseLong(args[5]);
    Path go = args.length > 6 ? Path.of(args[6]) : null;
    long hangNanos = args.length > 7 ? Long.parseLong(args[7]) * 1_000_000L : Long.MAX_VALUE;
    AtomicLong hangs = new AtomicLong();
    AtomicLong slowestNanos = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong computed = new AtomicLong();
    try (Memo memo = Memo.builder().directory(dir).maximumDiskBytes(maxBytes).maximumMemoryBytes(4 * bytes).build()) {
      out.println("ready " + ProcessHandle.current().pid());
      while (go != null && !Files.exists(go)) {
        Thread.sleep(2);
      }
      long end = System.nanoTime() + millis * 1_000_000L;
      Thread[] ts = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        long seed = ProcessHandle.current().pid() * 1_000_003L + t;
        ts[t] = new Thread(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          while (System.nanoTime() < end) {
            long k = r.nextInt(keys);
            long t0 = System.nanoTime();
            try {
              byte[] v = memo.call("load", () -> {
                computed.incrementAndGet();
                return valueOf(k, bytes);
              }, k);
              long took = System.nanoTime() - t0;
              slowestNanos.accumulateAndGet(took, Math::max);
              if (took > hangNanos) {
                hangs.incrementAndGet();
              }
              calls.incrementAndGet();
              if (!Arrays.equals(v, valueOf(k, bytes))) {
                wrong.incrementAndGet();
              }
            } catch (RuntimeException e) {
              errors.incrementAndGet();
              e.printStackTrace();
            }
          }
        }, "load-" + t);
        ts[t].start();
      }
      // Steady state: the maintenance CPU of the second half (class loading and the first runs are
      // in the first).
      Thread.sleep(millis / 2);
      long half = maintenanceCpuMillis(dir);
      long halfAt = System.nanoTime();
      for (Thread t : ts) {
        t.join();
      }
      long steadyWall = (System.nanoTime() - halfAt) / 1_000_000;
      out.println("done calls=" + calls + " wrong=" + wrong + " errors=" + errors + " hangs=" + hangs
          + " slowestMillis=" + slowestNanos.get() / 1_000_000 + " computed=" + computed
          + " maintenanceCpuMillis=" + maintenanceCpuMillis(dir) + " steadyMaintenanceCpuMillis="
          + (maintenanceCpuMillis(dir) - half) + " steadyWallMillis=" + steadyWall + " cpuMillis="
          + ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L));
    }
    out.flush();
    System.exit(0);
  }

  /** CPU time of this process's maintenance thread for {@code dir} (named {@code memocache-disk <dir>}). */
  static long maintenanceCpuMillis(Path dir) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (ti != null && ti.getThreadName().startsWith("memocache-disk ")) {
        total += Math.max(0, mx.getThreadCpuTime(ti.getThreadId()));
      }
    }
    return total / 1_000_000;
  }
}
