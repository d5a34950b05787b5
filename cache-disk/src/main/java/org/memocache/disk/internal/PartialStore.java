package org.memocache.disk.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.CorruptResultException;
import org.memocache.EntryInfo;
import org.memocache.MethodId;
import org.memocache.internal.Warnings;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.RejectedClassException;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.UnstorableValueException;

/**
 * The progress of progressive computations, in {@code partial/<key>/}:
 *
 * <pre>
 * PARTIAL                      the method identity and arguments (text, for listings and cleanup)
 * chunk-00000000.part          chunk 0, in the entry format (header, payload, checksum table)
 * chunk-00000001.part          ...
 * checkpoint-00000002.part     the state after the first 2 chunks, in the entry format
 * </pre>
 *
 * Every file is written like an entry (tmp file, checksums, atomic rename), so a crash leaves
 * either the whole file or none. The header of chunk {@code i} carries a key derived from the
 * computation's key and {@code i} (and a checkpoint's from the key and its chunk count), so a file
 * under the wrong name is never used. Only the holder of the key's lock writes; readers take no
 * lock.
 *
 * <p>A resume (a writer opening progress left by a dead process) verifies every chunk, keeps the
 * longest run {@code 0 .. m-1} of good ones, and, if any checkpoint was recorded, the newest
 * checkpoint that decodes and covers at most {@code m} chunks; chunks after it are deleted. A damaged
 * file is never used: the worst case is starting over.
 */
final class PartialStore implements Tier.Partials {
  private static final Logger LOG = System.getLogger("org.memocache.disk");
  static final String INFO = "PARTIAL";
  static final String CHUNK = "chunk-";
  static final String CHECKPOINT = "checkpoint-";
  static final String SUFFIX = ".part";
  /** Odd multipliers: {@code i -> MIX * (i + 1)} is one-to-one and never 0, so derived keys never collide. */
  private static final long CHUNK_MIX = 0x9E3779B97F4A7C15L;
  private static final long CHECKPOINT_MIX = 0xC2B2AE3D27D4EB4FL;

  private final DiskStore store;
  private final Clock clock;
  private final Layout layout;
  private final EntryWriter writer;
  private final LockFiles locks;
  private final Faults faults;

  PartialStore(DiskStore store, Layout layout, EntryWriter writer, LockFiles locks, Faults faults, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.layout = layout;
    this.writer = writer;
    this.locks = locks;
    this.faults = faults;
  }

  /** The key in the header of chunk {@code index}. */
  static CacheKey chunkKey(CacheKey key, int index) {
    return new CacheKey(key.method(), key.hi(), key.lo() ^ (CHUNK_MIX * (index + 1L)));
  }

  /** The key in the header of the checkpoint after {@code chunks} chunks. */
  static CacheKey checkpointKey(CacheKey key, int chunks) {
    return new CacheKey(key.method(), key.hi() ^ (CHECKPOINT_MIX * (chunks + 1L)), key.lo());
  }

  static String chunkName(int index) {
    return CHUNK + pad(index) + SUFFIX;
  }

  static String checkpointName(int chunks) {
    return CHECKPOINT + pad(chunks) + SUFFIX;
  }

  private static String pad(int n) {
    String s = Integer.toString(n);
    return "00000000".substring(Math.min(8, s.length())) + s;
  }

