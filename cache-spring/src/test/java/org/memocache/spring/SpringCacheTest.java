package org.memocache.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.acme.shop.Line;
import org.acme.shop.Pricing;
import org.acme.shop.Quote;
import org.acme.shop.ShopConfig;
import org.acme.shop.ShopMain;
import org.acme.shop.ShopSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.Memo;
import org.memocache.MemoKeyException;
import org.memocache.testing.ChildJvm;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

class SpringCacheTest {
  private static final int KEYS = 10;

  @TempDir Path tmp;

  private Path dir() throws IOException {
    return Files.createDirectories(tmp.resolve("cache"));
  }

  private Path markers() throws IOException {
    return Files.createDirectories(tmp.resolve("markers"));
  }

  /** Computations per call ({@code quote~sku-3-4}) so far, from the marker files of every process. */
  private Map<String, Integer> computations() throws IOException {
    Map<String, Integer> n = new HashMap<>();
    try (Stream<Path> files = Files.list(markers())) {
      files.forEach(f -> {
        String[] parts = f.getFileName().toString().split("~");
        n.merge(parts[0] + "~" + parts[1], 1, Integer::sum);
      });
    }
    return n;
  }

  private static List<String> child(String... args) throws Exception {
    return lines(ChildJvm.run(List.of(), ShopMain.class, args));
  }

  /** The stdout lines of a child that exited 0. */
  static List<String> lines(ChildJvm.Result r) {
    assertEquals(0, r.exitCode(), r::toString);
    return r.lines();
  }

  @Tag("slow") // five JVMs (4 s); evictAndPutInOneJvmAreSeenByLaterJvms crosses JVMs in the fast run
  @Test
  void fourJvmsComputeEachKeyOnceAcrossThemAndALaterJvmComputesNothing() throws Exception {
    Path dir = dir();
    Path markers = markers();
    Path go = tmp.resolve("go");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<ChildJvm.Result>> jvms = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String ready = tmp.resolve("ready" + i).toString();
      jvms.add(pool.submit(() -> ChildJvm.run(List.of(), ShopMain.class, "race", dir.toString(), markers.toString(),
          ready, go.toString(), String.valueOf(KEYS))));
    }
    pool.shutdown();
    long deadline = System.nanoTime() + 120_000_000_000L;
    for (int i = 0; i < 4; i++) {
      while (!Files.exists(tmp.resolve("ready" + i))) {
        assertTrue(System.nanoTime() < deadline, "children did not start their contexts in time");
        Thread.sleep(10);
      }
    }
    Files.createFile(go);
    Map<String, Set<String>> seen = new HashMap<>();
    for (Future<ChildJvm.Result> j : jvms) {
      List<String> lines = lines(j.get());
      List<String> quotes = lines.stream().filter(l -> l.startsWith("quote ")).collect(Collectors.toList());
      assertEquals(4 * KEYS, quotes.size(), "4 threads x " + KEYS + " keys: " + lines);
      for (String q : quotes) {
        seen.computeIfAbsent(q.split(" ")[1], k -> new java.util.HashSet<>()).add(q);
      }
    }
    Map<String, Integer> computed = computations();
    for (int i = 0; i < KEYS; i++) {
      assertEquals(1, computed.get("quote~sku-" + i + "-" + (i + 1)), "sku-" + i + " computed once in all: " + computed);
      // every caller in every JVM got the one computed value (same computing pid)
      assertEquals(1, seen.get("sku-" + i).size(), seen.get("sku-" + i).toString());
    }
    assertEquals(KEYS, computed.size(), computed.toString());
    System.out.println("computed by: " + seen.values().stream().map(v -> v.iterator().next().split(" ")[4])
        .collect(Collectors.groupingBy(p -> p, Collectors.counting())));

