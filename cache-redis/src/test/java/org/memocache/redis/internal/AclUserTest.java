package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.Memo;
import org.memocache.testing.LogCapture;

/**
 * A Redis ACL user limited to MemoCache's keys and to the commands docs/shared.md lists
 * (section Security) is all the shared tier needs: a host stores through it and another host reads
 * what it stored, and no message shows the user's password.
 */
class AclUserTest {
  private static final String ADMIN_PASSWORD = "acl-admin-pw";
  private static final String USER_PASSWORD = "acl-memo-pw-5150";

  @TempDir Path dir;

  /** The commands docs/shared.md lists for the shared tier without bounds. */
  static final String[] UNBOUNDED = {"+get", "+set", "+exists", "+hset", "+hgetall", "+scan", "+evalsha", "+eval",
      "+ping", "+del", "+getrange", "+incr", "+pexpire"};
  /** What the index of a bounded store adds (docs/shared.md). */
  static final String[] BOUNDED = {"+decrby", "+incrby", "+hget", "+hdel", "+time", "+zadd", "+zcard", "+zrange",
      "+zrem", "+zscore"};

  @Test
  void userLimitedToTheDocumentedKeysAndCommands_storesAndReads() throws Exception {
    assertSharedThrough(List.of(UNBOUNDED));
  }

  @Test
  void userLimitedToTheDocumentedKeysAndCommands_storesAndReads_inABoundedStore() throws Exception {
    String before = System.setProperty("memocache.shared-entries", "10");
    try {
      List<String> rules = new ArrayList<>(List.of(UNBOUNDED));
      rules.addAll(List.of(BOUNDED));
      assertSharedThrough(rules);
    } finally {
      if (before == null) {
        System.clearProperty("memocache.shared-entries");
      } else {
        System.setProperty("memocache.shared-entries", before);
      }
    }
  }

  private void assertSharedThrough(List<String> commands) throws Exception {
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), ADMIN_PASSWORD);
        Redis admin = Redis.connect(server.uri(), Duration.ofSeconds(2))) {
      List<String> rules = new ArrayList<>(List.of("on", ">" + USER_PASSWORD, "~memocache:*", "resetchannels", "-@all"));
      rules.addAll(commands);
      admin.call("ACL SETUSER", c -> c.aclSetUser("memo", rules.toArray(String[]::new)));
      URI user = URI.create("redis://memo:" + USER_PASSWORD + "@127.0.0.1:" + server.port());
      AtomicInteger computed = new AtomicInteger();
      try (LogCapture log = new LogCapture()) {
        try (Memo first = Memo.builder().directory(dir.resolve("host1")).shared(user).build()) {
          for (int n : new int[] {100, 300_000}) { // both in Redis: without an object store it keeps up to 64 MiB
            first.call("acl.value", () -> value(n, computed), n);
          }
        }
        try (Memo second = Memo.builder().directory(dir.resolve("host2")).shared(user).build()) {
          for (int n : new int[] {100, 300_000}) {
            assertArrayEquals(value(n, new AtomicInteger()), second.call("acl.value", () -> value(n, computed), n));
          }
          assertEquals(0L, second.tiers().get(1).counters().unavailable(), second.tiers().get(1).counters().toString());
        }
        assertEquals(2, computed.get(), "both values are shared hits for the second host");
        List<String> messages = log.messages(java.util.logging.Level.ALL);
        assertFalse(messages.stream().anyMatch(m -> m.contains(USER_PASSWORD)), messages.toString());
        assertFalse(messages.stream().anyMatch(m -> m.contains("can't run this command")), messages.toString());
      }
    }
  }

  private static double[] value(int n, AtomicInteger computed) {
    computed.incrementAndGet();
    double[] v = new double[n];
    Arrays.fill(v, n);
    return v;
  }
}
