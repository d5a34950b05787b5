package org.memocache.disk.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.MemoConfig;
import org.memocache.MethodId;
import org.memocache.disk.MaintenanceReport;
import org.memocache.internal.Warnings;

/**
 * The upkeep of a cache directory, done by one process at a time (the holder of the lease
 * {@code locks/maintenance.lock}, taken over when its holder stops beating; no call waits for it): fold every process's journal into the
 * MapDB index, rebuild or reconcile the index from entry headers, evict by age, count and size
 * (least recently accessed first), delete tmp files of dead writers and lock files of dead holders.
 *
 * <p>Readers and writers never wait for maintenance: eviction unlinks files, and a reader that has
 * an entry open keeps reading it.
 */
public final class Maintainer {
  private static final Logger LOG = System.getLogger("org.memocache.disk");
  /** How often a healthy index is reconciled with a full header scan. */
  static final Duration FULL_SCAN_EVERY = Duration.ofHours(1);
  /** How long listing waits for another process's maintenance run before reporting without hits. */
  static final Duration LOOKUP_WAIT = Duration.ofSeconds(10);
  /** Age after which files of writers on other hosts (whose liveness we cannot check) count as stale. */
  static final Duration FOREIGN_STALE = Duration.ofHours(1);
  /** Background runs keep lock files used more recently than this. */
  static final Duration RECENT_LOCK = Duration.ofMinutes(1);
  /** Journals are read this much at a time. */
  static final int JOURNAL_CHUNK = 256 * 1024;
  /** Unread journal bytes beyond which a journal is skipped as broken (they roll over at 4 MiB). */
  static final long MAX_JOURNAL_READ = 64L << 20;

  private final Layout layout;
  private final LockFiles locks;
  private final Journal journal;
  private final MemoConfig config;
  private final Counts counts;
  private final Faults faults;
  private final Clock clock;
  /** When this process last looked for lock files to remove ({@link System#nanoTime()}). */
  private volatile long lockSweepNanos = System.nanoTime() - RECENT_LOCK.toNanos();

