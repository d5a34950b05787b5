package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memocache.CacheKey;
import org.memocache.MemoConfig;
import org.memocache.MethodId;

/**
 * Removes what writers and lock holders left behind: tmp files of dead writers, unused lock files,
 * and the recorded progress of computations that completed or that nobody resumed within
 * {@code expireAfter}. Also lists and deletes recorded progress for the inspector.
 */
final class Sweeper {
  /** Age after which tmp files of writers on other hosts (whose liveness we cannot check) count as stale. */
  static final Duration FOREIGN_STALE = JournalFolder.FOREIGN_STALE;

  private final Layout layout;
  private final LockFiles locks;
  private final MemoConfig config;
  private final Faults faults;
  private final Clock clock;

  Sweeper(Layout layout, LockFiles locks, MemoConfig config, Faults faults) {
    this.layout = layout;
    this.locks = locks;
    this.config = config;
    this.faults = faults;
    this.clock = config.clock();
  }

  /** Deletes tmp files that no live writer is writing. */
  void removeOrphans(MaintenanceRun run) throws IOException {
    if (!Scanner.directory(layout.tmp)) {
      return;
    }
    try (DirectoryStream<Path> s = layout.safe.fs.list(layout.tmp, "*")) {
      for (Path f : s) {
        if (EntryWriter.IN_FLIGHT.contains(f) || !Scanner.regularFile(f)) {
          continue;
        }
        String token = Layout.tmpToken(f.getFileName().toString());
        Optional<ProcessIdentity> writer = token == null ? Optional.empty() : ProcessIdentity.parse(token);
        boolean orphan;
        if (writer.isEmpty()) {
          orphan = SafeFiles.olderThan(f, FOREIGN_STALE);
        } else if (writer.get().token().equals(ProcessIdentity.CURRENT.token())) {
          orphan = true; // ours, and not being written: left by a failed delete
        } else if (writer.get().sameHost()) {
          orphan = !writer.get().alive();
        } else {
          orphan = SafeFiles.olderThan(f, FOREIGN_STALE);
        }
        if (orphan && layout.safe.delete(f)) {
          run.orphans++;
        }
      }
    }
  }

  /**
   * Deletes the key lock files nobody holds, but for those modified within {@code keepRecent}
   * ({@link Duration#ZERO}: none kept).
   */
  void removeStaleLocks(MaintenanceRun run, Duration keepRecent) throws IOException {
    long recent = System.currentTimeMillis() - keepRecent.toMillis();
    if (!Scanner.directory(layout.locks)) {
      return;
    }
    try (DirectoryStream<Path> dirs = layout.safe.fs.list(layout.locks, "*")) {
      for (Path d : dirs) {
        if (!Scanner.directory(d)) {
          continue;
        }
        try (DirectoryStream<Path> s = layout.safe.fs.list(d, "*" + Layout.LOCK_SUFFIX)) {
          for (Path f : s) {
            if (LockFiles.inUseHere(f) || !Scanner.regularFile(f)
                || !keepRecent.isZero() && modifiedSince(f, recent)) {
              continue;
            }
            Optional<LockFiles.Held> h = locks.tryAcquire(f, "maintenance", true);
            if (h.isPresent()) {
              h.get().close();
              run.staleLocks++;
            }
          }
        }
      }
    }
  }

  private static boolean modifiedSince(Path file, long millis) {
    try {
      return SafeFiles.modifiedMillis(file) >= millis;
    } catch (IOException e) {
      return true; // gone, or unreadable: nothing to remove
    }
  }

  /**
   * Deletes the progress of computations that completed (their entry exists: the process died
   * between storing the result and deleting the progress) or, with {@code expireAfter}, that nobody
   * resumed for that long. Only when the key's lock is free: a computation holding it may be
   * writing.
   */
  void removeFinishedPartials(MaintenanceRun run) throws IOException {
    Duration expire = config.expireAfter();
    for (PartialDir p : partialDirs()) {
      boolean finished = p.method() != null
          && layout.safe.exists(layout.entryFile(p.method().id(), p.hi(), p.lo()));
      boolean stale = expire != null && clock.millis() - p.updatedMillis() > expire.toMillis();
      if ((finished || stale) && deletePartial(p)) {
        run.partials++;
      }
    }
  }

  /** The directories under {@code partial/} whose names are keys. */
  List<PartialDir> partialDirs() throws IOException {
    List<PartialDir> out = new ArrayList<>();
    if (!Scanner.directory(layout.partial)) {
      return out;
    }
    try (DirectoryStream<Path> s = layout.safe.fs.list(layout.partial, "*")) {
      for (Path d : s) {
        String name = d.getFileName().toString();
        if (name.length() != 32 || !Scanner.directory(d)) {
          continue;
        }
        long hi;
        long lo;
        try {
          hi = Hex.parse16(name.substring(0, 16));
          lo = Hex.parse16(name.substring(16));
        } catch (NumberFormatException e) {
          continue;
        }
        out.add(new PartialDir(d, hi, lo, Layout.methodId(d.resolve(PartialStore.INFO)), updated(d)));
      }
    }
    return out;
  }

  /**
   * When progress was last recorded in {@code dir} (epoch ms, by the cache's clock): the newest
   * creation time in the headers of its chunks and checkpoints, or its start time.
   */
  private long updated(Path dir) {
    long t;
    try {
      t = Long.parseLong(Layout.readProperties(dir.resolve(PartialStore.INFO)).getOrDefault("started", "0"));
    } catch (NumberFormatException e) {
      t = 0;
    }
    try (DirectoryStream<Path> s = layout.safe.fs.list(dir, "*" + PartialStore.SUFFIX)) {
      for (Path f : s) {
        try {
          t = Math.max(t, EntryReader.readHeader(f).createdMillis());
        } catch (IOException e) {
          // damaged or gone: says nothing about when progress was recorded
        }
      }
    } catch (IOException e) {
      // gone meanwhile: what we have
    }
    return t;
  }

  /** Deletes a partial directory if its key's lock is free right now (held while deleting). */
  @SuppressWarnings("try") // the lock is only held, for the whole block
  boolean deletePartial(PartialDir p) {
    // The lock file is named by the key alone; the method part of the CacheKey does not matter.
    Path lockFile = layout.lockFile(new CacheKey(MethodId.of("-", 0), p.hi(), p.lo()));
    Optional<LockFiles.Held> lock = locks.tryAcquire(lockFile, "deleting progress", false);
    if (lock.isEmpty()) {
      return false;
    }
    try (LockFiles.Held held = lock.get()) {
      layout.safe.deleteDirectory(p.dir());
      return true;
    } catch (IOException e) {
      faults.other("partial", "deleting the progress in " + p.dir(), e);
      return false;
    }
  }
}
