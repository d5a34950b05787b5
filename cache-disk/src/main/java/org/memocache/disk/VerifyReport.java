package org.memocache.disk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.memocache.internal.Sizes;

/**
 * What {@link CacheDirectory#verify} found.
 *
 * @param files entry files and progress files checked
 * @param bytes their total size
 * @param damaged every damaged or unreadable file
 * @param took how long the walk took
 */
public record VerifyReport(long files, long bytes, List<Damage> damaged, Duration took) {

  public VerifyReport {
    damaged = List.copyOf(damaged);
    Objects.requireNonNull(took, "took");
  }

  /** Whether every file verified. */
  public boolean ok() {
    return damaged.isEmpty();
  }

  /**
   * One damaged file.
   *
   * @param file the file
   * @param key the key in its name ({@code ""} when the name holds none)
   * @param method the method its header names ({@code ""} when the header is unreadable)
   * @param problem what is wrong, such as {@code block 3 of 16 does not match its checksum}
   * @param deleted whether it was deleted
   */
  public record Damage(Path file, String key, String method, String problem, boolean deleted) {
    public Damage {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String toString() {
      return file + ": " + problem + (deleted ? " (deleted)" : "");
    }
  }

  @Override
  public String toString() {
    return String.format("%d files, %s verified in %s: %s", files, Sizes.human(bytes), Sizes.human(took),
        ok() ? "all good" : damaged.size() + " damaged");
  }
}
