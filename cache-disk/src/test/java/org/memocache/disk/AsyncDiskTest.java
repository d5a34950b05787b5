package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.memocache.Memo;

/**
 * Futures and virtual threads on a cache directory, with real child JVMs ({@link AsyncChild}): a
 * completed future from an earlier run, a process waiting for another's running future, and
 * 10,000 virtual threads waiting for each other and for another process.
 */
@Timeout(300)
class AsyncDiskTest {

  /** A child JVM running {@link AsyncChild}, its stdout collected line by line. */
  private static final class Run implements AutoCloseable {
    final Process process;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    Run(String java, List<String> jvmArgs, Path log, String... args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(java);
      cmd.addAll(jvmArgs);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(AsyncChild.class.getName());
      cmd.addAll(List.of(args));
      Files.createDirectories(log.getParent());
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      ProcessLines.collect(process, lines);
    }

    String await(String prefix, long millis) throws InterruptedException {
      return ProcessLines.awaitLine(lines, prefix, millis);
    }

    List<String> finish(Path log) throws Exception {
      boolean done = process.waitFor(240, TimeUnit.SECONDS);
      if (!done) {
        process.destroyForcibly();
      }
      Thread.sleep(100); // the last lines
      String err = Files.exists(log) ? Files.readString(log) : "";
      assertTrue(done, "child did not finish (deadlock?): " + lines + "\n" + err);
      assertEquals(0, process.exitValue(), () -> lines + "\n" + err);
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void aLaterRun_getsACompletedFutureFromDisk_withoutRunningTheBody(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    Path log = dir.resolveSibling(dir.getFileName() + ".log");
    List<String> first;
    try (Run r = new Run(java(), List.of(), log, "futures", dir.toString())) {
      first = r.finish(log);
    }
    assertEquals(List.of("computed answer", "answer forty-two", "series done=false [0.0, 0.5, 1.0, 1.5] runs=1"), first);
    List<String> second;
    try (Run r = new Run(java(), List.of(), log, "futures", dir.toString())) {
      second = r.finish(log);
    }
    // The woven call reads the disk on its own thread: its future is completed when it returns.
    assertEquals(List.of("answer forty-two", "series done=true [0.0, 0.5, 1.0, 1.5] runs=0"), second);
  }

  @Test
  void anotherProcess_waitsForTheRunningFuture_andGetsItsStoredValue(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    Path log = dir.resolveSibling(dir.getFileName() + ".log");
    try (Run holder = new Run(java(), List.of(), log, "hold-async", dir.toString(), "2", "1500")) {
      holder.await("holding", 60_000);
      AtomicInteger computed = new AtomicInteger();
      try (Memo memo = Memo.builder().directory(dir).build()) {
        long t0 = System.nanoTime();
        CompletableFuture<Long> f = memo.callAsync("held", () -> {
          computed.incrementAndGet();
          return CompletableFuture.completedFuture(-1L);
        }, 1);
        long returned = System.nanoTime() - t0;
        assertFalse(f.isDone(), "the lock wait happens on the async executor");
        assertTrue(returned < TimeUnit.MILLISECONDS.toNanos(1000), "callAsync returned after " + returned + " ns");
        assertEquals(AsyncChild.value(1), f.get(60, TimeUnit.SECONDS));
        assertEquals(0, computed.get(), "the other process's future was waited for");
      }
      List<String> out = holder.finish(log);
      assertEquals(List.of("holding", "computed 2"), out);
    }
  }

  /** A JDK with virtual threads: this one, else the JDK 25 that {@code MEMOCACHE_JDK25} names, else none. */
  private static @Nullable String virtualThreadsJava() {
    if (Runtime.version().feature() >= 21) {
      return java();
    }
    String env = System.getenv("MEMOCACHE_JDK25");
    if (env == null || env.isEmpty()) {
      return null;
    }
    Path java = Path.of(env).resolve("bin").resolve("java");
    return Files.isExecutable(java) ? java.toString() : null;
  }

  @Test
  void tenThousandVirtualThreads_waitForEachOtherAndForAnotherProcess_eachKeyComputedOnce(TestInfo info)
      throws Exception {
    String vtJava = virtualThreadsJava();
    Assumptions.assumeTrue(vtJava != null, "virtual threads need JDK 21+: this JVM is "
        + Runtime.version() + " and no JDK 25 was found (set MEMOCACHE_JDK25)");
    Path dir = TestDirs.forTest(info);
    Path log = dir.resolveSibling(dir.getFileName() + ".log");
    int held = 10;
    Path go = dir.resolveSibling(dir.getFileName() + ".go");
    Files.deleteIfExists(go);
    try (Run holder = new Run(java(), List.of(), log, "hold-sync", dir.toString(), String.valueOf(held), go.toString())) {
      holder.await("holding", 60_000);
      List<String> out;
      try (Run vt = new Run(vtJava, List.of("-Djdk.virtualThreadScheduler.parallelism=2", "-Xmx512m"), log,
          "virtual", dir.toString(), "10000", "100", String.valueOf(held),
          dir.resolveSibling(dir.getFileName() + ".jfr").toString())) {
        // The other keys are done; 1,000 threads wait for the other process (10 on its locks, the rest
        // for those 10): then it may finish.
        assertEquals("waiting for the other process: 1000 threads", vt.await("waiting for the other process", 120_000));
        Files.createFile(go);
        out = vt.finish(log);
      }
      List<String> holderOut = holder.finish(log);
      assertEquals(List.of("holding", "computed " + held), holderOut);
      System.out.println("virtual threads (" + vtJava + "): " + out);
      assertEquals("computed " + (100 - held), out.get(1), "each key once: the held ones by the other process");
      assertEquals("wrong 0", out.get(2));
      // Waits that pinned would show once per waiting thread (9,900 of them); loading and initializing
      // classes pins a few threads once (JFR stacks in the child's log).
      String pinned = out.stream().filter(l -> l.startsWith("pinned ")).findFirst().orElseThrow();
      int events = Integer.parseInt(pinned.split(" ")[1]);
      assertTrue(events < 100, pinned);
    }
  }
}
