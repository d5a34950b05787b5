package org.memocache;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A storage tier below the in-memory one: the disk tier today, a shared remote tier tomorrow.
 * {@link Memo} consults its tiers in order on a memory miss and writes a computed result through to
 * all of them.
 *
 * <p>A tier never throws from {@link #get} or {@link #put} for a storage problem: a damaged,
 * unreadable or disallowed entry is a miss (and is counted in {@link #counters()}), and a failed
 * write returns {@code false} after the tier has cleaned up after itself. The tier knows why it
 * failed (disk full, class not allowed, no codec), so it is the one to say so: once per kind of
 * problem, through {@link System.Logger}. {@link Memo} only counts the failure and keeps returning
 * computed values.
 *
 * <p>Implementations must be safe for concurrent use by many threads, and, where the storage is
 * shared, by many processes.
 */
public interface Tier extends AutoCloseable {

  /** A short name used in stats and logs, such as {@code "disk"}. */
  String name();

  /**
   * Reads the entry stored for {@code key}. Only classes that {@code classes} admits may be
   * instantiated while decoding.
   *
   * @return the stored value (possibly a cached {@code null}) with its metadata, or empty on a miss
   */
  Optional<Hit> get(CacheKey key, ClassFilter classes);

  /**
   * Stores {@code value} (which may be {@code null}) under {@code key}. Must be atomic: readers see
   * the whole entry or none.
   *
   * @return whether the value was stored
   */
  boolean put(CacheKey key, @Nullable Object value, Metadata metadata);

  /** Deletes the entry for {@code key}; returns whether there was one. */
  boolean remove(CacheKey key);

  /**
   * Deletes every entry of the method named {@code methodName}, or every entry when it is
   * {@code null}; returns how many were deleted.
   */
  long clear(@Nullable String methodName);

  /**
   * Lists stored entries of the method named {@code methodName}, or of all methods when it is
   * {@code null}. This walks the tier's storage or index: not a constant-time operation.
   */
  List<EntryInfo> entries(@Nullable String methodName);

  /**
   * The tier's cross-process (or cross-machine) per-key lock, when it has one. {@link Memo} holds it
   * while computing a missing key so that the key is computed once across processes.
   */
  default Optional<KeyLocks> locks() {
    return Optional.empty();
  }

  /** Problems and upkeep the tier has counted since it was opened. */
  default Counters counters() {
    return Counters.NONE;
  }

  /** Releases files, threads and handles. */
  @Override
  void close();

  /**
   * A stored result.
   *
   * @param value the decoded value, possibly {@code null}
   * @param info its metadata
   */
  record Hit(@Nullable Object value, EntryInfo info) {}

  /**
   * What is stored next to a value.
   *
   * @param argsSummary a short human-readable summary of the call's arguments
   * @param created when the computation finished
   * @param computeTime how long it took
   * @param classes classes the value's decoder may instantiate (used to check the value can be
   *     read back before it is stored)
   */
  record Metadata(String argsSummary, Instant created, Duration computeTime, ClassFilter classes) {}

  /**
   * Counters of a tier.
   *
   * @param corrupt entries found damaged or unreadable and treated as misses
   * @param writeFailures values that could not be stored
   * @param evictions entries removed by size, age or count limits
   */
  record Counters(long corrupt, long writeFailures, long evictions) {
    /** All zero. */
    public static final Counters NONE = new Counters(0, 0, 0);
  }

  /** Per-key locks spanning processes. */
  interface KeyLocks {
    /**
     * Takes the lock of {@code key}, waiting at most {@code maxWait}. While waiting, the
     * implementation logs who holds the lock and for how long, using {@code description} (such as
     * {@code simulate(n=1000)}) to name the call.
     *
     * @return the held lock, or empty when the wait timed out (the caller then computes anyway)
     */
    Optional<KeyLock> acquire(CacheKey key, String description, Duration maxWait);
  }

  /** A held key lock; closing releases it. */
  interface KeyLock extends AutoCloseable {
    @Override
    void close();
  }
}
