package org.memocache.disk.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;

/**
 * This process's journal: {@code index/journal-<proc>-<instance>-<seq>.log}, appended by this process
 * only, folded into the index by whichever process is the maintainer. Puts and removes are appended
 * at once (one {@code write}); reads are only counted in memory, lossy beyond 65 536 distinct keys,
 * and appended by {@link #flush()}. The hot path never waits for the index.
 *
 * <p>Appends are not interruptible: a {@code FileChannel} closes itself when the writing thread is
 * interrupted, so writes run with the thread's interrupt flag cleared (and set again after). A write
 * that fails anyway (disk full) loses its records, warns once, and the next append starts a new file;
 * the lost records are made up for by a full scan at the next maintenance ({@link #takeLost()}).
 * The index is an optimisation, the entry files are the truth.
 */
final class Journal implements Closeable {
  static final String PREFIX = "journal-";
  static final String SUFFIX = ".log";
  private static final long ROLL_OVER = 4L << 20;
  private static final int MAX_PENDING = 65_536;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Layout layout;
  private final Faults faults;
  /** This journal's number in the process: its files are {@code journal-<process>-<number>-<seq>.log}. */
  private final int instance;
  /**
   * Open journals, flushed by one shutdown hook: a short-lived process that never closes its
   * {@code Memo} still leaves its reads in the journal (weakly held: a journal does not keep its
   * store alive).
   */
  private static final Set<Journal> OPEN = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

  static {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(Journal::flushAll, "memocache-journal-flush"));
    } catch (IllegalStateException | SecurityException e) {
      // already shutting down: close() and the periodic flush still append
    }
  }

  private final Map<CacheKey, long[]> pending = new ConcurrentHashMap<>();
  private @Nullable FileChannel channel;
  private int seq;
  private long size;
  private boolean closed;
  /**
   * A lock rather than a monitor: appending to the journal file (on every store) happens under it, and a
   * virtual thread blocked on a monitor pins its carrier on JDK 21 to 23.
   */
  private final ReentrantLock lock = new ReentrantLock();
  /** Whether records were lost since the last {@link #takeLost()}. */
  private volatile boolean lost;

  Journal(Layout layout, Faults faults) {
    this.layout = layout;
    this.faults = faults;
    this.instance = INSTANCES.incrementAndGet();
    synchronized (OPEN) {
      OPEN.add(this);
    }
  }

  private static void flushAll() {
    List<Journal> open;
    synchronized (OPEN) {
      open = new ArrayList<>(OPEN);
    }
    for (Journal j : open) {
      try {
        j.flush();
      } catch (RuntimeException e) {
        // exiting: the entries are the truth, only counts are lost
      }
    }
  }

  /** Counts a read of {@code key} at {@code nowMillis} that took {@code hitNanos}. */
  void access(CacheKey key, long nowMillis, long hitNanos) {
    long[] a = pending.get(key);
    if (a == null) {
      if (pending.size() >= MAX_PENDING) {
        return;
      }
      // putIfAbsent, not a computeIfAbsent lambda that a fresh JVM's first hit would link.
      long[] fresh = new long[3];
      a = pending.putIfAbsent(key, fresh);
      if (a == null) {
        a = fresh;
      }
    }
    synchronized (a) {
      a[0] = Math.max(a[0], nowMillis);
      a[1]++;
      a[2] += hitNanos;
    }
  }

  /** Appends a record now. */
  void append(JournalRecord r) {
    lock.lock();
    try {
      write(List.of(r));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends the reads counted since the last flush. Whole under the lock: a flush racing
   * {@link #close()} (the exit hook and a {@code Memo.close} hook) writes before the file closes.
   */
  void flush() {
    lock.lock();
    try {
      if (pending.isEmpty()) {
        return;
      }
      List<JournalRecord> records = new ArrayList<>();
      for (CacheKey k : Set.copyOf(pending.keySet())) {
        long[] a = pending.remove(k);
        if (a != null) {
          synchronized (a) {
            records.add(new JournalRecord.Access(k.method().id(), k.hi(), k.lo(), a[0], (int) Math.min(a[1], Integer.MAX_VALUE), a[2]));
          }
        }
      }
      write(records);
    } finally {
      lock.unlock();
    }
  }

  private void write(List<JournalRecord> records) {
    if (closed || records.isEmpty()) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      if (channel == null || size >= ROLL_OVER) {
        roll();
      }
      int total = 0;
      List<byte[]> frames = new ArrayList<>(records.size());
      for (JournalRecord r : records) {
        byte[] f = r.encode();
        frames.add(f);
        total += f.length;
      }
      ByteBuffer b = ByteBuffer.allocate(total);
      frames.forEach(b::put);
      b.flip();
      while (b.hasRemaining()) {
        size += channel.write(b);
      }
    } catch (IOException e) {
      lost = true;
      abandon();
      faults.journalFailed(e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Closes a channel that failed; the next append opens a new file (this one may end torn). */
  private void abandon() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // failing already
      }
      channel = null;
    }
  }

  /** Whether records were lost since the last call: the index then needs a full scan. */
  boolean takeLost() {
    boolean l = lost;
    lost = false;
    return l;
  }

  /**
   * The file name prefix, built at the first record rather than at open: the process identity
   * reads {@code /proc} and hashes the host name, which a process that only reads need not pay.
   */
  private String stem() {
    return PREFIX + ProcessIdentity.CURRENT.token() + "-" + instance + "-";
  }

  private void roll() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
    layout.safe.directory(layout.index, null);
    // A file that a failed attempt left empty is reused rather than leaving one empty file per retry.
    String stem = stem();
    boolean reuse = seq != 0 && isEmpty(layout.index.resolve(stem + seq + SUFFIX));
    for (int attempt = 0; ; attempt++) {
      if (!reuse || attempt > 0) {
        seq++;
      }
      Path file = layout.index.resolve(stem + seq + SUFFIX);
      try {
        channel = layout.safe.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND), layout.ownerOnlyFile());
        break;
      } catch (ForeignFileException e) {
        // Something planted under this process's journal name (warned): take the next name.
        if (attempt == 2) {
          throw e;
        }
      }
    }
    size = channel.size();
  }

  private static boolean isEmpty(Path file) {
    return SafeFiles.isRegularFile(file) && file.toFile().length() == 0;
  }

  /** The file currently appended to, or {@code null} before the first record. */
  @Nullable String currentName() {
    lock.lock();
    try {
      return channel == null ? null : stem() + seq + SUFFIX;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    flush();
    lock.lock();
    try {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // Appended records are in the page cache already.
        }
        channel = null;
      }
      closed = true;
    } finally {
      lock.unlock();
    }
    synchronized (OPEN) {
      OPEN.remove(this);
    }
  }

  /**
   * The parts of a journal file name: writer token, instance and sequence number; {@code null} when
   * the name is not a journal's.
   */
  static String @Nullable [] parseName(String fileName) {
    if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)) {
      return null;
    }
    String[] p = fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length()).split("-");
    if (p.length != 5) {
      return null;
    }
    try {
      Integer.parseInt(p[3]);
      Integer.parseInt(p[4]);
    } catch (NumberFormatException e) {
      return null;
    }
    return new String[] {p[0] + "-" + p[1] + "-" + p[2], p[3], p[4]};
  }
}
