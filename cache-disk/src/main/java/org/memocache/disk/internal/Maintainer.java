package org.memocache.disk.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.memocache.MemoConfig;
import org.memocache.disk.MaintenanceReport;
import org.memocache.internal.Warnings;

/**
 * The upkeep of a cache directory, done by one process at a time: the holder of the lease
 * {@code locks/maintenance.lock}, taken over when its holder stops beating; no call waits for it.
 * A run folds every process's journal into the index and reconciles it with the entry headers
 * ({@link JournalFolder}), evicts by age, count and size ({@link Evictor}), and removes what dead
 * writers and lock holders left ({@link Sweeper}); the command line's prune chooses with
 * {@link Pruner}. This class holds the lease, orders the steps and records when a run began.
 *
 * <p>Readers and writers never wait for maintenance: eviction unlinks files, and a reader that has
 * an entry open keeps reading it.
 */
final class Maintainer {
  private static final Logger LOG = System.getLogger("org.memocache.disk");
  /** How often a healthy index is reconciled with a full header scan. */
  static final Duration FULL_SCAN_EVERY = Duration.ofHours(1);
  /** How long listing waits for another process's maintenance run before reporting without hits. */
  static final Duration LOOKUP_WAIT = Duration.ofSeconds(10);
  /** Background runs keep lock files used more recently than this. */
  static final Duration RECENT_LOCK = Duration.ofMinutes(1);

  private final Layout layout;
  private final LockFiles locks;
  private final Journal journal;
  private final Faults faults;
  private final Clock clock;
  private final JournalFolder folder;
  private final Evictor evictor;
  private final Sweeper sweeper;
  private final Pruner pruner;
  /** When this process last looked for lock files to remove ({@link System#nanoTime()}). */
  private volatile long lockSweepNanos = System.nanoTime() - RECENT_LOCK.toNanos();

  Maintainer(Layout layout, LockFiles locks, Journal journal, MemoConfig config, Counts counts, Faults faults,
      Sweeper sweeper) {
    this.layout = layout;
    this.locks = locks;
    this.journal = journal;
    this.faults = faults;
    this.clock = config.clock();
    this.folder = new JournalFolder(layout, journal, counts, faults, clock);
    this.evictor = new Evictor(layout, config, counts, faults);
    this.sweeper = sweeper;
    this.pruner = new Pruner(evictor);
  }

  /**
   * Runs maintenance if this caller can become the maintainer within {@code wait}.
   *
   * @throws IOException when the directory cannot be maintained (for example it is read-only)
   */
  MaintenanceReport run(Duration wait) throws IOException {
    return run(wait, false);
  }

