package org.memocache.spi;

import org.memocache.Memo;

/**
 * Encodes values of a user type into a cache key, for types that the built-in rules (records,
 * collections, primitive arrays, value types and a walk over fields) do not handle the way you want:
 * a class with caches or handles in its fields, or one whose equality is coarser than its fields.
 * Register with {@link Memo.Builder#keyEncoder(Class, KeyEncoder)}.
 *
 * <p>Equal results must follow from equal encodings: write every part of the value that can change
 * a result, and nothing that cannot.
 *
 * @param <T> the type encoded
 */
@FunctionalInterface
public interface KeyEncoder<T> {

  /** Writes the parts of {@code value} that identify it. */
  void encode(T value, KeySink sink);
}
