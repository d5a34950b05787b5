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
    @Nullable URI shared,
    @Nullable URI blobs) implements MemoConfig {

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
        allowedPackages, codeFingerprint, clock, null, null);
  }

  /**
   * The shared tier's Redis server ({@code Memo.builder().shared(URI)} or the {@code shared} key) of
   * {@code config}, or {@code null}: a {@link MemoConfig} made by a tool has none.
   */
  public static @Nullable URI sharedOf(MemoConfig config) {
    return config instanceof Config c ? c.shared : null;
  }

  /** The object store ({@code blobs} key) of {@code config}, or {@code null}. */
  public static @Nullable URI blobsOf(MemoConfig config) {
    return config instanceof Config c ? c.blobs : null;
  }

  /** The record's text with the shared URI's user and password left out. */
  @Override
  public String toString() {
    return "Config[directory=" + directory + ", maximumMemoryBytes=" + maximumMemoryBytes + ", maximumDiskBytes="
        + maximumDiskBytes + ", maximumDiskEntries=" + maximumDiskEntries + ", expireAfter=" + expireAfter
        + ", durable=" + durable + ", lockTimeout=" + lockTimeout + ", allowedPackages=" + allowedPackages
        + ", codeFingerprint=" + codeFingerprint + ", clock=" + clock + ", shared="
        + (shared == null ? null : Settings.redacted(shared)) + ", blobs=" + blobs + "]";
  }

  /** The directory used when none is configured: {@code ~/.cache/memocache}. */
  public static Path homeDirectory() {
    return Path.of(System.getProperty("user.home"), ".cache", "memocache");
  }

  /** This configuration without a directory: memory-only. */
  public Config withoutDirectory() {
    return new Config(null, maximumMemoryBytes, maximumDiskBytes, maximumDiskEntries, expireAfter, durable,
        lockTimeout, allowedPackages, codeFingerprint, clock, shared, blobs);
  }
}