    List<String> later = child("read", dir.toString(), markers.toString(), String.valueOf(KEYS));
    assertEquals(computed, computations(), "a later JVM computes nothing");
    for (int i = 0; i < KEYS; i++) {
      String sku = "sku-" + i;
      // the application's records, read back from disk as the racing JVMs computed them
      assertEquals(seen.get(sku).iterator().next(),
          later.stream().filter(l -> l.startsWith("quote " + sku + " ")).findFirst().orElseThrow());
    }
  }

  @Test
  void evictAndPutInOneJvmAreSeenByLaterJvms() throws Exception {
    Path dir = dir();
    Path markers = markers();
    child("read", dir.toString(), markers.toString(), "3");
    assertEquals(3, computations().size());

    child("evict", dir.toString(), markers.toString(), "sku-0", "1");
    List<String> put = child("put", dir.toString(), markers.toString(), "sku-1", "2");
    assertTrue(put.get(0).startsWith("quote sku-1 2 4.0 "), put.toString());

    List<String> later = child("read", dir.toString(), markers.toString(), "3");
    Map<String, Integer> computed = computations();
    assertEquals(2, computed.get("quote~sku-0-1"), "evicted: computed again");
    assertEquals(1, computed.get("quote~sku-1-2"), "put: not computed again");
    assertEquals(1, computed.get("quote~sku-2-3"));
    assertEquals(put.get(0), later.get(1), "the later JVM reads the value @CachePut stored");
  }

  @Test
  void evictAndPutInProcess() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), true))) {
      Pricing pricing = context.getBean(Pricing.class);
      Quote first = pricing.quote("a", 1);
      assertEquals(first, pricing.quote("a", 1));
      assertEquals(1, computations().get("quote~a-1"));

      pricing.drop("a", 1);
      pricing.quote("a", 1);
      assertEquals(2, computations().get("quote~a-1"));

      Quote repriced = pricing.reprice("a", 1);
      assertEquals(2.0, repriced.price());
      assertEquals(repriced, pricing.quote("a", 1));
      assertEquals(2, computations().get("quote~a-1"));

      pricing.quote("b", 2);
      pricing.dropAll();
      Memo memo = context.getBean(Memo.class);
      assertEquals(List.of(), memo.method("quotes").entries());
      pricing.quote("a", 1);
      assertEquals(3, computations().get("quote~a-1"));
    }
  }

  @Test
  void anExceptionOfTheMethodReachesTheCallerAndIsNotCached() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), true))) {
      Pricing pricing = context.getBean(Pricing.class);
      for (int i = 0; i < 2; i++) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pricing.unpriced("u"));
        assertEquals("no price for u", e.getMessage());
      }
      assertEquals(2, computations().get("unpriced~u"));
      assertEquals(List.of(), context.getBean(Memo.class).method("quotes").entries());
    }
  }

  @Test
  void keysAreTheMethodArgumentsHashedAsMemoCallHashesThem() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), true))) {
      Pricing pricing = context.getBean(Pricing.class);
      Memo memo = context.getBean(Memo.class);
      Quote q = pricing.quote("b", 2);
      pricing.name("b");
      List<String> all = pricing.catalogue();

      // SimpleKey(a, b): the arguments; one argument: itself; SimpleKey.EMPTY: none
      assertEquals(q, memo.method("quotes").lookup("b", 2).orElseThrow().value());
      assertEquals("B", memo.method("names").lookup("b").orElseThrow().value());
      assertEquals(all, memo.method("catalogue").lookup().orElseThrow().value());
      assertEquals(memo.method("quotes").keyOf("b", 2), memo.method("quotes").keyOf(MemoSpringCache.keyArgs(new SimpleKey("b", 2))));
      assertEquals(0, MemoSpringCache.keyArgs(SimpleKey.EMPTY).length);
      Cache names = context.getBean(MemoCacheManager.class).getCache("names");
      Runnable noIdentity = () -> { };
      MemoKeyException e = assertThrows(MemoKeyException.class, () -> names.get(noIdentity));
      assertTrue(e.getMessage().startsWith("names"), e.getMessage());

      // and what memo.call stores, Spring reads
      Quote direct = new Quote("c", 3, 1.0, 0, List.of(new Line("direct", 1.0)));
      memo.call("quotes", () -> direct, "c", 3);
      assertEquals(direct, pricing.quote("c", 3));
      assertEquals(null, computations().get("quote~c-3"));
    }
  }

  @Test
  void applicationPackagesAreAdmittedFromTheAnnotatedBeans() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), true))) {
      MemoCacheManager manager = context.getBean(MemoCacheManager.class);
      // Pricing's package, which is also Quote's; List and CompletableFuture are JDK types
      assertEquals(Set.of("org.acme.shop"), manager.getAllowedPackages());
      assertThrows(IllegalArgumentException.class, () -> manager.setAllowedPackages(List.of("not a package")));
    }
  }

  @Test
  void aValueOfAClassNotAdmittedIsReturnedButNotStored() throws Exception {
    Quote q = new Quote("d", 1, 1.0, 0, List.of());
    try (Memo memo = Memo.builder().directory(dir()).build()) {
      // no context: nothing found on annotated beans
      MemoCacheManager manager = new MemoCacheManager(memo);
      Cache quotes = manager.getCache("quotes");
      assertEquals(q, quotes.get("d", () -> q));
      assertEquals(List.of(), memo.method("quotes").entries());

      manager.setAllowedPackages(List.of("org.acme"));
      quotes.put("d", q);
      assertEquals(1, memo.method("quotes").entries().size());
    }
    try (Memo memo = Memo.builder().directory(dir()).build()) {
      MemoCacheManager manager = new MemoCacheManager(memo);
      assertNull(manager.getCache("quotes").get("d"), "a class not admitted is never decoded");
      manager.setAllowedPackages(List.of("org.acme.shop"));
      assertEquals(q, manager.getCache("quotes").get("d", Quote.class));
    }
  }

  @Test
  void withoutSyncALookupMissComputesAndPuts() throws Exception {
    Path dir = dir();
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir, markers(), true))) {
      Pricing pricing = context.getBean(Pricing.class);
      assertEquals("X", pricing.name("x"));
      assertEquals("X", pricing.name("x"));
      assertEquals(1, computations().get("name~x"));
      Cache names = context.getBean(MemoCacheManager.class).getCache("names");
      assertEquals("X", names.get("x", String.class));
      assertNull(names.get("y"));
      assertEquals("Y", names.get("y", () -> "Y"));
      assertEquals("Y", names.putIfAbsent("y", "other").get());
      assertNull(names.putIfAbsent("z", "Z"));
      assertEquals("Z", names.get("z").get());
      assertTrue(names.evictIfPresent("z"));
      assertTrue(!names.evictIfPresent("z"));
      assertTrue(names.invalidate());
      assertNull(names.get("x"));
    }
  }

  @Test
  void nullValuesAreCachedWhenAllowed() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), true))) {
      Pricing pricing = context.getBean(Pricing.class);
      assertNull(pricing.stock("none-1"));
      assertNull(pricing.stock("none-1"));
      assertEquals(1, computations().get("stock~none-1"));
      Cache.ValueWrapper w = context.getBean(MemoCacheManager.class).getCache("stock").get("none-1");
      assertNull(w.get());
    }
  }

  @Test
  void nullValuesAreRefusedWhenNotAllowed() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), false))) {
      Pricing pricing = context.getBean(Pricing.class);
      assertEquals(4, pricing.stock("four"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pricing.stock("none-2"));
      assertTrue(e.getMessage().contains("null"), e.getMessage());
    }
  }

  @Test
  void futuresAreComputedOnceAndFailedOnesAreNotCached() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), true))) {
      Pricing pricing = context.getBean(Pricing.class);
      Quote q = pricing.asyncQuote("s").get();
      assertEquals(q, pricing.asyncQuote("s").get());
      assertEquals(1, computations().get("async~s"));

      for (int i = 0; i < 2; i++) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> pricing.asyncQuote("fail").get());
        assertInstanceOf(IllegalStateException.class, e.getCause(), e.toString());
        assertEquals("no price for fail", e.getCause().getMessage());
      }
      assertEquals(2, computations().get("async~fail"), "a failed future is not cached");

      Cache async = context.getBean(MemoCacheManager.class).getCache("async");
      assertEquals(q, ((Cache.ValueWrapper) async.retrieve("s").get()).get());
      assertNull(async.retrieve("t").get());
    }
  }

  @Test
  void theNativeCacheIsTheMemo() throws Exception {
    try (AnnotationConfigApplicationContext context = ShopConfig.start(new ShopSettings(dir(), markers(), true))) {
      MemoCacheManager manager = context.getBean(MemoCacheManager.class);
      assertSame(context.getBean(Memo.class), manager.getCache("quotes").getNativeCache());
      manager.setCacheNames(List.of("quotes"));
      assertNull(manager.getCache("other"));
      assertEquals(Set.of("quotes"), Set.copyOf(manager.getCacheNames()));
    }
  }
}
