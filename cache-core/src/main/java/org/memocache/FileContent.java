package org.memocache;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file argument hashed by its content rather than by (absolute path, size, modification time).
 * Pass {@code FileContent.of(path)} as a key argument of {@link Memo#call}; in annotated code use
 * {@code @Memoize.ByContent} on the parameter instead.
 *
 * <p>Hashing reads the whole file (or every file of a directory, in name order) on every call.
 *
 * @param path the file or directory
 */
public record FileContent(Path path) {
  public FileContent {
    Objects.requireNonNull(path, "path");
  }

  /** Wraps {@code path}. */
  public static FileContent of(Path path) {
    return new FileContent(path);
  }
}
