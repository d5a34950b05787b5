package org.memocache.internal;

import java.net.URI;
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
    Clock clock,
    @Nullable SharedStore shared) implements MemoConfig {

  public Config {
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    Objects.requireNonNull(clock, "clock");
    allowedPackages = List.copyOf(allowedPackages);
  }

  /** A configuration without a shared tier. */
  public Config(@Nullable Path directory, long maximumMemoryBytes, long maximumDiskBytes, long maximumDiskEntries,
      @Nullable Duration expireAfter, boolean durable, Duration lockTimeout, List<String> allowedPackages,
      boolean codeFingerprint, Clock clock) {
    this(directory, maximumMemoryBytes, maximumDiskBytes, maximumDiskEntries, expireAfter, durable, lockTimeout,
        allowedPackages, codeFingerprint, clock, null);
  }

  /**
   * The shared tier of a configuration.
   *
   * @param redis its Redis server ({@code Memo.builder().shared(URI)} or the {@code shared} key)
   * @param blobs its object store for large values ({@code blobs} key), or {@code null}
   * @param maxBytes its bound in bytes, Redis and object store together ({@code shared-bytes} key)
   * @param maxEntries its bound in entries ({@code shared-entries} key)
   */
  public record SharedStore(URI redis, @Nullable URI blobs, long maxBytes, long maxEntries) {
    public SharedStore {
      Objects.requireNonNull(redis, "redis");
    }

    /** The record's text with the Redis URI's user and password left out. */
    @Override
    public String toString() {
      return "SharedStore[redis=" + Settings.redacted(redis) + ", blobs=" + blobs + ", maxBytes=" + maxBytes
          + ", maxEntries=" + maxEntries + "]";
    }
  }

  /**
   * The shared tier of {@code config}, or {@code null}: none is configured, or the {@link MemoConfig}
   * was made by a tool.
   */
  public static @Nullable SharedStore sharedOf(MemoConfig config) {
    return config instanceof Config c ? c.shared : null;
  }

  /** The directory used when none is configured: {@code ~/.cache/memocache}. */
  public static Path homeDirectory() {
    return Path.of(System.getProperty("user.home"), ".cache", "memocache");
  }

  /** This configuration without a directory: memory-only. */
  public Config withoutDirectory() {
    return new Config(null, maximumMemoryBytes, maximumDiskBytes, maximumDiskEntries, expireAfter, durable,
        lockTimeout, allowedPackages, codeFingerprint, clock, shared);
  }
}
