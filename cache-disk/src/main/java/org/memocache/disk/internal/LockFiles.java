package org.memocache.disk.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.Sizes;

/**
 * Exclusive locks on files, across threads and processes, with the protocol of {@code docs/disk.md}:
 *
 * <ol>
 *   <li>A JVM-wide table gives each lock file to one thread at a time. {@code FileChannel} locks are
 *       per process (a second {@code lock()} in the same JVM throws
 *       {@link OverlappingFileLockException}), and closing <em>any</em> descriptor of a file drops the
 *       process's POSIX locks on it: so in one JVM, exactly one channel per lock file is ever open.
 *   <li>Across processes, {@code tryLock()} is polled with back-off until the deadline; the OS
 *       releases the lock of a process that dies.
 *   <li>Lock files are kept when released (deleting one costs a synchronous inode eviction, with a
 *       discard on some file systems: 0.2 to 2 ms measured here). Who deletes one (the maintainer,
 *       for lock files nobody holds) first overwrites its first byte with the tombstone {@code 0x00}
 *       through its own, locked channel, then unlinks it, then releases. Whoever then obtains a lock
 *       on that dead file sees the tombstone and retries on the path. A file that is not a tombstone
 *       is still linked at its path, since only a holder unlinks, and only after the tombstone.
 *   <li>A tombstone still linked at its path (its deleter died between the two steps) is repaired
 *       by the next process that locks it: it gives the file a random size through its own channel,
 *       and unlinks the path only if {@code stat} of the path shows that size, that is, only if the
 *       path still names the file it holds.
 *   <li>The holder writes a {@link LockOwner} line; waiters read it (through their own channel) to
 *       report whom they are waiting for.
 *   <li>While it holds the lock, the holder rewrites the record's last byte every
 *       {@link #BEAT} (a heartbeat: the file's modification time moves). A waiter that sees the
 *       time stand still for {@code staleAfter} by its own clock takes the holder for stopped
 *       ({@code SIGSTOP}, a frozen VM) and computes without the lock, as after a timeout.
 *   <li>The maintenance lock is a lease: a stopped holder is not waited out but
 *       {@linkplain #takeOverIfStale taken over}, and checks {@link Held#lost()} when it runs again.
 * </ol>
 */
final class LockFiles {
  /**
   * Holds the logger, looked up on first use: {@code System.getLogger} finds the logging backend
   * with a {@code ServiceLoader} over the whole class path, which opening and reading need not wait for.
   */
  private static final class Log {
    static final Logger LOG = System.getLogger("org.memocache.disk");

    private Log() {}
  }

  private static final byte TOMBSTONE = 0;
  /** How often a holder beats; announced in its owner record, so waiters watch only holders that beat. */
  static final Duration BEAT = Duration.ofSeconds(1);
  /**
   * Held locks whose holder beats, and the one daemon thread beating for all of them: started by the
   * first lock taken, as a process that only reads never needs it.
   */
  private static final class Heartbeat {
    static final Set<Held> BEATING = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService HEART = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "memocache-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });

