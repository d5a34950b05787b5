package org.memocache.spi;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.CorruptResultException;
import org.memocache.EntryInfo;
import org.memocache.Memo;
import org.memocache.MethodId;
import org.memocache.MethodStats;

/**
 * A storage tier below the in-memory one: the disk tier, a shared remote tier. {@link Memo}
 * consults its tiers in order on a memory miss, copies a hit into the tiers above the one that had
 * it, and writes a computed result through to all of them.
 *
 * <p>A tier stores and returns <em>encoded</em> entries: header fields and payload bytes, which it
 * guards with checksums of its own. The engine chooses the codec, admits the classes a value may
 * name, encodes, decodes and compares class shapes; a tier never sees a decoded value (except
 * through the optional object-based capabilities {@link #map}, {@link #partials} and
 * {@link #verdicts}). See {@link EncodedEntry} and {@link StoredEntry}.
 *
 * <p>A tier never throws from {@link #get} or {@link #put} for a storage problem: an unreadable
 * entry is a miss (and is counted in {@link #counters()}), and a failed write returns {@code false}
 * after the tier has cleaned up after itself. The tier knows why its storage failed (disk full,
 * server down), so it is the one to say so: once per kind of problem, through
 * {@link System.Logger}. {@link Memo} only counts the failure and keeps returning computed values.
 *
 * <p>Implementations must be safe for concurrent use by many threads, and, where the storage is
 * shared, by many processes.
 */
public interface Tier extends AutoCloseable {

  /** A short name used in stats and logs, such as {@code "disk"}. */
  String name();

  /**
   * Opens the entry stored for {@code key}, checked to be this key's and not expired. The payload is
   * verified as the caller reads it; the caller closes the entry, after {@link StoredEntry#reject}
   * when it could not use it.
   *
   * @return the stored entry, or empty on a miss (no entry, or one the tier found unreadable)
   */
  Optional<StoredEntry> get(CacheKey key);

  /**
   * The metadata of the entry stored for {@code key}, checked to be this key's and not expired,
   * without reading its payload where the tier can: a look that is not a use, so it should not count
   * as one. The default opens the entry with {@link #get} and closes it unread, which a tier may
   * count as an access.
   *
   * @return the entry's metadata, or empty when {@link #get} would miss
   */
  default Optional<EntryInfo> info(CacheKey key) {
    Optional<StoredEntry> stored = get(key);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try (StoredEntry e = stored.get()) {
      return Optional.of(e.info());
    }
  }

  /**
   * Stores {@code entry} under {@code key}, replacing any entry of the key. Must be atomic: readers
   * see the whole entry or none, never a mix of two writers' bytes.
   *
   * @return whether the entry was stored
   * @throws UnstorableValueException from {@link EncodedEntry#writePayload}, after the tier discarded
   *     what it wrote
   */
  boolean put(CacheKey key, EncodedEntry entry);

  /** Deletes the entry for {@code key}; returns whether there was one. */
  boolean remove(CacheKey key);

  /**
   * Deletes every entry of the method named {@code methodName}, or every entry when it is
   * {@code null}; returns how many were deleted.
   */
  long clear(@Nullable String methodName);

  /**
   * Lists stored entries of the method named {@code methodName}, or of all methods when it is
   * {@code null}. This walks the tier's storage or index: not a constant-time operation.
   */
  List<EntryInfo> entries(@Nullable String methodName);

  /**
   * The tier's cross-process (or cross-machine) per-key lock, when it has one. {@link Memo} holds it
   * while computing a missing key so that the key is computed once across processes.
   */
  default Optional<KeyLocks> locks() {
    return Optional.empty();
  }

  /** Problems and upkeep the tier has counted since it was opened. */
  default Counters counters() {
    return Counters.NONE;
  }

  // ---- optional capabilities: access to stored results without computing (partial results) ----

  /**
   * The full key of the entry stored under the 32-hex-digit {@code keyHex}, with the identity of the
   * method that stored it: for loading an entry named by the CLI or a listing, by a process that
   * does not know the method's descriptor or bytecode fingerprint. Empty when the tier holds no such
   * entry, or cannot look entries up this way.
   */
  default Optional<CacheKey> findKey(String keyHex) {
    return Optional.empty();
  }

