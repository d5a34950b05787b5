package org.memocache.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.CachedResult;
import org.memocache.EntryInfo;
import org.memocache.MemoConfig;
import org.memocache.MethodStats;
import org.memocache.disk.internal.DiskStore;
import org.memocache.disk.internal.Inspector;
import org.memocache.internal.Config;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;
import org.memocache.view.ArrayView;

/**
 * A cache directory opened for inspection and upkeep, with no {@code Memo} and no call site: what
 * the command line ({@code ls}, {@code show}, {@code stats}, {@code verify}, {@code prune},
 * {@code clear}) and reports are built on. Entries are addressed by method name and by key (32 hex
 * digits, or a unique prefix).
 *
 * <pre>{@code
 * try (CacheDirectory dir = CacheDirectory.open(Path.of("/data/cache"))) {
 *   dir.methods().forEach(System.out::println);                  // per method: entries, bytes, hits, time saved
 *   dir.entries("com.acme.Fit#fit").forEach(System.out::println);
 *   EntryDetails e = dir.find("3fa2").get(0);
 *   dir.view(e.info().key()).ifPresent(v -> ...);                 // a 1 GiB array, opened in microseconds
 *   VerifyReport r = dir.verify(false, listener);
 *   dir.prune(Prune.nothing().unusedFor(Duration.ofDays(30)).dryRun(true));
 * }
 * }</pre>
 *
 * <p>Opening never creates anything: a path that is not a MemoCache directory is refused with a
 * message that says so. Other processes may use the directory meanwhile; every walk tolerates
 * entries appearing and disappearing under it. Loading decodes only JDK value types unless given a
 * wider {@link ClassFilter}: a cache directory is data, never code. Thread-safe.
 */
public final class CacheDirectory implements AutoCloseable {
  private final DiskStore store;
  private final Inspector inspector;

  private CacheDirectory(DiskStore store) {
    this.store = store;
    this.inspector = store.inspector();
  }

  /**
   * Opens the cache directory {@code dir}.
   *
   * @throws IllegalArgumentException naming the path when it does not exist, is not a directory, is
   *     not a MemoCache directory, or has a newer format
   */
  public static CacheDirectory open(Path dir) {
    return open(dir, Clock.systemUTC());
  }