    static {
      HEART.scheduleAtFixedRate(() -> BEATING.forEach(Held::beat), BEAT.toMillis(), BEAT.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    private Heartbeat() {}
  }

  /** The JVM-wide table: one entry per lock file in use, with the number of threads using it. */
  private static final ConcurrentHashMap<Path, Local> TABLE = new ConcurrentHashMap<>();

  private static final class Local {
    final Semaphore permit = new Semaphore(1);
    volatile Thread holder;
    volatile String description = "";
    int users;
  }

  private final Layout layout;
  private final Duration firstProgress;
  private final Duration progressEvery;
  private final Duration staleAfter;
  private final Faults faults;

  LockFiles(Layout layout, Faults faults, Duration firstProgress, Duration progressEvery, Duration staleAfter) {
    this.layout = layout;
    this.faults = faults;
    this.firstProgress = firstProgress;
    this.progressEvery = progressEvery;
    this.staleAfter = staleAfter;
  }

  /** A held lock; {@link #close()} releases it (and deletes the file if asked to). */
  final class Held implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Local local;
    private final boolean deleteOnRelease;
    private boolean closed;
    /**
     * A lock rather than a monitor: the heartbeat's write happens under it, and a virtual thread blocked on
     * a monitor pins its carrier on JDK 21 to 23.
     */
    private final ReentrantLock guard = new ReentrantLock();

    private Held(Path file, FileChannel channel, FileLock lock, Local local, boolean deleteOnRelease) {
      this.file = file;
      this.channel = channel;
      this.lock = lock;
      this.local = local;
      this.deleteOnRelease = deleteOnRelease;
    }

    Path file() {
      return file;
    }

    /**
     * Whether another process took this lock over (see {@link #takeOverIfStale}): it marks the file
     * with the tombstone before unlinking it, and this holder reads it through its own channel.
     */
    boolean lost() {
      try {
        return isTombstone(channel);
      } catch (IOException e) {
        return false;
      }
    }

    /** Rewrites the owner record's last byte (unchanged) so the file's modification time moves. */
    private void beat() {
      guard.lock();
      try {
        if (closed) {
          return;
        }
        try {
          channel.write(ByteBuffer.wrap(new byte[] {'\n'}), LockOwner.RECORD - 1);
        } catch (IOException e) {
          // A missed beat on a full or failing disk: a waiter may compute too, which is only wasteful.
        }
      } finally {
        guard.unlock();
      }
    }

    @Override
    public void close() {
      guard.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
      } finally {
        guard.unlock();
      }
      Heartbeat.BEATING.remove(this);
      try {
        if (deleteOnRelease) {
          channel.write(ByteBuffer.wrap(new byte[] {TOMBSTONE}), 0);
          layout.safe.delete(file);
        }
      } catch (IOException e) {
        // A lock file left behind is harmless: the next holder overwrites it, the maintainer removes it.
      } finally {
        try {
          lock.release();
        } catch (IOException e) {
          // Closing the channel releases it anyway.
        }
        try {
          channel.close();
        } catch (IOException e) {
          // Nothing more can be done; the OS releases the lock when the descriptor goes.
        }
        leave(file, local, true);
      }
    }
  }

  /**
   * Takes the lock of {@code file}, waiting at most {@code maxWait}, logging progress while another
   * process holds it. Returns empty on timeout, when the calling thread already holds this lock
   * (a recursive computation of the same key cannot wait for itself), or when the lock file cannot
   * be created (read-only cache: computing without the lock is the only way forward).
   */
  Optional<Held> acquire(Path file, String description, Duration maxWait, boolean deleteOnRelease) {
    return acquire(file, description, maxWait, deleteOnRelease, false);
  }

  /** With {@code lease}, a silent holder is left to {@link #takeOverIfStale} instead of ending the wait. */
  private Optional<Held> acquire(Path file, String description, Duration maxWait, boolean deleteOnRelease,
      boolean lease) {
    long start = System.nanoTime();
    long deadline = start + Math.max(0, Math.min(maxWait.toNanos(), Long.MAX_VALUE / 4));
    Local local = enter(file);
    boolean inJvm = false;
    try {
      if (local.holder == Thread.currentThread()) {
        return Optional.empty();
      }
      inJvm = waitInJvm(local, file, description, start, deadline);
      if (!inJvm) {
        return Optional.empty();
      }
      local.holder = Thread.currentThread();
      local.description = description;
      Optional<Held> held = lockFile(file, description, local, start, deadline, deleteOnRelease, lease);
      if (held.isEmpty()) {
        local.holder = null;
        local.permit.release();
        inJvm = false;
      }
      return held;
    } finally {
      if (!inJvm) {
        leave(file, local, false);
      }
    }
  }

