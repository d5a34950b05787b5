package org.memocache.disk.internal;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;

/**
 * Entry format 2, whose checksums are XXH3-64 (8-byte table slots). Its layout is format 3's; only
 * the checksum differs. {@code get} treats such an entry as another version's (a miss, kept);
 * {@code verify}, listings and maintenance still read it. Kept in its own class so that reading
 * format 3 never loads hash4j.
 */
final class Format2 {
  static final int VERSION = 2;

  /** The XXH3-64 checksum of format 2. */
  static final BlockChecksum XXH3 = new BlockChecksum() {
    private final Hasher64 hasher = Hashing.xxh3_64();

    @Override
    public long of(byte[] b, int off, int len) {
      return hasher.hashBytesToLong(b, off, len);
    }

    @Override
    public long of(ByteBuffer b) {
      if (b.hasArray()) {
        return hasher.hashBytesToLong(b.array(), b.arrayOffset() + b.position(), b.remaining());
      }
      byte[] copy = new byte[b.remaining()];
      b.duplicate().get(copy);
      return hasher.hashBytesToLong(copy);
    }

    @Override
    public int slot() {
      return 8;
    }
  };

  private Format2() {}
}
