package org.memocache.disk.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One record of a per-process journal. Framed as {@code u32 body length, u32 check (low bits of the
 * body's XXH3-64), body}, so that a record torn by a crash is recognised and ignored. The body is
 * {@code u8 type, i64 method hash, i64 key hi, i64 key lo} and the type's fields.
 */
sealed interface JournalRecord {
  byte PUT = 1;
  byte ACCESS = 2;
  byte REMOVE = 3;
  int MAX_BODY = 16 * 1024;
  /** The frame check. */
  com.dynatrace.hash4j.hashing.Hasher64 XXH3 = com.dynatrace.hash4j.hashing.Hashing.xxh3_64();

  long methodHash();

  long hi();

  long lo();

  /** A published entry. */
  record Put(long methodHash, long hi, long lo, long size, long createdMillis, long computeNanos, String codecId,
      String methodName, String argsSummary) implements JournalRecord {}

  /**
   * {@code count} reads, the last at {@code timeMillis}, together taking {@code hitNanos}. The
   * duration trails the older record layout: readers that do not know it ignore it, and records
   * without it read as 0.
   */
  record Access(long methodHash, long hi, long lo, long timeMillis, int count, long hitNanos) implements JournalRecord {}

  /** A deleted entry. */
  record Remove(long methodHash, long hi, long lo) implements JournalRecord {}

  /** The framed bytes of this record. */
  default byte[] encode() {
    ByteBuffer body = ByteBuffer.allocate(MAX_BODY).order(ByteOrder.LITTLE_ENDIAN);
    if (this instanceof Put p) {
      body.put(PUT).putLong(p.methodHash).putLong(p.hi).putLong(p.lo).putLong(p.size).putLong(p.createdMillis)
          .putLong(p.computeNanos);
      putString(body, p.codecId);
      putString(body, p.methodName);
      putString(body, EntryHeader.cut(p.argsSummary, 1024));
    } else if (this instanceof Access a) {
      body.put(ACCESS).putLong(a.methodHash).putLong(a.hi).putLong(a.lo).putLong(a.timeMillis).putInt(a.count)
          .putLong(a.hitNanos);
    } else {
      Remove r = (Remove) this;
      body.put(REMOVE).putLong(r.methodHash).putLong(r.hi).putLong(r.lo);
    }
    int n = body.position();
    ByteBuffer out = ByteBuffer.allocate(8 + n).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(n).putInt((int) XXH3.hashBytesToLong(body.array(), 0, n)).put(body.array(), 0, n);
    return out.array();
  }

  /**
   * Decodes whole, intact records from {@code buf} into {@code out} and returns how many bytes they
   * spanned; stops at the first incomplete or damaged record.
   */
  static int decode(ByteBuffer buf, List<JournalRecord> out) {
    ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int start = b.position();
    int good = start;
    while (b.remaining() >= 8) {
      int n = b.getInt(good);
      int check = b.getInt(good + 4);
      if (n <= 0 || n > MAX_BODY || good + 8 + n > b.limit()) {
        break;
      }
      byte[] body = new byte[n];
      b.get(good + 8, body, 0, n);
      if ((int) XXH3.hashBytesToLong(body) != check) {
        break;
      }
      JournalRecord r = parseBody(ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
      if (r == null) {
        break;
      }
      out.add(r);
      good += 8 + n;
      b.position(good);
    }
    return good - start;
  }

  private static JournalRecord parseBody(ByteBuffer b) {
    try {
      byte type = b.get();
      long m = b.getLong();
      long hi = b.getLong();
      long lo = b.getLong();
      return switch (type) {
        case PUT -> new Put(m, hi, lo, b.getLong(), b.getLong(), b.getLong(), getString(b), getString(b), getString(b));
        case ACCESS -> new Access(m, hi, lo, b.getLong(), b.getInt(), b.remaining() >= 8 ? b.getLong() : 0);
        case REMOVE -> new Remove(m, hi, lo);
        default -> null;
      };
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) u.length).put(u);
  }

  private static String getString(ByteBuffer b) {
    int n = b.getShort() & 0xffff;
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }
}