  /** The number in a chunk or checkpoint file name with that prefix, or -1. */
  static int number(String fileName, String prefix) {
    if (!fileName.startsWith(prefix) || !fileName.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      return Integer.parseInt(fileName.substring(prefix.length(), fileName.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The chunk and checkpoint files of a partial directory, by number. */
  record Files2(TreeMap<Integer, Path> chunks, TreeMap<Integer, Path> checkpoints) {}

  static Files2 list(Path dir) throws IOException {
    TreeMap<Integer, Path> chunks = new TreeMap<>();
    TreeMap<Integer, Path> checkpoints = new TreeMap<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        int c = number(n, CHUNK);
        if (c >= 0) {
          chunks.put(c, p);
        }
        int k = number(n, CHECKPOINT);
        if (k >= 0) {
          checkpoints.put(k, p);
        }
      }
    }
    return new Files2(chunks, checkpoints);
  }

  // ---- writing ----

  @Override
  public Optional<Tier.PartialWriter> open(CacheKey key, String argsSummary, ClassFilter classes) {
    String describe = key.method().name() + "(" + argsSummary + ")";
    Path dir = layout.partialDir(key);
    try {
      layout.createDirectory(dir);
      if (SafeFiles.attributes(dir.resolve(INFO)) == null) {
        writeInfo(dir, key, argsSummary);
      }
      return Optional.of(resume(key, dir, argsSummary, classes, describe));
    } catch (IOException e) {
      faults.writeFailed("the progress of " + describe, e);
      return Optional.empty();
    }
  }

  private void writeInfo(Path dir, CacheKey key, String argsSummary) throws IOException {
    MethodId id = key.method();
    String text = "name=" + Layout.escape(id.name()) + "\ndescriptor=" + Layout.escape(id.descriptor()) + "\nversion="
        + id.version() + "\nfingerprint=" + Hex.of(id.codeFingerprint()) + "\nargs=" + Layout.escape(argsSummary)
        + "\nstarted=" + clock.millis() + "\n";
    layout.writeAtomically(dir.resolve(INFO), text.getBytes(StandardCharsets.UTF_8));
  }

  /** Finds what an earlier run left that can be trusted; deletes the rest. */
  private Writer resume(CacheKey key, Path dir, String argsSummary, ClassFilter classes, String describe)
      throws IOException {
    Files2 files = list(dir);
    int good = 0;
    while (files.chunks().containsKey(good) && intact(files.chunks().get(good), chunkKey(key, good))) {
      good++;
    }
    Object state = null;
    int at = -1;
    if (!files.checkpoints().isEmpty()) {
      for (int n : files.checkpoints().descendingKeySet()) {
        if (n <= good) {
          state = decodeQuietly(files.checkpoints().get(n), checkpointKey(key, n), classes, describe);
          if (state != null) {
            at = n;
            break;
          }
        }
      }
      int usable = Math.max(at, 0);
      if (at < 0) {
        Warnings.once("partial-unusable:" + key.hex(), () -> "MemoCache: the recorded progress of " + describe + " in "
            + dir + " has no usable checkpoint (damaged, or its chunks are); starting over");
      }
      good = Math.min(good, usable);
    }
    for (Map.Entry<Integer, Path> c : files.chunks().entrySet()) {
      if (c.getKey() >= good) {
        layout.safe.delete(c.getValue());
      }
    }
    for (Map.Entry<Integer, Path> c : files.checkpoints().entrySet()) {
      if (c.getKey() != at) {
        layout.safe.delete(c.getValue());
      }
    }
    int resumed = good;
    boolean withState = at >= 0;
    if (resumed > 0 || withState) {
      LOG.log(Level.INFO, () -> "MemoCache: resuming " + describe + " from " + resumed + " recorded chunks"
          + (withState ? " and its checkpoint" : "") + " (" + dir + ")");
    }
    return new Writer(key, dir, argsSummary, classes, describe, good, state, at);
  }

  /** Whether the file is a whole, undamaged part with the expected key: every block is checked. */
  private boolean intact(Path file, CacheKey expected) {
    try (EntryReader r = EntryReader.open(layout.safe.fs, file, false)) {
      if (!r.header().isFor(expected)) {
        return false;
      }
      r.verifyAll(n -> { });
      return true;
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "MemoCache: not resuming from " + file + ": " + e.getMessage());
      return false;
    }
  }

  private @Nullable Object decodeQuietly(Path file, CacheKey expected, ClassFilter classes, String describe) {
    try {
      return read(file, expected, classes);
    } catch (RejectedClassException e) {
      AllowLists.warnRejected(describe, e.classNames(), layout.root.toString());
      return null;
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "MemoCache: not resuming from " + file + ": " + e.getMessage());
      return null;
    }
  }

