package org.memocache;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.memocache.internal.Sizes;

/**
 * What is known about one stored result without loading it.
 *
 * @param method the method's cache name
 * @param key the 32-hex-digit key
 * @param argsSummary a short human-readable summary of the arguments, such as {@code n=1000, seed=7}
 * @param sizeBytes the stored size (file size on disk, estimated bytes in memory)
 * @param created when the result was computed
 * @param computeTime how long computing it took
 * @param hits how many times it was served (as far as the tier has counted)
 * @param lastAccess when it was last served or stored
 * @param codec the codec that stored it ({@code raw-array}, {@code kryo}, ...)
 * @param tier the tier that holds it ({@code memory}, {@code disk})
 */
public record EntryInfo(
    String method,
    String key,
    String argsSummary,
    long sizeBytes,
    Instant created,
    Duration computeTime,
    long hits,
    Instant lastAccess,
    String codec,
    String tier) {

  public EntryInfo {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(argsSummary, "argsSummary");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(computeTime, "computeTime");
    Objects.requireNonNull(lastAccess, "lastAccess");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(tier, "tier");
  }

  /** One line, as {@code memocache ls} prints it. */
  @Override
  public String toString() {
    return String.format("%s %s(%s) %s %s, computed in %s, %d hits [%s/%s]",
        key.substring(0, Math.min(12, key.length())), method, argsSummary, Sizes.human(sizeBytes),
        created, Sizes.human(computeTime), hits, tier, codec);
  }
}
