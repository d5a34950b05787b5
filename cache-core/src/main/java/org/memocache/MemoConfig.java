package org.memocache;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The immutable configuration of a built {@link Memo}; made only by {@link Memo.Builder}, which
 * validates every value at the call that sets it.
 *
 * @param directory the disk tier's root, or {@code null} for a memory-only Memo
 * @param maximumMemoryBytes bound of the memory tier, in estimated bytes
 * @param maximumDiskBytes bound of the disk tier in bytes ({@link Long#MAX_VALUE}: unbounded)
 * @param maximumDiskEntries bound of the disk tier in entries ({@link Long#MAX_VALUE}: unbounded)
 * @param expireAfter maximum age of a stored result, or {@code null} for no limit
 * @param durable whether every entry is fsynced before it is published
 * @param lockTimeout how long a caller waits for another process, or another thread of this JVM,
 *     computing the same key before computing it itself
 * @param allowedPackages package (or class-name) prefixes whose classes may be decoded from disk,
 *     beyond the built-in JDK value types and each method's own types
 * @param codeFingerprint whether woven methods include a fingerprint of their bytecode in their
 *     identity
 * @param clock the clock for created/expiry times (tests inject a fake one)
 */
public record MemoConfig(
    @Nullable Path directory,
    long maximumMemoryBytes,
    long maximumDiskBytes,
    long maximumDiskEntries,
    @Nullable Duration expireAfter,
    boolean durable,
    Duration lockTimeout,
    List<String> allowedPackages,
    boolean codeFingerprint,
    Clock clock) {

  public MemoConfig {
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    Objects.requireNonNull(clock, "clock");
    allowedPackages = List.copyOf(allowedPackages);
  }
}
