package org.memocache.redis.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * A held lease on one key, renewed by the watchdog until {@link #close()}. Closing releases it only
 * if this holder still owns it (compare-and-delete), so a holder that lost its lease never frees
 * another's.
 */
public final class Lease implements AutoCloseable {
  private final Leases leases;
  private final String key;
  private final String ownerPrefix;
  private final long token;
  private final Duration ttl;
  private volatile ScheduledFuture<?> renewal;
  // System.nanoTime() at the start of the last request that confirmed ownership: the lease is held
  // for sure until that moment plus the ttl, whatever the clocks of Redis and other hosts say.
  private volatile long confirmedAt;
  private volatile boolean lost;
  private volatile boolean closed;

  Lease(Leases leases, String key, String ownerPrefix, long token, Duration ttl, long confirmedAt) {
    this.leases = leases;
    this.key = key;
    this.ownerPrefix = ownerPrefix;
    this.token = token;
    this.ttl = ttl;
    this.confirmedAt = confirmedAt;
  }

  void schedule(ScheduledFuture<?> renewal) {
    this.renewal = renewal;
  }

  /** The key leased. */
  public String key() {
    return key;
  }

  /**
   * The fencing token of this grant: greater than that of every earlier grant of any key in the same
   * namespace. A side effect that is not idempotent passes it along so that its target can refuse a
   * holder that has since lost the lease.
   */
  public long token() {
    return token;
  }

  /**
   * Whether this holder may no longer own the lease: another took it, or no renewal succeeded within
   * the ttl (Redis unreachable or this process stalled). Once lost, always lost.
   */
  public boolean lost() {
    if (!lost && System.nanoTime() - confirmedAt > ttl.toNanos()) {
      lost = true;
    }
    return lost;
  }

  void renew() {
    if (lost()) {
      renewal.cancel(false);
      return;
    }
    long start = System.nanoTime();
    try {
      if (leases.renew(key, ownerPrefix, ttl)) {
        confirmedAt = start;
      } else {
        lost = true;
        renewal.cancel(false);
      }
    } catch (SharedStoreException e) {
      // Redis unreachable: lost() turns true once the ttl has passed without a confirmation.
    }
  }

  /**
   * Stops renewing and releases the lease if still owned.
   *
   * @throws SharedStoreException if Redis fails: the lease then expires after its ttl
   */
  @Override
  public void close() {
    ScheduledFuture<?> r = renewal;
    if (r != null) {
      r.cancel(false);
    }
    if (!closed) {
      closed = true;
      lost = true;
      leases.release(key, ownerPrefix);
    }
  }

  @Override
  public String toString() {
    return "lease " + key + " (token " + token + ", ttl " + ttl.toMillis() + " ms)";
  }
}