  /**
   * What the tier stores per method: entries, bytes, hits, time saved. Only methods named
   * {@code methodName} when it is not {@code null}. Walks the tier's storage: not a constant-time
   * operation.
   */
  default List<MethodStats> methods(@Nullable String methodName) {
    return List.of();
  }

  /**
   * The identities (descriptor, version, bytecode fingerprint) under which results of the method
   * named {@code methodName} are stored, completed or in progress, the most recently written first:
   * how a process that never ran a woven method finds the identity its results were stored under.
   * Cheaper than {@link #methods}: no index, no headers.
   */
  default List<MethodId> identities(String methodName) {
    return List.of();
  }

  /**
   * The stored payload of {@code key}, mapped read-only and <em>not</em> verified, for array views
   * that verify only the blocks they read. Empty on a miss, or when the tier cannot map entries.
   * Opening must not read the payload: its cost may not grow with the entry's size.
   */
  default Optional<Mapped> map(CacheKey key) {
    return Optional.empty();
  }

  /** Storage for the checkpoints and chunks of progressive computations, when the tier has it. */
  default Optional<Partials> partials() {
    return Optional.empty();
  }

  /**
   * Findings about methods that the processes sharing this tier keep: a method seen changing its
   * own arguments is not memoized by any of them. Empty when the tier cannot keep them.
   */
  default Optional<Verdicts> verdicts() {
    return Optional.empty();
  }

  /** Releases files, threads and handles. */
  @Override
  void close();

  /**
   * What is stored next to a value.
   *
   * @param argsSummary a short human-readable summary of the call's arguments
   * @param created when the computation finished
   * @param computeTime how long it took
   */
  record Metadata(String argsSummary, Instant created, Duration computeTime) {}

  /**
   * Counters of a tier.
   *
   * @param corrupt entries found damaged or unreadable and treated as misses
   * @param writeFailures values that could not be stored
   * @param evictions entries removed by size, age or count limits
   * @param foreign entries left in place and treated as misses because this process cannot use
   *     them: written for another definition of a result class, by a codec (or codec version) this
   *     process lacks, or in another entry format
   * @param unavailable reads and writes skipped because the tier's storage service could not be
   *     reached (down, too slow, refusing): each a miss or an unstored value, never an error
   */
  record Counters(long corrupt, long writeFailures, long evictions, long foreign, long unavailable) {
    /** All zero. */
    public static final Counters NONE = new Counters(0, 0, 0, 0, 0);

    /** Counters of a tier whose storage is always reachable. */
    public Counters(long corrupt, long writeFailures, long evictions, long foreign) {
      this(corrupt, writeFailures, evictions, foreign, 0);
    }

    /** Counters without foreign entries. */
    public Counters(long corrupt, long writeFailures, long evictions) {
      this(corrupt, writeFailures, evictions, 0, 0);
    }
  }

  /**
   * A stored payload mapped into memory, as {@link #map} returns it. The mapping stays valid when
   * the entry is evicted or replaced meanwhile (the storage is released when the mapping is garbage
   * collected); implementations must be safe for concurrent use.
   */
  interface Mapped {
    /** The entry's metadata. */
    EntryInfo info();

    /** The version of the codec that wrote the payload. */
    int codecVersion();

    /**
     * The payload: read-only, little-endian, position 0, limit the payload length. Not verified:
     * call {@link #verify} for a range before trusting its bytes.
     */
    ByteBuffer payload();

    /** The checksum block size in bytes (a power of two): {@link #verify} works block by block. */
    int blockSize();

    /**
     * Verifies the checksums of the blocks holding payload bytes {@code [from, to)}, each block at
     * most once for the life of this mapping, whichever thread asks first.
     *
     * @throws CorruptResultException naming the entry and the first block that does not match
     * @throws IndexOutOfBoundsException if the range is not inside the payload
     */
    void verify(long from, long to);

