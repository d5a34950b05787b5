package org.memocache;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.Config;
import org.memocache.internal.Settings;

/**
 * The immutable configuration of a built {@link Memo}; made only by {@link Memo.Builder}, which
 * validates every value at the call that sets it.
 */
public interface MemoConfig {

  /**
   * The cache directory used when none is given: the configured {@code dir} (system property
   * {@code memocache.dir}, environment variable {@code MEMOCACHE_DIR}, {@code memocache.properties};
   * see the guide), else {@code ~/.cache/memocache}.
   *
   * @throws IllegalArgumentException when the configured directory is not a path, naming where it was set
   */
  static Path defaultDirectory() {
    Path configured = Settings.load().directory();
    return configured != null ? configured : Config.homeDirectory();
  }

  /** The disk tier's root, or {@code null} for a memory-only Memo. */
  @Nullable Path directory();

  /** Bound of the memory tier, in estimated bytes. */
  long maximumMemoryBytes();

  /** Bound of the disk tier in bytes ({@link Long#MAX_VALUE}: unbounded). */
  long maximumDiskBytes();

  /** Bound of the disk tier in entries ({@link Long#MAX_VALUE}: unbounded). */
  long maximumDiskEntries();

  /** Maximum age of a stored result, or {@code null} for no limit. */
  @Nullable Duration expireAfter();

  /** Whether every entry is fsynced before it is published. */
  boolean durable();

  /**
   * How long a caller waits for another process, or another thread of this JVM, computing the same
   * key before computing it itself.
   */
  Duration lockTimeout();

  /**
   * Package (or class-name) prefixes whose classes may be decoded from disk, beyond the built-in JDK
   * value types and each method's own types.
   */
  List<String> allowedPackages();

  /** Whether woven methods include a fingerprint of their bytecode in their identity. */
  boolean codeFingerprint();

  /** The clock for created/expiry times (tests inject a fake one). */
  Clock clock();
}
