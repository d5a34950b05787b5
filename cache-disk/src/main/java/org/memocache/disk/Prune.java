package org.memocache.disk;

import static org.memocache.internal.Arguments.positive;
import static org.memocache.internal.Arguments.requireArgument;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What {@link CacheDirectory#prune} removes: start from {@link #nothing()} and add rules; each one
 * checks its argument where it is given and names a bad value.
 *
 * <pre>{@code
 * dir.prune(Prune.nothing().olderThan(Duration.ofDays(30)).maxBytes(10L << 30).dryRun(true));
 * }</pre>
 *
 * Entries matching an age rule go first; then the least recently used (last read, or stored) until
 * both bounds hold.
 *
 * @param maxBytes keep at most this many bytes of entries ({@link Long#MAX_VALUE}: no bound)
 * @param maxEntries keep at most this many entries ({@link Long#MAX_VALUE}: no bound)
 * @param olderThan remove entries computed longer ago than this, or {@code null}
 * @param unusedFor remove entries not read (nor stored) for this long, or {@code null}
 * @param partialsOlderThan remove the recorded progress of computations not updated for this long
 *     (unless a process is running them), or {@code null}
 * @param dryRun only report what would be removed
 */
public record Prune(long maxBytes, long maxEntries, @Nullable Duration olderThan, @Nullable Duration unusedFor,
    @Nullable Duration partialsOlderThan, boolean dryRun) {

  /** Removes nothing. */
  public static Prune nothing() {
    return new Prune(Long.MAX_VALUE, Long.MAX_VALUE, null, null, null, false);
  }

  /** Keep at most {@code bytes} bytes (least recently used removed first). */
  public Prune maxBytes(long bytes) {
    requireArgument(bytes >= 0, "maxBytes must not be negative, was %s", bytes);
    return new Prune(bytes, maxEntries, olderThan, unusedFor, partialsOlderThan, dryRun);
  }

  /** Keep at most {@code entries} entries (least recently used removed first). */
  public Prune maxEntries(long entries) {
    requireArgument(entries >= 0, "maxEntries must not be negative, was %s", entries);
    return new Prune(maxBytes, entries, olderThan, unusedFor, partialsOlderThan, dryRun);
  }

  /** Remove entries computed more than {@code age} ago. */
  public Prune olderThan(Duration age) {
    return new Prune(maxBytes, maxEntries, positive("olderThan", age), unusedFor, partialsOlderThan, dryRun);
  }

  /** Remove entries not read for {@code age}. */
  public Prune unusedFor(Duration age) {
    return new Prune(maxBytes, maxEntries, olderThan, positive("unusedFor", age), partialsOlderThan, dryRun);
  }

  /** Remove recorded progress not updated for {@code age} (never that of a running computation). */
  public Prune partialsOlderThan(Duration age) {
    return new Prune(maxBytes, maxEntries, olderThan, unusedFor, positive("partialsOlderThan", age), dryRun);
  }

  /** Only report what would be removed. */
  public Prune dryRun(boolean dryRun) {
    return new Prune(maxBytes, maxEntries, olderThan, unusedFor, partialsOlderThan, dryRun);
  }
}
