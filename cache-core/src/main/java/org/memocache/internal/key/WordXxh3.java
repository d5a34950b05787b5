package org.memocache.internal.key;

/**
 * XXH3-128 (seed 0, the default secret) of an input of more than {@value #MAX_SHORT_BYTES} bytes,
 * given as little-endian 64-bit words: the value {@code Hashing.xxh3_128().hashBytesTo128Bits} of
 * hash4j gives for the same bytes, so keys do not change.
 *
 * <p>Why a second implementation: hash4j reads its input through byte-array {@code VarHandle}s,
 * which the interpreter runs at about 10 MB/s and C1 not much faster, so a one-shot job's first big
 * argument was hashed at a fraction of memory speed before C2 caught up. Here the input is a
 * {@code long[]} (filled by one intrinsic bulk copy) and each 1 KiB block is one short method of
 * plain array loads and long arithmetic: a few hundred MB/s interpreted, compiled after a few
 * hundred blocks.
 */
final class WordXxh3 {
  private WordXxh3() {}

  /** Inputs up to this length take XXH3's short-input paths, which this class does not implement. */
  static final int MAX_SHORT_BYTES = 240;

  /** XXH3's default 192-byte secret, as little-endian words. */
  private static final long[] SECRET = {
    0xbe4ba423396cfeb8L, 0x1cad21f72c81017cL, 0xdb979083e96dd4deL, 0x1f67b3b7a4a44072L,
    0x78e5c0cc4ee679cbL, 0x2172ffcc7dd05a82L, 0x8e2443f7744608b8L, 0x4c263a81e69035e0L,
    0xcb00c391bb52283cL, 0xa32e531b8b65d088L, 0x4ef90da297486471L, 0xd8acdea946ef1938L,
    0x3f349ce33f76faa8L, 0x1d4f0bc7c7bbdcf9L, 0x3159b4cd4be0518aL, 0x647378d9c97e9fc8L,
    0xc3ebd33483acc5eaL, 0xeb6313faffa081c5L, 0x49daf0b751dd0d17L, 0x9e68d429265516d3L,
    0xfca1477d58be162bL, 0xce31d07ad1b8f88fL, 0x280416958f3acb45L, 0x7e404bbbcafbd7afL,
  };
  private static final long PRIME32_1 = 0x9E3779B1L;
  private static final long PRIME64_1 = 0x9E3779B185EBCA87L;
  private static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
  private static final long LOW32 = 0xFFFFFFFFL;

  /** Secret words of the last stripe (byte 192 - 64 - 7) and of the two merges (bytes 11 and 192 - 64 - 11). */
  private static final long[] LAST = secretWords(121);
  private static final long[] MERGE_LOW = secretWords(11);
  private static final long[] MERGE_HIGH = secretWords(117);

  private static long[] secretWords(int byteOffset) {
    long[] w = new long[8];
    for (int i = 0; i < 8; i++) {
      int o = byteOffset + 8 * i;
      int q = o >>> 3;
      int shift = (o & 7) * 8;
      w[i] = shift == 0 ? SECRET[q] : SECRET[q] >>> shift | SECRET[q + 1] << (64 - shift);
    }
    return w;
  }

