package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.memocache.MemoConfig;

/**
 * Keeps a cache directory within {@code expireAfter}, {@code maximumDiskEntries} and
 * {@code maximumDiskBytes}: deletes expired entries, then the least recently accessed until both
 * limits hold, as the index says. Readers never wait: eviction unlinks files, and a reader that has
 * an entry open keeps reading it.
 */
final class Evictor {
  private final Layout layout;
  private final MemoConfig config;
  private final Counts counts;
  private final Faults faults;
  private final Clock clock;

  Evictor(Layout layout, MemoConfig config, Counts counts, Faults faults) {
    this.layout = layout;
    this.config = config;
    this.counts = counts;
    this.faults = faults;
    this.clock = config.clock();
  }

  /** An entry as the index records it. */
  record Candidate(byte[] key, IndexRecord record) {}

  /** The least recently accessed first; of two accessed at once, the older. */
  static final Comparator<Candidate> LEAST_RECENT = Comparator
      .comparingLong((Candidate c) -> c.record().lastAccessMillis())
      .thenComparingLong(c -> c.record().createdMillis());

  void evict(Index index, MaintenanceRun run) throws MaintenanceRun.LeaseLostException {
    long now = clock.millis();
    Duration expire = config.expireAfter();
    List<Candidate> expired = new ArrayList<>();
    List<Candidate> rest = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<byte[], byte[]> e : index.entries()) {
      Candidate c = new Candidate(e.getKey(), IndexRecord.decode(e.getValue()));
      if (expire != null && c.record().createdMillis() + expire.toMillis() <= now) {
        expired.add(c);
      } else {
        rest.add(c);
        bytes += c.record().size();
      }
    }
    for (Candidate c : expired) {
      delete(index, c.key(), c.record(), run);
    }
    long count = rest.size();
    if (count <= config.maximumDiskEntries() && bytes <= config.maximumDiskBytes()) {
      return;
    }
    rest.sort(LEAST_RECENT);
    for (Candidate c : rest) {
      if (count <= config.maximumDiskEntries() && bytes <= config.maximumDiskBytes()) {
        break;
      }
      if (delete(index, c.key(), c.record(), run)) {
        count--;
        bytes -= c.record().size();
      }
    }
  }

  /** Deletes the entry of index key {@code key} and forgets it; {@code false} when it could not be deleted. */
  boolean delete(Index index, byte[] key, IndexRecord r, MaintenanceRun run) throws MaintenanceRun.LeaseLostException {
    run.checkLease();
    long[] p = IndexRecord.parts(key);
    Path file = layout.entryFile(p[0], p[1], p[2]);
    try {
      layout.safe.parentsNow(file);
      layout.safe.delete(file);
    } catch (NoSuchFileException e) {
      // its folder is gone: so is the entry
    } catch (IOException e) {
      faults.other("evict", "evicting an entry", e);
      return false;
    }
    index.remove(key);
    run.evicted++;
    run.evictedBytes += r.size();
    counts.evictions.increment();
    return true;
  }
}