  /** As {@link #open(Path)}, with the clock ages are measured by (for tests). */
  public static CacheDirectory open(Path dir, Clock clock) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(clock, "clock");
    MemoConfig config = new Config(dir, 0, Long.MAX_VALUE, Long.MAX_VALUE, null, false, Duration.ZERO, List.of(),
        true, clock);
    try {
      return new CacheDirectory(DiskStore.openExisting(config, Codecs.builtIns()));
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage() == null ? "cannot open " + dir : e.getMessage(), e);
    }
  }

  /** The directory, absolute. */
  public Path root() {
    return store.root();
  }

  /**
   * Per method identity (name, descriptor, version, bytecode fingerprint): entries, bytes, hits,
   * compute time and time saved. Reads every entry header (4 KiB each) and folds the journals into
   * the index when no other process is maintaining it at this moment.
   */
  public List<MethodStats> methods() {
    return store.methods(null);
  }

  /** Every entry's metadata. Reads every entry header. */
  public List<EntryInfo> entries() {
    return store.entries(null);
  }

  /** The metadata of the entries of the method named {@code method} (all its versions and fingerprints). */
  public List<EntryInfo> entries(String method) {
    return store.entries(Objects.requireNonNull(method, "method"));
  }

  /**
   * The entries whose key starts with {@code keyPrefix} (case-insensitive hex), as the CLI resolves
   * an abbreviated key: one match is the entry, several are ambiguous.
   *
   * @throws IllegalArgumentException if {@code keyPrefix} is empty, longer than 32, or not hex
   */
  public List<EntryDetails> find(String keyPrefix) {
    String p = hex(keyPrefix, false);
    try {
      return inspector.find(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root() + ": " + e.getMessage(), e);
    }
  }

  /** Everything the header of the entry {@code keyHex} (all 32 digits) says; empty when there is none. */
  public Optional<EntryDetails> details(String keyHex) {
    return inspector.details(hex(keyHex, true));
  }

  /**
   * Loads and verifies the value of entry {@code keyHex}, decoding only JDK value types (boxes,
   * strings, {@code java.time}, collections and arrays of them, primitive arrays). Empty when there is
   * no such entry, or it is damaged (then deleted, like any damaged read), or it names another class.
   * Entries of the previous format (2) are read too.
   */
  public Optional<CachedResult<Object>> load(String keyHex) {
    return load(keyHex, AllowLists.forMethod(null, List.of()));
  }

  /** As {@link #load(String)}, decoding the classes {@code classes} admits. */
  public Optional<CachedResult<Object>> load(String keyHex, ClassFilter classes) {
    Objects.requireNonNull(classes, "classes");
    Optional<CacheKey> key = store.findKey(hex(keyHex, true));
    return key.flatMap(k -> store.get(k, classes, true)).map(h -> new CachedResult<>(h.value(), h.info()));
  }

  /**
   * A memory-mapped view of entry {@code keyHex}, when it is a primitive array; see
   * {@link ArrayView}. For a preview of a huge array: opening reads neither the array nor its
   * checksums beyond the first block.
   *
   * @throws IllegalArgumentException if the entry is not a primitive array
   */
  public Optional<ArrayView> view(String keyHex) {
    Optional<CacheKey> key = store.findKey(hex(keyHex, true));
    if (key.isEmpty()) {
      return Optional.empty();
    }
    Optional<Tier.Mapped> m = store.map(key.get(), true);
    return m.map(mapped -> ArrayView.open(mapped, mapped.info().method() + "(" + mapped.info().argsSummary() + ")"));
  }

  /**
   * Reads every entry and every file of recorded progress through, checking every checksum, the
   * file's length and that its header matches its name. {@code listener} hears about progress (for a
   * progress bar) and each damaged file as it is found.
   *
   * @param deleteDamaged whether to delete damaged files (a file a writer replaced meanwhile is left)
   */
  public VerifyReport verify(boolean deleteDamaged, VerifyListener listener) {
    Objects.requireNonNull(listener, "listener");
    try {
      return inspector.verify(deleteDamaged, listener);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot verify " + root() + ": " + e.getMessage(), e);
    }
  }

  /** Deletes entry {@code keyHex}; returns whether it existed. */
  public boolean delete(String keyHex) {
    Optional<CacheKey> key = store.findKey(hex(keyHex, true));
    return key.isPresent() && store.remove(key.get());
  }

  /**
   * Deletes every entry of the method named {@code method} (every entry when {@code null}), and the
   * recorded progress of its computations that are not running; returns how many entries.
   */
  public long clear(@Nullable String method) {
    long n = store.clear(method);
    try {
      inspector.clearPartials(method);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the progress in " + root() + ": " + e.getMessage(), e);
    }
    return n;
  }

  /**
   * Removes what {@code rules} say. Folds every process's journal into the index and checks the
   * index against the entry headers first, so that "least recently used" counts every process's
   * reads.
   *
   * @throws IllegalStateException when another process kept the directory's maintenance lock for a
   *     minute
   */
  public PruneReport prune(Prune rules) {
    Objects.requireNonNull(rules, "rules");
    try {
      return inspector.prune(rules).orElseThrow(() -> new IllegalStateException("another process has been"
          + " maintaining " + root() + " for a minute; try again"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prune " + root() + ": " + e.getMessage(), e);
    }
  }

  /** The recorded progress of every progressive computation: running, or left by a process that died. */
  public List<PartialInfo> partials() {
    try {
      return inspector.partials();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the progress in " + root() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the recorded progress under {@code keyHex}, unless a process is running that computation;
   * returns whether it was deleted.
   */
  public boolean deletePartial(String keyHex) {
    try {
      return inspector.deletePartial(hex(keyHex, true));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete progress in " + root() + ": " + e.getMessage(), e);
    }
  }

  /** Runs maintenance now: see {@link DiskTier#maintain()}. */
  public MaintenanceReport maintain() {
    try {
      return store.maintain();
    } catch (IOException e) {
      throw new UncheckedIOException("maintenance of " + root() + " failed: " + e.getMessage(), e);
    }
  }

  private static String hex(String key, boolean full) {
    Objects.requireNonNull(key, "key");
    if (full ? !key.matches("[0-9a-fA-F]{32}") : !key.matches("[0-9a-fA-F]{1,32}")) {
      throw new IllegalArgumentException((full ? "a cache key is 32 hex digits" : "a key prefix is 1 to 32 hex digits")
          + ", not '" + key + "'");
    }
    return key.toLowerCase(Locale.ROOT);
  }

  /** Flushes this process's journal and closes the directory. */
  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "CacheDirectory[" + root() + "]";
  }
}