  /**
   * Hashes {@code len} bytes.
   *
   * @param words the input's first {@code len / 8} little-endian words, from index {@code off}
   * @param last the input's last 64 bytes as 8 little-endian words (they need not be aligned)
   * @param len the input's length in bytes, more than {@value #MAX_SHORT_BYTES}
   * @param out receives the high 64 bits at {@code out[at]} and the low 64 bits at {@code out[at + 1]}
   */
  static void hash(long[] words, int off, long[] last, int len, long[] out, int at) {
    if (len <= MAX_SHORT_BYTES) {
      throw new IllegalArgumentException("input of " + len + " bytes is too short for the long-input path");
    }
    long[] acc = {
      0x00000000C2B2AE3DL, 0x9E3779B185EBCA87L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L,
      0x85EBCA77C2B2AE63L, 0x0000000085EBCA77L, 0x27D4EB2F165667C5L, 0x000000009E3779B1L,
    };
    int blocks = (len - 1) >>> 10;
    for (int b = 0; b < blocks; b++) {
      block(acc, words, off + (b << 7));
    }
    stripes(acc, words, off + (blocks << 7), ((len - 1) - (blocks << 10)) >>> 6);
    lastStripe(acc, last);
    long n = len & LOW32;
    out[at + 1] = merge(acc, MERGE_LOW, n * PRIME64_1);
    out[at] = merge(acc, MERGE_HIGH, ~(n * PRIME64_2));
  }

  /** One whole 1 KiB block (16 stripes), then the scramble. */
  private static void block(long[] acc, long[] w, int p) {
    stripes(acc, w, p, 16);
    for (int i = 0; i < 8; i++) {
      long a = acc[i];
      acc[i] = (a ^ (a >>> 47) ^ SECRET[16 + i]) * PRIME32_1;
    }
  }

  /** {@code n} 64-byte stripes from word {@code p}; stripe {@code s} uses the secret from word {@code s}. */
  private static void stripes(long[] acc, long[] w, int p, int n) {
    long a0 = acc[0];
    long a1 = acc[1];
    long a2 = acc[2];
    long a3 = acc[3];
    long a4 = acc[4];
    long a5 = acc[5];
    long a6 = acc[6];
    long a7 = acc[7];
    for (int s = 0; s < n; s++) {
      int q = p + (s << 3);
      long d0 = w[q];
      long d1 = w[q + 1];
      long d2 = w[q + 2];
      long d3 = w[q + 3];
      long d4 = w[q + 4];
      long d5 = w[q + 5];
      long d6 = w[q + 6];
      long d7 = w[q + 7];
      long k0 = d0 ^ SECRET[s];
      long k1 = d1 ^ SECRET[s + 1];
      long k2 = d2 ^ SECRET[s + 2];
      long k3 = d3 ^ SECRET[s + 3];
      long k4 = d4 ^ SECRET[s + 4];
      long k5 = d5 ^ SECRET[s + 5];
      long k6 = d6 ^ SECRET[s + 6];
      long k7 = d7 ^ SECRET[s + 7];
      a0 += d1 + (k0 & LOW32) * (k0 >>> 32);
      a1 += d0 + (k1 & LOW32) * (k1 >>> 32);
      a2 += d3 + (k2 & LOW32) * (k2 >>> 32);
      a3 += d2 + (k3 & LOW32) * (k3 >>> 32);
      a4 += d5 + (k4 & LOW32) * (k4 >>> 32);
      a5 += d4 + (k5 & LOW32) * (k5 >>> 32);
      a6 += d7 + (k6 & LOW32) * (k6 >>> 32);
      a7 += d6 + (k7 & LOW32) * (k7 >>> 32);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
    acc[4] = a4;
    acc[5] = a5;
    acc[6] = a6;
    acc[7] = a7;
  }

  private static void lastStripe(long[] acc, long[] d) {
    for (int i = 0; i < 8; i++) {
      long k = d[i] ^ LAST[i];
      acc[i ^ 1] += d[i];
      acc[i] += (k & LOW32) * (k >>> 32);
    }
  }

  private static long merge(long[] acc, long[] secret, long start) {
    long r = start;
    for (int i = 0; i < 8; i += 2) {
      r += fold(acc[i] ^ secret[i], acc[i + 1] ^ secret[i + 1]);
    }
    r ^= r >>> 37;
    r *= 0x165667919E3779F9L;
    return r ^ (r >>> 32);
  }

  /** The low and high halves of the unsigned 128-bit product, xored. */
  private static long fold(long a, long b) {
    long high = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    return a * b ^ high;
  }
}
