package org.memocache.redis.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import org.memocache.CacheKey;
import org.memocache.internal.Sizes;
import org.memocache.spi.Tier;

/**
 * Per-key locks across hosts: a {@link Lease} per key, renewed by the watchdog while the holder
 * computes. A waiter polls, logging who computes (host, pid, since when) as the disk tier logs the
 * process holding a lock file. Redis unreachable gives no lock: the caller computes anyway, and
 * first-writer-wins publication keeps the value whole.
 */
final class SharedLocks implements Tier.KeyLocks {
  private static final System.Logger LOG = System.getLogger("org.memocache");
  private static final Duration FIRST_REPORT = Duration.ofSeconds(1);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(30);

  private final Leases leases;
  private final Duration ttl;
  private final Outage redis;
  private final String where;

  SharedLocks(Leases leases, Duration ttl, Outage redis, String where) {
    this.leases = leases;
    this.ttl = ttl;
    this.redis = redis;
    this.where = where;
  }

  @Override
  public Optional<Tier.KeyLock> acquire(CacheKey key, String description, Duration maxWait) {
    if (redis.skip()) {
      return Optional.empty();
    }
    String name = SharedTier.name(key);
    long start = System.nanoTime();
    long[] nextReport = {FIRST_REPORT.toNanos()};
    boolean[] skipped = {false};
    try {
      Optional<Lease> lease = leases.acquire(name, ttl, maxWait, waited -> {
        redis.succeeded();
        if (waited - nextReport[0] >= 0) {
          String holder = holder(name);
          LOG.log(Level.INFO, () -> "MemoCache: waiting " + Sizes.human(Duration.ofNanos(waited)) + " for "
              + holder + " computing " + description + " (" + where + ")");
          nextReport[0] = waited + REPORT_EVERY.toNanos();
        }
        skipped[0] = redis.skip();
        return !skipped[0];
      });
      redis.succeeded();
      if (lease.isPresent()) {
        Lease l = lease.get();
        return Optional.of(() -> release(l));
      }
      if (!skipped[0] && !maxWait.isZero() && !maxWait.isNegative()) {
        long waited = System.nanoTime() - start;
        String holder = holder(name);
        LOG.log(Level.WARNING, () -> "MemoCache: waited " + Sizes.human(Duration.ofNanos(waited)) + " for "
            + holder + " (" + where + "); computing " + description + " here too");
      }
      return Optional.empty();
    } catch (SharedStoreException e) {
      redis.failed(e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private String holder(String name) {
    return leases.holder(name).map(LeaseHolder::toString).orElse("another host (holder unknown)");
  }

  private void release(Lease lease) {
    try {
      lease.close();
    } catch (SharedStoreException e) {
      // The lease expires after its ttl; the outage is reported by the next operation that needs Redis.
      redis.failed(e);
    }
  }

  @Override
  public String toString() {
    return "lease locks (" + where + ", ttl " + ttl.toMillis() + " ms)";
  }
}
