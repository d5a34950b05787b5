package org.memocache.disk.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The checksum an entry format uses for its header, its checksum table and its payload blocks.
 * Format 3 uses CRC32C: the JVM computes it with an intrinsic in the interpreter and in both
 * compilers, over heap arrays and over direct or mapped buffers alike, so a fresh JVM verifies a
 * gigabyte at memory speed without waiting for the JIT. Format 2 used XXH3-64 ({@link Format2}),
 * which is read only to verify and list old entries.
 *
 * <p>Values are unsigned: a CRC32C is a {@code long} in {@code [0, 2^32)}.
 */
interface BlockChecksum {

  /** The checksum of {@code b[off, off + len)}. */
  long of(byte[] b, int off, int len);

  /** The checksum of the bytes between the buffer's position and its limit; the buffer is not moved. */
  long of(ByteBuffer b);

  /** Bytes per slot of the checksum table. */
  int slot();

  /** The checksum of format {@code version} (2 or 3). */
  static BlockChecksum forFormat(int version) {
    return version == Format2.VERSION ? Format2.XXH3 : Crc32c.INSTANCE;
  }

  /** CRC32C, stored in 4-byte table slots. */
  enum Crc32c implements BlockChecksum {
    INSTANCE;

    @Override
    public long of(byte[] b, int off, int len) {
      CRC32C c = new CRC32C();
      c.update(b, off, len);
      return c.getValue();
    }

    @Override
    public long of(ByteBuffer b) {
      CRC32C c = new CRC32C();
      c.update(b.duplicate());
      return c.getValue();
    }

    @Override
    public int slot() {
      return 4;
    }
  }
}
