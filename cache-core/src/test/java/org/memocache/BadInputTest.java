package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.memocache.testing.LogCapture;

/**
 * Calls that used to fail obscurely or hang: a {@code null} argument array, an argument changed by
 * another thread while it is hashed, an overlong name, a wait for another thread that can never end,
 * and waiters of a computation that throws.
 */
class BadInputTest {
  final Memo memo = Memo.builder().memoryOnly().build();

  @AfterEach
  void close() {
    memo.close();
  }

  @Test
  void nullArgumentArray_isRefusedNamingTheCall() {
    AtomicInteger computed = new AtomicInteger();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> memo.call("area", computed::incrementAndGet, (Object[]) null));
    assertEquals("memoized call \"area\": the key arguments are a null array; pass no arguments for none, or"
        + " (Object) null for one null argument", e.getMessage());
    assertEquals(0, computed.get());
    assertThrows(IllegalArgumentException.class, () -> memo.method("area").lookup((Object[]) null));
    assertThrows(IllegalArgumentException.class, () -> memo.method("area").invalidate((Object[]) null));
    // One null argument and no arguments are two different, valid keys.
    assertEquals(1, (int) memo.call("area", computed::incrementAndGet, (Object) null));
    assertEquals(2, (int) memo.call("area", computed::incrementAndGet));
    assertEquals(1, (int) memo.call("area", computed::incrementAndGet, (Object) null));
  }

  @Test
  void listChangedByAnotherThreadWhileHashed_isAKeyErrorNamingTheParameter() throws Exception {
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      list.add(i);
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread mutator = new Thread(() -> {
      while (!stop.get()) {
        list.add(-1);
        list.remove(list.size() - 1);
      }
    });
    mutator.start();
    int keyErrors = 0;
    try {
      for (int i = 0; i < 200; i++) {
        try {
          assertEquals(7, (int) memo.call("total", () -> 7, list));
        } catch (MemoKeyException e) {
          keyErrors++;
          assertEquals("total: parameter 0 (arg0) changed while it was being hashed (another thread modifies it"
              + " during the call)", e.getMessage());
        }
      }
    } finally {
      stop.set(true);
      mutator.join();
    }
    // Which calls catch the mutator mid-hash is timing; what callers get never is a raw
    // ConcurrentModificationException (it would have failed the loop above).
    assertEquals(keyErrors, memo.stats().keyFailures());
  }

  /** Marks where the list below is changed while it is hashed, deterministically. */
  record Changer(List<Object> target) {}

  @Test
  void listChangedWhileHashed_everyAttempt_namesTheParameter() {
    try (Memo m = Memo.builder().memoryOnly()
        .keyEncoder(Changer.class, (c, sink) -> {
          c.target().add(0); // what another thread would do meanwhile
          sink.putInt(1);
        }).build()) {
      List<Object> list = new ArrayList<>(List.of(1, 2, 3));
      list.add(1, new Changer(list));
      AtomicInteger computed = new AtomicInteger();
      MemoKeyException e = assertThrows(MemoKeyException.class,
          () -> m.call("table", computed::incrementAndGet, "id", list));
      assertEquals("table: parameter 1 (arg1) changed while it was being hashed (another thread modifies it"
          + " during the call)", e.getMessage());
      assertTrue(e.getCause() instanceof java.util.ConcurrentModificationException, String.valueOf(e.getCause()));
      assertEquals(0, computed.get());
      assertEquals(1, m.stats().keyFailures());
    }
  }

  @Test
  void overlongName_isRefusedWhereItIsGiven() {
    String name = "x".repeat(70_000);
    String expected = "a memoized call name must be at most 1000 characters; \"" + "x".repeat(60)
        + "\u2026\" has 70000";
    assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> memo.call(name, () -> 1, 2))
        .getMessage());
    assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> memo.method(name)).getMessage());
    assertEquals(expected, assertThrows(IllegalArgumentException.class,
        () -> Memo.builder().memoryOnly().shareResults(name)).getMessage());
    String longest = "y".repeat(Memo.MAX_NAME_LENGTH);
    assertEquals(3, (int) memo.call(longest, () -> 3, 2));
    assertEquals(3, (int) memo.call(longest, () -> 4, 2));
  }

  @Test
  void waitForAnotherThreadOfThisJvm_isBoundedByLockTimeout() throws Exception {
    try (Memo m = Memo.builder().memoryOnly().lockTimeout(Duration.ofMillis(500)).build();
        LogCapture log = new LogCapture()) {
      ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "helper"));
      long start = System.nanoTime();
      try {
        // The supplier waits for another thread that calls the same key: that thread waits for
        // this one, which never finishes first; the bound breaks the cycle.
        int r = m.call("cycle", () -> {
          Thread.currentThread().setName("outer");
          try {
            return pool.submit(() -> m.call("cycle", () -> 41, 1)).get(30, TimeUnit.SECONDS) + 1;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, 1);
        assertEquals(42, r);
      } finally {
        pool.shutdownNow();
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis >= 500 && millis < 10_000, millis + " ms");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).matches("MemoCache: waited 5\\d\\d(\\.\\d)? ms for thread outer of this process \\(memory\\);"
          + " computing cycle\\(1\\) here too"), warnings.get(0));
    }
  }

  @Test
  void waitersOfAThrowingComputation_getItsFailureWithoutComputingAgain() throws Exception {
    AtomicInteger computations = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("boom");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> calls = new ArrayList<>();
      Runnable call = () -> memo.call("fails", () -> {
        computations.incrementAndGet();
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw boom;
      }, 5);
      calls.add(pool.submit(call));
      assertTrue(started.await(10, TimeUnit.SECONDS));
      for (int i = 1; i < 8; i++) {
        calls.add(pool.submit(call));
      }
      Thread.sleep(300); // the seven are waiting for the first
      release.countDown();
      for (Future<?> f : calls) {
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() == boom, String.valueOf(e.getCause()));
      }
      assertEquals(1, computations.get());
      assertEquals(1, memo.stats().loadFailures());
      // Nothing was cached: the next call computes.
      assertEquals(9, (int) memo.call("fails", () -> 9, 5));
    } finally {
      pool.shutdownNow();
    }
  }
}