  Maintainer(Layout layout, LockFiles locks, Journal journal, MemoConfig config, Counts counts, Faults faults) {
    this.layout = layout;
    this.locks = locks;
    this.journal = journal;
    this.config = config;
    this.counts = counts;
    this.faults = faults;
    this.clock = config.clock();
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
      Run run = new Run(held);
      // Every journal record appended before this moment is folded by this run.
      long started = System.currentTimeMillis();
      Index index = openOrRebuild(run);
      try {
        run.rebuilt |= index.fresh();
        run.fullScan = index.fresh() || clock.millis() - index.lastFullScan() > FULL_SCAN_EVERY.toMillis()
            || journal.takeLost();
        fold(index, run);
        if (run.fullScan) {
          reconcile(index, run);
        }
        evict(index, run);
        run.checkLease();
        removeOrphans(run);
        run.checkLease();
        removeFinishedPartials(run);
        run.checkLease();
        long now = System.nanoTime();
        if (!background || now - lockSweepNanos >= RECENT_LOCK.toNanos()) {
          lockSweepNanos = now;
          removeStaleLocks(run, background ? RECENT_LOCK : Duration.ZERO);
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
    } catch (LeaseLostException e) {
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
      Run run = new Run(held);
      Index index = openOrRebuild(run);
      try {
        if (index.fresh()) {
          reconcile(index, run);
        }
        fold(index, run);
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

  /** An index key usable in hash maps. */
  record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      long[] p = IndexRecord.parts(bytes);
      return Hex.of(p[0]) + "/" + Hex.of(p[1], p[2]);
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
      return Long.parseLong(new String(b, java.nio.charset.StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private void stamp(long started) {
    try {
      layout.writeAtomically(layout.maintained,
          (started + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (IOException e) {
      faults.other("stamp", "recording the end of a maintenance run", e);
    }
  }

  /** This process lost the maintenance lease to another (see {@link LockFiles#takeOverIfStale}). */
  static final class LeaseLostException extends IOException {
    private static final long serialVersionUID = 1L;

    LeaseLostException() {
      super("maintenance lease lost", null);
    }
  }

  /** Counts of one run. */
  private static final class Run {
    /** The maintenance lease, checked before each step that changes the directory. */
    final LockFiles.@Nullable Held lease;

    Run(LockFiles.@Nullable Held lease) {
      this.lease = lease;
    }

    void checkLease() throws LeaseLostException {
      if (lease != null && lease.lost()) {
        throw new LeaseLostException();
      }
    }

    long entries;
    long bytes;
    long records;
    long evicted;
    long evictedBytes;
    long orphans;
    long staleLocks;
    long corrupt;
    long partials;
    boolean rebuilt;
    boolean fullScan;
  }

  private Index openOrRebuild(Run run) throws IOException {
    layout.safe.forget(layout.index.resolve(Index.FILE)); // checked afresh: someone may have removed it
    layout.createDirectory(layout.index);
    try {
      return Index.open(layout.index);
    } catch (IOException e) {
      LOG.log(Level.WARNING, () -> "MemoCache: the index of " + layout.root + " is damaged (" + e.getMessage()
          + "); rebuilding it from the entry headers");
      Index.delete(layout.index);
      run.rebuilt = true;
      return Index.open(layout.index);
    }
  }

  // ---- journals ----

  private void fold(Index index, Run run) throws IOException {
    List<Path> files = new ArrayList<>();
    Map<String, Integer> lastSeq = new HashMap<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.index, Journal.PREFIX + "*" + Journal.SUFFIX)) {
      for (Path p : s) {
        String[] parts = Journal.parseName(p.getFileName().toString());
        if (parts != null) {
          files.add(p);
          lastSeq.merge(parts[0] + "-" + parts[1], Integer.parseInt(parts[2]), Math::max);
        }
      }
    }
    String own = journal.currentName();
    List<JournalRecord> records = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (Path p : files) {
      String name = p.getFileName().toString();
      present.add(name);
      String[] parts = Journal.parseName(name);
      long offset = index.journalOffset(name);
      long consumed;
      try (FileChannel ch = SafeFiles.openRead(p)) {
        long size = ch.size();
        if (size < offset) {
          offset = 0; // a different file under the same name: read it all
        }
        long unread = size - offset;
        if (unread > MAX_JOURNAL_READ) {
          // No journal grows this big (they roll over at 4 MiB): broken or planted. Skipped, not
          // read, so that it cannot exhaust memory or stall maintenance.
          consumed = unread;
          Warnings.once("journal-too-big:" + layout.root, () -> "MemoCache: skipping the index journal " + p
              + " of " + unread + " unread bytes (more than " + MAX_JOURNAL_READ + ": damaged or not"
              + " written by MemoCache); the index learns of its entries from the next full scan");
        } else {
          consumed = readJournal(ch, offset, records);
        }
      } catch (NoSuchFileException | ForeignFileException e) {
        continue; // gone; or not a journal (warned), left alone
      }
      boolean superseded = Integer.parseInt(parts[2]) < lastSeq.get(parts[0] + "-" + parts[1]);
      boolean finished = !name.equals(own) && (superseded || !writerAlive(parts[0], p));
      if (finished) {
        Files.deleteIfExists(p);
        index.forgetJournal(name);
        present.remove(name);
      } else {
        index.journalOffset(name, offset + consumed);
      }
    }
    for (String name : new ArrayList<String>(toList(index.journalNames()))) {
      if (!present.contains(name)) {
        index.forgetJournal(name);
      }
    }
    run.records += records.size();
    apply(index, records, run);
  }

  /**
   * Decodes the intact records of a journal from {@code offset}, reading {@link #JOURNAL_CHUNK} bytes
   * at a time, and returns how many bytes they span; stops at the first torn or damaged record.
   */
  private static long readJournal(FileChannel ch, long offset, List<JournalRecord> records) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(JOURNAL_CHUNK);
    long consumed = 0;
    while (true) {
      buf.clear();
      while (buf.hasRemaining() && ch.read(buf, offset + consumed + buf.position()) > 0) {
        // read until full or end of file
      }
      buf.flip();
      int used = JournalRecord.decode(buf, records);
      consumed += used;
      // A chunk holds several whole records (MAX_BODY is far smaller), so a chunk that yields none,
      // or a short one (end of file), ends the journal.
      if (used == 0 || buf.limit() < buf.capacity()) {
        return consumed;
      }
    }
  }

  private static List<String> toList(Iterable<String> it) {
    List<String> l = new ArrayList<>();
    it.forEach(l::add);
    return l;
  }

  private boolean writerAlive(String token, Path file) {
    Optional<ProcessIdentity> id = ProcessIdentity.parse(token);
    if (id.isEmpty()) {
      return !olderThan(file, FOREIGN_STALE);
    }
    if (id.get().sameHost()) {
      return id.get().alive();
    }
    return !olderThan(file, FOREIGN_STALE);
  }

  private static boolean modifiedSince(Path file, long millis) {
    try {
      return SafeFiles.modifiedMillis(file) >= millis;
    } catch (IOException e) {
      return true; // gone, or unreadable: nothing to remove
    }
  }

  private static boolean olderThan(Path file, Duration age) {
    try {
      return System.currentTimeMillis() - SafeFiles.modifiedMillis(file) > age.toMillis();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Applies folded records. Journals of different processes have no common order, so puts and
   * removes only say which keys changed: the file system says what is true now.
   */
  private void apply(Index index, List<JournalRecord> records, Run run) {
    Map<ByteKey, JournalRecord> touched = new LinkedHashMap<>();
    for (JournalRecord r : records) {
      if (!(r instanceof JournalRecord.Access)) {
        touched.put(new ByteKey(IndexRecord.key(r.methodHash(), r.hi(), r.lo())), r);
      }
    }
    for (Map.Entry<ByteKey, JournalRecord> e : touched.entrySet()) {
      JournalRecord r = e.getValue();
      Path file = layout.entryFile(r.methodHash(), r.hi(), r.lo());
      IndexRecord old = index.get(e.getKey().bytes());
      try {
        layout.safe.parents(file);
        long size = SafeFiles.regularFile(file).size();
        EntryHeader h = EntryReader.readHeader(file);
        IndexRecord now = IndexRecord.of(h, size);
        index.put(e.getKey().bytes(), old == null ? now : old.replacedBy(now));
      } catch (NoSuchFileException ex) {
        index.remove(e.getKey().bytes());
      } catch (IOException ex) {
        // Damaged header: the next read deletes it; the index forgets it now.
        index.remove(e.getKey().bytes());
      }
    }
    for (JournalRecord r : records) {
      if (r instanceof JournalRecord.Access a) {
        byte[] key = IndexRecord.key(a.methodHash(), a.hi(), a.lo());
        IndexRecord old = index.get(key);
        if (old != null) {
          index.put(key, old.accessed(a.timeMillis(), a.count(), a.hitNanos()));
        }
      }
    }
  }

  // ---- full scan ----

  private void reconcile(Index index, Run run) throws IOException {
    Set<ByteKey> seen = new HashSet<>();
    Scanner.scan(layout, null, new Scanner.Sink() {
      @Override
      public void found(Scanner.Found f) {
        EntryHeader h = f.header();
        ByteKey k = new ByteKey(IndexRecord.key(h.methodHash(), h.keyHi(), h.keyLo()));
        seen.add(k);
        IndexRecord now = IndexRecord.of(h, f.size());
        IndexRecord old = index.get(k.bytes());
        if (old == null) {
          index.put(k.bytes(), now);
        } else if (old.createdMillis() != now.createdMillis() || old.size() != now.size()) {
          index.put(k.bytes(), old.replacedBy(now));
        }
      }

      @Override
      public void corrupt(Path file, IOException e) {
        try {
          if (Files.deleteIfExists(file)) {
            run.corrupt++;
            counts.corrupt.increment();
          }
        } catch (IOException ex) {
          faults.other("scan", "deleting damaged entry " + file, ex);
        }
      }
    });
    List<byte[]> gone = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : index.entries()) {
      if (!seen.contains(new ByteKey(e.getKey()))) {
        gone.add(e.getKey());
      }
    }
    for (byte[] k : gone) {
      long[] p = IndexRecord.parts(k);
      if (!Files.exists(layout.entryFile(p[0], p[1], p[2]), LinkOption.NOFOLLOW_LINKS)) {
        index.remove(k);
      }
    }
    index.lastFullScan(clock.millis());
  }

  // ---- eviction ----

  private record Candidate(byte[] key, IndexRecord record) {}

  private void evict(Index index, Run run) throws LeaseLostException {
    long now = clock.millis();
    Duration expire = config.expireAfter();
    List<Candidate> expired = new ArrayList<>();
    List<Candidate> rest = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<byte[], byte[]> e : index.entries()) {
      Candidate c = new Candidate(e.getKey(), IndexRecord.decode(e.getValue()));
      if (expire != null && c.record.createdMillis() + expire.toMillis() <= now) {
        expired.add(c);
      } else {
        rest.add(c);
        bytes += c.record.size();
      }
    }
    for (Candidate c : expired) {
      delete(index, c.key, c.record, run);
    }
    long count = rest.size();
    if (count <= config.maximumDiskEntries() && bytes <= config.maximumDiskBytes()) {
      return;
    }
    rest.sort(Comparator.comparingLong((Candidate c) -> c.record.lastAccessMillis())
        .thenComparingLong(c -> c.record.createdMillis()));
    for (Candidate c : rest) {
      if (count <= config.maximumDiskEntries() && bytes <= config.maximumDiskBytes()) {
        break;
      }
      if (delete(index, c.key, c.record, run)) {
        count--;
        bytes -= c.record.size();
      }
    }
  }

  private boolean delete(Index index, byte[] key, IndexRecord r, Run run) throws LeaseLostException {
    run.checkLease();
    long[] p = IndexRecord.parts(key);
    Path file = layout.entryFile(p[0], p[1], p[2]);
    try {
      layout.safe.parentsNow(file);
      Files.deleteIfExists(file);
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

  // ---- orphans ----

  private void removeOrphans(Run run) throws IOException {
    if (!Scanner.directory(layout.tmp)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.tmp)) {
      for (Path f : s) {
        if (EntryWriter.IN_FLIGHT.contains(f) || !Scanner.regularFile(f)) {
          continue;
        }
        String token = Layout.tmpToken(f.getFileName().toString());
        Optional<ProcessIdentity> writer = token == null ? Optional.empty() : ProcessIdentity.parse(token);
        boolean orphan;
        if (writer.isEmpty()) {
          orphan = olderThan(f, FOREIGN_STALE);
        } else if (writer.get().token().equals(ProcessIdentity.CURRENT.token())) {
          orphan = true; // ours, and not being written: left by a failed delete
        } else if (writer.get().sameHost()) {
          orphan = !writer.get().alive();
        } else {
          orphan = olderThan(f, FOREIGN_STALE);
        }
        if (orphan && Files.deleteIfExists(f)) {
          run.orphans++;
        }
      }
    }
  }

  private void removeStaleLocks(Run run, Duration keepRecent) throws IOException {
    long recent = System.currentTimeMillis() - keepRecent.toMillis();
    if (!Scanner.directory(layout.locks)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.locks)) {
      for (Path d : dirs) {
        if (!Scanner.directory(d)) {
          continue;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*" + Layout.LOCK_SUFFIX)) {
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

  // ---- progress of progressive computations ----

  /**
   * Deletes the progress of computations that completed (their entry exists: the process died
   * between storing the result and deleting the progress) or, with {@code expireAfter}, that nobody
   * resumed for that long. Only when the key's lock is free: a computation holding it may be
   * writing.
   */
  private void removeFinishedPartials(Run run) throws IOException {
    Duration expire = config.expireAfter();
    for (PartialDir p : partialDirs()) {
      boolean finished = p.method() != null
          && Files.exists(layout.entryFile(p.method().id(), p.hi(), p.lo()), LinkOption.NOFOLLOW_LINKS);
      boolean stale = expire != null && clock.millis() - p.updatedMillis() > expire.toMillis();
      if ((finished || stale) && deletePartial(p)) {
        run.partials++;
      }
    }
  }

  /** A directory under {@code partial/}. */
  record PartialDir(Path dir, long hi, long lo, @Nullable MethodId method,
      long updatedMillis) {}

  /** The directories under {@code partial/} whose names are keys. */
  List<PartialDir> partialDirs() throws IOException {
    List<PartialDir> out = new ArrayList<>();
    if (!Scanner.directory(layout.partial)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.partial)) {
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
  private static long updated(Path dir) {
    long t;
    try {
      t = Long.parseLong(Layout.readProperties(dir.resolve(PartialStore.INFO)).getOrDefault("started", "0"));
    } catch (NumberFormatException e) {
      t = 0;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + PartialStore.SUFFIX)) {
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

  // ---- prune (the CLI's prune command) ----

  /** An entry chosen by {@link #prune}. */
  record Pruned(byte[] key, IndexRecord record) {}

  /** What {@link #prune} chose and did. */
  record PruneRun(List<Pruned> removed, long remainingEntries, long remainingBytes, List<PartialDir> partials) {}

  /**
   * Removes entries created before {@code createdBefore}, or last read before {@code usedBefore}, then
   * the least recently used until at most {@code maxEntries} and {@code maxBytes} remain; and the
   * progress of computations not updated since {@code partialsBefore} (epoch ms; {@code Long.MIN_VALUE}
   * for none). With {@code dryRun}, only says what it would remove. Folds the journals and reconciles
   * the index with the entry headers first, so the choice sees every process's reads.
   *
   * @return empty when another process is maintaining and did not finish within {@code wait}
   */
  Optional<PruneRun> prune(long createdBefore, long usedBefore, long maxEntries, long maxBytes, long partialsBefore,
      boolean dryRun, Duration wait) throws IOException {
    Optional<LockFiles.Held> lock = locks.acquireLease(layout.maintenanceLock, "prune", wait);
    if (lock.isEmpty()) {
      return Optional.empty();
    }
    try (LockFiles.Held held = lock.get()) {
      journal.flush();
      long started = System.currentTimeMillis();
      Run run = new Run(held);
      Index index = openOrRebuild(run);
      try {
        fold(index, run);
        reconcile(index, run);
        List<Candidate> all = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : index.entries()) {
          all.add(new Candidate(e.getKey(), IndexRecord.decode(e.getValue())));
        }
        List<Pruned> chosen = new ArrayList<>();
        List<Candidate> rest = new ArrayList<>();
        long bytes = 0;
        for (Candidate c : all) {
          if (c.record().createdMillis() < createdBefore || c.record().lastAccessMillis() < usedBefore) {
            chosen.add(new Pruned(c.key(), c.record()));
          } else {
            rest.add(c);
            bytes += c.record().size();
          }
        }
        rest.sort(Comparator.comparingLong((Candidate c) -> c.record().lastAccessMillis())
            .thenComparingLong(c -> c.record().createdMillis()));
        long count = rest.size();
        for (Candidate c : rest) {
          if (count <= maxEntries && bytes <= maxBytes) {
            break;
          }
          chosen.add(new Pruned(c.key(), c.record()));
          count--;
          bytes -= c.record().size();
        }
        List<Pruned> removed = new ArrayList<>();
        long remainingBytes = 0;
        for (Candidate c : all) {
          remainingBytes += c.record().size();
        }
        for (Pruned p : chosen) {
          if (dryRun || delete(index, p.key(), p.record(), run)) {
            removed.add(p);
            remainingBytes -= p.record().size();
          }
        }
        run.checkLease();
        index.commit();
        if (!dryRun) {
          stamp(started);
        }
        List<PartialDir> partials = new ArrayList<>();
        if (partialsBefore != Long.MIN_VALUE) {
          for (PartialDir p : partialDirs()) {
            if (p.updatedMillis() < partialsBefore && (dryRun || deletePartial(p))) {
              partials.add(p);
            }
          }
        }
        return Optional.of(new PruneRun(removed, all.size() - removed.size(), remainingBytes, partials));
      } finally {
        index.close();
      }
    }
  }
}
