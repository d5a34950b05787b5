package org.memocache.internal.key;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WordXxh3} gives hash4j's XXH3-128 for every length past the short-input paths. */
class WordXxh3Test {

  static void assertSameAsHash4j(byte[] data, int off, int len) {
    HashValue128 expected = Hashing.xxh3_128().hashBytesTo128Bits(data, off, len);
    ByteBuffer b = ByteBuffer.wrap(data, off, len).order(ByteOrder.LITTLE_ENDIAN);
    long[] words = new long[len / 8 + 3];
    b.asLongBuffer().get(words, 3, len / 8);
    long[] last = new long[8];
    for (int i = 0; i < 8; i++) {
      last[i] = b.getLong(off + len - 64 + 8 * i);
    }
    long[] out = new long[4];
    WordXxh3.hash(words, 3, last, len, out, 1);
    assertEquals(expected.getMostSignificantBits(), out[1], "high bits, length " + len);
    assertEquals(expected.getLeastSignificantBits(), out[2], "low bits, length " + len);
  }

  @Test
  void everyLengthAroundTheBlockAndStripeBoundaries() {
    SplittableRandom r = new SplittableRandom(7);
    byte[] data = new byte[5000];
    r.nextBytes(data);
    for (int len = WordXxh3.MAX_SHORT_BYTES + 1; len <= 4200; len++) {
      assertSameAsHash4j(data, len % 13, len);
    }
  }

  @Test
  void bigAndRandomLengths() {
    SplittableRandom r = new SplittableRandom(11);
    byte[] data = new byte[(1 << 20) + 100];
    r.nextBytes(data);
    assertSameAsHash4j(data, 0, 1 << 20);
    assertSameAsHash4j(data, 5, (1 << 20) + 1);
    for (int i = 0; i < 200; i++) {
      int len = WordXxh3.MAX_SHORT_BYTES + 1 + r.nextInt((1 << 20) - WordXxh3.MAX_SHORT_BYTES);
      assertSameAsHash4j(data, r.nextInt(100), len);
    }
  }

  @Test
  void allZerosAndAllOnes() {
    byte[] zeros = new byte[70_000];
    byte[] ones = new byte[70_000];
    java.util.Arrays.fill(ones, (byte) -1);
    for (int len : new int[] {241, 1024, 1025, 65_536, 70_000}) {
      assertSameAsHash4j(zeros, 0, len);
      assertSameAsHash4j(ones, 0, len);
    }
  }
}
