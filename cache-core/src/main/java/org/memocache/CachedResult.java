package org.memocache;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored result found without computing, with its metadata.
 *
 * @param value the result (a cached {@code null} is a present result with a null value)
 * @param info where it is stored, how big it is, how long it took to compute
 * @param <T> the result type
 */
public record CachedResult<T>(@Nullable T value, EntryInfo info) {
  public CachedResult {
    Objects.requireNonNull(info, "info");
  }
}
