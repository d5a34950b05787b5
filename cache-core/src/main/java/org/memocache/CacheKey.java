package org.memocache;

import java.util.Objects;

/**
 * The 128-bit key of one call of a memoized method: the XXH3-128 hash of the canonical encoding of
 * the receiver's state and the arguments, together with the method it belongs to. Stored in every
 * entry and checked on every hit, so a file that lands under the wrong name is never served.
 *
 * @param method the memoized method
 * @param hi the high 64 bits of the hash
 * @param lo the low 64 bits of the hash
 */
public record CacheKey(MethodId method, long hi, long lo) {

  public CacheKey {
    Objects.requireNonNull(method, "method");
  }

  /** The 128-bit hash as 32 lower-case hex digits, as used in file names and by the CLI. */
  public String hex() {
    return String.format("%016x%016x", hi, lo);
  }

  /**
   * Parses the 32-hex-digit form of {@link #hex()}.
   *
   * @throws IllegalArgumentException naming the text when it is not 32 hex digits
   */
  public static CacheKey parse(MethodId method, String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException("a cache key is 32 hex digits, not '" + hex + "'");
    }
    try {
      return new CacheKey(method, Long.parseUnsignedLong(hex.substring(0, 16), 16),
          Long.parseUnsignedLong(hex.substring(16), 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a cache key is 32 hex digits, not '" + hex + "'", e);
    }
  }

  // Written out: a record's generated equals and hashCode bootstrap java.lang.runtime.ObjectMethods
  // on first use, tens of method handles that a fresh JVM's first hit would wait for.
  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && k.hi == hi && k.lo == lo && k.method.equals(method);
  }

  @Override
  public int hashCode() {
    return (method.hashCode() * 31 + Long.hashCode(hi)) * 31 + Long.hashCode(lo);
  }

  @Override
  public String toString() {
    return method.name() + "/" + hex();
  }
}