  private @Nullable Object read(Path file, CacheKey expected, ClassFilter classes) throws IOException {
    try (EntryReader r = EntryReader.open(layout.safe.fs, file, false)) {
      if (!r.header().isFor(expected)) {
        throw new CorruptEntryException(file.getFileName() + " is for " + r.header().keyHex() + ", not "
            + expected.hex());
      }
      return store.decode(r, classes);
    }
  }

  /** Reads chunk {@code index} for a caller of the public API: failures as unchecked exceptions. */
  private Object chunk(CacheKey key, Path dir, int index, ClassFilter classes, String describe) {
    Path file = dir.resolve(chunkName(index));
    try {
      Object v = read(file, chunkKey(key, index), classes);
      if (v == null) {
        throw new CorruptEntryException("chunk " + index + " holds null");
      }
      return v;
    } catch (NoSuchFileException e) {
      throw new NoSuchElementException("chunk " + index + " of " + describe + " is gone from " + dir + ": the"
          + " computation completed (look its result up) or restarted from an earlier checkpoint");
    } catch (RejectedClassException e) {
      AllowLists.warnRejected(describe, e.classNames(), layout.root.toString());
      throw new IllegalStateException("chunk " + index + " of " + describe + " contains " + e.className()
          + ", which the allow-list does not admit; admit it with Memo.builder().allowPackages(...)", e);
    } catch (CorruptEntryException e) {
      throw new CorruptResultException("damaged chunk " + index + " of " + describe + ": " + file + ": "
          + e.getMessage(), file.toString(), -1, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chunk " + index + " of " + describe + " from " + file, e);
    }
  }

  private EntryInfo chunkInfo(Path dir, int index, String describe) {
    Path file = dir.resolve(chunkName(index));
    try {
      long size = SafeFiles.regularFile(file).size();
      EntryHeader h = EntryReader.readHeader(file);
      return new EntryInfo(h.methodName(), h.keyHex(), "chunk " + index + " of " + h.argsSummary(), size,
          Instant.ofEpochMilli(h.createdMillis()), Duration.ofNanos(h.computeNanos()), 0,
          Instant.ofEpochMilli(h.createdMillis()), h.codecId(), "disk");
    } catch (NoSuchFileException e) {
      throw new NoSuchElementException("chunk " + index + " of " + describe + " is gone from " + dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chunk " + index + " of " + describe + " from " + file, e);
    }
  }

  /** The progress of one computation, held by the process holding its key's lock. */
  private final class Writer implements Tier.PartialWriter {
    private final CacheKey key;
    private final Path dir;
    private final String argsSummary;
    private final ClassFilter classes;
    private final String describe;
    private int chunks;
    private @Nullable Object state;
    private int checkpointAt;
    /**
     * A lock rather than a monitor: writing a chunk or checkpoint file happens under it, and a virtual
     * thread blocked on a monitor pins its carrier on JDK 21 to 23.
     */
    private final ReentrantLock lock = new ReentrantLock();

    Writer(CacheKey key, Path dir, String argsSummary, ClassFilter classes, String describe, int chunks,
        @Nullable Object state, int checkpointAt) {
      this.key = key;
      this.dir = dir;
      this.argsSummary = argsSummary;
      this.classes = classes;
      this.describe = describe;
      this.chunks = chunks;
      this.state = state;
      this.checkpointAt = checkpointAt;
    }

    @Override
    public int chunks() {
      lock.lock();
      try {
        return chunks;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Object chunk(int index) {
      return PartialStore.this.chunk(key, dir, index, classes, describe);
    }

    @Override
    public EntryInfo chunkInfo(int index) {
      return PartialStore.this.chunkInfo(dir, index, describe);
    }

    @Override
    public @Nullable Object state() {
      lock.lock();
      try {
        return state;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean running() {
      return true;
    }

    @Override
    public boolean append(int index, Object chunk, Duration computeTime) {
      lock.lock();
      try {
        if (index != chunks) {
          throw new IllegalArgumentException("chunk " + index + " of " + describe + " appended after " + chunks);
        }
        if (write(chunkKey(key, index), dir.resolve(chunkName(index)), chunk, computeTime, "chunk " + index)) {
          chunks++;
          return true;
        }
        return false;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean checkpoint(int chunksCovered, Object newState) {
      lock.lock();
      try {
        if (chunksCovered < 0 || chunksCovered > chunks) {
          throw new IllegalArgumentException("a checkpoint of " + describe + " after " + chunksCovered + " chunks, but "
              + chunks + " are recorded");
        }
        if (!write(checkpointKey(key, chunksCovered), dir.resolve(checkpointName(chunksCovered)), newState,
            Duration.ZERO, "checkpoint")) {
          return false;
        }
        if (checkpointAt >= 0 && checkpointAt != chunksCovered) {
          try {
            layout.safe.delete(dir.resolve(checkpointName(checkpointAt)));
          } catch (IOException e) {
            // A resume takes the newest checkpoint anyway; the old one goes with the directory.
          }
        }
        checkpointAt = chunksCovered;
        state = newState;
        return true;
      } finally {
        lock.unlock();
      }
    }

    private boolean write(CacheKey headerKey, Path target, Object value, Duration took, String what) {
      EncodedEntry encoded = store.encode(value, new Tier.Metadata(argsSummary, clock.instant(), took), classes);
      if (encoded == null) {
        String type = value.getClass().getName();
        Warnings.once("disk-no-codec:" + type, () -> "MemoCache: no codec can store a " + type + " (" + what + " of "
            + describe + "); register a ValueCodec with Memo.builder().codec(...) to record it");
        return false;
      }
      try {
        writer.write(headerKey, target, () -> layout.createDirectory(dir), encoded);
        return true;
      } catch (UnstorableValueException e) {
        if (e.getCause() instanceof RejectedClassException r) {
          AllowLists.warnNotStorable(describe, r.classNames(), layout.root.toString());
        } else {
          String type = value.getClass().getName();
          Warnings.once("unstorable:" + describe + ":" + type, () -> "MemoCache: cannot store a " + type + " ("
              + what + " of " + describe + ") in " + layout.root + ": " + e.getMessage(), e.getCause());
        }
        return false;
      } catch (IOException | RuntimeException e) {
        faults.writeFailed(what + " of " + describe, e);
        return false;
      }
    }

    @Override
    public void complete() {
      try {
        layout.safe.deleteDirectory(dir);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, () -> "MemoCache: could not delete the finished progress " + dir + ": " + e);
      }
    }
  }

  // ---- reading ----

  @Override
  public Optional<Tier.PartialReader> read(CacheKey key, ClassFilter classes) {
    Path dir = layout.partialDir(key);
    if (!Scanner.directory(dir)) {
      return Optional.empty();
    }
    String describe = key.method().name() + "(" + Layout.partialArgs(dir) + ")";
    try {
      Files2 files = list(dir);
      int chunks = 0;
      while (files.chunks().containsKey(chunks)) {
        chunks++;
      }
      Object state = null;
      for (int n : files.checkpoints().descendingKeySet()) {
        state = decodeQuietly(files.checkpoints().get(n), checkpointKey(key, n), classes, describe);
        if (state != null) {
          break;
        }
      }
      boolean running = running(key);
      int count = chunks;
      Object s = state;
      return Optional.of(new Tier.PartialReader() {
        @Override
        public int chunks() {
          return count;
        }

        @Override
        public Object chunk(int index) {
          return PartialStore.this.chunk(key, dir, index, classes, describe);
        }

        @Override
        public EntryInfo chunkInfo(int index) {
          return PartialStore.this.chunkInfo(dir, index, describe);
        }

        @Override
        public @Nullable Object state() {
          return s;
        }

        @Override
        public boolean running() {
          return running;
        }
      });
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      faults.readFailed(describe, e);
      return Optional.empty();
    }
  }

  /**
   * Whether some thread or process holds the key's lock: probed by taking it without waiting (and
   * releasing it at once), the only question an OS file lock answers.
   */
  boolean running(CacheKey key) {
    Optional<LockFiles.Held> probe = locks.tryAcquire(layout.lockFile(key), "reading progress", false);
    probe.ifPresent(LockFiles.Held::close);
    return probe.isEmpty();
  }
}
