package org.memocache.redis.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    String name = SharedTier.name(key);
    long start = System.nanoTime();
    long deadline = start + Math.min(maxWait.toNanos(), Long.MAX_VALUE / 4);
    long nextReport = start + FIRST_REPORT.toNanos();
    long pause = 2;
    try {
      while (true) {
        if (redis.skip()) {
          return Optional.empty();
        }
        Optional<Lease> lease = leases.tryAcquire(name, ttl);
        redis.succeeded();
        if (lease.isPresent()) {
          Lease l = lease.get();
          return Optional.of(() -> release(l));
        }
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          if (deadline > start) {
            String holder = holder(name);
            LOG.log(Level.WARNING, () -> "MemoCache: waited " + Sizes.human(Duration.ofNanos(now - start)) + " for "
                + holder + " (" + where + "); computing " + description + " here too");
          }
          return Optional.empty();
        }
        if (now - nextReport >= 0) {
          String holder = holder(name);
          LOG.log(Level.INFO, () -> "MemoCache: waiting " + Sizes.human(Duration.ofNanos(now - start)) + " for "
              + holder + " computing " + description + " (" + where + ")");
          nextReport = now + REPORT_EVERY.toNanos();
        }
        Thread.sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - now))));
        pause = Math.min(pause * 2, 50);
      }
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
