package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Redis and the object store down, stopped, slow or refusing: a clear cause within the timeout. */
@Tag("slow") // stopped and slowed servers, each waited out to a timeout (5 s)
class FaultsTest {
  /** {@code DEBUG}, which Jedis does not name. */
  static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  static String trace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  /** Prints the message: the test output shows what a user reads. */
  static SharedStoreException show(SharedStoreException e) {
    System.out.println(e.getMessage());
    return e;
  }

  static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void redisDownAtStart_failsAtConnect_namingHostAndPort() throws Exception {
    int port = RedisServer.freePort();
    long t0 = System.nanoTime();
    SharedStoreException e = show(assertThrows(SharedStoreException.class,
        () -> Redis.connect(URI.create("redis://:secret-pw@127.0.0.1:" + port), Duration.ofMillis(500))));
    assertTrue(millisSince(t0) < 3_000, millisSince(t0) + " ms");
    assertEquals("127.0.0.1:" + port, e.endpoint());
    assertEquals("CONNECT", e.operation());
    assertTrue(e.getMessage().startsWith("redis 127.0.0.1:" + port + ": CONNECT: cannot connect ("), e.getMessage());
    assertFalse(trace(e).contains("secret-pw"));
  }

  @Test
  void wrongPassword_isRefused_withoutShowingIt() throws Exception {
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), "right-pw")) {
      SharedStoreException e = show(assertThrows(SharedStoreException.class, () -> Redis.connect(
          URI.create("redis://:wrong-pw@127.0.0.1:" + server.port()), Duration.ofMillis(500))));
      assertTrue(e.getMessage().startsWith("redis 127.0.0.1:" + server.port() + ": CONNECT: "), e.getMessage());
      assertFalse(trace(e).contains("wrong-pw"), trace(e));
      assertFalse(trace(e).contains("right-pw"), trace(e));
    }
  }

  @Test
  void stoppedRedis_timesOut_thenRecovers() throws Exception {
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), null);
        Redis redis = Redis.connect(server.uri(), Duration.ofMillis(300));
        Leases leases = new Leases(redis, "t:")) {
      SharedBytes store = new SharedBytes(redis, null, "t:", "", 1024);
      assertTrue(store.put("k", new ByteArrayInputStream(new byte[] {1}), 1));
      server.pause();
      try {
        long t0 = System.nanoTime();
        SharedStoreException e = show(assertThrows(SharedStoreException.class, () -> store.get("k")));
        long ms = millisSince(t0);
        assertTrue(ms >= 250 && ms < 2_000, ms + " ms");
        assertEquals("redis 127.0.0.1:" + server.port() + ": GET t:v:k: timed out after 300 ms", e.getMessage());
        SharedStoreException l = assertThrows(SharedStoreException.class,
            () -> leases.tryAcquire("k", Duration.ofSeconds(1)));
        assertEquals("redis 127.0.0.1:" + server.port() + ": LEASE t:lease:k: timed out after 300 ms",
            l.getMessage());
      } finally {
        server.resume();
      }
      assertTrue(store.get("k").isPresent());
    }
  }

  @Test
  void slowRedis_timesOut_thenAnswers() throws Exception {
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), null);
        Redis redis = Redis.connect(server.uri(), Duration.ofMillis(300));
        Redis other = Redis.connect(server.uri(), Duration.ofSeconds(5))) {
      SharedBytes store = new SharedBytes(redis, null, "t:", "", 1024);
      Thread slow = new Thread(() -> other.call("DEBUG SLEEP",
          c -> c.sendCommand(DEBUG, "SLEEP", "1")));
      slow.start();
      Thread.sleep(100);
      long t0 = System.nanoTime();
      SharedStoreException e = show(assertThrows(SharedStoreException.class, () -> store.get("k")));
      long ms = millisSince(t0);
      assertTrue(ms >= 250 && ms < 900, ms + " ms");
      assertEquals("redis 127.0.0.1:" + server.port() + ": GET t:v:k: timed out after 300 ms", e.getMessage());
      slow.join();
      assertEquals(java.util.Optional.empty(), store.get("k"));
    }
  }

  @Test
  void stoppedRedis_holderLosesLease() throws Exception {
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), null);
        Redis redis = Redis.connect(server.uri(), Duration.ofMillis(100));
        Leases leases = new Leases(redis, "t:")) {
      Lease lease = leases.tryAcquire("k", Duration.ofMillis(300)).orElseThrow();
      server.pause();
      try {
        Thread.sleep(500);
        assertTrue(lease.lost(), "no renewal confirmed within the ttl");
      } finally {
        server.resume();
      }
    }
  }

  @Test
  void redisKilledMidRun_failsFast_andReconnectsWhenBack() throws Exception {
    RedisServer server = RedisServer.start(dir.resolve("redis"), null);
    int port = server.port();
    try (Redis redis = Redis.connect(server.uri(), Duration.ofMillis(500))) {
      SharedBytes store = new SharedBytes(redis, null, "t:", "", 1024);
      assertEquals(java.util.Optional.empty(), store.get("k"));
      server.close();
      Thread.sleep(200);
      long t0 = System.nanoTime();
      SharedStoreException e = show(assertThrows(SharedStoreException.class, () -> store.get("k")));
      assertTrue(millisSince(t0) < 2_000, millisSince(t0) + " ms");
      assertEquals("redis 127.0.0.1:" + port + ": GET t:v:k: cannot connect (Connection refused)", e.getMessage());
      SharedStoreException again = show(assertThrows(SharedStoreException.class, () -> store.get("k")));
      assertEquals("redis 127.0.0.1:" + port + ": GET t:v:k: not connected (cannot connect (Connection refused);"
          + " next attempt within 500 ms)",
          again.getMessage());
      try (RedisServer back = RedisServer.start(dir.resolve("redis2"), null, port)) {
        Thread.sleep(600);
        assertTrue(store.put("k", new ByteArrayInputStream(new byte[] {7}), 1));
        assertTrue(store.get("k").isPresent());
      }
    }
  }

  @Test
  void connectionsClosedByTheServer_readsGoAgainOnANewOne_writesFailOnce() throws Exception {
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), null);
        Redis redis = Redis.connect(server.uri(), Duration.ofMillis(500));
        Redis admin = Redis.connect(server.uri(), Duration.ofSeconds(5))) {
      SharedBytes store = new SharedBytes(redis, null, "t:", "", 1024);
      assertTrue(store.put("k", new ByteArrayInputStream(new byte[] {1}), 1));
      killOtherClients(admin);
      assertTrue(store.get("k").isPresent(), "the GET went again on a new connection");
      killOtherClients(admin);
      SharedStoreException e = show(assertThrows(SharedStoreException.class,
          () -> store.put("k2", new ByteArrayInputStream(new byte[] {2}), 1)));
      assertTrue(e.getMessage().startsWith("redis 127.0.0.1:" + server.port() + ": SET NX t:v:k2: connection lost ("),
          e.getMessage());
      assertTrue(store.put("k3", new ByteArrayInputStream(new byte[] {3}), 1), "no wait for the next attempt");
    }
  }

  /** {@code CLIENT KILL TYPE normal SKIPME yes}, as a server's idle timeout or a restart would. */
  private static void killOtherClients(Redis admin) {
    admin.call("CLIENT KILL", c -> c.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes"));
  }

  @Test
  void s3Refusing_connection_namesHostAndPort() throws Exception {
    int port = RedisServer.freePort();
    try (S3Blobs blobs = S3Blobs.open(URI.create("http://127.0.0.1:" + port), "us-east-1", "bkt", true,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "s3-secret-key")), Duration.ofMillis(500))) {
      SharedStoreException e = show(assertThrows(SharedStoreException.class,
          () -> blobs.put("k", new ByteArrayInputStream(new byte[10]), 10)));
      assertTrue(e.getMessage().startsWith("s3 127.0.0.1:" + port + ": PUT bkt/k: cannot connect ("), e.getMessage());
      assertFalse(trace(e).contains("s3-secret-key"));
    }
  }

  @Test
  void s3WrongCredentials_refused_withoutShowingThem() throws Exception {
    try (S3Server server = S3Server.start(dir.resolve("s3"));
        S3Blobs blobs = S3Blobs.open(server.endpoint(), S3Server.REGION, "bkt", true,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("someone", "wrong-secret")),
            Duration.ofSeconds(5))) {
      SharedStoreException e = show(assertThrows(SharedStoreException.class, () -> blobs.get("k", "id")));
      assertTrue(e.getMessage().startsWith("s3 127.0.0.1:" + server.port() + ": GET bkt/k: refused: HTTP 403"),
          e.getMessage());
      assertFalse(trace(e).contains("wrong-secret"));
      assertFalse(trace(e).contains(server.secret()));
    }
  }

  @Test
  void stoppedS3_timesOut() throws Exception {
    try (S3Server server = S3Server.start(dir.resolve("s3"));
        S3Blobs blobs = server.client("bkt", Duration.ofMillis(500))) {
      blobs.createBucket();
      server.pause();
      try {
        long t0 = System.nanoTime();
        SharedStoreException e = show(assertThrows(SharedStoreException.class, () -> blobs.get("k", "id")));
        long ms = millisSince(t0);
        assertTrue(ms >= 400 && ms < 3_000, ms + " ms");
        assertTrue(e.getMessage().startsWith("s3 127.0.0.1:" + server.port() + ": GET bkt/k: timed out"),
            e.getMessage());
      } finally {
        server.resume();
      }
    }
  }
}
