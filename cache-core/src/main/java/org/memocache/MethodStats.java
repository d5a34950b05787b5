package org.memocache;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.memocache.internal.Sizes;

/**
 * What a tier stores for one method identity, as {@code memocache stats} shows it.
 *
 * @param method the method identity (name, descriptor, version, bytecode fingerprint)
 * @param entries stored results
 * @param bytes their stored size
 * @param hits how often they were served, as far as the tier has counted (reads of this process
 *     not yet flushed to the tier's index are not included)
 * @param computeTime total time computing the stored results took
 * @param timeSaved for each entry its hits times its compute time, less what the hits took (never
 *     below zero), summed: computation not repeated
 * @param oldest when the oldest stored result was computed ({@link Instant#EPOCH} when none)
 * @param newest when the newest stored result was computed ({@link Instant#EPOCH} when none)
 * @param lastAccess when any of them was last served or stored ({@link Instant#EPOCH} when none)
 */
public record MethodStats(
    MethodId method,
    long entries,
    long bytes,
    long hits,
    Duration computeTime,
    Duration timeSaved,
    Instant oldest,
    Instant newest,
    Instant lastAccess) {

  public MethodStats {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(computeTime, "computeTime");
    Objects.requireNonNull(timeSaved, "timeSaved");
    Objects.requireNonNull(oldest, "oldest");
    Objects.requireNonNull(newest, "newest");
    Objects.requireNonNull(lastAccess, "lastAccess");
  }

  /**
   * Hits per read or computation: {@code hits / (hits + entries)}, each stored entry standing for
   * the one computation that stored it. 0 without entries.
   */
  public double hitRate() {
    long total = hits + entries;
    return total == 0 ? 0 : (double) hits / total;
  }

  /** One line, as {@code memocache stats} prints it. */
  @Override
  public String toString() {
    return String.format("%s: %d entries, %s, %d hits (%.0f%%), computed in %s, saved %s", method, entries,
        Sizes.human(bytes), hits, 100 * hitRate(), Sizes.human(computeTime), Sizes.human(timeSaved));
  }
}
