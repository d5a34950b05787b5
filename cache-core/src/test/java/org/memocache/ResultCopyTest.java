package org.memocache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.memocache.annotations.Memoize;
import org.memocache.internal.WovenMethods;
import org.memocache.testing.LogCapture;

/** Callers may mutate what they get: the memory tier keeps its own copy of results that can change. */
class ResultCopyTest {
  final Memo memo = Memo.builder().memoryOnly().shareResults("sharedArray").build();
  final LogCapture log = new LogCapture();

  @AfterEach
  void close() {
    log.close();
    memo.close();
  }

  record Series(String name, double[] values) {}

  record Point(String label, int x, List<String> tags) {}

  /** No no-arg constructor, an array field: copied by Kryo. */
  static final class Mat {
    final int rows;
    final double[] data;

    Mat(int rows, double... data) {
      this.rows = rows;
      this.data = data;
    }
  }

  @Test
  void mutatingAReturnedArray_doesNotChangeLaterHits() {
    double[] first = memo.call("arr", () -> new double[] {1, 2}, 1);
    first[0] = 42;
    double[] second = memo.call("arr", () -> new double[] {-1}, 1);
    assertArrayEquals(new double[] {1, 2}, second, "the miss's own return is the caller's");
    second[1] = 42;
    double[] third = memo.call("arr", () -> new double[] {-1}, 1);
    assertArrayEquals(new double[] {1, 2}, third);
    assertNotSame(second, third);
  }

  @Test
  void twoDimensionalArrays_areCopiedDeeply() {
    double[][] m = memo.call("grid", () -> new double[][] {{1, 2}, {3, 4}}, 1);
    m[1][0] = 42;
    double[][] hit = memo.call("grid", () -> null, 1);
    assertEquals(3, hit[1][0]);
  }

  @Test
  void listsAndMapsHoldingArrays_areCopiedDeeply() {
    List<double[]> l = memo.call("list", () -> new ArrayList<>(List.of(new double[] {1})), 1);
    l.get(0)[0] = 42;
    l.add(new double[] {7});
    List<double[]> hit = memo.call("list", () -> null, 1);
    assertEquals(1, hit.size());
    assertEquals(1, hit.get(0)[0]);
    assertEquals(ArrayList.class, hit.getClass());

    Map<String, double[]> m = memo.call("map", () -> new HashMap<>(Map.of("a", new double[] {1})), 1);
    m.get("a")[0] = 42;
    m.put("b", new double[0]);
    Map<String, double[]> mh = memo.call("map", () -> null, 1);
    assertEquals(Map.of("a", 1.0), Map.of("a", mh.get("a")[0]));
    assertEquals(1, mh.size());

    List<double[]> immutableOfMutable = memo.call("listOf", () -> List.of(new double[] {1}), 1);
    immutableOfMutable.get(0)[0] = 42;
    assertEquals(1, memo.<List<double[]>>call("listOf", () -> null, 1).get(0)[0]);
  }

  @Test
  void unmodifiableViewsAndSortedContainers_areCopied() {
    List<String> backing = new ArrayList<>(List.of("a"));
    List<String> view = memo.call("view", () -> java.util.Collections.unmodifiableList(backing), 1);
    backing.add("b");
    assertEquals(List.of("a", "b"), view, "the caller's view is its own");
    assertEquals(List.of("a"), memo.call("view", () -> null, 1), "memory kept a copy of what was returned");

    java.util.TreeMap<String, Integer> byLength = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
    byLength.put("a", 1);
    byLength.put("b", 2);
    java.util.TreeMap<String, Integer> t = memo.call("tree", () -> byLength, 1);
    t.clear();
    java.util.TreeMap<String, Integer> hit = memo.call("tree", () -> null, 1);
    assertEquals(List.of("b", "a"), new ArrayList<>(hit.keySet()), "same comparator");
  }

  @Test
  void recordWithAnArrayField_isCopied() {
    Series s = memo.call("series", () -> new Series("s", new double[] {1, 2}), 1);
    s.values()[0] = 42;
    Series hit = memo.call("series", () -> null, 1);
    assertEquals(1, hit.values()[0]);
    assertEquals("s", hit.name());
  }

  @Test
  void thirdPartyMutableObject_isCopied() {
    Mat m = memo.call("mat", () -> new Mat(1, 1, 2), 1);
    m.data[0] = 42;
    Mat hit = memo.call("mat", () -> null, 1);
    assertEquals(1, hit.data[0]);
    assertEquals(1, hit.rows);
    hit.data[1] = 42;
    assertEquals(2, memo.<Mat>call("mat", () -> null, 1).data[1]);
    assertEquals(List.of(), log.messages(Level.WARNING));
  }

  @Test
  void immutableValues_areNotCopied() {
    String s = memo.call("str", () -> new String("abc"), 1);
    assertSame(s, memo.call("str", () -> null, 1));
    Point p = memo.call("point", () -> new Point("p", 1, List.of("a")), 1);
    assertSame(p, memo.call("point", () -> null, 1));
    List<String> l = memo.call("strings", () -> List.of("a", "b"), 1);
    assertSame(l, memo.call("strings", () -> null, 1));
  }

  @Test
  void sharedResults_areHandedOutAsTheyAre() {
    double[] first = memo.call("sharedArray", () -> new double[] {1, 2}, 1);
    double[] hit = memo.call("sharedArray", () -> null, 1);
    assertSame(first, hit);
  }

  @Memoize(shared = true)
  static double[] sharedMethod() {
    return new double[0];
  }

  @Memoize
  static double[] copiedMethod() {
    return new double[0];
  }

  @Test
  void sharedAttribute_reachesTheWovenSpec() throws Exception {
    Method shared = ResultCopyTest.class.getDeclaredMethod("sharedMethod");
    Method copied = ResultCopyTest.class.getDeclaredMethod("copiedMethod");
    assertTrue(WovenMethods.spec(shared, WovenMethods.settingsOf(shared), 0, memo.config()).shared());
    assertEquals(false, WovenMethods.spec(copied, WovenMethods.settingsOf(copied), 0, memo.config()).shared());
    assertTrue(MemoizeSettings.defaults().withShared(true).shared());
  }

  @Test
  void memoryLookup_reportsWhenTheResultWasCreated() {
    Instant before = Instant.now();
    memo.call("created", () -> new double[] {1}, 1);
    CachedResult<double[]> r = memo.method("created").<double[]>lookup(1).orElseThrow();
    assertTrue(!r.info().created().isBefore(before.minusSeconds(1)), r.info().toString());
    assertNotEquals(Instant.EPOCH, r.info().created());
  }

  @Test
  void failedFuture_isNotCached_runningAndCompletedFuturesAreShared() {
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      CompletableFuture<Double> f = memo.call("failing", () -> {
        computed.incrementAndGet();
        return CompletableFuture.failedFuture(new IllegalStateException("no"));
      }, 1);
      assertTrue(f.isCompletedExceptionally());
    }
    assertEquals(2, computed.get());
    CompletableFuture<Double> running = memo.call("running", CompletableFuture::new, 1);
    assertSame(running, memo.call("running", CompletableFuture::new, 1), "one running future per key");
    CompletableFuture<Double> done = memo.call("done", () -> CompletableFuture.completedFuture(1.0), 1);
    assertSame(done, memo.call("done", () -> null, 1));
    assertEquals(List.of(
        "MemoCache: not caching a result of failing: the CompletableFuture it returned failed"),
        log.messages(Level.WARNING));
  }
}
