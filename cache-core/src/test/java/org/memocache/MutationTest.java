package org.memocache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.memocache.internal.MethodSpec;
import org.memocache.testing.LogCapture;

/** Methods that change their own inputs are detected on the miss and never memoized again. */
class MutationTest {
  final Memo memo = Memo.builder().memoryOnly().build();
  final LogCapture log = new LogCapture();

  @AfterEach
  void close() {
    log.close();
    memo.close();
  }

  private List<String> warnings() {
    return log.messages(Level.WARNING);
  }

  /** A third-party-like mutable value: an array field and no no-arg constructor. */
  static final class Mat {
    final int rows;
    final double[] data;

    Mat(int rows, double... data) {
      this.rows = rows;
      this.data = data;
    }
  }

  @Test
  void outputArray_isDetected_notStored_andTheMethodComputesFromThenOn() {
    AtomicInteger computed = new AtomicInteger();
    double[] in = {1, 2};
    double[] out = new double[2];
    double r = memo.call("scaleInto", () -> {
      computed.incrementAndGet();
      out[0] = in[0] * 10;
      out[1] = in[1] * 10;
      return 1.0;
    }, in, out);
    assertEquals(1.0, r);
    assertArrayEquals(new double[] {10, 20}, out);
    assertEquals(List.of("MemoCache: not memoizing scaleInto any more: its parameter 1 (arg1) changed while"
        + " it ran (the method writes into it, or another thread did), and a cached result would skip that"
        + " change; it is computed on every call"), warnings());

    double[] out2 = new double[2];
    memo.call("scaleInto", () -> {
      computed.incrementAndGet();
      out2[0] = 7;
      return 1.0;
    }, in, out2);
    assertEquals(2, computed.get(), "the second call computed: nothing was stored");
    assertEquals(7, out2[0]);
    assertEquals(1, memo.stats().unmemoizedCalls());
    assertEquals(1, memo.stats().misses());
    assertEquals(0, memo.stats().hits());
    assertEquals(1, warnings().size(), "one warning");
  }

  @Test
  void listAndMapArguments_areWatched() {
    List<Integer> list = new ArrayList<>(List.of(1, 2));
    memo.call("appendTo", () -> list.add(3), "x", list);
    Map<String, Integer> map = new HashMap<>();
    memo.call("putInto", () -> map.put("k", 1), map);
    assertEquals(List.of(
        "MemoCache: not memoizing appendTo any more: its parameter 1 (arg1) changed while it ran (the method"
            + " writes into it, or another thread did), and a cached result would skip that change; it is"
            + " computed on every call",
        "MemoCache: not memoizing putInto any more: its parameter 0 (arg0) changed while it ran (the method"
            + " writes into it, or another thread did), and a cached result would skip that change; it is"
            + " computed on every call"), warnings());
    memo.call("appendTo", () -> list.add(4), "x", list);
    assertEquals(List.of(1, 2, 3, 4), list);
  }

  @Test
  void thirdPartyObjectArgument_isWatchedThroughItsFields() {
    Mat a = new Mat(1, 4, 2);
    Mat inv = new Mat(1, 0, 0);
    memo.call("invert", () -> {
      inv.data[0] = 1 / a.data[0];
      inv.data[1] = 1 / a.data[1];
      return null;
    }, a, inv);
    assertEquals(1, warnings().size());
    assertTrue(warnings().get(0).startsWith("MemoCache: not memoizing invert any more: its parameter 1 (arg1)"
        + " changed"), warnings().get(0));
    Mat inv2 = new Mat(1, 0, 0);
    memo.call("invert", () -> {
      inv2.data[0] = 1 / a.data[0];
      return null;
    }, a, inv2);
    assertEquals(0.25, inv2.data[0], "computed, not a hit that would leave it 0");
  }

  @Test
  void pureMethod_withMutableArguments_isStoredAndHits() {
    AtomicInteger computed = new AtomicInteger();
    double[] in = {1, 2, 3};
    for (int i = 0; i < 3; i++) {
      double sum = memo.call("sumOf", () -> {
        computed.incrementAndGet();
        return in[0] + in[1] + in[2];
      }, (Object) in);
      assertEquals(6.0, sum);
    }
    assertEquals(1, computed.get());
    assertEquals(List.of(), warnings());
    assertEquals(0, memo.stats().unmemoizedCalls());
  }

