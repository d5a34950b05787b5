package org.memocache.disk;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import org.memocache.internal.Sizes;

/**
 * The recorded progress of one progressive computation, as {@code memocache ls} lists it.
 *
 * @param key the computation's 32-hex-digit key (its result will be stored under it)
 * @param method the method's cache name, or {@code "?"} when the progress has no readable
 *     {@code PARTIAL} file
 * @param argsSummary the arguments, as the entry will show them
 * @param chunks chunks recorded, numbered from 0 without a gap
 * @param checkpoint the chunk count the last checkpoint covers, or -1 when none was recorded
 * @param bytes the size of all its files
 * @param started when the computation first started
 * @param updated when anything was last recorded
 * @param running whether a process holds the key's lock, that is, is computing it now
 * @param directory the progress directory
 */
public record PartialInfo(
    String key,
    String method,
    String argsSummary,
    int chunks,
    int checkpoint,
    long bytes,
    Instant started,
    Instant updated,
    boolean running,
    Path directory) {

  public PartialInfo {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(argsSummary, "argsSummary");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(directory, "directory");
  }

  /** One line, as {@code memocache ls} prints it. */
  @Override
  public String toString() {
    return String.format("%s %s(%s) %d chunks%s, %s, updated %s%s", key.substring(0, 12), method, argsSummary, chunks,
        checkpoint >= 0 ? " (checkpoint after " + checkpoint + ")" : "", Sizes.human(bytes), updated,
        running ? " [running]" : " [stopped]");
  }
}
