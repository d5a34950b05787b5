package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memocache.spi.ClassFilter;
import org.memocache.testing.LogCapture;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;

/** Results that are futures: one running future per key, values stored once completed, failures never kept. */
@Timeout(60)
class FutureResultsTest {
  private final RecordingTier stored = new RecordingTier();
  private final ObservedTier tier = new ObservedTier(stored);
  private final ExecutorService async = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-async"));
  private final Memo memo = Memo.builder().memoryOnly().tier(tier).asyncExecutor(async).build();
  private final LogCapture log = new LogCapture();

  @AfterEach
  void close() {
    log.close();
    memo.close();
    async.shutdownNow();
  }

  /** A lower tier whose reads can be held up, recording which threads read and store. */
  static final class ObservedTier implements Tier {
    final RecordingTier inner;
    volatile CountDownLatch readGate = new CountDownLatch(0);
    final AtomicReference<Thread> reader = new AtomicReference<>();
    final AtomicReference<Thread> storer = new AtomicReference<>();
    final CountDownLatch readStarted = new CountDownLatch(1);

    ObservedTier(RecordingTier inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return "observed";
    }

    @Override
    public Optional<StoredEntry> get(CacheKey key) {
      reader.set(Thread.currentThread());
      readStarted.countDown();
      try {
        readGate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.get(key);
    }

    @Override
    public boolean put(CacheKey key, EncodedEntry entry) {
      storer.set(Thread.currentThread());
      return inner.put(key, entry);
    }

    @Override
    public boolean remove(CacheKey key) {
      return inner.remove(key);
    }

    @Override
    public long clear(@Nullable String methodName) {
      return inner.clear(methodName);
    }

    @Override
    public List<EntryInfo> entries(@Nullable String methodName) {
      return inner.entries(methodName);
    }

    @Override
    public void close() {}
  }

  @Test
  void concurrentCallers_shareOneRunningFuture_andItsValueIsStored() throws Exception {
    CompletableFuture<double[]> running = new CompletableFuture<>();
    AtomicInteger computed = new AtomicInteger();
    int threads = 8;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<CompletableFuture<double[]>>> got = new java.util.ArrayList<>();
    for (int i = 0; i < threads; i++) {
      got.add(callers.submit(() -> {
        start.await();
        return memo.call("fit", () -> {
          computed.incrementAndGet();
          return running;
        }, 7);
      }));
    }
    start.countDown();
    for (java.util.concurrent.Future<CompletableFuture<double[]>> f : got) {
      assertSame(running, f.get(30, TimeUnit.SECONDS), "every caller gets the one running future");
    }
    callers.shutdown();
    assertEquals(1, computed.get());
    assertEquals(0, stored.puts.get(), "nothing is stored while the future runs");
    running.complete(new double[] {1, 2});
    // memo.call's futures stay in memory: a later run could not tell that call must return a future.
    assertSame(running, memo.call("fit", () -> {
      computed.incrementAndGet();
      return new CompletableFuture<double[]>();
    }, 7));
    assertEquals(1, computed.get());

    CompletableFuture<String> body = new CompletableFuture<>();
    CompletableFuture<String> first = memo.callAsync("name", () -> {
      computed.incrementAndGet();
      return body;
    }, 7);
    CompletableFuture<String> second = memo.callAsync("name", () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture("other");
    }, 7);
    assertFalse(first.isDone());
    assertFalse(second.isDone());
    body.complete("value");
    assertEquals("value", first.get(30, TimeUnit.SECONDS));
    assertEquals("value", second.get(30, TimeUnit.SECONDS));
    assertEquals(2, computed.get());
    awaitPuts(1);
    CacheKey key = memo.method("name").keyOf(7).orElseThrow();
    assertEquals("value", stored.value(key), "the value is stored, not the future");
    CompletableFuture<String> hit = memo.callAsync("name", () -> {
      throw new AssertionError("computed again");
    }, 7);
    assertTrue(hit.isDone(), "a memory hit is a completed future on the calling thread");
    assertEquals("value", hit.join());
    assertEquals(List.of("MemoCache: fit is a Memo.call whose result is a CompletableFuture: its value is kept in"
        + " memory only, since a later run could not tell that it must return a future; use Memo.callAsync to"
        + " store it"), log.messages(Level.WARNING));
  }

