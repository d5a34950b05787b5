package org.memocache.disk.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The choice behind the command line's {@code prune}: entries created or last read before given
 * times, then the least recently used until a count and a size hold. Runs on an index that
 * {@link Maintainer#prune} has brought up to date under the maintenance lease.
 */
final class Pruner {
  private final Evictor evictor;

  Pruner(Evictor evictor) {
    this.evictor = evictor;
  }

  /** An entry chosen by {@link Maintainer#prune}. */
  record Pruned(byte[] key, IndexRecord record) {}

  /** What {@link Maintainer#prune} chose and did. */
  record PruneRun(List<Pruned> removed, long remainingEntries, long remainingBytes, List<PartialDir> partials) {}

  /** The entries chosen, and the entries and bytes that remain once they are gone. */
  record Chosen(List<Pruned> removed, long remainingEntries, long remainingBytes) {}

  /**
   * Removes (with {@code dryRun}, only chooses) the entries of {@code index} created before
   * {@code createdBefore} or last read before {@code usedBefore}, then the least recently used
   * until at most {@code maxEntries} and {@code maxBytes} remain.
   */
  Chosen prune(Index index, MaintenanceRun run, long createdBefore, long usedBefore, long maxEntries, long maxBytes,
      boolean dryRun) throws MaintenanceRun.LeaseLostException {
    List<Evictor.Candidate> all = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : index.entries()) {
      all.add(new Evictor.Candidate(e.getKey(), IndexRecord.decode(e.getValue())));
    }
    List<Pruned> chosen = new ArrayList<>();
    List<Evictor.Candidate> rest = new ArrayList<>();
    long bytes = 0;
    for (Evictor.Candidate c : all) {
      if (c.record().createdMillis() < createdBefore || c.record().lastAccessMillis() < usedBefore) {
        chosen.add(new Pruned(c.key(), c.record()));
      } else {
        rest.add(c);
        bytes += c.record().size();
      }
    }
    rest.sort(Evictor.LEAST_RECENT);
    long count = rest.size();
    for (Evictor.Candidate c : rest) {
      if (count <= maxEntries && bytes <= maxBytes) {
        break;
      }
      chosen.add(new Pruned(c.key(), c.record()));
      count--;
      bytes -= c.record().size();
    }
    List<Pruned> removed = new ArrayList<>();
    long remainingBytes = 0;
    for (Evictor.Candidate c : all) {
      remainingBytes += c.record().size();
    }
    for (Pruned p : chosen) {
      if (dryRun || evictor.delete(index, p.key(), p.record(), run)) {
        removed.add(p);
        remainingBytes -= p.record().size();
      }
    }
    return new Chosen(removed, all.size() - removed.size(), remainingBytes);
  }
}
