package org.memocache.disk;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.memocache.Memo;
import org.memocache.MemoRuntime;
import org.memocache.disk.woven.Later;

/** Child JVMs of the tests of futures and virtual threads on a cache directory; results on stdout. */
public final class AsyncChild {
  private AsyncChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "futures" -> futures(out, dir);
      case "hold-async" -> holdAsync(out, dir, Integer.parseInt(args[2]), Long.parseLong(args[3]));
      case "hold-sync" -> holdSync(out, dir, Integer.parseInt(args[2]), Path.of(args[3]));
      case "virtual" -> virtual(out, dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
          Path.of(args[5]));
      default -> throw new IllegalArgumentException(args[0]);
    }
    out.flush();
    System.exit(0);
  }

  /** A callAsync and a woven method returning a future; says whether each body ran and what came back. */
  private static void futures(PrintStream out, Path dir) throws Exception {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      MemoRuntime.install(memo);
      CompletableFuture<String> answer = memo.callAsync("answer", () -> {
        out.println("computed answer");
        return CompletableFuture.supplyAsync(() -> "forty-two");
      }, 42);
      out.println("answer " + answer.get(60, TimeUnit.SECONDS));
      CompletableFuture<double[]> series = Later.woven(4);
      out.println("series done=" + series.isDone() + " " + Arrays.toString(series.get(60, TimeUnit.SECONDS))
          + " runs=" + Later.RUNS.get());
    }
  }

  /** Starts callAsync of keys 0..keys-1, whose futures complete after {@code millis}; says when all run. */
  private static void holdAsync(PrintStream out, Path dir, int keys, long millis) throws Exception {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      AtomicInteger started = new AtomicInteger();
      CountDownLatch allStarted = new CountDownLatch(keys);
      List<CompletableFuture<Long>> fs = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        long v = value(k);
        fs.add(memo.callAsync("held", () -> {
          started.incrementAndGet();
          allStarted.countDown();
          return CompletableFuture.supplyAsync(() -> v,
              CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
        }, k));
      }
      allStarted.await();
      // The body ran and returned a running future: the key's lock is held until it completes.
      out.println("holding");
      for (CompletableFuture<Long> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      out.println("computed " + started.get());
    }
  }

  /**
   * Computes keys 0..keys-1 of "vt" on platform threads, each until the file {@code go} exists (at
   * most a minute); says when all run.
   */
  private static void holdSync(PrintStream out, Path dir, int keys, Path go) throws Exception {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      AtomicInteger computed = new AtomicInteger();
      CountDownLatch allStarted = new CountDownLatch(keys);
      ExecutorService pool = Executors.newFixedThreadPool(keys);
      List<java.util.concurrent.Future<Long>> fs = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        int key = k;
        fs.add(pool.submit(() -> memo.<Long>call("vt", () -> {
          computed.incrementAndGet();
          allStarted.countDown();
          long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
          while (!Files.exists(go) && System.nanoTime() < deadline) {
            sleep(5);
          }
          return value(key);
        }, key)));
      }
      allStarted.await();
      out.println("holding");
      for (java.util.concurrent.Future<Long> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      out.println("computed " + computed.get());
    }
  }

  static long value(int k) {
    return (long) k * k + 1;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code threads} virtual threads call {@code keys} keys of "vt" (a body of 200 ms): most wait for
   * another virtual thread computing their key, those of the keys another process holds wait on its
   * lock. Prints what was computed, whether every value is right, the time, the carrier threads seen,
   * the peak of platform threads, and the pinned events JFR recorded.
   */
  private static void virtual(PrintStream out, Path dir, int threads, int keys, int heldElsewhere, Path jfr)
      throws Exception {
    ExecutorService vts = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    Recording recording = new Recording();
    recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
    recording.start();
    LongAdder computed = new LongAdder();
    AtomicInteger wrong = new AtomicInteger();
    Set<String> carriers = ConcurrentHashMap.newKeySet();
    LongAdder returned = new LongAdder();
    // Once every call of the other keys returned, the rest are waiting for the other process.
    long others = threads - (long) threads / keys * heldElsewhere;
    Thread watcher = new Thread(() -> {
      while (returned.sum() < others) {
        sleep(5);
      }
      out.println("waiting for the other process: " + (threads - returned.sum()) + " threads");
    });
    watcher.setDaemon(true);
    watcher.start();
    long t0 = System.nanoTime();
    try (Memo memo = Memo.builder().directory(dir).build()) {
      List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int key = i % keys;
        fs.add(vts.submit(() -> {
          carriers.add(carrier());
          long v = memo.<Long>call("vt", () -> {
            computed.increment();
            sleep(200);
            return value(key);
          }, key);
          carriers.add(carrier());
          returned.increment();
          if (v != value(key)) {
            wrong.incrementAndGet();
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    vts.shutdown();
    recording.stop();
    recording.dump(jfr);
    Map<String, Integer> pinnedAt = new TreeMap<>();
    int pinned = 0;
    long longestPinMicros = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      pinned++;
      longestPinMicros = Math.max(longestPinMicros, e.getDuration().toNanos() / 1000);
      pinnedAt.merge(firstFrames(e), 1, Integer::sum);
      System.err.println("pinned " + e.getDuration().toNanos() / 1000 + " us: " + stack(e));
    }
    Files.deleteIfExists(jfr);
    out.println("computed " + computed.sum());
    out.println("wrong " + wrong.get());
    out.println("millis " + millis);
    out.println("carriers " + carriers.size());
    out.println("parallelism " + System.getProperty("jdk.virtualThreadScheduler.parallelism", "default")
        + " processors " + Runtime.getRuntime().availableProcessors());
    out.println("peak-platform-threads " + ManagementFactory.getThreadMXBean().getPeakThreadCount());
    out.println("pinned " + pinned + " longest-us " + longestPinMicros + " at " + pinnedAt);
  }

  /** The carrier of the current virtual thread, from its name: {@code VirtualThread[#22]/runnable@ForkJoinPool-1-worker-1}. */
  private static String carrier() {
    String s = Thread.currentThread().toString();
    int at = s.lastIndexOf('@');
    return at < 0 ? s : s.substring(at + 1);
  }

  private static String stack(RecordedEvent e) {
    StringBuilder sb = new StringBuilder();
    if (e.getStackTrace() != null) {
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        sb.append("\n    ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
            .append(':').append(f.getLineNumber());
      }
    }
    return sb.toString();
  }

  private static String firstFrames(RecordedEvent e) {
    if (e.getStackTrace() == null) {
      return "?";
    }
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (RecordedFrame f : e.getStackTrace().getFrames()) {
      String m = f.getMethod().getType().getName() + "." + f.getMethod().getName();
      if (m.startsWith("org.memocache")) {
        sb.append(m);
        return sb.toString();
      }
      if (n++ < 2) {
        sb.append(m).append(" < ");
      }
    }
    return sb.append("(no MemoCache frame)").toString();
  }
}
