package org.memocache.disk.internal;

import java.util.Arrays;

/** An index key (as from {@link IndexRecord#key}) usable in hash maps. */
record ByteKey(byte[] bytes) {
  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    long[] p = IndexRecord.parts(bytes);
    return Hex.of(p[0]) + "/" + Hex.of(p[1], p[2]);
  }
}
