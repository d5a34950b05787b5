package org.memocache.disk.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.MemoConfig;
import org.memocache.MethodId;
import org.memocache.MethodStats;
import org.memocache.disk.MaintenanceReport;
import org.memocache.internal.Sizes;
import org.memocache.internal.WarmUp;
import org.memocache.internal.Warnings;
import org.memocache.internal.codec.RawArrayLayout;
import org.memocache.internal.codec.TierValues;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.UnstorableValueException;
import org.memocache.spi.ValueCodec;

/**
 * The disk tier's machinery behind {@code org.memocache.disk.DiskTier}: lock-free reads of verified
 * entries, atomic publishes, key locks, the journal and the background maintainer.
 */
public final class DiskStore implements AutoCloseable {
  /**
   * Holds the logger, looked up on first use: {@code System.getLogger} finds the logging backend
   * with a {@code ServiceLoader} over the whole class path, which opening and reading need not wait for.
   */
  private static final class Log {
    static final Logger LOG = System.getLogger("org.memocache.disk");

    private Log() {}
  }

  private static final Duration FLUSH_EVERY = Duration.ofSeconds(5);
  /**
   * How long a lock holder's heartbeat (every second) may stand still before a waiter takes the
   * holder for stopped and computes too: long enough for a GC pause or a loaded machine.
   */
  static final Duration STALE_HOLDER = Duration.ofSeconds(30);

  /** How often a process whose write budget is used up looks for a newer maintenance run. */
  static final Duration BUDGET_CHECK_EVERY = Duration.ofMillis(5);
  /** The least time between the starts of two maintenance runs asked for by writes. */
  static final Duration MAINTENANCE_GAP = Duration.ofMillis(500);

  /** Whether a first read's classes were queued for the warm-up thread, once per JVM. */
  private static final AtomicBoolean READ_WARM_UP = new AtomicBoolean();

  /** How long {@link #close()} lets a running maintenance finish. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final MemoConfig config;
  private final Layout layout;
  private final Faults faults;
  private final Counts counts = new Counts();
  /** Encodes and decodes for what reads and writes objects here: progress, the command line. */
  private final TierValues values;
  private final EntryWriter writer;
  private final LockFiles locks;
  private final Journal journal;
  /** Made on first use: opening the store and reading entries need neither (see {@link #upkeep()}). */
  private volatile @Nullable Upkeep upkeep;
  private volatile @Nullable PartialStore partials;
  private final Duration maintenanceInterval;
  private volatile @Nullable ScheduledThreadPoolExecutor background;
  private final long openedNanos = System.nanoTime();
  private final AtomicBoolean maintenanceQueued = new AtomicBoolean();
  private final AtomicLong bytesSinceMaintenance = new AtomicLong();
  private final AtomicLong putsSinceMaintenance = new AtomicLong();
  /** Keeps the limits under any load; {@code null} without limits or background maintenance. */
  private final @Nullable WriteBudget budget;
  private final AtomicLong budgetCheckedNanos = new AtomicLong(System.nanoTime());
  private final AtomicBoolean budgetTold = new AtomicBoolean();
  /** When this process last tried to maintain in the background (epoch ms; -1: never). */
  private volatile long lastAttemptMillis = -1;
  private volatile boolean closed;

  private DiskStore(MemoConfig config, List<ValueCodec> codecs, Layout layout, Duration maintenanceInterval,
      Duration firstProgress, Duration progressEvery, Duration staleHolder) {
    this.config = config;
    this.layout = layout;
    this.faults = new Faults(layout.root);
    this.values = new TierValues(codecs, layout.root.toString());
    this.writer = new EntryWriter(layout, config.durable());
    this.locks = new LockFiles(layout, faults, firstProgress, progressEvery, staleHolder);
    this.journal = new Journal(layout, faults);
    this.maintenanceInterval = maintenanceInterval;
    WriteBudget b = new WriteBudget(config.maximumDiskBytes(), config.maximumDiskEntries());
    this.budget = b.bounded() && !maintenanceInterval.isZero() ? b : null;
  }

  /**
   * The thread that flushes the journal and maintains in the background, started by the first store,
   * removal or maintenance request, or by a read {@link #FLUSH_EVERY} after open. A job that only
   * reads a few entries never needs it (its reads are flushed at close or exit), and making it loads
   * some 30 classes. {@code null} once closed.
   */
  private @Nullable ScheduledThreadPoolExecutor background() {
    ScheduledThreadPoolExecutor bg = background;
    return bg != null ? bg : startBackground();
  }

  /** Counts a read; a process still reading after {@link #FLUSH_EVERY} gets its flusher and maintainer. */
  private void accessed(CacheKey key, long nowMillis, long hitNanos) {
    journal.access(key, nowMillis, hitNanos);
    if (background == null && System.nanoTime() - openedNanos > FLUSH_EVERY.toNanos()) {
      startBackground();
    }
  }

  /** The journal, with the thread that flushes it started. */
  private Journal journal() {
    background();
    return journal;
  }

