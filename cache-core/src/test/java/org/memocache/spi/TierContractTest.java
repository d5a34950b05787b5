package org.memocache.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.MethodId;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;

/**
 * What every {@link Tier} must do, whatever it stores its entries in. A tier's tests extend this
 * class (from cache-core's test-jar) with fresh storage per test, a way to open the tier on it and a
 * way to damage a stored entry; the tests here then check round trips of every kind of value,
 * misses, concurrent publication of one key, damaged and foreign entries, key locks and the
 * capabilities the tier reports.
 */
public abstract class TierContractTest {

  /** The optional capabilities of a tier, as its {@code Optional}-returning methods report them. */
  public enum Capability {
    /** {@link Tier#locks()}. */
    LOCKS,
    /** {@link Tier#map}. */
    MAP,
    /** {@link Tier#partials()}. */
    PARTIALS,
    /** {@link Tier#verdicts()}. */
    VERDICTS,
    /** {@link Tier#findKey}. */
    FIND_KEY
  }

  /** A result class the {@code kryo} codec stores. */
  public record Sample(String label, int[] counts, List<String> tags) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Sample s && s.label.equals(label) && Arrays.equals(s.counts, counts) && s.tags.equals(tags);
    }

    @Override
    public int hashCode() {
      return label.hashCode() * 31 + Arrays.hashCode(counts);
    }
  }

  protected static final MethodId METHOD = new MethodId("contract", "(I)Ljava/lang/Object;", 1, 0xC0FFEEL);
  protected static final ClassFilter CLASSES = AllowLists.forMethod(null, List.of("org.memocache.spi"));
  private static final int MB16 = 2_000_000;

  /** The tier under test, opened on this test's storage with the built-in codecs. */
  protected Tier tier;

  /** Prepares fresh, empty storage for one test. */
  protected abstract void newStorage(TestInfo test) throws Exception;

  /** Opens the tier under test on this test's storage with {@code codecs}; several may be open at once. */
  protected abstract Tier open(List<ValueCodec> codecs) throws Exception;

  /** Changes one byte of the payload stored for {@code key}, as a storage fault would. */
  protected abstract void damage(Tier tier, CacheKey key) throws Exception;

  /** The capabilities the tier under test offers. */
  protected abstract Set<Capability> capabilities();

  @BeforeEach
  void openTier(TestInfo test) throws Exception {
    newStorage(test);
    tier = open(Codecs.builtIns());
  }

  @AfterEach
  void closeTier() {
    tier.close();
  }

  protected static CacheKey key(int n) {
    return key(METHOD, n);
  }

  protected static CacheKey key(MethodId method, int n) {
    return new CacheKey(method, 0xC0DE_0000L + n, 0x0123_4567_89ab_cdefL * (n + 1));
  }

  protected static Tier.Metadata meta(String summary) {
    return new Tier.Metadata(summary, Instant.parse("2026-01-02T03:04:05Z"), Duration.ofMillis(1500), CLASSES);
  }

  protected static double[] doubles(int n, double seed) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = seed + i * 0.5;
    }
    return a;
  }

  private @Nullable Object read(Tier t, CacheKey key) {
    return t.get(key, CLASSES).orElseThrow(() -> new AssertionError("a miss for " + key)).value();
  }

  @Test
  void roundTrip_ofEveryKindOfValue() {
    Object[] values = {null, "h\u00e9llo", 42L, new int[] {1, 2, 3}, new double[][] {{1, 2}, {3, 4}},
        new Sample("s", new int[] {7, 8}, List.of("a", "b")), new ArrayList<>(List.of(1, "two", 3.0)),
        doubles(MB16, 1)};
    for (int i = 0; i < values.length; i++) {
      CacheKey key = key(i);
      assertTrue(tier.put(key, values[i], meta("v" + i)), "stored value " + i);
    }
    for (int i = 0; i < values.length; i++) {
      CacheKey key = key(i);
      Tier.Hit hit = tier.get(key, CLASSES).orElseThrow(() -> new AssertionError("a miss for " + key));
      // Deep: nested arrays are compared element by element.
      assertArrayEquals(new Object[] {values[i]}, new Object[] {hit.value()}, "value " + i);
      EntryInfo info = hit.info();
      assertEquals(METHOD.name(), info.method());
      assertEquals(key.hex(), info.key());
      assertEquals("v" + i, info.argsSummary());
      assertEquals(Instant.parse("2026-01-02T03:04:05Z"), info.created());
      assertEquals(Duration.ofMillis(1500), info.computeTime());
      assertTrue(info.sizeBytes() > 0, "size of value " + i);
    }
    Object first = read(tier, key(7));
    assertNotSame(first, read(tier, key(7)), "each hit decodes a value of its own");
    assertEquals(Tier.Counters.NONE, tier.counters());
  }

  @Test
  void absentKeys_areMisses() {
    assertTrue(tier.get(key(1), CLASSES).isEmpty());
    assertFalse(tier.remove(key(1)));
    assertTrue(tier.put(key(1), "one", meta("1")));
    assertTrue(tier.get(key(2), CLASSES).isEmpty(), "another key");
    assertTrue(tier.remove(key(1)));
    assertTrue(tier.get(key(1), CLASSES).isEmpty(), "removed");
    assertFalse(tier.remove(key(1)));
    assertEquals(Tier.Counters.NONE, tier.counters(), "a miss is no problem");
  }

  @Test
  void entryOfAnotherMethodIdentity_isAMiss_andStays() {
    assertTrue(tier.put(key(1), "v1", meta("1")));
    MethodId changed = new MethodId(METHOD.name(), METHOD.descriptor(), METHOD.version() + 1,
        METHOD.codeFingerprint());
    MethodId recompiled = new MethodId(METHOD.name(), METHOD.descriptor(), METHOD.version(),
        METHOD.codeFingerprint() + 1);
    assertTrue(tier.get(key(changed, 1), CLASSES).isEmpty(), "another version");
    assertTrue(tier.get(key(recompiled, 1), CLASSES).isEmpty(), "another bytecode fingerprint");
    assertEquals("v1", read(tier, key(1)), "the entry of the other identity is left alone");
    assertEquals(0, tier.counters().corrupt());
  }

  @Test
  void entryOfAnotherCodecVersion_isAForeignMiss_leftInPlace() throws Exception {
    try (Tier v1 = open(List.of(new TextCodec(1)))) {
      assertTrue(v1.put(key(1), "written by v1", meta("1")));
    }
    try (Tier v2 = open(List.of(new TextCodec(2)))) {
      assertTrue(v2.get(key(1), CLASSES).isEmpty());
      assertEquals(1, v2.counters().foreign(), "counted as foreign");
      assertEquals(0, v2.counters().corrupt(), "not damage");
    }
    try (Tier v1 = open(List.of(new TextCodec(1)))) {
      assertEquals("written by v1", read(v1, key(1)), "left in place for the program that wrote it");
    }
  }

  @Test
  void damagedEntry_isACountedMiss_andCanBeStoredAgain() throws Exception {
    assertTrue(tier.put(key(1), doubles(300_000, 2), meta("big")));
    assertTrue(tier.put(key(2), new Sample("small", new int[] {1}, List.of()), meta("small")));
    for (int k = 1; k <= 2; k++) {
      damage(tier, key(k));
      assertTrue(tier.get(key(k), CLASSES).isEmpty(), "damaged entry " + k);
    }
    assertEquals(2, tier.counters().corrupt());
    assertEquals(0, tier.counters().foreign());
    assertTrue(tier.put(key(1), doubles(300_000, 2), meta("big")));
    assertArrayEquals(doubles(300_000, 2), (double[]) read(tier, key(1)));
  }

  @Test
  void concurrentPublishOfOneKey_readersSeeOneWholeValue() throws Exception {
    int writers = 6;
    int n = 300_000; // 2.4 MB: more than one write buffer, so publication is not one write
    CacheKey key = key(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger hits = new AtomicInteger();
      List<Future<Boolean>> puts = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        double[] value = new double[n];
        Arrays.fill(value, w);
        puts.add(pool.submit(() -> {
          start.await();
          return tier.put(key, value, meta("w"));
        }));
      }
      List<Future<?>> reads = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        reads.add(pool.submit(() -> {
          start.await();
          while (writing.get()) {
            Optional<Tier.Hit> h = tier.get(key, CLASSES);
            if (h.isPresent()) {
              assertWhole((double[]) h.get().value(), n, writers);
              hits.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      int stored = 0;
      for (Future<Boolean> p : puts) {
        stored += p.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      writing.set(false);
      for (Future<?> r : reads) {
        r.get(60, TimeUnit.SECONDS);
      }
      assertTrue(stored >= 1, "at least one publication succeeds");
      double[] last = (double[]) read(tier, key);
      assertWhole(last, n, writers);
      assertArrayEquals(last, (double[]) read(tier, key), "the published entry stays");
      assertEquals(0, tier.counters().corrupt(), "no reader met a partial entry");
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertWhole(double[] v, int n, int writers) {
    assertEquals(n, v.length);
    double w = v[0];
    assertTrue(w >= 0 && w < writers && w == Math.rint(w), "written by a writer: " + w);
    for (int i = 0; i < n; i++) {
      if (v[i] != w) {
        throw new AssertionError("a mix of two values: element 0 is " + w + ", element " + i + " is " + v[i]);
      }
    }
  }

  @Test
  void keyLocks_excludeOtherHolders_untilReleased() throws Exception {
    Optional<Tier.KeyLocks> locks = tier.locks();
    assertEquals(capabilities().contains(Capability.LOCKS), locks.isPresent());
    if (locks.isEmpty()) {
      return;
    }
    Tier.KeyLocks l = locks.get();
    Tier.KeyLock held = l.acquire(key(1), "first", Duration.ZERO).orElseThrow();
    assertFalse(CompletableFuture.supplyAsync(() -> present(l, key(1), Duration.ofMillis(100)))
        .get(30, TimeUnit.SECONDS), "another holder times out");
    assertTrue(CompletableFuture.supplyAsync(() -> present(l, key(2), Duration.ZERO)).get(30, TimeUnit.SECONDS),
        "other keys are independent");
    CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> present(l, key(1), Duration.ofSeconds(30)));
    Thread.sleep(100);
    assertFalse(waiter.isDone(), "a waiter waits while the lock is held");
    held.close();
    assertTrue(waiter.get(30, TimeUnit.SECONDS), "and gets the lock once it is released");
  }

  private static boolean present(Tier.KeyLocks l, CacheKey key, Duration wait) {
    Optional<Tier.KeyLock> k = l.acquire(key, "other", wait);
    k.ifPresent(Tier.KeyLock::close);
    return k.isPresent();
  }

  @Test
  void capabilities_areReportedAsOffered() throws Exception {
    assertFalse(tier.name().isBlank());
    assertEquals(Tier.Counters.NONE, tier.counters());
    Set<Capability> caps = capabilities();
    assertEquals(caps.contains(Capability.LOCKS), tier.locks().isPresent(), "locks");
    assertEquals(caps.contains(Capability.PARTIALS), tier.partials().isPresent(), "partials");
    assertEquals(caps.contains(Capability.VERDICTS), tier.verdicts().isPresent(), "verdicts");
    double[] big = doubles(MB16, 3);
    assertTrue(tier.put(key(1), big, meta("big")));
    Optional<Tier.Mapped> mapped = tier.map(key(1));
    assertEquals(caps.contains(Capability.MAP), mapped.isPresent(), "map");
    if (mapped.isPresent()) {
      Tier.Mapped m = mapped.get();
      assertEquals(key(1).hex(), m.info().key());
      m.verify(0, m.payload().limit());
      assertTrue(m.payload().limit() >= MB16 * 8L, "the whole payload is mapped");
    }
    Optional<CacheKey> found = tier.findKey(key(1).hex());
    assertEquals(caps.contains(Capability.FIND_KEY), found.isPresent(), "findKey");
    found.ifPresent(k -> assertEquals(key(1), k));
    assertTrue(tier.map(key(2)).isEmpty(), "no mapping of a missing entry");
    List<EntryInfo> listed = tier.entries(METHOD.name());
    assertEquals(List.of(key(1).hex()), listed.stream().map(EntryInfo::key).toList(), "entries");
    assertEquals(1, tier.clear(METHOD.name()));
    assertTrue(tier.get(key(1), CLASSES).isEmpty(), "cleared");
  }

  /** A codec of strings with a version of choice: what another program version writes. */
  protected static final class TextCodec implements ValueCodec {
    private final int version;

    public TextCodec(int version) {
      this.version = version;
    }

    @Override
    public String id() {
      return "contract-text";
    }

    @Override
    public int version() {
      return version;
    }

    @Override
    public boolean canEncode(@Nullable Object value) {
      return value instanceof String;
    }

    @Override
    public void encode(@Nullable Object value, OutputStream out) throws IOException {
      out.write(((String) value).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Object decode(ByteBuffer payload, ClassFilter classes) {
      byte[] b = new byte[payload.remaining()];
      payload.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
