package org.memocache.jcache.internal;

/**
 * A cached value and when it expires, in milliseconds of the cache's clock ({@link Long#MAX_VALUE}:
 * never). The expiry time changes on access, so it is a field, read and written under the entry's
 * map lock or racily (an access expiry lost to a concurrent write is harmless).
 */
final class Expirable<V> {
  static final long ETERNAL = Long.MAX_VALUE;

  final V value;
  volatile long expireAt;

  Expirable(V value, long expireAt) {
    this.value = value;
    this.expireAt = expireAt;
  }

  boolean expired(long nowMillis) {
    return expireAt != ETERNAL && expireAt <= nowMillis;
  }
}