  private synchronized @Nullable ScheduledThreadPoolExecutor startBackground() {
    if (background != null || closed) {
      return background;
    }
    ScheduledThreadPoolExecutor bg = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "memocache-disk " + layout.root);
      t.setDaemon(true);
      return t;
    });
    bg.setRemoveOnCancelPolicy(true);
    bg.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    long flush = FLUSH_EVERY.toMillis();
    bg.scheduleWithFixedDelay(this::flushQuietly, flush, flush, TimeUnit.MILLISECONDS);
    if (!maintenanceInterval.isZero()) {
      long every = maintenanceInterval.toMillis();
      bg.scheduleWithFixedDelay(this::maintainQuietly, every, every, TimeUnit.MILLISECONDS);
    }
    background = bg;
    return bg;
  }

  /**
   * Opens the disk tier on {@code config.directory()}.
   *
   * @param maintenanceInterval how often this process tries to maintain the directory in the
   *     background ({@link Duration#ZERO}: never; {@link #maintain()} still works)
   * @throws IOException naming the directory when it cannot be used
   */
  public static DiskStore open(MemoConfig config, List<ValueCodec> codecs, Duration maintenanceInterval)
      throws IOException {
    return open(config, codecs, maintenanceInterval, Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  /** As {@link #open(MemoConfig, List, Duration)}, with the lock wait's progress-report timing. */
  public static DiskStore open(MemoConfig config, List<ValueCodec> codecs, Duration maintenanceInterval,
      Duration firstProgress, Duration progressEvery) throws IOException {
    return open(config, codecs, maintenanceInterval, firstProgress, progressEvery, STALE_HOLDER);
  }

  /**
   * As {@link #open(MemoConfig, List, Duration, Duration, Duration)}, with how long a lock holder's
   * heartbeat may stand still before a waiter takes it for stopped ({@link Duration#ZERO}: never).
   */
  public static DiskStore open(MemoConfig config, List<ValueCodec> codecs, Duration maintenanceInterval,
      Duration firstProgress, Duration progressEvery, Duration staleHolder) throws IOException {
    return open(config, codecs, maintenanceInterval, firstProgress, progressEvery, staleHolder,
        DiskFileSystem.SYSTEM);
  }

  /**
   * As {@link #open(MemoConfig, List, Duration)}, reaching the files below the cache root through
   * {@code fs}: for tests that inject faults.
   */
  public static DiskStore open(MemoConfig config, List<ValueCodec> codecs, Duration maintenanceInterval,
      DiskFileSystem fs) throws IOException {
    return open(config, codecs, maintenanceInterval, Duration.ofSeconds(2), Duration.ofSeconds(10), STALE_HOLDER, fs);
  }

  private static DiskStore open(MemoConfig config, List<ValueCodec> codecs, Duration maintenanceInterval,
      Duration firstProgress, Duration progressEvery, Duration staleHolder, DiskFileSystem fs) throws IOException {
    Path dir = config.directory();
    if (dir == null) {
      throw new IllegalArgumentException("the disk tier needs a directory; config.directory() is null");
    }
    DiskStore store = new DiskStore(config, codecs, Layout.open(dir, fs), maintenanceInterval, firstProgress,
        progressEvery, staleHolder);
    if (READ_WARM_UP.compareAndSet(false, true)) {
      WarmUp.later(DiskStore::warmUpFirstRead);
    }
    return store;
  }

  /**
   * Initializes, on the warm-up thread, the classes that a first read of an entry needs (the
   * reader, its header and checksums), some milliseconds of a fresh JVM's first disk hit.
   */
  private static void warmUpFirstRead() {
    WarmUp.initialize(EntryReader.class, EntryHeader.class, BlockChecksum.class, BlockChecksum.Crc32c.class,
        java.util.zip.CRC32C.class, Hex.class, DiskEntry.class, EntryUse.class);
    // This process's identity names its journal, temporary files and lock records: a read-only run
    // needs it when it closes, a first run at its first store. Reading it (the host name, the start
    // time from /proc) took 10-20 ms of a fresh JVM's close.
    WarmUp.initialize(ProcessIdentity.class);
  }

  /**
   * Opens an existing cache directory for inspection: creates nothing, runs no background
   * maintenance (journals are still flushed).
   *
   * @throws IOException naming the directory when it is missing or not a MemoCache directory
   */
  public static DiskStore openExisting(MemoConfig config, List<ValueCodec> codecs) throws IOException {
    Path dir = config.directory();
    if (dir == null) {
      throw new IllegalArgumentException("config.directory() is null");
    }
    return new DiskStore(config, codecs, Layout.openExisting(dir), Duration.ZERO, Duration.ofSeconds(2),
        Duration.ofSeconds(10), STALE_HOLDER);
  }

  public Path root() {
    return layout.root;
  }

  /** The encoding and decoding of values with this store's codecs: for progress, the command line and tests. */
  public TierValues values() {
    return values;
  }

  /** The walks of the command line and {@code CacheDirectory} over this store's directory. */
  public Inspector inspector() {
    Upkeep u = upkeep();
    return new Inspector(this, layout, u.maintainer(), u.sweeper(), partialStore(), faults, config.clock());
  }

  /** The verdicts on methods that change their arguments, kept in this store's directory. */
  public InputChanges inputChanges() {
    return new InputChanges(layout);
  }

  // ---- reads ----

  /**
   * Opens {@code key}'s entry for the engine to decode ({@link Tier#get}). Its outcome comes back
   * through the entry: a rejection deletes (damage) or keeps (foreign) the file and counts it; a
   * close without one counts as an access.
   */
  public Optional<StoredEntry> get(CacheKey key) {
    return open(key, false);
  }

  /**
   * {@code key}'s entry's metadata from its header and checksum table ({@link Tier#info}): the payload
   * is not read and no access is journaled.
   */
  public Optional<EntryInfo> info(CacheKey key) {
    return withLiveEntry(key, false, (file, r, h, now) -> info(h, r.size(), now), Use.LOOK);
  }

  /**
   * {@code key}'s live entry, open: an anonymous class rather than a lambda, whose linking a fresh
   * JVM's first hit would pay for.
   */
  private Optional<StoredEntry> open(CacheKey key, boolean format2) {
    long t0 = System.nanoTime();
    return withLiveEntry(key, format2, new EntryUse<StoredEntry>() {
      @Override
      public StoredEntry apply(Path file, EntryReader reader, EntryHeader header, long now) {
        return entry(key, file, reader, header, now, t0);
      }
    }, Use.HAND_OVER);
  }

  private StoredEntry entry(CacheKey key, Path file, EntryReader r, EntryHeader h, long now, long t0) {
    return new DiskEntry(r, info(h, r.size(), now), new DiskEntry.Outcome() {
      @Override
      public void rejected(StoredEntry.Rejection kind, String reason) {
        if (kind == StoredEntry.Rejection.DAMAGED) {
          damaged(file, key, new CorruptEntryException(reason), h);
        } else {
          foreign(key, reason);
        }
      }

      @Override
      public void readFailed(IOException e) {
        faults.readFailed(key.method().name(), e);
      }

      @Override
      public void used(long nanos) {
        // What the hit cost (open, verify, decode): subtracted from the time it saved.
        accessed(key, now, nanos);
      }
    }, t0);
  }

  /**
   * Reads and decodes {@code key}'s entry, reading format 2 entries too ({@code format2}): for the
   * command line, which shows old entries; a program's reads treat them as another version's.
   */
  public Optional<TierValues.Decoded> get(CacheKey key, ClassFilter classes, boolean format2) {
    Optional<StoredEntry> stored = open(key, format2);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try (StoredEntry e = stored.get()) {
      return values.decode(key.method().name(), e, classes);
    }
  }

  /** What a read makes of an open entry already checked to be {@code key}'s and not expired. */
  @FunctionalInterface
  private interface EntryUse<T> {
    /** The result, or {@code null} for a miss that is not damage. */
    @Nullable T apply(Path file, EntryReader reader, EntryHeader header, long now) throws IOException;
  }

  /**
   * Opens {@code key}'s entry, checks it is this key's and not expired, and hands it to {@code use};
   * a use that returns a value counts as an access. Damage deletes the entry and is a miss; other
   * I/O failures are a miss with one warning per kind of fault.
   */
  private <T> Optional<T> withLiveEntry(CacheKey key, boolean format2, EntryUse<T> use) {
    return withLiveEntry(key, format2, use, Use.READ);
  }

  /** What {@link #withLiveEntry} does with the reader once {@code use} returned a result. */
  private enum Use {
    /** Closes it and journals an access: the entry was read. */
    READ,
    /** Leaves it open for what {@code use} returned (closed on a miss); that journals the access. */
    HAND_OVER,
    /** Closes it, journaling nothing: only the header was looked at. */
    LOOK
  }

  /** As {@link #withLiveEntry(CacheKey, boolean, EntryUse)}, the reader treated as {@code after} says. */
  private <T> Optional<T> withLiveEntry(CacheKey key, boolean format2, EntryUse<T> use, Use after) {
    if (closed) {
      return Optional.empty();
    }
    long t0 = System.nanoTime();
    Path file = layout.entryFile(key);
    EntryReader r;
    try {
      layout.safe.parents(file);
      r = EntryReader.open(layout.safe.fs, file, format2);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (ForeignEntryException e) {
      foreign(key, e);
      return Optional.empty();
    } catch (CorruptEntryException e) {
      damaged(file, key, e, null);
      return Optional.empty();
    } catch (IOException e) {
      faults.readFailed(key.method().name(), e);
      return Optional.empty();
    }
    boolean handedOver = false;
    try {
      EntryHeader h = r.header();
      if (!h.isFor(key)) {
        throw new CorruptEntryException("entry is for " + h.method() + "/" + h.keyHex() + ", not " + key);
      }
      long now = config.clock().millis();
      Duration expire = config.expireAfter();
      if (expire != null && h.createdMillis() + expire.toMillis() <= now) {
        return Optional.empty();
      }
      T result = use.apply(file, r, h, now);
      if (result != null && after == Use.READ) {
        // What the hit cost (open, verify, decode): subtracted from the time it saved.
        accessed(key, now, System.nanoTime() - t0);
      }
      handedOver = result != null && after == Use.HAND_OVER;
      return Optional.ofNullable(result);
    } catch (ForeignEntryException e) {
      foreign(key, e);
      return Optional.empty();
    } catch (CorruptEntryException e) {
      closeQuietly(r);
      damaged(file, key, e, r.header());
      return Optional.empty();
    } catch (IOException e) {
      faults.readFailed(key.method().name(), e);
      return Optional.empty();
    } finally {
      if (!handedOver) {
        closeQuietly(r);
      }
    }
  }

  private static void closeQuietly(EntryReader r) {
    try {
      r.close();
    } catch (IOException e) {
      // A read-only handle: nothing to lose.
    }
  }

  /**
   * Verifies and decodes the payload of an open entry (progress chunks and checkpoints).
   *
   * @throws CorruptEntryException when a checksum fails
   * @throws ForeignEntryException when the codec is unknown here (or in another version), a class
   *     has another shape, or the codec cannot decode the intact payload
   * @throws org.memocache.internal.codec.RejectedClassException when the value names a class
   *     {@code classes} does not admit
   * @throws org.memocache.internal.codec.DecodeLimitException when the value exceeds the decoding
   *     limits (valid, not damaged)
   */
  @Nullable Object decode(EntryReader r, ClassFilter classes) throws IOException {
    try {
      return values.codec().decode(new DiskEntry(r, info(r.header(), r.size(), 0), null, 0), classes);
    } catch (org.memocache.internal.codec.ForeignPayloadException e) {
      throw new ForeignEntryException(e.getMessage(), e);
    }
  }

  /** An intact entry this process cannot use: counted, a miss, left in place; one warning per method. */
  void foreign(CacheKey key, ForeignEntryException e) {
    foreign(key, String.valueOf(e.getMessage()));
  }

  /**
   * As {@link #foreign(CacheKey, ForeignEntryException)}, for {@code reason} (which completes "a
   * stored result of m in dir ..."); an empty reason is only counted (the engine said why).
   */
  void foreign(CacheKey key, String reason) {
    counts.foreign.increment();
    if (reason.isEmpty()) {
      return;
    }
    String method = key.method().name();
    Warnings.once("disk-foreign:" + layout.root + ":" + method, () -> "MemoCache: a stored result of " + method
        + " in " + layout.root + " " + reason + "; this program does not use it (a miss) and leaves it in"
        + " place");
  }

  /**
   * {@code value} encoded for a progress chunk or checkpoint, refusing classes {@code readableBy}
   * does not admit; {@code null} when no codec can store it.
   */
  @Nullable EncodedEntry encode(@Nullable Object value, Tier.Metadata metadata, ClassFilter readableBy) {
    return values.codec().encode(value, metadata, readableBy);
  }

  EntryInfo info(EntryHeader h, long size, long lastAccess) {
    return new EntryInfo(h.methodName(), h.keyHex(), h.argsSummary(), size, Instant.ofEpochMilli(h.createdMillis()),
        Duration.ofNanos(h.computeNanos()), 0, Instant.ofEpochMilli(lastAccess), h.codecId(), "disk");
  }

  /**
   * A damaged or unusable entry: counted, deleted, a miss. Before deleting, the header at the path is
   * read again: if it is not the one we judged ({@code seen}, or a header that did not parse), another
   * process has just replaced the file, and the new one is left alone.
   */
  void damaged(Path file, CacheKey key, IOException e, @Nullable EntryHeader seen) {
    counts.corrupt.increment();
    if (seen == null) {
      // The file failed its structural checks: delete it unless it passes them now (replaced).
      try {
        EntryReader.open(layout.safe.fs, file, false).close();
        return;
      } catch (NoSuchFileException | ForeignEntryException gone) {
        return;
      } catch (IOException stillBad) {
        // delete below
      }
    } else {
      // The file was well-formed but unusable here (payload, codec, key): delete it if it is still
      // that same file, as its header says.
      try {
        if (!EntryReader.readHeader(file).equals(seen)) {
          return;
        }
      } catch (IOException replaced) {
        return;
      }
    }
    try {
      layout.safe.delete(file);
      journal().append(new JournalRecord.Remove(key.method().id(), key.hi(), key.lo()));
    } catch (IOException ex) {
      // Read-only cache: it stays a counted miss.
    }
    Warnings.once("disk-corrupt:" + layout.root, () -> "MemoCache: found a damaged entry of " + key.method().name()
        + " in " + layout.root + " (" + e.getMessage() + "); it was deleted and is recomputed. Further damaged"
        + " entries are only counted (Memo.stats())");
    Log.LOG.log(Level.DEBUG, () -> "MemoCache: deleted damaged entry " + file + ": " + e.getMessage());
  }

  // ---- in-place access ----

  /**
   * The payload of {@code key}'s entry, mapped (or, for a small entry, read) and checked up to its
   * checksum table, not verified: for array views. Counts as an access for eviction.
   */
  public Optional<Tier.Mapped> map(CacheKey key) {
    return map(key, false);
  }

  /** As {@link #map(CacheKey)}, mapping format 2 entries too ({@code format2}): for the command line. */
  public Optional<Tier.Mapped> map(CacheKey key, boolean format2) {
    return withLiveEntry(key, format2, (file, r, h, now) -> new MappedEntry(file, h, r.blockSums(), r.rawPayload(),
        info(h, r.size(), now), e -> damaged(file, key, e, h)));
  }

  /** The full key (with the identity of the method that stored it) of the entry named {@code keyHex}. */
  public Optional<CacheKey> findKey(String keyHex) {
    return findFile(keyHex).flatMap(f -> {
      try {
        EntryHeader h = EntryReader.readHeader(f);
        return h.keyHex().equals(keyHex) ? Optional.of(new CacheKey(h.method(), h.keyHi(), h.keyLo()))
            : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  /** The entry file named {@code keyHex} (32 lower-case hex digits), under whichever method directory holds it. */
  public Optional<Path> findFile(String keyHex) {
    if (keyHex.length() != 32) {
      return Optional.empty();
    }
    String rel = keyHex.substring(0, 2) + "/" + keyHex + Layout.ENTRY_SUFFIX;
    try (DirectoryStream<Path> methods = layout.safe.fs.list(layout.entries, "*")) {
      for (Path m : methods) {
        Path f = m.resolve(rel);
        if (Scanner.directory(m) && Scanner.directory(f.getParent()) && SafeFiles.isRegularFile(f)) {
          return Optional.of(f);
        }
      }
    } catch (IOException e) {
      faults.readFailed("(finding " + keyHex + ")", e);
    }
    return Optional.empty();
  }

  /**
   * Summaries per method identity, from the entry headers, with hits, their cost and last access from
   * the index (after folding every process's journal).
   */
  public List<MethodStats> methods(@Nullable String methodName) {
    Map<MethodId, long[]> agg = new LinkedHashMap<>();
    for (Listed l : listing(methodName)) {
      EntryHeader h = l.found().header();
      long[] a = agg.computeIfAbsent(h.method(), k -> new long[] {0, 0, 0, 0, 0, Long.MAX_VALUE, 0, 0});
      long hits = l.record() == null ? 0 : l.record().hits();
      long last = l.record() == null ? h.createdMillis() : l.record().lastAccessMillis();
      a[0]++;
      a[1] += l.found().size();
      a[2] += hits;
      a[3] += h.computeNanos();
      // Saved: what the hits would have cost to compute, less what reading them cost; a hit slower
      // than computing saved nothing.
      long hitNanos = l.record() == null ? 0 : l.record().hitNanos();
      a[4] += Math.max(0, hits * h.computeNanos() - hitNanos);
      a[5] = Math.min(a[5], h.createdMillis());
      a[6] = Math.max(a[6], h.createdMillis());
      a[7] = Math.max(a[7], last);
    }
    List<MethodStats> out = new ArrayList<>(agg.size());
    agg.forEach((id, a) -> out.add(new MethodStats(id, a[0], a[1], a[2], Duration.ofNanos(a[3]),
        Duration.ofNanos(a[4]), Instant.ofEpochMilli(a[5]), Instant.ofEpochMilli(a[6]), Instant.ofEpochMilli(a[7]))));
    return out;
  }

  /**
   * The identities stored under {@code methodName}, newest first: from the {@code METHOD} file of
   * each method directory and the {@code PARTIAL} file of each progress directory, ordered by the
   * newest modification time of their files (one {@code stat} per entry of that name).
   */
  public List<MethodId> identities(String methodName) {
    Map<MethodId, Long> newest = new java.util.HashMap<>();
    try (DirectoryStream<Path> methods = layout.safe.fs.list(layout.entries, "*")) {
      for (Path m : methods) {
        if (!Scanner.directory(m)) {
          continue;
        }
        MethodId id = Layout.methodId(m.resolve(Layout.METHOD_FILE));
        if (id == null || !id.name().equals(methodName)) {
          continue;
        }
        long[] t = {Long.MIN_VALUE};
        Scanner.scanFiles(m, f -> {
          try {
            t[0] = Math.max(t[0], SafeFiles.modifiedMillis(f));
          } catch (IOException e) {
            // evicted meanwhile
          }
        });
        if (t[0] != Long.MIN_VALUE) {
          newest.merge(id, t[0], Math::max);
        }
      }
      for (PartialDir p : upkeep().sweeper().partialDirs()) {
        if (p.method() != null && p.method().name().equals(methodName)) {
          newest.merge(p.method(), SafeFiles.modifiedMillis(p.dir()), Math::max);
        }
      }
    } catch (IOException e) {
      faults.readFailed(methodName, e);
    }
    List<MethodId> out = new ArrayList<>(newest.keySet());
    out.sort(java.util.Comparator.comparingLong((MethodId id) -> newest.get(id)).reversed());
    return out;
  }

  /** Storage for progressive computations. */
  public Tier.Partials partials() {
    return partialStore();
  }

  private PartialStore partialStore() {
    PartialStore p = partials;
    if (p == null) {
      synchronized (this) {
        p = partials;
        if (p == null) {
          p = new PartialStore(this, layout, writer, locks, faults, config.clock());
          partials = p;
        }
      }
    }
    return p;
  }

  /** The maintainer and the sweeper it shares with listings. */
  private record Upkeep(Sweeper sweeper, Maintainer maintainer) {}

  /**
   * The maintainer and the sweeper, made when first needed (a write's budget check, maintenance, a
   * listing): a fresh JVM that opens the store and reads from it does not load the maintenance
   * classes (journal folding, eviction, pruning, sweeping), which are milliseconds of its start-up.
   */
  private Upkeep upkeep() {
    Upkeep u = upkeep;
    if (u == null) {
      synchronized (this) {
        u = upkeep;
        if (u == null) {
          Sweeper sweeper = new Sweeper(layout, locks, config, faults);
          u = new Upkeep(sweeper, new Maintainer(layout, locks, journal, config, counts, faults, sweeper));
          upkeep = u;
        }
      }
    }
    return u;
  }

  // ---- writes ----

  /**
   * Stores {@code entry} as {@code key}'s ({@link Tier#put}).
   *
   * @throws UnstorableValueException from the entry's payload writer, after the tmp file was deleted
   */
  public boolean put(CacheKey key, EncodedEntry entry) {
    if (closed) {
      return false;
    }
    String method = key.method().name();
    long reserved = admit();
    if (reserved < 0) {
      return false;
    }
    boolean stored = false;
    try {
      EntryWriter.Written w = writer.write(key, entry);
      long size = w.header().fileLength();
      journal().append(new JournalRecord.Put(key.method().id(), key.hi(), key.lo(), size, w.header().createdMillis(),
          w.header().computeNanos(), entry.codecId(), method, w.header().argsSummary()));
      if (budget != null) {
        budget.stored(reserved, size);
      }
      stored = true;
      afterPut(size);
      return true;
    } catch (UnstorableValueException e) {
      throw e; // a property of the value: the engine says why
    } catch (IOException | RuntimeException e) {
      counts.writeFailures.increment();
      faults.writeFailed(method, e);
      return false;
    } finally {
      if (!stored && budget != null) {
        budget.failed(reserved);
      }
    }
  }

  /**
   * Room for one put in this process's {@link WriteBudget}: the size reserved (0 without a budget),
   * or -1 when the budget is used up and no maintenance run has caught up since, so nothing is
   * stored (the caller still gets its value). At most every {@link #BUDGET_CHECK_EVERY} a caller
   * looks for a newer run and asks for one.
   */
  private long admit() {
    WriteBudget b = budget;
    if (b == null) {
      return 0;
    }
    long r = b.reserve();
    if (r >= 0) {
      return r;
    }
    long now = System.nanoTime();
    long last = budgetCheckedNanos.get();
    if (now - last < BUDGET_CHECK_EVERY.toNanos() || !budgetCheckedNanos.compareAndSet(last, now)) {
      return -1;
    }
    b.seen(upkeep().maintainer().lastRunStarted(), System.currentTimeMillis());
    r = b.reserve();
    if (r < 0) {
      requestMaintenance();
      if (budgetTold.compareAndSet(false, true)) {
        Log.LOG.log(Level.INFO, () -> "MemoCache: maintenance of " + layout.root + " has not caught up with this"
            + " process's writes (limits " + limits() + "); results are not stored on disk until it has");
      }
    }
    return r;
  }

  private String limits() {
    String bytes = config.maximumDiskBytes() == Long.MAX_VALUE ? "" : Sizes.human(config.maximumDiskBytes());
    String entries = config.maximumDiskEntries() == Long.MAX_VALUE ? "" : config.maximumDiskEntries() + " entries";
    return bytes.isEmpty() || entries.isEmpty() ? bytes + entries : bytes + ", " + entries;
  }

  /** Asks for maintenance soon when this process alone has written an eighth of a limit. */
  private void afterPut(long size) {
    long bytes = bytesSinceMaintenance.addAndGet(size);
    long puts = putsSinceMaintenance.incrementAndGet();
    boolean bytesDue = config.maximumDiskBytes() != Long.MAX_VALUE && bytes > config.maximumDiskBytes() / 8;
    boolean countDue = config.maximumDiskEntries() != Long.MAX_VALUE && puts > Math.max(1, config.maximumDiskEntries() / 8);
    if (bytesDue || countDue) {
      requestMaintenance();
    }
  }

  /**
   * Queues a background maintenance run, no sooner than {@link #MAINTENANCE_GAP} after the last one
   * began (in any process): a tiny limit under load asks all the time, and the gap bounds what
   * maintenance costs.
   */
  private void requestMaintenance() {
    ScheduledThreadPoolExecutor bg;
    if (maintenanceInterval.isZero() || (bg = background()) == null || !maintenanceQueued.compareAndSet(false, true)) {
      return;
    }
    // The later of the last run's start (any process) and this process's last attempt (which may
    // have found another process maintaining).
    long last = Math.max(upkeep().maintainer().lastRunStarted(), lastAttemptMillis);
    long delay = Math.max(0, Math.min(MAINTENANCE_GAP.toMillis(),
        last + MAINTENANCE_GAP.toMillis() - System.currentTimeMillis()));
    try {
      bg.schedule(this::maintainQuietly, delay, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      maintenanceQueued.set(false);
    }
  }

  public boolean remove(CacheKey key) {
    try {
      Path file = layout.entryFile(key);
      layout.safe.parentsNow(file);
      boolean removed = layout.safe.delete(file);
      if (removed) {
        journal().append(new JournalRecord.Remove(key.method().id(), key.hi(), key.lo()));
      }
      return removed;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      faults.writeFailed(key.method().name(), e);
      return false;
    }
  }

  public long clear(@Nullable String methodName) {
    long[] n = {0};
    try {
      Scanner.scan(layout, methodName, new Scanner.Sink() {
        @Override
        public void found(Scanner.Found f) {
          try {
            if (layout.safe.delete(f.file())) {
              n[0]++;
              EntryHeader h = f.header();
              journal().append(new JournalRecord.Remove(h.methodHash(), h.keyHi(), h.keyLo()));
            }
          } catch (IOException e) {
            faults.writeFailed("(clearing) " + f.file().getFileName(), e);
          }
        }

        @Override
        public void corrupt(Path file, IOException e) {
          try {
            layout.safe.delete(file);
          } catch (IOException ex) {
            // Left for the next read to count.
          }
        }

        @Override
        public void foreign(Path file) {
          if (methodName == null) {
            // Clearing everything includes the entries of other MemoCache versions.
            corrupt(file, null);
          }
        }
      });
    } catch (IOException e) {
      faults.writeFailed("(clearing " + (methodName == null ? "everything" : methodName) + ")", e);
    }
    return n[0];
  }

  /**
   * Lists entries from their headers, with hits and last access from the index when this process can
   * take the maintenance lock right now (otherwise hits are 0 and last access is the creation time).
   */
  public List<EntryInfo> entries(@Nullable String methodName) {
    List<EntryInfo> out = new ArrayList<>();
    for (Listed l : listing(methodName)) {
      EntryHeader h = l.found().header();
      IndexRecord r = l.record();
      EntryInfo base = info(h, l.found().size(), r == null ? h.createdMillis() : r.lastAccessMillis());
      out.add(r == null ? base : new EntryInfo(base.method(), base.key(), base.argsSummary(), base.sizeBytes(),
          base.created(), base.computeTime(), r.hits(), base.lastAccess(), base.codec(), base.tier()));
    }
    return out;
  }

  /** An entry found by a listing, with its index record when the index could be read. */
  record Listed(Scanner.Found found, @Nullable IndexRecord record) {}

  /** Scans entry headers (of one method name, or all) and joins the index records. */
  List<Listed> listing(@Nullable String methodName) {
    List<Scanner.Found> found = new ArrayList<>();
    try {
      Scanner.scan(layout, methodName, new Scanner.Sink() {
        @Override
        public void found(Scanner.Found f) {
          found.add(f);
        }

        @Override
        public void corrupt(Path file, IOException e) {
          counts.corrupt.increment();
        }
      });
    } catch (IOException e) {
      faults.readFailed(methodName == null ? "(listing)" : methodName, e);
    }
    Map<ByteKey, Scanner.Found> byKey = new LinkedHashMap<>();
    for (Scanner.Found f : found) {
      EntryHeader h = f.header();
      byKey.put(new ByteKey(IndexRecord.key(h.methodHash(), h.keyHi(), h.keyLo())), f);
    }
    Map<ByteKey, IndexRecord> records = Map.of();
    if (!found.isEmpty()) {
      try {
        records = upkeep().maintainer().lookup(new ArrayList<>(byKey.keySet())).orElse(Map.of());
      } catch (IOException | RuntimeException e) {
        faults.other("index", "reading the index for a listing", e);
      }
    }
    List<Listed> out = new ArrayList<>(byKey.size());
    for (Map.Entry<ByteKey, Scanner.Found> e : byKey.entrySet()) {
      out.add(new Listed(e.getValue(), records.get(e.getKey())));
    }
    return out;
  }

  // ---- locks ----

  public Optional<Tier.KeyLock> lock(CacheKey key, String description, Duration maxWait) {
    return lock(key, description, maxWait, false);
  }

  /**
   * As {@link #lock(CacheKey, String, Duration)}; with {@code deleteOnRelease} the lock file is
   * deleted (tombstone, unlink) when released, as the maintainer deletes unused lock files. Lock
   * files are normally kept: deleting one costs far more than the lock itself on some file systems.
   */
  public Optional<Tier.KeyLock> lock(CacheKey key, String description, Duration maxWait, boolean deleteOnRelease) {
    if (closed) {
      return Optional.empty();
    }
    FirstStore.warmUp();
    Optional<LockFiles.Held> h = locks.acquire(layout.lockFile(key), description, maxWait, deleteOnRelease);
    return h.map(held -> held::close);
  }

  /**
   * A key is locked to compute its result and store it: while the caller computes, the warm-up
   * thread initializes the classes that writing an entry needs, some milliseconds of a fresh JVM's
   * first store. Once per JVM, by this class's initialization; a run that only reads takes no lock.
   */
  private static final class FirstStore {
    static {
      WarmUp.later(() -> WarmUp.initialize(EntryWriter.class, EntryWriter.Prepare.class, EntryWriter.Written.class,
          BlockWriter.class, RawArrayLayout.class, RawArrayLayout.ElementType.class, JournalRecord.Put.class,
          Tier.Metadata.class));
    }

    private FirstStore() {}

    static void warmUp() {
      // Initializing the class is the work.
    }
  }

  // ---- upkeep ----

  public Tier.Counters counters() {
    return counts.snapshot();
  }

  /**
   * Runs maintenance now, waiting up to a minute for another maintainer to finish.
   *
   * @throws IOException when the directory cannot be maintained
   */
  public MaintenanceReport maintain() throws IOException {
    return maintain(Duration.ofMinutes(1));
  }

  public MaintenanceReport maintain(Duration wait) throws IOException {
    bytesSinceMaintenance.set(0);
    putsSinceMaintenance.set(0);
    return upkeep().maintainer().run(wait);
  }

  private void maintainQuietly() {
    maintenanceQueued.set(false);
    if (closed) {
      return;
    }
    try {
      bytesSinceMaintenance.set(0);
      putsSinceMaintenance.set(0);
      lastAttemptMillis = System.currentTimeMillis();
      upkeep().maintainer().run(Duration.ZERO, true);
    } catch (IOException | RuntimeException e) {
      if (Faults.isReadOnly(e) || faults.classify(e) != Faults.Kind.OTHER) {
        return; // a read-only or full cache: reads still work, writes already warned
      }
      faults.other("maintenance", "background maintenance", e);
    }
  }

  private void flushQuietly() {
    try {
      journal.flush();
    } catch (RuntimeException e) {
      faults.other("journal", "flushing the index journal", e);
    }
  }

  /** A held maintenance lease (see {@link #maintenanceLease}). */
  public interface Lease extends AutoCloseable {
    /** Whether another process took the lease over while this one was stopped. */
    boolean lost();

    @Override
    void close();
  }

  /**
   * Takes the maintenance lease as a maintenance run does (taking over a holder whose heartbeat
   * stands still) and holds it until closed (tests, diagnostics).
   */
  public Optional<Lease> maintenanceLease(Duration wait) {
    return locks.acquireLease(layout.maintenanceLock, "maintenance", wait).map(held -> new Lease() {
      @Override
      public boolean lost() {
        return held.lost();
      }

      @Override
      public void close() {
        held.close();
      }
    });
  }

  /** Whether a tmp file of this JVM is being written right now (tests, diagnostics). */
  public static boolean writing(Path tmpFile) {
    return EntryWriter.IN_FLIGHT.contains(tmpFile);
  }

  /** Lists the files in {@code tmp/} (tests, diagnostics). */
  public List<Path> tmpFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    if (SafeFiles.isDirectory(layout.tmp)) {
      try (DirectoryStream<Path> s = layout.safe.fs.list(layout.tmp, "*")) {
        s.forEach(out::add);
      }
    }
    return out;
  }

  /** The entry file of {@code key} (tests, diagnostics, the CLI). */
  public Path entryFile(CacheKey key) {
    return layout.entryFile(key);
  }

  /** The lock file of {@code key} (tests, diagnostics). */
  public Path lockFile(CacheKey key) {
    return layout.lockFile(key);
  }

  @Override
  public void close() {
    ScheduledThreadPoolExecutor bg;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      bg = background;
    }
    if (bg != null) {
      // Not shutdownNow: interrupting a maintenance run mid-write closes MapDB's file channel under
      // it and leaves a truncated index. A running one finishes (bounded wait); none starts again.
      bg.shutdown();
      try {
        if (!bg.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
          Log.LOG.log(Level.WARNING, () -> "MemoCache: maintenance of " + layout.root
              + " is still running after " + CLOSE_WAIT.toSeconds() + " s; closing without waiting for it");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    journal.close();
  }
}
