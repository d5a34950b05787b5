package org.memocache.disk.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.memocache.internal.Warnings;

/**
 * Keeps the MapDB index in step with the directory: opens it (rebuilding a damaged one), folds every
 * process's journal into it, deletes the journals of finished writers, and reconciles it with a full
 * scan of the entry headers. Called by {@link Maintainer} under the maintenance lease.
 */
final class JournalFolder {
  private static final Logger LOG = System.getLogger("org.memocache.disk");
  /** Age after which journals of writers on other hosts (whose liveness we cannot check) count as finished. */
  static final Duration FOREIGN_STALE = Duration.ofHours(1);
  /** Journals are read this much at a time. */
  static final int JOURNAL_CHUNK = 256 * 1024;
  /** Unread journal bytes beyond which a journal is skipped as broken (they roll over at 4 MiB). */
  static final long MAX_JOURNAL_READ = 64L << 20;

  private final Layout layout;
  private final Journal journal;
  private final Counts counts;
  private final Faults faults;
  private final Clock clock;

  JournalFolder(Layout layout, Journal journal, Counts counts, Faults faults, Clock clock) {
    this.layout = layout;
    this.journal = journal;
    this.counts = counts;
    this.faults = faults;
    this.clock = clock;
  }

  /** Opens the index, rebuilding it (empty, {@link MaintenanceRun#rebuilt}) when it is damaged. */
  Index openOrRebuild(MaintenanceRun run) throws IOException {
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

  /** Folds the records appended to every journal since the last fold into {@code index}. */
  void fold(Index index, MaintenanceRun run) throws IOException {
    List<Path> files = new ArrayList<>();
    Map<String, Integer> lastSeq = new HashMap<>();
    try (DirectoryStream<Path> s = layout.safe.fs.list(layout.index, Journal.PREFIX + "*" + Journal.SUFFIX)) {
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
      try (FileChannel ch = layout.safe.fs.openRead(p)) {
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
        layout.safe.delete(p);
        index.forgetJournal(name);
        present.remove(name);
      } else {
        index.journalOffset(name, offset + consumed);
      }
    }
    for (String name : toList(index.journalNames())) {
      if (!present.contains(name)) {
        index.forgetJournal(name);
      }
    }
    run.records += records.size();
    apply(index, records);
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

  private static boolean writerAlive(String token, Path file) {
    Optional<ProcessIdentity> id = ProcessIdentity.parse(token);
    if (id.isPresent() && id.get().sameHost()) {
      return id.get().alive();
    }
    return !SafeFiles.olderThan(file, FOREIGN_STALE);
  }

  /**
   * Applies folded records. Journals of different processes have no common order, so puts and
   * removes only say which keys changed: the file system says what is true now.
   */
  private void apply(Index index, List<JournalRecord> records) {
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

  /**
   * Reconciles {@code index} with a scan of every entry header: adds what the journals missed,
   * forgets what is gone, deletes entries whose header is damaged.
   */
  void reconcile(Index index, MaintenanceRun run) throws IOException {
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
          if (layout.safe.delete(file)) {
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
      if (!layout.safe.exists(layout.entryFile(p[0], p[1], p[2]))) {
        index.remove(k);
      }
    }
    index.lastFullScan(clock.millis());
  }
}
