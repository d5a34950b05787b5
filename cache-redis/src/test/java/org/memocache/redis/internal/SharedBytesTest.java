package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memocache.testing.Child;

/** Values in Redis and in a real S3 API server (s3proxy), first writer wins, streamed. */
class SharedBytesTest extends RedisAndS3Test {
  static int tests;
  // Small limit so that the object-store path runs on small values too; objects of each test under
  // a prefix of their own.
  SharedBytes store;
  String prefix;

  @BeforeEach
  void flush() {
    redis.call("FLUSHALL", c -> c.flushAll());
    prefix = "values" + ++tests + "/";
    store = new SharedBytes(redis, blobs, "t:", prefix, 1024);
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  byte[] read(String key) throws Exception {
    try (StoredBytes s = store.get(key).orElseThrow()) {
      byte[] b = s.stream().readAllBytes();
      assertEquals(s.length(), b.length);
      return b;
    }
  }

  @Test
  void roundTrip_inlineAndObjectStore() throws Exception {
    for (int n : new int[] {0, 1, 1024, 1025, 300_000}) {
      byte[] v = bytes(n, n);
      assertTrue(store.put("k" + n, new ByteArrayInputStream(v), n));
      assertArrayEquals(v, read("k" + n), "size " + n);
    }
    assertEquals(2, blobs.count(prefix), "only the values over the limit are objects");
  }

  @Test
  void absentKey_isEmpty() {
    assertEquals(Optional.empty(), store.get("nothing"));
  }

  @Test
  void foreignRedisValue_isEmpty() {
    redis.call("SET", c -> c.set("t:v:foreign".getBytes(StandardCharsets.UTF_8),
        "X123456789012345678901".getBytes(StandardCharsets.UTF_8)));
    redis.call("SET", c -> c.set("t:v:short".getBytes(StandardCharsets.UTF_8), new byte[] {'I', 1}));
    assertEquals(Optional.empty(), store.get("foreign"));
    assertEquals(Optional.empty(), store.get("short"));
  }

  @Test
  void manifestOfAVanishedObject_isEmpty() throws Exception {
    byte[] v = bytes(5000, 1);
    assertTrue(store.put("k", new ByteArrayInputStream(v), v.length));
    S3Blobs other = s3Server.client(BUCKET, Duration.ofSeconds(5));
    // Remove the object behind the manifest, as a bucket lifecycle rule would.
    String writeId = store.get("k").orElseThrow().writeId();
    other.delete(prefix + "k/" + writeId);
    other.close();
    assertEquals(Optional.empty(), store.get("k"));
  }

  @Test
  void shortStream_isRefused_andNothingStored() {
    EOFException e = assertThrows(EOFException.class, () -> store.put("k", new ByteArrayInputStream(new byte[10]),
        20));
    assertEquals("value of k ended after 10 of 20 bytes", e.getMessage());
    assertEquals(Optional.empty(), store.get("k"));
  }

  @Test
  void negativeLength_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.put("k", new ByteArrayInputStream(new byte[0]), -1));
    assertEquals("length of the value of k must not be negative: -1", e.getMessage());
  }

  @Test
  void delete_onlyTheWriteItNames() throws Exception {
    byte[] v = bytes(5000, 2);
    assertTrue(store.put("k", new ByteArrayInputStream(v), v.length));
    String id = store.get("k").orElseThrow().writeId();
    assertFalse(store.delete("k", "00000000000000000000000000000000"));
    assertTrue(store.get("k").isPresent());
    assertTrue(store.delete("k", id));
    assertEquals(Optional.empty(), store.get("k"));
    assertEquals(0, blobs.count(prefix));
  }

  @Test
  void concurrentPublish_firstWriterWins_inline() throws Exception {
    concurrentPublish(100);
  }

  @Test
  void concurrentPublish_firstWriterWins_objectStore() throws Exception {
    concurrentPublish(200_000);
    assertEquals(1, blobs.count(prefix), "the losers' objects are deleted");
  }

  private void concurrentPublish(int size) throws Exception {
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    Map<Integer, byte[]> values = new HashMap<>();
    try {
      for (int w = 0; w < writers; w++) {
        byte[] v = bytes(size, w);
        values.put(w, v);
        results.add(pool.submit(() -> {
          start.await();
          return store.put("k", new ByteArrayInputStream(v), v.length);
        }));
      }
      start.countDown();
      int winner = -1;
      for (int w = 0; w < writers; w++) {
        if (results.get(w).get()) {
          assertEquals(-1, winner, "two winners");
          winner = w;
        }
      }
      assertTrue(winner >= 0, "no winner");
      assertArrayEquals(values.get(winner), read("k"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void s3RoundTrip_64MiB_streamedThroughA48MiBHeap() throws Exception {
    long length = 64L << 20;
    Map<String, String> env = new HashMap<>(s3Server.environment());
    env.put("MEMOCACHE_TEST_REDIS", redisServer.uri().toString());
    env.put("MEMOCACHE_TEST_S3", s3Server.endpoint().toString());
    try (Child c = Child.start(ChildMain.class, dir.resolve("roundtrip.log"), env, "48m", "s3-roundtrip", BUCKET,
        Long.toString(length))) {
      assertEquals(0, c.waitFor(120_000), c.output().toString());
      assertEquals("put true", c.await("put", 0));
      String sent = c.await("sent ", 0).substring(5);
      assertEquals("received " + sent + " " + length + " of " + length, c.await("received", 0));
      for (String l : c.output()) {
        assertFalse(l.contains(s3Server.secret()), l);
      }
    }
  }
}
