package org.memocache.disk;

import java.time.Duration;
import org.memocache.internal.Sizes;

/**
 * What one maintenance run did. {@link #ran()} is {@code false} when another process (or thread)
 * was maintaining the directory; then every count is zero.
 *
 * @param ran whether this call was the maintainer
 * @param entries entries in the index afterwards
 * @param bytes their total size in bytes
 * @param journalRecords journal records folded into the index
 * @param evicted entries deleted by the age, count or size limits
 * @param evictedBytes bytes those entries took
 * @param orphanFiles tmp files of dead writers deleted
 * @param staleLocks lock files of dead holders deleted
 * @param corrupt entries found damaged by the header scan (deleted)
 * @param partials recorded progress of progressive computations deleted: of computations that
 *     completed (a process died between storing the result and deleting it), or older than
 *     {@code expireAfter}
 * @param indexRebuilt whether the index was missing or damaged and was rebuilt from entry headers
 * @param fullScan whether every entry header was scanned to reconcile the index
 * @param took how long the run took
 */
public record MaintenanceReport(
    boolean ran,
    long entries,
    long bytes,
    long journalRecords,
    long evicted,
    long evictedBytes,
    long orphanFiles,
    long staleLocks,
    long corrupt,
    long partials,
    boolean indexRebuilt,
    boolean fullScan,
    Duration took) {

  /** The report of a call that found another maintainer at work. */
  public static MaintenanceReport skipped() {
    return new MaintenanceReport(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, false, Duration.ZERO);
  }

  @Override
  public String toString() {
    if (!ran) {
      return "maintenance skipped (another process is maintaining)";
    }
    return String.format("%d entries, %s; folded %d journal records; evicted %d (%s); removed %d orphan tmp"
        + " files, %d stale locks, %d corrupt entries, %d finished progress%s%s; took %s", entries, Sizes.human(bytes),
        journalRecords, evicted, Sizes.human(evictedBytes), orphanFiles, staleLocks, corrupt, partials,
        indexRebuilt ? "; index rebuilt" : "",
        fullScan ? "; full scan" : "", Sizes.human(took));
  }
}
