package org.memocache.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.MemoConfig;
import org.memocache.MethodId;
import org.memocache.MethodStats;
import org.memocache.disk.internal.DiskFileSystem;
import org.memocache.disk.internal.DiskStore;
import org.memocache.disk.internal.InputChanges;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.TierContext;
import org.memocache.spi.ValueCodec;

/**
 * The disk tier: results stored as immutable, checksummed entry files in a directory that any number
 * of processes share. Reads take no lock; writes publish atomically; {@link #locks()} makes a key be
 * computed once across processes; a background maintainer keeps the directory within
 * {@code maximumDiskBytes}, {@code maximumDiskEntries} and {@code expireAfter}. See
 * {@code docs/disk.md} for the on-disk format and the crash model.
 *
 * <p>Usually created for you by {@code Memo.builder().directory(...)}; open one directly with
 * {@link #open(MemoConfig, List)} to use it without a {@code Memo}.
 *
 * <p>With {@code durable(true)} every entry, and the directory entry naming it, is fsynced before it
 * is published: entries then survive a power cut, at the cost of one or two disk flushes per store.
 */
public final class DiskTier implements Tier, Tier.KeyLocks {
  /** System property: how often each process tries to maintain the directory (ISO-8601, {@code PT0S} = never). */
  public static final String MAINTENANCE_INTERVAL_PROPERTY = "memocache.disk.maintenanceInterval";
  /** Default background maintenance interval. */
  public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(1);

  private final DiskStore store;
  private final InputChanges verdicts;

  private DiskTier(DiskStore store) {
    this.store = store;
    this.verdicts = store.inputChanges();
  }

  /**
   * Opens the disk tier on {@code config.directory()}, creating it (owner-only) if needed, with
   * background maintenance as {@value #MAINTENANCE_INTERVAL_PROPERTY} says.
   *
   * @throws IllegalArgumentException if {@code config.directory()} is null
   * @throws IllegalStateException naming the directory when it cannot be used: not a directory, a
   *     non-empty directory that is not a cache, a cache of a newer format, not creatable, or not safe
   *     (owned by another user, or writable by others without the sticky bit; see {@code docs/disk.md})
   */
  public static DiskTier open(MemoConfig config, List<ValueCodec> codecs) {
    return open(config, codecs, maintenanceIntervalFromProperty());
  }

  /**
   * As {@link #open(MemoConfig, List)} with an explicit background maintenance interval
   * ({@link Duration#ZERO}: none; call {@link #maintain()} yourself).
   *
   * @throws IllegalArgumentException if the interval is negative or the config has no directory
   */
  public static DiskTier open(MemoConfig config, List<ValueCodec> codecs, Duration maintenanceInterval) {
    if (maintenanceInterval.isNegative()) {
      throw new IllegalArgumentException("maintenance interval must not be negative, was " + maintenanceInterval);
    }
    try {
      return new DiskTier(DiskStore.open(config, codecs, maintenanceInterval));
    } catch (IOException e) {
      throw new IllegalStateException("cannot use cache directory " + config.directory() + ": " + e.getMessage(), e);
    }
  }

  /**
   * As {@link #open(MemoConfig, List, Duration)}, reaching the files of the directory through
   * {@code fs}: for tests that inject file-system faults.
   */
  static DiskTier open(MemoConfig config, List<ValueCodec> codecs, Duration maintenanceInterval, DiskFileSystem fs)
      throws IOException {
    return new DiskTier(DiskStore.open(config, codecs, maintenanceInterval, fs));
  }

  /** Opens the tier a {@link org.memocache.spi.TierProvider} is asked for. */
  public static DiskTier open(TierContext context) {
    return open(context.config(), context.codecs());
  }

  static Duration maintenanceIntervalFromProperty() {
    String v = System.getProperty(MAINTENANCE_INTERVAL_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_MAINTENANCE_INTERVAL;
    }
    try {
      Duration d = Duration.parse(v.trim());
      if (d.isNegative()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("-D" + MAINTENANCE_INTERVAL_PROPERTY + "=" + v
          + " is not a non-negative ISO-8601 duration such as PT1M or PT0S");
    }
  }

  /** The cache directory: its real path, resolved once at open (the directory may be given as a link). */
  public Path directory() {
    return store.root();
  }

  @Override
  public String name() {
    return "disk";
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the header and checksum table (a small entry, up to 256 KiB, is read whole); the
   * payload is read and verified as the engine reads it. Rejected entries are deleted (damaged) or
   * left in place (foreign); an entry used counts as an access for eviction.
   */
  @Override
  public Optional<StoredEntry> get(CacheKey key) {
    return store.get(key);
  }

  /** {@inheritDoc} Reads the entry's header and checksum table; no access is recorded. */
  @Override
  public Optional<EntryInfo> info(CacheKey key) {
    return store.info(key);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes a tmp file (payload, checksum table, header) and renames it over the entry; with
   * {@code durable(true)} fsyncs both first.
   */
  @Override
  public boolean put(CacheKey key, EncodedEntry entry) {
    return store.put(key, entry);
  }

  @Override
  public boolean remove(CacheKey key) {
    return store.remove(key);
  }

  @Override
  public long clear(@Nullable String methodName) {
    return store.clear(methodName);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the header of every entry (4 KiB each), and, when no other process is maintaining the
   * directory at this moment, folds the journals into the index to report hits and last access.
   */
  @Override
  public List<EntryInfo> entries(@Nullable String methodName) {
    return store.entries(methodName);
  }

  @Override
  public Optional<CacheKey> findKey(String keyHex) {
    return store.findKey(keyHex);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the header of every entry of the method (4 KiB each), and the index as
   * {@link #entries} does.
   */
  @Override
  public List<MethodStats> methods(@Nullable String methodName) {
    return store.methods(methodName);
  }

  @Override
  public List<MethodId> identities(String methodName) {
    return store.identities(methodName);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the header and the checksum table (8 bytes per 64 KiB block) and maps the payload;
   * a small entry (up to 256 KiB) is read whole instead. Counts as an access for eviction.
   */
  @Override
  public Optional<Mapped> map(CacheKey key) {
    return store.map(key);
  }

  /** Progress is stored under {@code partial/<key>/}; see {@code docs/partial.md}. */
  @Override
  public Optional<Partials> partials() {
    return Optional.of(store.partials());
  }

  /** {@inheritDoc} Kept as {@code entries/<m>/CHANGES_INPUT} files. */
  @Override
  public Optional<Verdicts> verdicts() {
    return Optional.of(verdicts);
  }

  @Override
  public Optional<KeyLocks> locks() {
    return Optional.of(this);
  }

  @Override
  public Optional<KeyLock> acquire(CacheKey key, String description, Duration maxWait) {
    return store.lock(key, description, maxWait);
  }

  @Override
  public Counters counters() {
    return store.counters();
  }

  /**
   * Runs maintenance now (fold journals into the index, evict, remove orphans), waiting up to a
   * minute if another process is maintaining. The first run in a JVM loads MapDB (about half a
   * second); a run that must rebuild the index reads every entry header.
   *
   * @throws UncheckedIOException when the directory cannot be maintained (read-only, gone)
   */
  public MaintenanceReport maintain() {
    try {
      return store.maintain();
    } catch (IOException e) {
      throw new UncheckedIOException("maintenance of " + store.root() + " failed: " + e.getMessage(), e);
    }
  }

  /** The internals, for the CLI and tests in this project. */
  public DiskStore store() {
    return store;
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "DiskTier[" + store.root() + "]";
  }
}
