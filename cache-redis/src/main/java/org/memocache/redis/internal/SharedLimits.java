package org.memocache.redis.internal;

import static org.memocache.internal.Arguments.positive;
import static org.memocache.internal.Arguments.requireArgument;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Bounds of a {@link SharedBytes} store: start from {@link #none()} and add rules; each one checks its
 * argument where it is given and names a bad value.
 *
 * <pre>{@code
 * SharedLimits.none().maxBytes(50L << 30).maxEntries(100_000).maxAge(Duration.ofDays(30))
 * }</pre>
 *
 * Entries published longer ago than {@code maxAge} go first; then the least recently used (last read,
 * or published) until both {@code maxBytes} and {@code maxEntries} hold, as the disk tier's
 * {@code expireAfter}, {@code maximumDiskEntries} and {@code maximumDiskBytes} do.
 *
 * @param maxBytes keep at most this many bytes of values, in Redis and the object store together
 *     ({@link Long#MAX_VALUE}: no bound); a larger value is never stored
 * @param maxEntries keep at most this many values ({@link Long#MAX_VALUE}: no bound)
 * @param maxAge remove values published longer ago than this, or {@code null} for no bound
 * @param orphanGrace how old an object no manifest names must be before a sweep deletes it: longer
 *     than any upload may take (between the end of an upload and its manifest a writer holds an
 *     object no manifest names yet)
 */
public record SharedLimits(long maxBytes, long maxEntries, @Nullable Duration maxAge, Duration orphanGrace) {
  /** The {@code orphanGrace} of {@link #none()}. */
  public static final Duration DEFAULT_ORPHAN_GRACE = Duration.ofHours(1);

  /** Checks every bound, naming a bad one. */
  public SharedLimits {
    requireArgument(maxBytes > 0, "maxBytes must be positive, was %s", maxBytes);
    requireArgument(maxEntries > 0, "maxEntries must be positive, was %s", maxEntries);
    if (maxAge != null) {
      positive("maxAge", maxAge);
    }
    positive("orphanGrace", orphanGrace);
  }

  /** No bound on bytes, entries or age; orphans swept after {@link #DEFAULT_ORPHAN_GRACE}. */
  public static SharedLimits none() {
    return new SharedLimits(Long.MAX_VALUE, Long.MAX_VALUE, null, DEFAULT_ORPHAN_GRACE);
  }

  /** Keep at most {@code bytes} bytes of values (least recently used removed first). */
  public SharedLimits maxBytes(long bytes) {
    return new SharedLimits(bytes, maxEntries, maxAge, orphanGrace);
  }

  /** Keep at most {@code entries} values (least recently used removed first). */
  public SharedLimits maxEntries(long entries) {
    return new SharedLimits(maxBytes, entries, maxAge, orphanGrace);
  }

  /** Remove values published more than {@code age} ago. */
  public SharedLimits maxAge(Duration age) {
    return new SharedLimits(maxBytes, maxEntries, positive("maxAge", age), orphanGrace);
  }

  /** Delete objects no manifest names once they are older than {@code grace}. */
  public SharedLimits orphanGrace(Duration grace) {
    return new SharedLimits(maxBytes, maxEntries, maxAge, positive("orphanGrace", grace));
  }

  /** Whether any of bytes, entries or age is bounded: only then does the store keep an index. */
  public boolean bounded() {
    return maxBytes != Long.MAX_VALUE || maxEntries != Long.MAX_VALUE || maxAge != null;
  }
}
