package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.CacheKey;
import org.memocache.Memo;
import org.memocache.MethodId;
import org.memocache.internal.Config;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.TierValues;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;
import org.memocache.testing.LogCapture;
import redis.clients.jedis.commands.ProtocolCommand;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The shared tier when its services fail: Redis down at start, killed, stopped ({@code SIGSTOP}) or
 * slowed, the object store refusing. Every time the caller gets its value, the tier says so once per
 * outage naming the cause and no secret, counts what it skipped, and publishes nothing partial.
 */
@Tag("slow") // servers started, stopped and waited out to timeouts
class SharedTierFaultsTest {
  /** {@code DEBUG}, which Jedis does not name. */
  static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);

  static final Config CONFIG = new Config(null, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE, null, false,
      Duration.ofSeconds(10), List.of(), true, Clock.systemUTC());
  static final ClassFilter CLASSES = AllowLists.forMethod(null, List.of());
  static final MethodId METHOD = MethodId.of("faults", 1);
  static final SharedTier.Options OPTIONS = new SharedTier.Options("faults:", 1 << 20, Duration.ofMillis(300),
      Duration.ofSeconds(1), Duration.ofSeconds(5));
  static final String PASSWORD = "faults-pw-0123";

  @TempDir Path dir;

  static CacheKey key(int n) {
    return new CacheKey(METHOD, 17, n);
  }

  static final TierValues VALUES = new TierValues(Codecs.builtIns(), "faults");

  static boolean put(Tier tier, CacheKey key, Object value) {
    Tier.Metadata meta = new Tier.Metadata("n", Instant.parse("2026-01-02T03:04:05Z"), Duration.ofMillis(5));
    return VALUES.put(tier, key, VALUES.encode(METHOD.name(), value, meta, CLASSES));
  }

  static Optional<TierValues.Decoded> get(Tier tier, CacheKey key) {
    return VALUES.get(tier, key, CLASSES);
  }

  static SharedTier open(URI redis, S3Blobs blobs) {
    return SharedTier.open(redis, blobs, "faults/", OPTIONS, CONFIG);
  }

  static URI uri(int port) {
    return URI.create("redis://:" + PASSWORD + "@127.0.0.1:" + port);
  }

  /** The outage warnings logged, checked to name no secret and carry no stack trace. */
  static List<String> outages(LogCapture log) {
    for (String m : log.messages(Level.ALL)) {
      assertFalse(m.contains(PASSWORD), m);
    }
    assertEquals(0, log.withStackTrace(Level.WARNING));
    return log.messages(Level.WARNING).stream().filter(m -> m.contains(" is unavailable (")).toList();
  }

  static long millis(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void waiterForAHeldLease_reportsTheHolder_thenGivesUpWithAWarning() throws Exception {
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD);
        LogCapture log = new LogCapture();
        SharedTier holder = open(server.uri(), null);
        SharedTier waiter = open(server.uri(), null)) {
      Tier.KeyLock held = holder.locks().orElseThrow().acquire(key(1), "faults(n=1)", Duration.ZERO).orElseThrow();
      try {
        long t0 = System.nanoTime();
        assertEquals(Optional.empty(), waiter.locks().orElseThrow().acquire(key(1), "faults(n=1)", Duration.ofMillis(1_500)));
        assertTrue(System.nanoTime() - t0 >= 1_500_000_000L, "waited out its time");
        assertEquals(Optional.empty(), waiter.locks().orElseThrow().acquire(key(1), "faults(n=1)", Duration.ZERO));
      } finally {
        held.close();
      }
      String pid = Long.toString(ProcessHandle.current().pid());
      List<String> info = log.messages(Level.INFO).stream().filter(m -> m.startsWith("MemoCache: waiting ")).toList();
      assertEquals(1, info.size(), info.toString());
      assertTrue(info.get(0).contains(pid) && info.get(0).contains(" computing faults(n=1) ("), info.get(0));
      List<String> warnings = log.messages(Level.WARNING).stream().filter(m -> m.startsWith("MemoCache: waited ")).toList();
      assertEquals(1, warnings.size(), "no warning for a caller that does not wait: " + warnings);
      assertTrue(warnings.get(0).contains(pid) && warnings.get(0).endsWith("; computing faults(n=1) here too"),
          warnings.get(0));
      Tier.KeyLock again = waiter.locks().orElseThrow().acquire(key(1), "faults(n=1)", Duration.ZERO)
          .orElseThrow(() -> new AssertionError("released: free again"));
      again.close();
    }
  }

  @Test
  void redisDownAtStart_missesAndSkipsQuickly_warnsOnce_thenReconnects() throws Exception {
    int port = RedisServer.freePort();
    try (LogCapture log = new LogCapture(); SharedTier tier = open(uri(port), null)) {
      assertTrue(millis(() -> assertFalse(put(tier, key(1), "v"))) < 2_000);
      for (int i = 0; i < 5; i++) {
        assertTrue(millis(() -> assertEquals(Optional.empty(), get(tier, key(1)))) < 50, "skipped");
      }
      assertEquals(Optional.empty(), tier.locks().orElseThrow().acquire(key(1), "faults(n)", Duration.ofSeconds(5)));
      // The connection tried at start and the put failed, or the put was skipped after it; the rest skipped.
      long unavailable = tier.counters().unavailable();
      assertTrue(unavailable >= 7 && unavailable <= 8, unavailable + " unavailable");
      List<String> warnings = outages(log);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).matches("MemoCache: the shared tier \\(redis 127\\.0\\.0\\.1:" + port + "\\): redis is"
          + " unavailable \\(redis 127\\.0\\.0\\.1:" + port + ": (PING|HSET faults:methods): cannot connect \\(.*"),
          warnings.get(0));
      assertTrue(warnings.get(0).endsWith("calls compute locally and store nothing there, and it is tried again"
          + " every 1000 ms"), warnings.get(0));

      try (RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD, port)) {
        Thread.sleep(1_100);
        assertTrue(put(tier, key(1), "v"));
        assertEquals("v", get(tier, key(1)).orElseThrow().value());
        assertTrue(log.messages(Level.INFO).contains("MemoCache: the shared tier (redis 127.0.0.1:" + port
            + "): redis answers again"), log.messages(Level.INFO).toString());
      }
    }
  }

  @Test
  void memo_connectsOnItsFirstSharedCall_notWhenBuilt() throws Exception {
    try (LogCapture log = new LogCapture();
        RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD);
        Redis admin = Redis.connect(server.uri(), Duration.ofSeconds(5))) {
      long before = clients(admin);
      try (Memo memo = Memo.builder().memoryOnly().shared(uri(server.port())).build()) {
        Thread.sleep(300);
        assertEquals(before, clients(admin), "no connection made by building the Memo");
        assertEquals(42, memo.call("answer", () -> 42, 1));
        assertEquals(before + 1, clients(admin));
        assertEquals(List.of(), outages(log));
      }
    }
    int port = RedisServer.freePort();
    try (LogCapture log = new LogCapture();
        Memo memo = Memo.builder().memoryOnly().shared(uri(port)).build()) {
      Thread.sleep(300);
      assertEquals(List.of(), outages(log), "a server that is down is not asked before a call needs it");
      assertEquals(0, memo.tiers().get(0).counters().unavailable());
      assertEquals(42, memo.call("answer", () -> 42, 1));
      assertTrue(outages(log).get(0).contains(": GET memocache:v:"), outages(log).toString());
    }
  }

  /** The clients connected to the server, {@code admin} included. */
  static long clients(Redis admin) {
    return admin.call("CLIENT LIST", c -> c.clientList()).lines().count();
  }

  @Test
  void memo_withRedisDown_computesLocally() throws Exception {
    int port = RedisServer.freePort();
    try (LogCapture log = new LogCapture();
        Memo memo = Memo.builder().memoryOnly().shared(uri(port)).build()) {
      assertEquals(List.of("shared"), memo.tiers().stream().map(Tier::name).toList());
      assertTrue(memo.config().toString().contains("redis=redis://***@127.0.0.1:" + port), memo.config().toString());
      assertFalse(memo.config().toString().contains(PASSWORD) || memo.tiers().get(0).toString().contains(PASSWORD));
      assertEquals(42, memo.call("answer", () -> 42, 1));
      assertEquals(43, memo.call("answer", () -> 43, 2));
      assertTrue(memo.tiers().get(0).counters().unavailable() >= 2);
      assertEquals(1, outages(log).size(), outages(log).toString());
    }
  }

  @Test
  void redisKilledMidRun_oneWarning_valuesStayLocal() throws Exception {
    try (LogCapture log = new LogCapture()) {
      RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD);
      try (SharedTier tier = open(server.uri(), null)) {
        assertTrue(put(tier, key(1), "before"));
        server.close();
        for (int i = 0; i < 5; i++) {
          assertEquals(Optional.empty(), get(tier, key(1)));
          assertFalse(put(tier, key(2), "during"));
        }
        assertEquals(10, tier.counters().unavailable());
        List<String> warnings = outages(log);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(": redis is unavailable (redis 127.0.0.1:" + server.port() + ": GET faults:v:"),
            warnings.get(0));
      } finally {
        server.close();
      }
    }
  }

  @Test
  void stoppedRedis_costsOneTimeoutPerRetryPeriod_andRecovers() throws Exception {
    try (LogCapture log = new LogCapture();
        RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD);
        SharedTier tier = open(server.uri(), null)) {
      assertTrue(put(tier, key(1), "kept"));
      server.pause();
      try {
        long first = millis(() -> assertEquals(Optional.empty(), get(tier, key(1))));
        assertTrue(first >= 250 && first < 2_000, first + " ms");
        long next = millis(() -> assertFalse(put(tier, key(2), "x")));
        assertTrue(next < 50, next + " ms");
        List<String> warnings = outages(log);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("GET faults:v:" + SharedTier.name(key(1)) + ": timed out after 300 ms"),
            warnings.get(0));
      } finally {
        server.resume();
      }
      Thread.sleep(1_100);
      assertEquals("kept", get(tier, key(1)).orElseThrow().value());
      assertEquals(2, tier.counters().unavailable());
    }
  }

  @Test
  void slowRedis_timesOut_asAMiss() throws Exception {
    try (LogCapture log = new LogCapture();
        RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD);
        Redis admin = Redis.connect(server.uri(), Duration.ofSeconds(5));
        SharedTier tier = open(server.uri(), null)) {
      assertTrue(put(tier, key(1), "kept"));
      CompletableFuture<Object> sleep = CompletableFuture.supplyAsync(() -> admin.call("DEBUG SLEEP",
          c -> c.sendCommand(DEBUG, "SLEEP", "1")));
      Thread.sleep(100);
      long ms = millis(() -> assertEquals(Optional.empty(), get(tier, key(1))));
      assertTrue(ms >= 250 && ms < 1_000, ms + " ms");
      sleep.join();
      assertEquals(1, outages(log).size());
      Thread.sleep(1_100);
      assertEquals("kept", get(tier, key(1)).orElseThrow().value());
    }
  }

  @Test
  void objectStoreRefusing_largeValuesStayLocal_smallOnesAreShared_nothingPartialPublished() throws Exception {
    try (LogCapture log = new LogCapture();
        RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD);
        S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      try (S3Blobs b = s3.client("faults", Duration.ofSeconds(5))) {
        b.createBucket();
      }
      S3Blobs wrong = S3Blobs.open(s3.endpoint(), S3Server.REGION, "faults", true,
          StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "wrong-secret-4567")),
          Duration.ofSeconds(2));
      double[] big = new double[300_000];
      java.util.Arrays.fill(big, 2.5);
      try (SharedTier tier = open(server.uri(), wrong)) {
        assertFalse(put(tier, key(1), big));
        assertTrue(put(tier, key(2), "small"), "Redis still takes small values");
        assertFalse(put(tier, key(3), big), "skipped while the store is out");
        assertEquals(Optional.empty(), get(tier, key(1)), "nothing published for the refused upload");
        assertEquals("small", get(tier, key(2)).orElseThrow().value());
        assertEquals(2, tier.counters().unavailable());
        List<String> warnings = outages(log);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(": the object store is unavailable (s3 127.0.0.1:" + s3.port() + ": PUT"
            + " faults/faults/"), warnings.get(0));
        // s3proxy refuses the signature before reading the body: a 403, or the connection closed under the upload.
        assertTrue(warnings.get(0).contains("refused: HTTP 403") || warnings.get(0).contains("Broken pipe"),
            warnings.get(0));
        for (String m : log.messages(Level.ALL)) {
          assertFalse(m.contains("wrong-secret-4567") || m.contains(s3.secret()), m);
        }
      }
      try (S3Blobs b = s3.client("faults", Duration.ofSeconds(5));
          SharedTier tier = open(server.uri(), b)) {
        assertEquals(0, b.count("faults/"), "no object left behind");
        assertTrue(put(tier, key(1), big));
        assertArrayEquals(big, (double[]) get(tier, key(1)).orElseThrow().value());
      }
    }
  }

  @Test
  void stoppedObjectStore_costsOneTimeoutPerRetryPeriod_smallEntriesStillHit() throws Exception {
    try (LogCapture log = new LogCapture();
        RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD);
        S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      try (S3Blobs b = s3.client("faults", Duration.ofSeconds(5))) {
        b.createBucket();
      }
      double[] big = new double[300_000];
      java.util.Arrays.fill(big, 4.5);
      S3Blobs blobs = S3Blobs.open(s3.endpoint(), S3Server.REGION, "faults", true, s3.credentials(),
          Duration.ofMillis(500));
      try (SharedTier tier = open(server.uri(), blobs)) {
        assertTrue(put(tier, key(1), big));
        assertTrue(put(tier, key(2), "small"));
        s3.pause();
        try {
          long first = millis(() -> assertEquals(Optional.empty(), get(tier, key(1))));
          assertTrue(first >= 400 && first < 3_000, first + " ms");
          long next = millis(() -> assertEquals(Optional.empty(), get(tier, key(1))));
          assertTrue(next < 100, "the object store is left alone: " + next + " ms");
          assertEquals("small", get(tier, key(2)).orElseThrow().value(), "Redis's entries still hit");
          List<String> warnings = outages(log);
          assertEquals(1, warnings.size(), warnings.toString());
          assertTrue(warnings.get(0).contains(": the object store is unavailable (s3 127.0.0.1:" + s3.port() + ": GET"),
              warnings.get(0));
        } finally {
          s3.resume();
        }
        Thread.sleep(1_100);
        assertArrayEquals(big, (double[]) get(tier, key(1)).orElseThrow().value());
      }
    }
  }
}