  @Test
  void pureMethod_whoseResultShapeIsInItsKey_isStoredAndHits() {
    // The shape of a declared result type is hashed into the key: watching the arguments must hash
    // the same way, or every such method would look as if it changed its arguments.
    MethodSpec spec = MethodSpec.woven(new MethodId("Stats#summarize", "([D)LSummary;", 0, 0), new String[] {"xs"},
        new boolean[1], new boolean[1], c -> true, -1, 0x5eedL);
    AtomicInteger computed = new AtomicInteger();
    double[] xs = {1, 2, 3};
    for (int i = 0; i < 3; i++) {
      assertEquals(6.0, memo.engine().call(spec, null, new Object[] {xs}, () -> {
        computed.incrementAndGet();
        return xs[0] + xs[1] + xs[2];
      }));
    }
    assertEquals(1, computed.get());
    assertEquals(List.of(), warnings());
    assertEquals(0, memo.stats().unmemoizedCalls());
  }

  @Test
  void methodThatMutatesOnlySometimes_isCaughtAtItsFirstMutatingCall() {
    AtomicInteger computed = new AtomicInteger();
    int[] state = new int[1];
    for (int n : new int[] {2, 2, 3, 2, 4}) {
      memo.call("oddWrites", () -> {
        computed.incrementAndGet();
        if (n % 2 == 1) {
          state[0]++;
        }
        return n;
      }, n, state);
    }
    // 2 computes, 2 hits, 3 computes and is caught, then 2 and 4 compute without the cache.
    assertEquals(4, computed.get());
    assertEquals(1, memo.stats().memoryHits());
    assertEquals(2, memo.stats().unmemoizedCalls());
    assertEquals(List.of("MemoCache: not memoizing oddWrites any more: its parameter 1 (arg1) changed while it"
        + " ran (the method writes into it, or another thread did), and a cached result would skip that"
        + " change; it is computed on every call"), warnings());
    assertFalse(memo.method("oddWrites").contains(2, state), "earlier results are dropped from memory");
  }

  @Test
  void receiverChangedByAnInstanceMethod_isNamed() throws Exception {
    Mat self = new Mat(1, 5);
    MethodSpec spec = MethodSpec.woven(new MethodId("Mat#scale", "(D)V", 0, 0), new String[] {"factor"},
        new boolean[1], new boolean[1], c -> true, -1, 0L).withReceiverInKey();
    memo.engine().call(spec, self, new Object[] {2.0}, () -> {
      self.data[0] *= 2;
      return null;
    });
    assertEquals(List.of("MemoCache: not memoizing Mat#scale(double) any more: its receiver"
        + " (org.memocache.MutationTest$Mat) changed while it ran (the method writes into it, or another thread"
        + " did), and a cached result would skip that change; it is computed on every call"), warnings());
    memo.engine().call(spec, self, new Object[] {2.0}, () -> {
      self.data[0] *= 2;
      return null;
    });
    assertEquals(20, self.data[0]);
  }

  @Test
  void argumentChangedByAnotherThreadWhileComputing_isNotStored() throws Exception {
    double[] shared = {1, 2};
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch changed = new CountDownLatch(1);
    Thread other = new Thread(() -> {
      try {
        running.await();
        shared[0] = 99;
        changed.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    other.start();
    double r = memo.call("sumRacy", () -> {
      double s = shared[0] + shared[1];
      running.countDown();
      try {
        assertTrue(changed.await(10, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return s;
    }, (Object) shared);
    other.join();
    assertEquals(3.0, r);
    assertFalse(memo.method("sumRacy").contains((Object) new double[] {99, 2}), "3.0 is not stored under {99, 2}");
    assertEquals(1, warnings().size());
    assertTrue(warnings().get(0).startsWith("MemoCache: not memoizing sumRacy any more: its parameter 0 (arg0)"
        + " changed while it ran"), warnings().get(0));
  }
}