    /**
     * For a payload that names classes (the {@code kryo} codec's): the hash of the shapes of the
     * classes its writer named, which a reader decoding the payload's object graph from the mapping
     * compares with the live classes, so that a value is never read into another definition of its
     * class. {@code 0} when none was recorded: then only graphs of platform classes can be read.
     */
    default long shapesHash() {
      return 0L;
    }
  }

  /**
   * Storage for progressive computations ({@link Memo#progressive}): numbered result chunks and
   * checkpoints of a computation's state, kept per key until the computation completes.
   */
  interface Partials {
    /**
     * Opens the stored progress of {@code key} for writing, resuming what an earlier, interrupted
     * computation left. The caller must hold the key's lock from {@link #locks()}: the holder is the
     * only writer. Empty when the storage cannot be written (the tier has warned why); the
     * computation then keeps its progress in memory.
     *
     * @param classes classes that stored chunks and states may decode to
     */
    Optional<PartialWriter> open(CacheKey key, String argsSummary, ClassFilter classes);

    /**
     * The progress stored for {@code key} right now, for a reader that does not compute: another
     * thread or process may be appending chunks. Empty when there is none.
     */
    Optional<PartialReader> read(CacheKey key, ClassFilter classes);
  }

  /** Read access to the stored progress of one computation. */
  interface PartialReader {
    /** Chunks stored, numbered {@code 0 .. chunks() - 1}. */
    int chunks();

    /**
     * Reads and verifies chunk {@code index}.
     *
     * @throws CorruptResultException when it is damaged
     * @throws java.util.NoSuchElementException when it is gone (the computation completed or
     *     restarted since this reader was opened)
     */
    Object chunk(int index);

    /** Metadata of chunk {@code index}: size, when it was stored, how long it took. */
    EntryInfo chunkInfo(int index);

    /** The state of the last checkpoint, or {@code null} when none was recorded. */
    @Nullable Object state();

    /** Whether a process holds the key's lock right now, that is, is computing it. */
    boolean running();
  }

  /** Write access to the stored progress of one computation, held by the key's lock holder. */
  interface PartialWriter extends PartialReader {
    /**
     * Stores chunk {@code index} (which must be {@link #chunks()}), published atomically before
     * this returns.
     *
     * @return whether it was stored (the tier warned if not)
     */
    boolean append(int index, Object chunk, Duration computeTime);

    /**
     * Stores a checkpoint: {@code state}, valid after the first {@code chunks} chunks. A resume
     * starts from the last checkpoint and drops chunks appended after it.
     *
     * @return whether it was stored
     */
    boolean checkpoint(int chunks, Object state);

    /** Deletes every chunk and checkpoint: the computation's result is stored as an entry. */
    void complete();
  }

  /**
   * Which methods change their own inputs while they run (write into an argument or the receiver):
   * a hit would skip that change, so such a method must compute on every call.
   */
  interface Verdicts {
    /**
     * What {@code method} was recorded changing, such as {@code "parameter 1 (inv)"}; empty when
     * nothing is recorded for this exact identity (another version or bytecode is judged anew).
     * Reads storage: called once per method and process.
     */
    Optional<String> changedInput(MethodId method);

    /**
     * Records that {@code method} changed {@code what} while it ran; best effort, atomic (readers see
     * the whole record or none), and the tier warns once if it cannot write.
     */
    void recordChangedInput(MethodId method, String what);
  }

  /** Per-key locks spanning processes. */
  interface KeyLocks {
    /**
     * Takes the lock of {@code key}, waiting at most {@code maxWait}. While waiting, the
     * implementation logs who holds the lock and for how long, using {@code description} (such as
     * {@code simulate(n=1000)}) to name the call.
     *
     * @return the held lock, or empty when the wait timed out (the caller then computes anyway)
     */
    Optional<KeyLock> acquire(CacheKey key, String description, Duration maxWait);
  }

  /** A held key lock; closing releases it. */
  interface KeyLock extends AutoCloseable {
    @Override
    void close();
  }
}
