package org.memocache.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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
import org.memocache.internal.codec.EntryCodec;
import org.memocache.internal.codec.Shapes;
import org.memocache.internal.codec.TierValues;

/**
 * What every {@link Tier} must do, whatever it stores its entries in. A tier's tests extend this
 * class (from cache-core's test-jar) with fresh storage per test, a way to open the tier on it and a
 * way to damage a stored entry; the tests here then check round trips of encoded entries (of every
 * kind of value, through the engine's encoding, and of raw payloads up to 16 MB), misses,
 * concurrent publication of one key, damaged, foreign and unstorable entries, copies from another
 * tier, key locks and the capabilities the tier reports.
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
  private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");

  /** The tier under test, opened on this test's storage. */
  protected Tier tier;

  /** The engine's side: encodes values for the tier and decodes what it returns (built-in codecs). */
  protected TierValues values;

  /** Prepares fresh, empty storage for one test. */
  protected abstract void newStorage(TestInfo test) throws Exception;

  /** Opens the tier under test on this test's storage; several may be open at once. */
  protected abstract Tier open() throws Exception;

  /** Changes one byte of the payload stored for {@code key}, as a storage fault would. */
  protected abstract void damage(Tier tier, CacheKey key) throws Exception;

  /** The capabilities the tier under test offers. */
  protected abstract Set<Capability> capabilities();

  @BeforeEach
  void openTier(TestInfo test) throws Exception {
    newStorage(test);
    tier = open();
    values = new TierValues(Codecs.builtIns(), "contract");
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
    return new Tier.Metadata(summary, CREATED, Duration.ofMillis(1500));
  }

  protected static double[] doubles(int n, double seed) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = seed + i * 0.5;
    }
    return a;
  }

  /** Stores {@code value} in {@code t} as the engine does, with the codecs of {@code v}. */
  protected static boolean put(TierValues v, Tier t, CacheKey key, @Nullable Object value, String summary) {
    EncodedEntry e = v.encode(METHOD.name(), value, meta(summary), CLASSES);
    assertNotNull(e, "a codec for " + value);
    return v.put(t, key, e);
  }

  protected boolean put(CacheKey key, @Nullable Object value, String summary) {
    return put(values, tier, key, value, summary);
  }

  /** Reads and decodes {@code key} as the engine does: empty on a miss. */
  protected static Optional<TierValues.Decoded> get(TierValues v, Tier t, CacheKey key) {
    return v.get(t, key, CLASSES);
  }

  private @Nullable Object read(TierValues v, Tier t, CacheKey key) {
    return get(v, t, key).orElseThrow(() -> new AssertionError("a miss for " + key)).value();
  }

  private @Nullable Object read(CacheKey key) {
    return read(values, tier, key);
  }

  @Test
  void roundTrip_ofEveryKindOfValue() {
    Object[] vs = {null, "h\u00e9llo", 42L, new int[] {1, 2, 3}, new double[][] {{1, 2}, {3, 4}},
        new Sample("s", new int[] {7, 8}, List.of("a", "b")), new ArrayList<>(List.of(1, "two", 3.0)),
        doubles(MB16, 1)};
    for (int i = 0; i < vs.length; i++) {
      assertTrue(put(key(i), vs[i], "v" + i), "stored value " + i);
    }
    for (int i = 0; i < vs.length; i++) {
      CacheKey key = key(i);
      TierValues.Decoded hit = get(values, tier, key).orElseThrow(() -> new AssertionError("a miss for " + key));
      // Deep: nested arrays are compared element by element.
      assertArrayEquals(new Object[] {vs[i]}, new Object[] {hit.value()}, "value " + i);
      EntryInfo info = hit.info();
      assertEquals(METHOD.name(), info.method());
      assertEquals(key.hex(), info.key());
      assertEquals("v" + i, info.argsSummary());
      assertEquals(CREATED, info.created());
      assertEquals(Duration.ofMillis(1500), info.computeTime());
      assertTrue(info.sizeBytes() > 0, "size of value " + i);
    }
    Object first = read(key(7));
    assertNotSame(first, read(key(7)), "each hit decodes a value of its own");
    assertEquals(Tier.Counters.NONE, tier.counters());
  }

  @Test
  void roundTrip_ofTheHeaderFields_andShapes() throws Exception {
    // A LinkedList: stored by Kryo, whose entries name the shapes of their classes in the header.
    Sample value = new Sample("s", new int[] {7}, new LinkedList<>(List.of("a")));
    EncodedEntry e = values.encode(METHOD.name(), value, meta("fields"), CLASSES);
    assertNotNull(e);
    assertTrue(tier.put(key(1), e));
    List<ClassShape> written = e.writePayload(OutputStream.nullOutputStream());
    assertFalse(written.isEmpty(), "a record of a class of its own names its shape");
    try (StoredEntry s = tier.get(key(1)).orElseThrow()) {
      assertEquals(e.codecId(), s.codecId());
      assertEquals(e.codecVersion(), s.codecVersion());
      assertEquals(Sample.class.getName(), s.valueType());
      assertEquals(written, s.shapes());
      assertEquals(Shapes.hash(written), s.shapesHash());
      assertEquals(key(1).hex(), s.info().key());
      assertEquals(value, values.codec().decode(s, CLASSES));
    }
  }

  @Test
  void roundTrip_ofRawPayloads_upTo16MB_streamedInVerifiedBlocks() throws Exception {
    int[] lengths = {0, 1, 7, 8, 4095, 65_536 + 3, 300_001, 16 << 20};
    for (int i = 0; i < lengths.length; i++) {
      byte[] bytes = bytes(lengths[i], i);
      List<ClassShape> shapes = i % 2 == 0 ? List.of()
          : List.of(new ClassShape("com.acme.A", 11), new ClassShape("com.acme.B", 12));
      assertTrue(tier.put(key(i), new Raw(bytes, shapes, i % 3 == 0)), "stored payload of " + lengths[i] + " bytes");
    }
    for (int i = 0; i < lengths.length; i++) {
      byte[] bytes = bytes(lengths[i], i);
      try (StoredEntry s = tier.get(key(i)).orElseThrow(() -> new AssertionError("a miss"))) {
        assertEquals("contract-raw", s.codecId());
        assertEquals(3, s.codecVersion());
        assertEquals("com.acme.Raw", s.valueType());
        assertEquals(bytes.length, s.length());
        List<ClassShape> shapes = i % 2 == 0 ? List.of()
            : List.of(new ClassShape("com.acme.A", 11), new ClassShape("com.acme.B", 12));
        // The shapes as written, or none when the tier had no room for them: their hash always.
        assertTrue(s.shapes().equals(shapes) || s.shapes().isEmpty(), "shapes " + s.shapes());
        assertEquals(Shapes.hash(shapes), s.shapesHash(), "hash of the shapes");
        ByteBuffer whole = s.payload();
        assertEquals(bytes.length, whole.remaining(), "payload length");
        assertTrue(whole.isReadOnly(), "read-only");
        assertEquals(ByteBuffer.wrap(bytes), whole, "payload of " + bytes.length + " bytes");
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        List<Integer> blocks = new ArrayList<>();
        s.stream(chunk -> {
          blocks.add(chunk.remaining());
          byte[] b = new byte[chunk.remaining()];
          chunk.duplicate().get(b);
          streamed.write(b);
        });
        assertArrayEquals(bytes, streamed.toByteArray(), "streamed payload of " + bytes.length + " bytes");
        for (int b = 0; b < blocks.size() - 1; b++) {
          assertEquals(0, blocks.get(b) % 8, "blocks are multiples of 8 bytes but the last: " + blocks);
        }
      }
    }
    assertEquals(Tier.Counters.NONE, tier.counters());
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A raw payload of a codec no program has: the tier stores it as it is. */
  private static class Raw implements EncodedEntry {
    private final byte[] bytes;
    private final List<ClassShape> shapes;
    private final boolean lengthKnown;

    Raw(byte[] bytes, List<ClassShape> shapes, boolean lengthKnown) {
      this.bytes = bytes;
      this.shapes = shapes;
      this.lengthKnown = lengthKnown;
    }

    @Override
    public String codecId() {
      return "contract-raw";
    }

    @Override
    public int codecVersion() {
      return 3;
    }

    @Override
    public String valueType() {
      return "com.acme.Raw";
    }

    @Override
    public Tier.Metadata metadata() {
      return meta("raw");
    }

    @Override
    public long knownLength() {
      return lengthKnown ? bytes.length : -1;
    }

    @Override
    public List<ClassShape> writePayload(OutputStream out) throws IOException {
      // In uneven pieces, as a codec writes.
      for (int at = 0; at < bytes.length; ) {
        int n = Math.min(bytes.length - at, 1 + (at % 70_001));
        out.write(bytes, at, n);
        at += n;
      }
      return shapes;
    }
  }

  @Test
  void absentKeys_areMisses() {
    assertTrue(tier.get(key(1)).isEmpty());
    assertFalse(tier.remove(key(1)));
    assertTrue(put(key(1), "one", "1"));
    assertTrue(tier.get(key(2)).isEmpty(), "another key");
    assertTrue(tier.remove(key(1)));
    assertTrue(tier.get(key(1)).isEmpty(), "removed");
    assertFalse(tier.remove(key(1)));
    assertEquals(Tier.Counters.NONE, tier.counters(), "a miss is no problem");
  }

  @Test
  void info_isTheStoredEntrysMetadata_orEmptyWhereGetMisses() throws Exception {
    assertTrue(tier.info(key(1)).isEmpty());
    assertTrue(put(key(1), "one", "1"));
    EntryInfo fromGet;
    try (StoredEntry s = tier.get(key(1)).orElseThrow()) {
      fromGet = s.info();
    }
    EntryInfo info = tier.info(key(1)).orElseThrow();
    assertEquals(key(1).hex(), info.key());
    assertEquals(fromGet.method(), info.method());
    assertEquals(fromGet.argsSummary(), info.argsSummary());
    assertEquals(fromGet.created(), info.created());
    assertEquals(fromGet.computeTime(), info.computeTime());
    assertEquals(fromGet.sizeBytes(), info.sizeBytes());
    assertEquals(fromGet.codec(), info.codec());
    assertTrue(tier.info(key(2)).isEmpty(), "another key");
    assertTrue(tier.remove(key(1)));
    assertTrue(tier.info(key(1)).isEmpty(), "removed");
  }

  @Test
  void entryOfAnotherMethodIdentity_isAMiss_andStays() {
    assertTrue(put(key(1), "v1", "1"));
    MethodId changed = new MethodId(METHOD.name(), METHOD.descriptor(), METHOD.version() + 1,
        METHOD.codeFingerprint());
    MethodId recompiled = new MethodId(METHOD.name(), METHOD.descriptor(), METHOD.version(),
        METHOD.codeFingerprint() + 1);
    assertTrue(tier.get(key(changed, 1)).isEmpty(), "another version");
    assertTrue(tier.get(key(recompiled, 1)).isEmpty(), "another bytecode fingerprint");
    assertEquals("v1", read(key(1)), "the entry of the other identity is left alone");
    assertEquals(0, tier.counters().corrupt());
  }

  @Test
  void entryOfAnotherCodecVersion_isAForeignMiss_leftInPlace() throws Exception {
    TierValues v1 = new TierValues(List.of(new TextCodec(1)), "contract");
    TierValues v2 = new TierValues(List.of(new TextCodec(2)), "contract");
    assertTrue(put(v1, tier, key(1), "written by v1", "1"));
    try (Tier other = open()) {
      assertTrue(get(v2, other, key(1)).isEmpty());
      assertEquals(1, other.counters().foreign() + tier.counters().foreign(), "counted as foreign");
      assertEquals(0, other.counters().corrupt() + tier.counters().corrupt(), "not damage");
      assertEquals("written by v1", read(v1, other, key(1)), "left in place for the program that wrote it");
    }
    assertEquals("written by v1", read(v1, tier, key(1)));
  }

  @Test
  void damagedEntry_isACountedMiss_deleted_andCanBeStoredAgain() throws Exception {
    assertTrue(put(key(1), doubles(300_000, 2), "big"));
    assertTrue(put(key(2), new Sample("small", new int[] {1}, List.of()), "small"));
    for (int k = 1; k <= 2; k++) {
      damage(tier, key(k));
      assertTrue(get(values, tier, key(k)).isEmpty(), "damaged entry " + k);
      assertTrue(tier.get(key(k)).isEmpty(), "damaged entry " + k + " is deleted");
    }
    assertEquals(2, tier.counters().corrupt());
    assertEquals(0, tier.counters().foreign());
    assertTrue(put(key(1), doubles(300_000, 2), "big"));
    assertArrayEquals(doubles(300_000, 2), (double[]) read(key(1)));
  }

  @Test
  void damagedPayload_throwsDamagedEntryException_fromPayloadAndStream() throws Exception {
    assertTrue(tier.put(key(1), new Raw(bytes(1 << 20, 1), List.of(), false)));
    damage(tier, key(1));
    try (StoredEntry s = tier.get(key(1)).orElseThrow()) {
      assertThrows(DamagedEntryException.class, s::payload);
      assertThrows(DamagedEntryException.class, () -> s.stream(chunk -> { }));
      s.reject(StoredEntry.Rejection.DAMAGED, "block does not match its checksum");
    }
    assertTrue(tier.get(key(1)).isEmpty(), "deleted");
    assertEquals(1, tier.counters().corrupt());
  }

  @Test
  void unstorableValue_storesNothing_andIsRethrown() {
    assertTrue(put(key(1), "before", "1"));
    EncodedEntry failing = new Raw(bytes(200_000, 5), List.of(), false) {
      @Override
      public List<ClassShape> writePayload(OutputStream out) throws IOException {
        super.writePayload(out);
        throw new UnstorableValueException("com.acme.Worker is not admitted", new IOException("refused"));
      }
    };
    assertThrows(UnstorableValueException.class, () -> tier.put(key(1), failing));
    assertThrows(UnstorableValueException.class, () -> tier.put(key(2), failing));
    assertEquals("before", read(key(1)), "the entry stored before stays");
    assertTrue(tier.get(key(2)).isEmpty(), "nothing stored");
    assertEquals(List.of(key(1).hex()), tier.entries(METHOD.name()).stream().map(EntryInfo::key).toList());
  }

  @Test
  void notAdmittedClass_isNotStored_byTheEngine() {
    ClassFilter jdkOnly = c -> c.startsWith("java.");
    EncodedEntry e = values.encode(METHOD.name(), new Sample("s", new int[] {1}, List.of()), meta("s"), jdkOnly);
    assertNotNull(e);
    assertFalse(values.put(tier, key(1), e), "not stored: it could not be read back");
    assertTrue(tier.get(key(1)).isEmpty());
  }

  @Test
  void copyOfAStoredEntry_isStoredByteForByte() throws Exception {
    Object[] vs = {doubles(MB16, 4), new Sample("copied", new int[] {3}, List.of("x")), "text"};
    for (int i = 0; i < vs.length; i++) {
      assertTrue(put(key(i), vs[i], "c" + i));
    }
    try (Tier other = open()) {
      for (int i = 0; i < vs.length; i++) {
        try (StoredEntry s = tier.get(key(i)).orElseThrow()) {
          EncodedEntry copy = EntryCodec.copyOf(s);
          assertNotNull(copy);
          assertEquals(s.length(), copy.knownLength());
          assertTrue(other.put(key(100 + i), copy), "copy " + i);
        }
      }
      for (int i = 0; i < vs.length; i++) {
        assertArrayEquals(new Object[] {vs[i]}, new Object[] {read(values, other, key(100 + i))}, "copy " + i);
        TierValues.Decoded d = get(values, other, key(100 + i)).orElseThrow();
        assertEquals("c" + i, d.info().argsSummary());
        assertEquals(CREATED, d.info().created());
        assertEquals(Duration.ofMillis(1500), d.info().computeTime());
      }
    }
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
          return put(key, value, "w");
        }));
      }
      List<Future<?>> reads = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        reads.add(pool.submit(() -> {
          start.await();
          while (writing.get()) {
            Optional<TierValues.Decoded> h = get(values, tier, key);
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
      double[] last = (double[]) read(key);
      assertWhole(last, n, writers);
      assertArrayEquals(last, (double[]) read(key), "the published entry stays");
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
    assertTrue(put(key(1), big, "big"));
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
    assertTrue(tier.get(key(1)).isEmpty(), "cleared");
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