  /**
   * Takes a lease ({@code maintenance.lock}): as {@link #acquire}, and when the holder's heartbeat
   * has stood still for {@code staleAfter} (watched across calls), {@linkplain #takeOverIfStale takes
   * it over}. The holder checks {@link Held#lost()} before each step that changes the directory.
   */
  Optional<Held> acquireLease(Path file, String description, Duration maxWait) {
    watch(file);
    Optional<Held> held = acquire(file, description, maxWait, false, true);
    return held.isPresent() ? held : takeOverIfStale(file, description);
  }

  /** Non-blocking {@link #acquire}: the lock if it is free right now. */
  Optional<Held> tryAcquire(Path file, String description, boolean deleteOnRelease) {
    return acquire(file, description, Duration.ZERO, deleteOnRelease);
  }

  private boolean waitInJvm(Local local, Path file, String description, long start, long deadline) {
    if (local.permit.tryAcquire()) {
      return true;
    }
    long nextReport = start + firstProgress.toNanos();
    try {
      while (true) {
        long now = System.nanoTime();
        if (now >= deadline) {
          return false;
        }
        long slice = Math.min(deadline, nextReport) - now;
        if (local.permit.tryAcquire(Math.max(slice, 0), TimeUnit.NANOSECONDS)) {
          return true;
        }
        if (System.nanoTime() >= nextReport) {
          Thread t = local.holder;
          Log.LOG.log(Level.INFO, () -> "MemoCache: waiting " + Sizes.human(Duration.ofNanos(System.nanoTime() - start))
              + " for thread " + (t == null ? "?" : t.getName()) + " of this process holding the lock for "
              + local.description + " (" + layout.root + ")");
          nextReport += progressEvery.toNanos();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Optional<Held> lockFile(Path file, String description, Local local, long start, long deadline,
      boolean deleteOnRelease, boolean lease) {
    long nextReport = start + firstProgress.toNanos();
    long backoffMillis = 1;
    long nextBeatCheck = start;
    FileTime lastBeat = null;
    long lastBeatSeen = start;
    while (true) {
      FileChannel ch;
      try {
        ch = open(file);
      } catch (ForeignFileException e) {
        return Optional.empty(); // warned: computed without this lock
      } catch (IOException e) {
        faults.writeFailed("lock file " + file.getFileName(), e);
        return Optional.empty();
      }
      boolean keep = false;
      try {
        while (true) {
          FileLock fl;
          try {
            fl = ch.tryLock();
          } catch (OverlappingFileLockException e) {
            // Another tier object in this JVM on a differently spelled path to the same file: the
            // table could not see it. Treat as busy.
            fl = null;
          }
          if (fl != null) {
            if (isTombstone(ch)) {
              repairIfStillLinked(file, ch);
              fl.release();
              break; // a dead file: reopen the path
            }
            ch.write(ByteBuffer.wrap(LockOwner.current(description, System.currentTimeMillis(), BEAT.toMillis())
                .encode()), 0);
            keep = true;
            Held held = new Held(file, ch, fl, local, deleteOnRelease);
            Heartbeat.BEATING.add(held);
            return Optional.of(held);
          }
          long now = System.nanoTime();
          if (now >= deadline) {
            if (deadline > start) {
              LockOwner o = owner(ch).orElse(null);
              Log.LOG.log(Level.WARNING, () -> "MemoCache: waited " + Sizes.human(Duration.ofNanos(now - start)) + " for "
                  + (o == null ? "another process" : o.toString()) + " (" + layout.root + "); computing "
                  + description + " here too");
            }
            return Optional.empty();
          }
          if (lease && staleAfter.compareTo(Duration.ZERO) > 0 && now >= nextBeatCheck) {
            nextBeatCheck = now + BEAT.toNanos() / 2;
            if (stale(file)) {
              return Optional.empty(); // the caller takes the lease over
            }
          } else if (!lease && staleAfter.compareTo(Duration.ZERO) > 0 && now >= nextBeatCheck) {
            nextBeatCheck = now + BEAT.toNanos() / 2;
            LockOwner o = owner(ch).orElse(null);
            FileTime t = o == null || o.beatMillis() <= 0 ? null : modified(file);
            if (t == null || !t.equals(lastBeat)) {
              lastBeat = t;
              lastBeatSeen = now;
            } else if (now - lastBeatSeen >= staleAfter.toNanos()) {
              Duration still = Duration.ofNanos(now - lastBeatSeen);
              Log.LOG.log(Level.WARNING, () -> "MemoCache: " + o + " has not shown a heartbeat for "
                  + Sizes.human(still) + " (stopped or frozen?) ("
                  + layout.root + "); computing " + description + " here too");
              return Optional.empty();
            }
          }
          if (now >= nextReport) {
            LockOwner o = owner(ch).orElse(null);
            Log.LOG.log(Level.INFO, () -> "MemoCache: waiting " + Sizes.human(Duration.ofNanos(now - start)) + " for "
                + (o == null ? "another process holding the lock for " + description : o.toString()) + " ("
                + layout.root + ")");
            nextReport += progressEvery.toNanos();
          }
          long sleep = Math.min(backoffMillis, Math.max(1, (deadline - now) / 1_000_000));
          Thread.sleep(sleep);
          backoffMillis = Math.min(50, backoffMillis * 2);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (IOException e) {
        // Writing the owner record is a write like any other: a full disk is said once, in one line.
        faults.writeFailed("lock file " + file.getFileName(), e);
        return Optional.empty();
      } finally {
        if (!keep) {
          try {
            ch.close();
          } catch (IOException e) {
            // Released with the descriptor.
          }
        }
      }
    }
  }

  private FileChannel open(Path file) throws IOException {
    Set<StandardOpenOption> opts = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
    layout.prepareLockDir(file);
    try {
      return layout.safe.open(file, opts, layout.ownerOnlyFile());
    } catch (NoSuchFileException e) {
      layout.safe.forget(file);
      layout.prepareLockDir(file);
      return layout.safe.open(file, opts, layout.ownerOnlyFile());
    }
  }

  /**
   * We hold the lock of a tombstoned file. If it is still the file at {@code path} (its deleter died
   * before unlinking it), unlink it. Identity without a second descriptor: give our file a random
   * size and compare with {@code stat} of the path; live lock files are always
   * {@link LockOwner#RECORD} bytes.
   */
  private void repairIfStillLinked(Path path, FileChannel ch) throws IOException {
    long size = 2 * LockOwner.RECORD + 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 20);
    ch.write(ByteBuffer.wrap(new byte[] {TOMBSTONE}), size - 1);
    try {
      if (SafeFiles.regularFile(path).size() == size) {
        layout.safe.delete(path);
      }
    } catch (NoSuchFileException | ForeignFileException e) {
      // Already unlinked by its deleter: the normal case.
    }
  }

  /** What {@link #takeOverIfStale} last saw of a lock file: its identity, its modification time, since when. */
  private record Seen(@Nullable Object fileKey, FileTime modified, long sinceNanos) {}

  private final ConcurrentHashMap<Path, Seen> seen = new ConcurrentHashMap<>();

  /**
   * Notes the heartbeat of {@code file}'s holder; the holder is stale when {@link #takeOverIfStale}
   * later sees the same file with the same modification time, {@code staleAfter} later by this
   * process's clock (no clock is compared with the file system's).
   */
  void watch(Path file) {
    stale(file);
  }

  /** Whether {@code file} has been seen unchanged (same file, same time) for {@code staleAfter}. */
  private boolean stale(Path file) {
    BasicFileAttributes a;
    try {
      a = SafeFiles.attributes(file);
    } catch (IOException e) {
      return false;
    }
    if (a == null || !a.isRegularFile()) {
      seen.remove(file);
      return false;
    }
    long now = System.nanoTime();
    Seen s = seen.merge(file, new Seen(a.fileKey(), a.lastModifiedTime(), now), (old, fresh) ->
        java.util.Objects.equals(old.fileKey(), fresh.fileKey()) && old.modified().equals(fresh.modified()) ? old : fresh);
    return staleAfter.compareTo(Duration.ZERO) > 0 && now - s.sinceNanos() >= staleAfter.toNanos();
  }

  /**
   * Takes over a lease ({@code maintenance.lock}) whose holder stopped beating: a holder that is
   * stopped ({@code SIGSTOP}, a frozen VM) keeps its OS lock, so the file itself is retired. Under
   * a second lock ({@code <name>.takeover}, held for milliseconds, so that two takers cannot retire
   * each other's fresh files), the taker checks again that the holder announced a heartbeat and is
   * still silent, marks the file with the tombstone (the old holder checks for it before each step
   * that changes the directory, and gives up its run), unlinks it, and locks a new file at the path.
   * Waiters still polling the old file find the tombstone once it is released, and come back to the
   * path, as after a deletion.
   *
   * @return the lock, or empty when the holder is not stale (or announced no heartbeat), or another
   *     thread or process is taking it over
   */
  @SuppressWarnings("try") // the takeover guard is only held, for the whole block
  Optional<Held> takeOverIfStale(Path file, String description) {
    if (!stale(file) || inUseHere(file)) {
      return Optional.empty();
    }
    Path guardFile = file.resolveSibling(file.getFileName() + ".takeover");
    Optional<Held> guard = tryAcquire(guardFile, "taking over " + file.getFileName(), false);
    if (guard.isEmpty()) {
      return Optional.empty();
    }
    try (Held g = guard.get()) {
      Local local = enter(file);
      try {
        if (!local.permit.tryAcquire()) {
          return Optional.empty(); // a thread of this JVM holds it, or is taking it
        }
        try {
          if (!retire(file)) {
            return Optional.empty();
          }
        } finally {
          local.permit.release();
        }
      } finally {
        leave(file, local, false);
      }
    }
    seen.remove(file);
    return tryAcquire(file, description, false);
  }

  /** Marks and unlinks {@code file} if its holder is still silent; see {@link #takeOverIfStale}. */
  private boolean retire(Path file) {
    try (FileChannel ch = open(file)) {
      FileLock fl = ch.tryLock();
      if (fl != null) {
        fl.release(); // released meanwhile: nothing to take over
        return false;
      }
      LockOwner o = owner(ch).orElse(null);
      if (o == null || o.beatMillis() <= 0 || !stale(file)) {
        return false;
      }
      Seen s = seen.get(file);
      Duration silent = s == null ? staleAfter : Duration.ofNanos(System.nanoTime() - s.sinceNanos());
      ch.write(ByteBuffer.wrap(new byte[] {TOMBSTONE}), 0);
      layout.safe.delete(file);
      Log.LOG.log(Level.WARNING, () -> "MemoCache: " + o + " has not shown a heartbeat for "
          + Sizes.human(silent) + " (stopped or frozen?) (" + layout.root + "); taking its "
          + file.getFileName() + " over");
      return true;
    } catch (OverlappingFileLockException | ForeignFileException e) {
      return false;
    } catch (IOException e) {
      faults.other("lock", "taking over " + file, e);
      return false;
    }
  }

  /** The lock file's modification time (moved by the holder's heartbeat), or {@code null} if unreadable. */
  private static @Nullable FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isTombstone(FileChannel ch) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    return ch.read(one, 0) == 1 && one.get(0) == TOMBSTONE;
  }

  private static Optional<LockOwner> owner(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(2048);
      int n = ch.read(b, 0);
      return n <= 0 ? Optional.empty() : LockOwner.parse(b.array(), n);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether a lock file of this JVM is in use by some thread (the maintainer leaves those alone). */
  static boolean inUseHere(Path file) {
    return TABLE.containsKey(file);
  }

  private static Local enter(Path file) {
    return TABLE.compute(file, (k, v) -> {
      Local l = v == null ? new Local() : v;
      l.users++;
      return l;
    });
  }

  private static void leave(Path file, Local local, boolean releasePermit) {
    if (releasePermit) {
      local.holder = null;
      local.permit.release();
    }
    TABLE.compute(file, (k, v) -> {
      if (v == null) {
        return null;
      }
      v.users--;
      return v.users == 0 ? null : v;
    });
  }
}
