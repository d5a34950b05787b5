package org.memocache.redis.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state of one remote service (Redis or the object store) as the shared tier sees it: after a
 * failure, operations on it are skipped for {@code retryAfter} (a server that is down or stopped
 * costs one timeout per period, not one per call), then one is tried again. Says so once per outage,
 * naming the cause, and once when the service answers again; counts every skipped or failed
 * operation as unavailable.
 */
final class Outage {
  private static final System.Logger LOG = System.getLogger("org.memocache");

  private final String where;
  private final long retryNanos;
  private final LongAdder unavailable;
  private volatile long downUntil;
  private volatile boolean down;

  /**
   * @param where the tier as messages name it, e.g. {@code the shared tier (redis 10.0.0.5:6379)}
   * @param unavailable where skipped and failed operations are counted
   */
  Outage(String where, Duration retryAfter, LongAdder unavailable) {
    this.where = where;
    this.retryNanos = retryAfter.toNanos();
    this.unavailable = unavailable;
  }

  /** Whether to skip an operation now, counting it when so. */
  boolean skip() {
    if (down && System.nanoTime() - downUntil < 0) {
      unavailable.increment();
      return true;
    }
    return false;
  }

  /** Whether operations are being skipped now (not counted). */
  boolean down() {
    return down && System.nanoTime() - downUntil < 0;
  }

  /** An operation failed: counted, and the first failure of an outage is reported. */
  void failed(SharedStoreException e) {
    unavailable.increment();
    downUntil = System.nanoTime() + retryNanos;
    boolean first;
    synchronized (this) {
      first = !down;
      down = true;
    }
    if (first) {
      LOG.log(Level.WARNING, () -> "MemoCache: " + where + " is unavailable (" + e.getMessage()
          + "); calls compute locally and store nothing there, and it is tried again every "
          + Math.max(1, Duration.ofNanos(retryNanos).toMillis()) + " ms");
    }
  }

  /** An operation succeeded: ends an outage. */
  void succeeded() {
    if (down) {
      boolean ended;
      synchronized (this) {
        ended = down;
        down = false;
      }
      if (ended) {
        LOG.log(Level.INFO, () -> "MemoCache: " + where + " answers again");
      }
    }
  }
}
