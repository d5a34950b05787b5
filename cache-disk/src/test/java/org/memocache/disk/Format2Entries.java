package org.memocache.disk;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes entries in format 2, as the previous MemoCache version did: format 3's layout with XXH3-64
 * in place of every CRC32C (header checksum, table hash) and 8-byte table slots holding the XXH3-64
 * of each block. Built here, byte by byte, from an entry this version wrote.
 */
final class Format2Entries {
  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  private Format2Entries() {}

  /** Rewrites the format 3 entry at {@code file} as the same entry in format 2. */
  static void rewrite(Path file) throws IOException {
    Files.write(file, toFormat2(Files.readAllBytes(file)));
  }

  static byte[] toFormat2(byte[] v3) {
    ByteBuffer in = ByteBuffer.wrap(v3).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getShort(8) != 3) {
      throw new IllegalArgumentException("not a format 3 entry: version " + in.getShort(8));
    }
    int h = in.getInt(12);
    long p = in.getLong(56);
    long l = in.getLong(64);
    int bs = in.getInt(72);
    int n = (int) ((l + bs - 1) / bs);
    int t = (int) ((p + l + 7) & ~7L);
    byte[] out = Arrays.copyOf(v3, t + 8 * n);
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      long off = p + (long) i * bs;
      b.putLong(t + 8 * i, XXH3.hashBytesToLong(v3, (int) off, (int) Math.min(bs, p + l - off)));
    }
    b.putShort(8, (short) 2);
    b.putLong(80, XXH3.hashBytesToLong(out, t, 8 * n));
    b.putLong(h - 8, XXH3.hashBytesToLong(out, 0, h - 8));
    return out;
  }
}
