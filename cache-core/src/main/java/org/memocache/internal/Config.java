package org.memocache.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.memocache.MemoConfig;

/**
 * The values of a {@link MemoConfig}, unchecked beyond {@code null}s: {@code Memo.Builder} validates
 * them at the call that sets each. Tools that open a tier without a {@code Memo} (the disk tier's
 * {@code CacheDirectory}, tests, benchmarks) make one directly.
 */
public record Config(
    @Nullable Path directory,
    long maximumMemoryBytes,
    long maximumDiskBytes,
    long maximumDiskEntries,
    @Nullable Duration expireAfter,
    boolean durable,
    Duration lockTimeout,
    List<String> allowedPackages,
    boolean codeFingerprint,
    Clock clock) implements MemoConfig {

  public Config {
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    Objects.requireNonNull(clock, "clock");
    allowedPackages = List.copyOf(allowedPackages);
  }

  /** The directory used when none is configured: {@code ~/.cache/memocache}. */
  public static Path homeDirectory() {
    return Path.of(System.getProperty("user.home"), ".cache", "memocache");
  }

  /** This configuration without a directory: memory-only. */
  public Config withoutDirectory() {
    return new Config(null, maximumMemoryBytes, maximumDiskBytes, maximumDiskEntries, expireAfter, durable,
        lockTimeout, allowedPackages, codeFingerprint, clock);
  }
}