  /**
   * As {@link #run(Duration)}; a {@code background} run looks at lock files at most once per
   * {@link #RECENT_LOCK}, and leaves those used within it alone: under load they are taken again at
   * once, and listing them (a folder per key prefix) and deleting one (tombstone, unlink) costs more
   * than keeping it.
   */
  MaintenanceReport run(Duration wait, boolean background) throws IOException {
    Optional<LockFiles.Held> lock = locks.acquireLease(layout.maintenanceLock, "maintenance", wait);
    if (lock.isEmpty()) {
      return MaintenanceReport.skipped();
    }
    long t0 = System.nanoTime();
    LockFiles.Held held = lock.get();
    // MapDB writes through a FileChannel, which an interrupt closes mid-write (a truncated index):
    // a run, once started, finishes with the interrupt flag cleared, and the flag is set again after.
    boolean interrupted = Thread.interrupted();
    try {
      journal.flush();
      MaintenanceRun run = new MaintenanceRun(held);
      // Every journal record appended before this moment is folded by this run.
      long started = System.currentTimeMillis();
      Index index = folder.openOrRebuild(run);
      try {
        run.rebuilt |= index.fresh();
        run.fullScan = index.fresh() || clock.millis() - index.lastFullScan() > FULL_SCAN_EVERY.toMillis()
            || journal.takeLost();
        folder.fold(index, run);
        if (run.fullScan) {
          folder.reconcile(index, run);
        }
        evictor.evict(index, run);
        run.checkLease();
        sweeper.removeOrphans(run);
        run.checkLease();
        sweeper.removeFinishedPartials(run);
        run.checkLease();
        long now = System.nanoTime();
        if (!background || now - lockSweepNanos >= RECENT_LOCK.toNanos()) {
          lockSweepNanos = now;
          sweeper.removeStaleLocks(run, background ? RECENT_LOCK : Duration.ZERO);
        }
        for (Map.Entry<byte[], byte[]> e : index.entries()) {
          run.entries++;
          run.bytes += IndexRecord.decode(e.getValue()).size();
        }
        run.checkLease();
        index.commit();
      } finally {
        if (!held.lost()) {
          index.close();
        }
      }
      stamp(started);
      MaintenanceReport r = new MaintenanceReport(true, run.entries, run.bytes, run.records, run.evicted,
          run.evictedBytes, run.orphans, run.staleLocks, run.corrupt, run.partials, run.rebuilt, run.fullScan,
          Duration.ofNanos(System.nanoTime() - t0));
      LOG.log(Level.DEBUG, () -> "MemoCache maintenance of " + layout.root + ": " + r);
      return r;
    } catch (MaintenanceRun.LeaseLostException e) {
      // The index files now belong to the process that took over: closing MapDB here could write
      // into them, so this run's uncommitted index is dropped unclosed.
      Warnings.once("lease-lost:" + layout.root, () -> "MemoCache: another process took over the maintenance of "
          + layout.root + " while this one was not running (stopped or frozen); this run is abandoned");
      return MaintenanceReport.skipped();
    } finally {
      held.close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The index records of the given keys (index keys as from {@link IndexRecord#key}), after folding
   * the journals; empty when another process keeps maintaining for longer than {@link #LOOKUP_WAIT}.
   */
  Optional<Map<ByteKey, IndexRecord>> lookup(List<ByteKey> keys) throws IOException {
    // A maintenance run of another process takes milliseconds to seconds: waiting for it beats
    // reporting no hits at all.
    Optional<LockFiles.Held> lock = locks.acquireLease(layout.maintenanceLock, "listing", LOOKUP_WAIT);
    if (lock.isEmpty()) {
      return Optional.empty();
    }
    LockFiles.Held held = lock.get();
    try {
      journal.flush();
      MaintenanceRun run = new MaintenanceRun(held);
      Index index = folder.openOrRebuild(run);
      try {
        if (index.fresh()) {
          folder.reconcile(index, run);
        }
        folder.fold(index, run);
        Map<ByteKey, IndexRecord> out = new HashMap<>();
        for (ByteKey k : keys) {
          IndexRecord r = index.get(k.bytes());
          if (r != null) {
            out.put(k, r);
          }
        }
        index.commit();
        return Optional.of(out);
      } finally {
        index.close();
      }
    } finally {
      held.close();
    }
  }

  /**
   * When the last completed maintenance run began folding the journals (epoch ms, this host's
   * clock), or -1 when unknown: every entry whose journal record was appended before then has been
   * seen by eviction.
   */
  long lastRunStarted() {
    try {
      byte[] b = SafeFiles.readSmall(layout.maintained, 32);
      return Long.parseLong(new String(b, StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private void stamp(long started) {
    try {
      layout.writeAtomically(layout.maintained, (started + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      faults.other("stamp", "recording the end of a maintenance run", e);
    }
  }

  /**
   * Removes entries created before {@code createdBefore}, or last read before {@code usedBefore}, then
   * the least recently used until at most {@code maxEntries} and {@code maxBytes} remain; and the
   * progress of computations not updated since {@code partialsBefore} (epoch ms; {@code Long.MIN_VALUE}
   * for none). With {@code dryRun}, only says what it would remove. Folds the journals and reconciles
   * the index with the entry headers first, so the choice sees every process's reads.
   *
   * @return empty when another process is maintaining and did not finish within {@code wait}
   */
  Optional<Pruner.PruneRun> prune(long createdBefore, long usedBefore, long maxEntries, long maxBytes,
      long partialsBefore, boolean dryRun, Duration wait) throws IOException {
    Optional<LockFiles.Held> lock = locks.acquireLease(layout.maintenanceLock, "prune", wait);
    if (lock.isEmpty()) {
      return Optional.empty();
    }
    try (LockFiles.Held held = lock.get()) {
      journal.flush();
      long started = System.currentTimeMillis();
      MaintenanceRun run = new MaintenanceRun(held);
      Index index = folder.openOrRebuild(run);
      try {
        folder.fold(index, run);
        folder.reconcile(index, run);
        Pruner.Chosen chosen = pruner.prune(index, run, createdBefore, usedBefore, maxEntries, maxBytes, dryRun);
        run.checkLease();
        index.commit();
        if (!dryRun) {
          stamp(started);
        }
        List<PartialDir> partials = new ArrayList<>();
        if (partialsBefore != Long.MIN_VALUE) {
          for (PartialDir p : sweeper.partialDirs()) {
            if (p.updatedMillis() < partialsBefore && (dryRun || sweeper.deletePartial(p))) {
              partials.add(p);
            }
          }
        }
        return Optional.of(new Pruner.PruneRun(chosen.removed(), chosen.remainingEntries(),
            chosen.remainingBytes(), partials));
      } finally {
        index.close();
      }
    }
  }
}