  @Test
  void failedAndCancelledFutures_areNotKept_theNextCallComputesAgain() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    CompletableFuture<String> failing = new CompletableFuture<>();
    CompletableFuture<String> f = memo.callAsync("fails", () -> {
      computed.incrementAndGet();
      return failing;
    }, 1);
    drain(); // the body ran and returned its running future
    CompletableFuture<String> sharer = memo.callAsync("fails", () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture("no");
    }, 1);
    failing.completeExceptionally(new IllegalStateException("boom"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    assertEquals("boom", e.getCause().getMessage());
    assertThrows(ExecutionException.class, () -> sharer.get(30, TimeUnit.SECONDS), "it shared the failing future");
    assertEquals(1, computed.get());
    drain();
    assertEquals("ok", memo.callAsync("fails", () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture("ok");
    }, 1).get(30, TimeUnit.SECONDS));
    assertEquals(2, computed.get(), "the failure was not kept");

    CompletableFuture<String> cancelled = new CompletableFuture<>();
    CompletableFuture<String> c = memo.call("cancels", () -> {
      computed.incrementAndGet();
      return cancelled;
    }, 1);
    c.cancel(true);
    assertThrows(CancellationException.class, c::join);
    drain();
    assertTrue(memo.<CompletableFuture<String>>call("cancels", () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture("again");
    }, 1).isDone());
    assertEquals(4, computed.get(), "the cancelled future was not kept");

    CompletableFuture<String> thrown = memo.callAsync("throws", () -> {
      throw new IllegalArgumentException("bad");
    }, 1);
    CompletionException ce = assertThrows(CompletionException.class, thrown::join);
    assertEquals("bad", ce.getCause().getMessage());
    assertEquals(1, stored.puts.get(), "only the completed value was stored");
    assertEquals(List.of(
        "MemoCache: not caching a result of fails: the CompletableFuture it returned failed",
        "MemoCache: not caching a result of cancels: the CompletableFuture it returned was cancelled",
        "MemoCache: cancels is a Memo.call whose result is a CompletableFuture: its value is kept in memory only,"
            + " since a later run could not tell that it must return a future; use Memo.callAsync to store it"),
        log.messages(Level.WARNING));
  }

  @Test
  void aStoredValue_comesBackAsACompletedFuture_withoutComputing() throws Exception {
    assertEquals(42, memo.callAsync("answer", () -> CompletableFuture.supplyAsync(() -> 42), "q").get(30, TimeUnit.SECONDS));
    awaitPuts(1);
    try (Memo fresh = Memo.builder().memoryOnly().tier(stored).build()) {
      CompletableFuture<Integer> f = fresh.callAsync("answer", () -> {
        throw new AssertionError("computed although stored");
      }, "q");
      assertEquals(42, f.get(30, TimeUnit.SECONDS));
      assertEquals(Integer.valueOf(42), fresh.method("answer").<Integer>lookup("q").orElseThrow().value());
      assertEquals(42, fresh.callAsync("answer", () -> {
        throw new AssertionError("computed although in memory");
      }, "q").join());
    }
  }

  @Test
  void callAsync_readsAndStoresOnTheAsyncExecutor_neverOnTheCallerOrTheCompletingThread() throws Exception {
    tier.readGate = new CountDownLatch(1);
    CompletableFuture<String> body = new CompletableFuture<>();
    long t0 = System.nanoTime();
    CompletableFuture<String> f = memo.callAsync("slow-read", () -> body, 3);
    long returnedAfter = System.nanoTime() - t0;
    assertTrue(tier.readStarted.await(30, TimeUnit.SECONDS), "the read started");
    assertFalse(f.isDone(), "the caller returned while the read is held up");
    assertEquals("test-async", tier.reader.get().getName());
    assertTrue(returnedAfter < TimeUnit.SECONDS.toNanos(5), "returned after " + returnedAfter + " ns");
    tier.readGate.countDown();
    Thread eventLoop = new Thread(() -> body.complete("v"), "event-loop");
    eventLoop.start();
    eventLoop.join();
    assertEquals("v", f.get(30, TimeUnit.SECONDS));
    awaitPuts(1);
    assertEquals("test-async", tier.storer.get().getName(), "the completing thread does not write");
  }

  @Test
  void aCallerWaitingForAnotherThreadsComputation_isNotBlocked() throws Exception {
    CountDownLatch bodyRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger computed = new AtomicInteger();
    ExecutorService other = Executors.newSingleThreadExecutor();
    java.util.concurrent.Future<String> sync = other.submit(() -> memo.call("slow", () -> {
      computed.incrementAndGet();
      bodyRunning.countDown();
      await(release);
      return "done";
    }, 5));
    assertTrue(bodyRunning.await(30, TimeUnit.SECONDS));
    CompletableFuture<Object> waiting = memo.callAsync("slow", () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture("again");
    }, 5);
    assertFalse(waiting.isDone());
    release.countDown();
    assertEquals("done", sync.get(30, TimeUnit.SECONDS));
    assertEquals("done", waiting.get(30, TimeUnit.SECONDS));
    assertEquals(1, computed.get());
    other.shutdown();
  }

  @Test
  void theSameThread_callingAgainWhileItsFutureRuns_getsIt() {
    CompletableFuture<Integer> running = new CompletableFuture<>();
    CompletableFuture<Integer> a = memo.call("again", () -> running, 1);
    CompletableFuture<Integer> b = memo.call("again", () -> new CompletableFuture<Integer>(), 1);
    assertSame(a, b, "not taken for a recursive call of the same key");
    running.complete(1);
  }

  private static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitPuts(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (stored.puts.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(n, stored.puts.get());
  }

  /** Waits for the tasks queued on the single async thread: the handling of a completed future among them. */
  private void drain() throws Exception {
    async.submit(() -> {}).get(30, TimeUnit.SECONDS);
  }
}
