package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.CacheKey;
import org.memocache.MethodId;
import org.memocache.internal.Config;
import org.memocache.spi.Tier;
import org.memocache.spi.TierContractTest;

/**
 * The tier contract on a real redis-server, with entries inline in Redis and, beside it, with every
 * entry in a real S3 API server (s3proxy) behind a manifest in Redis.
 */
class SharedTierContractTest {
  static final Config CONFIG = new Config(null, 1 << 20, Long.MAX_VALUE, Long.MAX_VALUE, null, false,
      Duration.ofSeconds(10), List.of(), true, Clock.systemUTC());
  @TempDir static Path dir;
  static RedisServer redis;
  static S3Server s3;
  static int namespaces;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start(dir.resolve("redis"), "contract-pw");
    s3 = S3Server.start(dir.resolve("s3"));
    try (S3Blobs b = s3.client("contract", Duration.ofSeconds(5))) {
      b.createBucket();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** A contract run on its own namespace per test, so that tests share the servers but no keys. */
  abstract static class OnServers extends TierContractTest {
    String namespace;
    final List<Tier> opened = new ArrayList<>();

    abstract long inlineLimit();

    abstract boolean withBlobs();

    @Override
    protected void newStorage(TestInfo test) {
      namespace = "contract" + (++namespaces) + ":";
    }

    @Override
    protected Tier open() {
      SharedTier.Options o = new SharedTier.Options(namespace, inlineLimit(), Duration.ofSeconds(5),
          Duration.ofSeconds(5), Duration.ofSeconds(10));
      return SharedTier.open(redis.uri(), withBlobs() ? s3.client("contract", Duration.ofSeconds(5)) : null,
          namespace.replace(':', '/'), o, CONFIG);
    }

    @Override
    protected void damage(Tier tier, CacheKey key) throws Exception {
      try (Redis r = Redis.connect(redis.uri(), Duration.ofSeconds(5))) {
        String vk = namespace + "v:" + SharedTier.name(key);
        byte[] v = r.call("GET", c -> c.get(vk.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (v[0] == 'I') {
          v[v.length - 5] ^= 0x40; // the last payload byte, before the last block's checksum
          r.call("SET", c -> c.set(vk.getBytes(java.nio.charset.StandardCharsets.UTF_8), v));
          return;
        }
        String manifest = new String(v, 17, v.length - 17, java.nio.charset.StandardCharsets.UTF_8);
        String object = manifest.substring(manifest.indexOf(' ') + 1);
        try (S3Blobs b = s3.client("contract", Duration.ofSeconds(5));
            StoredBytes s = b.get(object, "").orElseThrow()) {
          byte[] all = s.stream().readAllBytes();
          all[all.length / 2] ^= 0x40;
          b.put(object, new java.io.ByteArrayInputStream(all), all.length);
        }
      }
    }

    @Override
    protected Set<Capability> capabilities() {
      return Set.of(Capability.LOCKS, Capability.FIND_KEY);
    }

    @Test
    void identities_listTheMethodsStored_newestFirst() throws Exception {
      MethodId older = new MethodId(METHOD.name(), METHOD.descriptor(), METHOD.version() - 1, 7);
      assertTrue(put(key(older, 1), "old", "1"));
      Thread.sleep(5);
      assertTrue(put(key(1), "new", "1"));
      assertEquals(List.of(METHOD, older), tier.identities(METHOD.name()));
      assertEquals(List.of(), tier.identities("another"));
      assertEquals(2, tier.clear(METHOD.name()));
    }
  }

  /** Every entry in Redis. */
  @Nested
  class Inline extends OnServers {
    @Override
    long inlineLimit() {
      return 1 << 20;
    }

    @Override
    boolean withBlobs() {
      return false;
    }
  }

  /** Every entry in the object store (an inline limit of 0), its manifest in Redis. */
  @Nested
  class ObjectStore extends OnServers {
    @Override
    long inlineLimit() {
      return 0;
    }

    @Override
    boolean withBlobs() {
      return true;
    }
  }
}
