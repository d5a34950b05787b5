package org.memocache;

import java.time.Duration;
import java.util.List;
import org.memocache.internal.Sizes;
import org.memocache.spi.Tier;

/**
 * A snapshot of a {@link Memo}'s counters since it was built.
 *
 * @param memoryHits calls served from the memory tier (including callers that waited for another
 *     thread computing the same key)
 * @param tierHits calls served from a lower tier (disk)
 * @param misses calls that found nothing and computed
 * @param loads computations that completed
 * @param loadFailures computations that threw (nothing was cached)
 * @param loadTime total time spent computing
 * @param timeSaved sum, over hits, of the computation time the served entry originally cost
 * @param memoryEvictions entries evicted from the memory tier by its byte bound or by age
 * @param keyFailures calls whose arguments could not be hashed (woven calls then just compute)
 * @param storeFailures results that could not be stored in a lower tier (still returned)
 * @param unmemoizedCalls calls of methods found changing their arguments, computed without the cache
 * @param tiers per-tier counters of the lower tiers
 */
public record MemoStats(
    long memoryHits,
    long tierHits,
    long misses,
    long loads,
    long loadFailures,
    Duration loadTime,
    Duration timeSaved,
    long memoryEvictions,
    long keyFailures,
    long storeFailures,
    long unmemoizedCalls,
    List<TierStats> tiers) {

  public MemoStats {
    tiers = List.copyOf(tiers);
  }

  /** All hits. */
  public long hits() {
    return memoryHits + tierHits;
  }

  /** Hits over hits + misses, or 0 before the first call. */
  public double hitRate() {
    long total = hits() + misses;
    return total == 0 ? 0 : (double) hits() / total;
  }

  /**
   * Counters of one lower tier.
   *
   * @param name the tier's name
   * @param hits lookups it answered
   * @param misses lookups it could not answer
   * @param counters its own problem and upkeep counters
   */
  public record TierStats(String name, long hits, long misses, Tier.Counters counters) {}

  @Override
  public String toString() {
    return String.format("hits %d (memory %d, lower tiers %d), misses %d, hit rate %.1f%%, loads %d "
        + "(%d failed) in %s, time saved %s, memory evictions %d, unhashable calls %d, store failures %d, "
        + "unmemoized calls %d",
        hits(), memoryHits, tierHits, misses, 100 * hitRate(), loads, loadFailures,
        Sizes.human(loadTime), Sizes.human(timeSaved), memoryEvictions, keyFailures, storeFailures,
        unmemoizedCalls);
  }
}
