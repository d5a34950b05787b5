package org.memocache.redis.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Compute-once across hosts: one lease per key in Redis, with an expiry that a watchdog renews while
 * the holder runs. A holder that dies or stalls past the expiry loses the lease and another takes it;
 * the stalled one learns it on its next renewal ({@link Lease#lost()}). A lost lease can only cost a
 * duplicate computation, because values are published first-writer-wins; for side effects that are
 * not idempotent, each lease carries a fencing token that grows with every grant.
 *
 * <p>The lease value is {@code owner|token|host|pid|sinceMillis}; taking, renewing and releasing are
 * Lua scripts, so each is one atomic round trip.
 */
public final class Leases implements AutoCloseable {
  // Takes the lease if free: the fencing token comes from one counter for all keys, so tokens grow
  // per key too without leaving a counter behind for every key ever leased.
  private static final Redis.Script ACQUIRE = new Redis.Script("""
      local v = redis.call('GET', KEYS[1])
      if v then return {0, v} end
      local t = redis.call('INCR', KEYS[2])
      redis.call('SET', KEYS[1], ARGV[1] .. '|' .. t .. '|' .. ARGV[2], 'PX', ARGV[3])
      return {t, ''}
      """);
  // Owners are 32 hex digits: the prefix test is exact.
  private static final Redis.Script RENEW = new Redis.Script("""
      local v = redis.call('GET', KEYS[1])
      if v and string.sub(v, 1, 33) == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      return 0
      """);
  private static final Redis.Script RELEASE = new Redis.Script("""
      local v = redis.call('GET', KEYS[1])
      if v and string.sub(v, 1, 33) == ARGV[1] then
        redis.call('DEL', KEYS[1])
        return 1
      end
      return 0
      """);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Redis redis;
  private final String namespace;
  /** {@code host|pid}, resolved by the first take: the host name lookup may wait for DNS. */
  private volatile @Nullable String self;
  private final ScheduledExecutorService watchdog;

  /**
   * @param namespace prefix of every Redis key this instance uses, e.g. {@code memocache:}
   */
  public Leases(Redis redis, String namespace) {
    this.redis = redis;
    this.namespace = namespace;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "memocache-lease-watchdog");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Takes the lease of {@code key} if no one holds it; the watchdog renews it every third of
   * {@code ttl} until {@link Lease#close()}.
   *
   * @throws SharedStoreException if Redis fails or times out
   */
  public Optional<Lease> tryAcquire(String key, Duration ttl) {
    if (ttl.toMillis() < 30) {
      throw new IllegalArgumentException("lease ttl must be at least 30 ms: " + ttl);
    }
    String owner = HexFormat.of().formatHex(bytes16());
    long start = System.nanoTime();
    List<Object> r = redis.evalList("LEASE " + leaseKey(key), ACQUIRE,
        new String[] {leaseKey(key), namespace + "fence"}, utf8(owner),
        utf8(self() + "|" + System.currentTimeMillis()), utf8(Long.toString(ttl.toMillis())));
    long token = (Long) r.get(0);
    if (token == 0) {
      return Optional.empty();
    }
    Lease lease = new Lease(this, key, owner + "|", token, ttl, start);
    long period = Math.max(10, ttl.toMillis() / 3);
    lease.schedule(watchdog.scheduleAtFixedRate(lease::renew, period, period, TimeUnit.MILLISECONDS));
    return Optional.of(lease);
  }

  /**
   * Takes the lease of {@code key}, waiting up to {@code wait} for its holder to release it or lose
   * it; empty if still held then.
   *
   * @throws SharedStoreException if Redis fails or times out
   */
  public Optional<Lease> acquire(String key, Duration ttl, Duration wait) throws InterruptedException {
    return acquire(key, ttl, wait, waited -> true);
  }

  /**
   * As {@link #acquire(String, Duration, Duration)}, asking {@code waiter} before each new attempt
   * whether to make it: the attempts poll the lease, 2 ms apart at first, doubling up to 50 ms.
   *
   * @throws SharedStoreException if Redis fails or times out
   */
  public Optional<Lease> acquire(String key, Duration ttl, Duration wait, Waiter waiter) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + Math.min(wait.toNanos(), Long.MAX_VALUE / 4);
    long pause = 2;
    while (true) {
      Optional<Lease> lease = tryAcquire(key, ttl);
      if (lease.isPresent() || System.nanoTime() - deadline >= 0) {
        return lease;
      }
      Thread.sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
      pause = Math.min(pause * 2, 50);
      if (!waiter.tryAgain(System.nanoTime() - start)) {
        return Optional.empty();
      }
    }
  }

  /** Told, while another holder keeps a lease, that a new attempt is due. */
  @FunctionalInterface
  public interface Waiter {
    /** Whether to make the attempt, {@code waitedNanos} after the first. */
    boolean tryAgain(long waitedNanos);
  }

  /**
   * Who holds the lease of {@code key}, if anyone.
   *
   * @throws SharedStoreException if Redis fails or times out
   */
  public Optional<LeaseHolder> holder(String key) {
    byte[] v = redis.read("GET " + leaseKey(key), c -> c.get(utf8(leaseKey(key))));
    return v == null ? Optional.empty() : LeaseHolder.parse(new String(v, StandardCharsets.UTF_8));
  }

  boolean renew(String key, String ownerPrefix, Duration ttl) {
    return redis.evalLong("RENEW " + leaseKey(key), RENEW, new String[] {leaseKey(key)}, utf8(ownerPrefix),
        utf8(Long.toString(ttl.toMillis()))) == 1L;
  }

  boolean release(String key, String ownerPrefix) {
    return redis.evalLong("RELEASE " + leaseKey(key), RELEASE, new String[] {leaseKey(key)}, utf8(ownerPrefix)) == 1L;
  }

  private String leaseKey(String key) {
    return namespace + "lease:" + key;
  }

  private static byte[] bytes16() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String self() {
    String s = self;
    if (s == null) {
      s = hostName() + "|" + ProcessHandle.current().pid();
      self = s;
    }
    return s;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().replace('|', '_');
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }

  /** Stops the watchdog: leases still held expire on their own. */
  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
