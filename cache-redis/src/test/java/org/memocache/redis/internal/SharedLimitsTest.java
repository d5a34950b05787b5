package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.memocache.testing.Child;
import redis.clients.jedis.Protocol;

/**
 * Bounds of the shared store (bytes, entries, age) kept by an index in Redis, and the orphan sweep,
 * against a real redis-server and s3proxy: Redis keys and the files of s3proxy's directory checked.
 */
class SharedLimitsTest extends RedisAndS3Test {
  static final String NS = "t:";
  static int tests;
  String prefix;

  @BeforeEach
  void flush() {
    redis.call("FLUSHALL", c -> c.flushAll());
    prefix = "limits" + ++tests + "/";
    // Upkeep after a publication runs only where a test asks for it (it deletes this key).
    redis.call("SET", c -> c.set(utf8(NS + "maintenance"), utf8("held by the test")));
  }

  SharedBytes store(SharedLimits limits) {
    return new SharedBytes(redis, blobs, NS, prefix, 1024, limits);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void put(SharedBytes store, String key, byte[] v) throws IOException {
    assertTrue(store.put(key, new ByteArrayInputStream(v), v.length), key);
  }

  static Optional<byte[]> read(SharedBytes store, String key) throws IOException {
    Optional<StoredBytes> s = store.get(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try (StoredBytes b = s.get()) {
      return Optional.of(b.stream().readAllBytes());
    }
  }

  /** Keys with a value in Redis. */
  static Set<String> values() {
    Set<String> keys = new TreeSet<>();
    for (String k : redis.call("KEYS", c -> c.keys(NS + "v:*"))) {
      keys.add(k.substring((NS + "v:").length()));
    }
    return keys;
  }

  static Set<String> indexed(String set) {
    Set<String> keys = new TreeSet<>();
    for (byte[] m : redis.call("ZRANGE", c -> c.zrange(utf8(NS + "i:" + set), 0, -1))) {
      keys.add(new String(m, StandardCharsets.UTF_8));
    }
    return keys;
  }

  static long indexedBytes() {
    byte[] b = redis.call("GET", c -> c.get(utf8(NS + "i:bytes")));
    return b == null ? 0 : Long.parseLong(new String(b, StandardCharsets.UTF_8));
  }

  /** The keys of the objects under this test's prefix, as files in s3proxy's directory. */
  Set<String> objects() throws IOException {
    Path root = dir.resolve("s3").resolve("blobs").resolve(BUCKET);
    Set<String> keys = new TreeSet<>();
    Path p = root.resolve(prefix);
    if (!Files.exists(p)) {
      return keys;
    }
    try (Stream<Path> files = Files.walk(p)) {
      files.filter(Files::isRegularFile).forEach(f -> keys.add(root.relativize(f).toString()));
    }
    return keys;
  }

  Path objectFile(String key) {
    return dir.resolve("s3").resolve("blobs").resolve(BUCKET).resolve(key);
  }

  String objectOf(SharedBytes store, String key) {
    return prefix + key + "/" + store.get(key).orElseThrow().writeId();
  }

  static void pause() throws InterruptedException {
    // Index scores are microseconds of the server's clock: apart by far more than one.
    Thread.sleep(3);
  }

  @Test
  void limits_areValidated_namingTheBadValue() {
    assertEquals("maxBytes must be positive, was 0",
        assertThrows(IllegalArgumentException.class, () -> SharedLimits.none().maxBytes(0)).getMessage());
    assertEquals("maxEntries must be positive, was -1",
        assertThrows(IllegalArgumentException.class, () -> SharedLimits.none().maxEntries(-1)).getMessage());
    assertEquals("maxAge must be positive, was PT-1S",
        assertThrows(IllegalArgumentException.class, () -> SharedLimits.none().maxAge(Duration.ofSeconds(-1)))
            .getMessage());
    assertEquals("orphanGrace must be positive, was PT0S",
        assertThrows(IllegalArgumentException.class, () -> SharedLimits.none().orphanGrace(Duration.ZERO))
            .getMessage());
    assertFalse(SharedLimits.none().bounded());
    assertTrue(SharedLimits.none().maxAge(Duration.ofDays(30)).bounded());
  }

  @Test
  void maxEntries_evictsTheLeastRecentlyUsed_andDeletesItsObject() throws Exception {
    SharedLimits limits = SharedLimits.none().maxEntries(3);
    SharedBytes writer = store(limits);
    // Another host's store: its first read of a key touches it.
    SharedBytes reader = store(limits);
    byte[] a = bytes(5000, 1);
    byte[] b = bytes(100, 2);
    byte[] c = bytes(5000, 3);
    put(writer, "a", a);
    pause();
    put(writer, "b", b);
    pause();
    put(writer, "c", c);
    String objectA = objectOf(writer, "a");
    String objectC = objectOf(writer, "c");
    assertEquals(Set.of(objectA, objectC), objects());
    pause();
    assertArrayEquals(a, read(reader, "a").orElseThrow());
    pause();

    put(writer, "d", bytes(200, 4));
    assertEquals(Set.of("a", "c", "d"), values(), "b was used least recently");
    assertEquals(Set.of("a", "c", "d"), indexed("used"));
    assertEquals(Set.of("a", "c", "d"), indexed("made"));
    assertEquals(5000 + 5000 + 200, indexedBytes());
    assertEquals(Optional.empty(), read(reader, "b"));

    put(writer, "e", bytes(300, 5));
    assertEquals(Set.of("a", "d", "e"), values(), "then c");
    assertEquals(Set.of(objectA), objects(), "c's object deleted with its manifest");
    assertEquals(5000 + 200 + 300, indexedBytes());
    assertEquals(Optional.empty(), read(reader, "c"), "a reader of an evicted key gets a miss");
    assertArrayEquals(a, read(reader, "a").orElseThrow());
    assertEquals(2, writer.evictions());
    assertEquals(0, reader.evictions());
  }

  static double lastUse(String key) {
    return redis.call("ZSCORE", c -> c.zscore(NS + "i:used", key));
  }

  @Test
  void hits_touchTheIndex_atMostOncePerIntervalKeyAndProcess() throws Exception {
    SharedLimits limits = SharedLimits.none().maxEntries(10);
    SharedBytes writer = store(limits);
    SharedBytes reader = store(limits);
    put(writer, "a", bytes(100, 1));
    put(writer, "b", bytes(5000, 2));
    double published = lastUse("a");
    pause();
    // A due touch is done before the hit returns.
    assertTrue(read(writer, "a").isPresent());
    assertEquals(published, lastUse("a"), "published by this store less than a minute ago");
    assertTrue(read(reader, "a").isPresent());
    double touched = lastUse("a");
    assertTrue(touched > published, touched + " > " + published);
    pause();
    assertTrue(read(reader, "a").isPresent());
    assertEquals(touched, lastUse("a"), "touched by this store less than a minute ago");
    double objectPublished = lastUse("b");
    assertTrue(read(reader, "b").isPresent());
    assertTrue(lastUse("b") > objectPublished, "a hit in the object store touches too");

    // With an age bound of 40 ms, a touch is due every 10 ms.
    SharedBytes quick = store(SharedLimits.none().maxAge(Duration.ofMillis(40)));
    put(writer, "c", bytes(100, 3));
    assertTrue(read(quick, "c").isPresent());
    double first = lastUse("c");
    Thread.sleep(15);
    assertTrue(read(quick, "c").isPresent());
    assertTrue(lastUse("c") > first);
  }

  @Test
  void maxBytes_evictsTheLeastRecentlyUsed_untilWithin_andRefusesALargerValue() throws Exception {
    SharedLimits limits = SharedLimits.none().maxBytes(12_000);
    SharedBytes writer = store(limits);
    SharedBytes reader = store(limits);
    put(writer, "a", bytes(5000, 1));
    pause();
    put(writer, "b", bytes(5000, 2));
    pause();
    String objectA = objectOf(writer, "a");
    String objectB = objectOf(writer, "b");
    assertTrue(read(reader, "a").isPresent());
    pause();
    put(writer, "c", bytes(5000, 3));
    assertEquals(Set.of("a", "c"), values());
    assertEquals(10_000, indexedBytes());
    assertTrue(objects().contains(objectA));
    assertFalse(objects().contains(objectB));
    assertEquals(2, objects().size());

    byte[] huge = bytes(12_001, 4);
    assertFalse(writer.put("huge", new ByteArrayInputStream(huge), huge.length), "over maxBytes by itself");
    assertEquals(Set.of("a", "c"), values());
    assertEquals(2, objects().size(), "nothing uploaded");

    // Many small values push out both large ones, oldest use first.
    for (int i = 0; i < 30; i++) {
      put(writer, "s" + i, bytes(1000, 10 + i));
    }
    assertEquals(12, values().size());
    assertEquals(12_000, indexedBytes());
    assertEquals(Set.of(), objects());
  }

  @Test
  void maxAge_evictsByPublication_onPublishAndOnTrim() throws Exception {
    SharedLimits limits = SharedLimits.none().maxAge(Duration.ofMillis(300));
    SharedBytes writer = store(limits);
    SharedBytes reader = store(limits);
    put(writer, "a", bytes(5000, 1));
    put(writer, "b", bytes(100, 2));
    Thread.sleep(200);
    assertTrue(read(reader, "a").isPresent(), "a use does not make a value younger");
    Thread.sleep(150);
    put(writer, "c", bytes(100, 3));
    assertEquals(Set.of("c"), values(), "publishing evicted what had aged");
    assertEquals(2, writer.evictions());
    assertEquals(Set.of(), objects());
    assertEquals(100, indexedBytes());

    byte[] fresh = bytes(100, 5);
    assertFalse(writer.put("c", new ByteArrayInputStream(fresh), fresh.length), "c is there and young");
    Thread.sleep(350);
    assertTrue(writer.put("c", new ByteArrayInputStream(fresh), fresh.length), "an aged value is replaced");
    assertArrayEquals(fresh, read(reader, "c").orElseThrow());
    assertEquals(3, writer.evictions());
    byte[] large = bytes(5000, 6);
    put(writer, "o", large);
    String aged = objectOf(writer, "o");
    assertFalse(writer.put("o", new ByteArrayInputStream(large), large.length), "o is there and young");
    Thread.sleep(350);
    byte[] larger = bytes(6000, 7);
    assertTrue(writer.put("o", new ByteArrayInputStream(larger), larger.length), "an aged object is replaced");
    assertArrayEquals(larger, read(reader, "o").orElseThrow());
    assertFalse(objects().contains(aged), "and deleted");
    assertEquals(1, objects().size());
    assertTrue(writer.evictions() >= 4, "o, and c if it aged meanwhile: " + writer.evictions());
    writer.trim();

    put(writer, "d", bytes(5000, 4));
    assertEquals(0, writer.trim());
    Thread.sleep(400);
    assertEquals(2, writer.trim());
    assertEquals(Set.of(), values());
    assertEquals(Set.of(), indexed("used"));
    assertEquals(Set.of(), indexed("made"));
    long sizes = redis.call("HLEN", c -> c.hlen(NS + "i:size"));
    assertEquals(0, sizes);
    assertEquals(0, indexedBytes());
    assertEquals(Set.of(), objects());
  }

  @Test
  void unbounded_keepsNoIndex() throws Exception {
    SharedBytes store = store(SharedLimits.none());
    put(store, "a", bytes(5000, 1));
    put(store, "b", bytes(10, 2));
    assertTrue(read(store, "a").isPresent());
    assertEquals(Set.of("a", "b"), values());
    assertEquals(Set.of(), redis.call("KEYS", c -> c.keys(NS + "i:*")));
    assertEquals(0, store.trim());
  }

  @Test
  void valuesPublishedWithoutBounds_areIndexedByUpkeep_thenEvicted() throws Exception {
    SharedBytes unbounded = store(SharedLimits.none());
    put(unbounded, "a", bytes(5000, 1));
    put(unbounded, "b", bytes(100, 2));
    put(unbounded, "c", bytes(200, 3));
    redis.call("SET", c -> c.set(utf8(NS + "v:foreign"), utf8("not a value of this layout")));
    redis.call("HSET", c -> c.hset(utf8(NS + "v:hash"), utf8("f"), utf8("x")));
    String objectA = objectOf(unbounded, "a");
    SharedBytes bounded = store(SharedLimits.none().maxEntries(2));
    assertEquals(0, bounded.trim(), "nothing indexed yet");

    assertEquals(3, bounded.adoptUnindexed());
    assertEquals(Set.of("a", "b", "c"), indexed("used"));
    assertEquals(5300, indexedBytes());
    assertEquals(0, bounded.adoptUnindexed(), "each once");
    // Adopted at one instant: ties go in key order.
    assertEquals(1, bounded.trim());
    assertEquals(Set.of("b", "c", "foreign", "hash"), values());
    assertFalse(objects().contains(objectA));
    assertEquals(300, indexedBytes());
  }

  @Test
  void delete_andAManifestOfAVanishedObject_leaveTheIndex() throws Exception {
    SharedLimits limits = SharedLimits.none().maxEntries(10);
    SharedBytes store = store(limits);
    put(store, "a", bytes(5000, 1));
    put(store, "b", bytes(100, 2));
    assertTrue(store.delete("b", store.get("b").orElseThrow().writeId()));
    assertEquals(Set.of("a"), indexed("used"));
    assertEquals(5000, indexedBytes());

    // The object goes (a bucket rule, a sweep after a writer stalled past the grace): the read is a
    // miss and takes the manifest, so that the key can be published again.
    blobs.delete(objectOf(store, "a"));
    assertEquals(Optional.empty(), read(store, "a"));
    assertEquals(Set.of(), values());
    assertEquals(Set.of(), indexed("used"));
    assertEquals(0, indexedBytes());
    byte[] again = bytes(5000, 3);
    put(store, "a", again);
    assertArrayEquals(again, read(store, "a").orElseThrow());
  }

  /** Value {@code (writer, round, key)}: its first 8 bytes are the seed of the rest. */
  static byte[] value(int writer, int round, int key) {
    int size = key % 2 == 0 ? 600 : 3000;
    long seed = ((long) writer << 32) | ((long) round << 16) | key;
    byte[] v = bytes(size, seed);
    ByteBuffer.wrap(v).putLong(seed);
    return v;
  }

  static boolean whole(byte[] v) {
    if (v.length < 8) {
      return false;
    }
    long seed = ByteBuffer.wrap(v).getLong();
    byte[] expected = bytes(v.length, seed);
    ByteBuffer.wrap(expected).putLong(seed);
    return java.util.Arrays.equals(expected, v) && (seed & 0xffff) % 2 == (v.length == 600 ? 0 : 1);
  }

  @Test
  void concurrentPublishersAndReaders_withEviction_neverSeeAMix() throws Exception {
    SharedLimits limits = SharedLimits.none().maxEntries(4).maxBytes(10_000);
    int writers = 6;
    int readers = 4;
    int keys = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger hits = new AtomicInteger();
    AtomicInteger misses = new AtomicInteger();
    AtomicInteger cut = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Future<?>> writing = new ArrayList<>();
    List<Future<?>> reading = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        int writer = w;
        SharedBytes store = store(limits);
        writing.add(pool.submit(() -> {
          Random r = new Random(writer);
          for (int round = 0; round < 40; round++) {
            int k = r.nextInt(keys);
            byte[] v = value(writer, round, k);
            try {
              store.put("k" + k, new ByteArrayInputStream(v), v.length);
            } catch (SharedStoreException e) {
              // s3proxy's filesystem backend removes a key's directory with its last object and
              // may then refuse (HTTP 500) an upload into it racing that eviction: a publication
              // that failed, which a reader must never see in part.
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (int i = 0; i < readers; i++) {
        int reader = i;
        SharedBytes store = store(limits);
        reading.add(pool.submit(() -> {
          Random r = new Random(100 + reader);
          while (!done.get()) {
            String key = "k" + r.nextInt(keys);
            Optional<StoredBytes> s = store.get(key);
            if (s.isEmpty()) {
              misses.incrementAndGet();
              continue;
            }
            byte[] v;
            try (StoredBytes b = s.get()) {
              v = b.stream().readAllBytes();
              if (v.length != b.length()) {
                // An object deleted under a reader may end early: the reader's check finds it.
                cut.incrementAndGet();
                continue;
              }
            } catch (IOException e) {
              cut.incrementAndGet();
              continue;
            }
            assertTrue(whole(v), key + ": a value that no single writer wrote");
            hits.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : writing) {
        f.get(120, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<?> f : reading) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    System.out.println("concurrent eviction: " + hits + " whole reads, " + misses + " misses, " + cut + " cut short, "
        + refused + " uploads refused");
    assertTrue(hits.get() > 0, "no read found a value");
    assertTrue(refused.get() < writers * 40 / 4, refused + " of " + writers * 40 + " uploads refused");
    Set<String> present = values();
    assertTrue(present.size() <= 4, present.toString());
    assertEquals(present, indexed("used"));
    assertEquals(present, indexed("made"));
    long bytes = 0;
    int manifests = 0;
    SharedBytes check = store(limits);
    for (String k : present) {
      byte[] v = read(check, k).orElseThrow();
      assertTrue(whole(v), k);
      bytes += v.length;
      manifests += v.length > 1024 ? 1 : 0;
    }
    assertTrue(bytes <= 10_000, bytes + " bytes");
    assertEquals(bytes, indexedBytes());
    assertEquals(manifests, objects().size(), "evicted and losing writers' objects deleted: " + objects());
  }

  @Test
  void sweepOrphans_deletesOnlyUnreferencedObjectsOlderThanTheGrace() throws Exception {
    SharedBytes store = store(SharedLimits.none());
    put(store, "kept", bytes(5000, 1));
    String referenced = objectOf(store, "kept");
    String orphan = prefix + "dead/0123456789abcdef0123456789abcdef";
    String foreign = prefix + "notes.txt";
    blobs.put(orphan, new ByteArrayInputStream(bytes(3000, 2)), 3000);
    blobs.put(foreign, new ByteArrayInputStream(bytes(10, 3)), 10);
    Thread.sleep(2100);
    String fresh = prefix + "fresh/fedcba9876543210fedcba9876543210";
    blobs.put(fresh, new ByteArrayInputStream(bytes(3000, 4)), 3000);
    assertEquals(Set.of(referenced, orphan, foreign, fresh), objects());

    assertEquals(List.of(), store.sweepOrphans(Duration.ofHours(1)));
    assertEquals(List.of(orphan), store.sweepOrphans(Duration.ofSeconds(1)));
    assertEquals(Set.of(referenced, foreign, fresh), objects(), "a referenced object and a foreign name stay");
    assertEquals(1, store.orphansDeleted());
    assertTrue(read(store, "kept").isPresent());
  }

  @Test
  @Tag("slow") // an upload of 3 s
  void sweepOrphans_keepsAnUploadInProgress() throws Exception {
    SharedBytes store = store(SharedLimits.none());
    byte[] v = bytes(1 << 20, 5);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      // An upload of about 3 s: the partial object, if the store shows one, is always fresh.
      Future<Boolean> put = pool.submit(() -> store.put("slow", new Slow(v, 3000), v.length));
      Thread.sleep(1500);
      assertEquals(List.of(), store.sweepOrphans(Duration.ofSeconds(1)));
      assertTrue(put.get(30, TimeUnit.SECONDS));
      assertArrayEquals(v, read(store, "slow").orElseThrow());
      assertEquals(1, objects().size());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The bytes of {@code v}, spread over about {@code millis}. */
  static final class Slow extends InputStream {
    private final byte[] v;
    private final long nanosPerKiB;
    private int pos;

    Slow(byte[] v, long millis) {
      this.v = v;
      this.nanosPerKiB = TimeUnit.MILLISECONDS.toNanos(millis) / Math.max(1, v.length >> 10);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos == v.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1024), v.length - pos);
      try {
        TimeUnit.NANOSECONDS.sleep(nanosPerKiB);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      System.arraycopy(v, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  @Test
  void writerKilledBetweenUploadAndManifest_leavesAnOrphan_thatTheSweepDeletes() throws Exception {
    long length = 2L << 20;
    Map<String, String> env = new HashMap<>(s3Server.environment());
    env.put("MEMOCACHE_TEST_REDIS", redisServer.uri().toString());
    env.put("MEMOCACHE_TEST_S3", s3Server.endpoint().toString());
    // Reads go on (the writer's EXISTS), writes and scripts wait: the child uploads, then blocks
    // on its manifest.
    pauseWrites();
    Child child = Child.start(ChildMain.class, dir.resolve("killed.log"), env, null, "publish", BUCKET, prefix, "k",
        Long.toString(length));
    try {
      child.await("uploading", 30_000);
      long deadline = System.currentTimeMillis() + 30_000;
      // The child's publishing script waits in Redis: the upload is complete.
      while (!redis.call("CLIENT LIST", c -> c.clientList()).contains("cmd=evalsha")) {
        assertTrue(System.currentTimeMillis() < deadline, "no publication: " + child.output());
        Thread.sleep(20);
      }
      assertEquals(length, Files.size(objectFile(objects().iterator().next())));
      child.kill();
    } finally {
      clientCommand("UNPAUSE");
    }
    Thread.sleep(200);
    assertEquals(List.of(), child.output().stream().filter(l -> l.startsWith("put")).toList());
    assertEquals(Set.of(), values(), "no manifest: the child died before it");
    assertEquals(1, objects().size());
    String orphan = objects().iterator().next();

    SharedBytes store = store(SharedLimits.none());
    assertEquals(List.of(), store.sweepOrphans(Duration.ofHours(1)), "younger than the grace");
    Thread.sleep(2100);
    assertEquals(List.of(orphan), store.sweepOrphans(Duration.ofSeconds(1)));
    assertEquals(Set.of(), objects());
  }

  /** {@code CLIENT PAUSE 30000 WRITE}: reads go on. */
  private static void pauseWrites() {
    clientCommand("PAUSE", "30000", "WRITE");
  }

  private static void clientCommand(String... args) {
    redis.call("CLIENT " + String.join(" ", args),
        c -> c.sendCommand(Protocol.Command.CLIENT, args));
  }

  @Test
  @Tag("slow") // objects aged past a grace of 1 s, twice
  void publication_startsUpkeepOnADaemonThread_oncePerIntervalAcrossProcesses() throws Exception {
    redis.call("DEL", c -> c.del(NS + "maintenance"));
    SharedLimits limits = SharedLimits.none().maxEntries(100).orphanGrace(Duration.ofSeconds(1));
    String orphan = prefix + "dead/0123456789abcdef0123456789abcdef";
    blobs.put(orphan, new ByteArrayInputStream(bytes(3000, 1)), 3000);
    Thread.sleep(2100);
    put(store(limits), "a", bytes(10, 2));
    long deadline = System.currentTimeMillis() + 10_000;
    while (objects().contains(orphan)) {
      assertTrue(System.currentTimeMillis() < deadline, "the orphan stayed");
      Thread.sleep(20);
    }
    long ttl = redis.call("PTTL", c -> c.pttl(NS + "maintenance"));
    assertTrue(ttl > 3_500_000 && ttl <= 3_600_000, ttl + " ms");

    // Another process (a store of its own) publishes within the hour: no second sweep.
    String second = prefix + "dead2/0123456789abcdef0123456789abcdef";
    blobs.put(second, new ByteArrayInputStream(bytes(3000, 3)), 3000);
    Thread.sleep(2100);
    put(store(limits), "b", bytes(10, 4));
    Thread.sleep(500);
    assertTrue(objects().contains(second));
  }
}
