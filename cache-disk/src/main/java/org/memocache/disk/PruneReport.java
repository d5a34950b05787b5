package org.memocache.disk;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.memocache.EntryInfo;
import org.memocache.internal.Sizes;

/**
 * What {@link CacheDirectory#prune} removed (or, for a dry run, would remove).
 *
 * @param dryRun whether nothing was actually removed
 * @param removed the entries removed
 * @param remainingEntries entries left
 * @param remainingBytes bytes left
 * @param removedPartials recorded progress removed
 * @param took how long it took
 */
public record PruneReport(boolean dryRun, List<EntryInfo> removed, long remainingEntries, long remainingBytes,
    List<PartialInfo> removedPartials, Duration took) {

  public PruneReport {
    removed = List.copyOf(removed);
    removedPartials = List.copyOf(removedPartials);
    Objects.requireNonNull(took, "took");
  }

  /** Bytes of the removed entries. */
  public long removedBytes() {
    return removed.stream().mapToLong(EntryInfo::sizeBytes).sum();
  }

  @Override
  public String toString() {
    return String.format("%s %d entries (%s) and %d progress directories; %d entries (%s) remain", dryRun
        ? "would remove" : "removed", removed.size(), Sizes.human(removedBytes()), removedPartials.size(),
        remainingEntries, Sizes.human(remainingBytes));
  }
}
