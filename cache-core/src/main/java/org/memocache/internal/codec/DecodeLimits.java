package org.memocache.internal.codec;

import com.esotericsoftware.kryo.io.Input;

/**
 * The bounds every decode of a stored value stays within, whatever the bytes claim. A crafted entry
 * has valid checksums (anyone who can write to the directory can compute them), so lengths, depth
 * and work are checked against what the bytes present can justify rather than trusted.
 *
 * <ul>
 *   <li>A length (of an array, string, collection or map) is at most the number of bytes left in the
 *       payload divided by the smallest size of one element (1 byte for objects, strings and
 *       variable-length numbers): nothing is allocated before that check.
 *   <li>Objects nest at most {@value #MAX_DEPTH} deep.
 *   <li>Hashing work is bounded: each element added to a hash-based set or map (or handed to a
 *       constructor, as records and immutable sets are) is charged the number of objects its
 *       {@code hashCode} may visit, counting shared objects once per path; the total may not
 *       exceed {@value #WORK_BASE} plus {@value #WORK_PER_BYTE} per payload byte.
 * </ul>
 */
public final class DecodeLimits {
  private DecodeLimits() {}

  /** How deeply objects may nest (Kryo's own {@code maxDepth}). */
  public static final int MAX_DEPTH = 1000;

  /** Hashing work allowed for any payload, in objects visited. */
  public static final long WORK_BASE = 1L << 24;

  /** Hashing work allowed per payload byte, in objects visited. */
  public static final long WORK_PER_BYTE = 64;

  /** The hashing work allowed for a payload of {@code bytes} bytes. */
  public static long work(long bytes) {
    return WORK_BASE + WORK_PER_BYTE * bytes;
  }

  /** Thrown inside Kryo; {@link KryoCodec} turns it into a {@link DecodeLimitException}. */
  static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Exceeded(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Checks that {@code count} elements of at least {@code minBytes} bytes each fit in what is left of
   * {@code input}.
   *
   * @throws Exceeded when they cannot
   */
  static void claim(Input input, long count, int minBytes, String what) {
    long left = (long) input.limit() - input.position();
    if (count < 0 || count * minBytes > left) {
      throw new Exceeded(what + " claims " + count + " elements with " + left + " bytes left in the payload");
    }
  }
}
