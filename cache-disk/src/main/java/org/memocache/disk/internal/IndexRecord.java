package org.memocache.disk.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What the index knows about one entry: the header fields listing needs, plus what headers cannot
 * hold because entries are immutable (hits, last access).
 *
 * @param size file size in bytes
 * @param createdMillis when the value was computed
 * @param computeNanos how long it took
 * @param lastAccessMillis when it was last read or stored
 * @param hits reads counted in journals
 * @param codecId the codec that stored it
 * @param methodName the method's cache name
 * @param argsSummary the argument summary
 * @param hitNanos what the counted reads took together (reading and decoding)
 */
record IndexRecord(long size, long createdMillis, long computeNanos, long lastAccessMillis, long hits,
    String codecId, String methodName, String argsSummary, long hitNanos) {

  private static final byte VERSION = 1;

  static IndexRecord of(EntryHeader h, long size) {
    return new IndexRecord(size, h.createdMillis(), h.computeNanos(), h.createdMillis(), 0, h.codecId(),
        h.methodName(), h.argsSummary(), 0);
  }

  IndexRecord accessed(long timeMillis, long count, long nanos) {
    return new IndexRecord(size, createdMillis, computeNanos, Math.max(lastAccessMillis, timeMillis), hits + count,
        codecId, methodName, argsSummary, hitNanos + nanos);
  }

  /** A new value stored for the same key: its fields, this record's hits and latest access. */
  IndexRecord replacedBy(IndexRecord newer) {
    return new IndexRecord(newer.size, newer.createdMillis, newer.computeNanos,
        Math.max(lastAccessMillis, newer.lastAccessMillis), hits, newer.codecId, newer.methodName, newer.argsSummary,
        hitNanos);
  }

  byte[] encode() {
    byte[] c = codecId.getBytes(StandardCharsets.UTF_8);
    byte[] m = methodName.getBytes(StandardCharsets.UTF_8);
    byte[] a = argsSummary.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 6 * 8 + 6 + c.length + m.length + a.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(VERSION).putLong(size).putLong(createdMillis).putLong(computeNanos).putLong(lastAccessMillis).putLong(hits);
    b.putShort((short) c.length).put(c).putShort((short) m.length).put(m).putShort((short) a.length).put(a);
    // Trailing, so that a reader of the older layout reads the rest and ignores it.
    b.putLong(hitNanos);
    return b.array();
  }

  static IndexRecord decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (b.get() != VERSION) {
      throw new IllegalArgumentException("index record version " + bytes[0]);
    }
    return new IndexRecord(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), str(b), str(b), str(b),
        b.remaining() >= 8 ? b.getLong() : 0);
  }

  private static String str(ByteBuffer b) {
    int n = b.getShort() & 0xffff;
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }

  /** The index key: method hash, key hi, key lo, big-endian so that a method's entries are adjacent. */
  static byte[] key(long methodHash, long hi, long lo) {
    return ByteBuffer.allocate(24).putLong(methodHash).putLong(hi).putLong(lo).array();
  }

  /** The three longs of an index key. */
  static long[] parts(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key);
    return new long[] {b.getLong(), b.getLong(), b.getLong()};
  }
}
