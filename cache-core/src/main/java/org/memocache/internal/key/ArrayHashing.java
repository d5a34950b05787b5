package org.memocache.internal.key;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hashes primitive arrays at close to memory speed, without copying the array.
 *
 * <p>Feeding XXH3 element by element ran at about 1.4 GB/s here, a streamed {@code putBytes} at
 * about 4.5 GB/s, and a one-shot {@code hashBytesTo128Bits} over a 1 MiB buffer at 6–7 GB/s
 * (memcpy: 11–14 GB/s). So an array of up to {@link #CHUNK_BYTES} is copied in 64 KiB pieces into a
 * reused buffer and streamed; a bigger one is cut into fixed 1 MiB chunks, each hashed one-shot
 * (in parallel on all cores when there are many, once the process has hashed a few such arrays),
 * and the chunk hashes are streamed. The chunk size is fixed, so the key does not depend on the
 * number of cores. Elements are little-endian; float and double NaNs are folded into one bit
 * pattern.
 *
 * <p>A chunk is hashed by {@link WordXxh3} (the same XXH3-128 value) over words filled by bulk
 * copies, so a fresh JVM's first big argument is hashed at over 1 GB/s rather than at the
 * interpreter's speed of hash4j's byte-array reads (a first 32 MB {@code double[]} in a fresh JVM:
 * about 25 ms instead of 136 ms, on 2 cores).
 */
final class ArrayHashing {
  private ArrayHashing() {}

  /** Size of the per-thread streaming buffer. */
  static final int INLINE_BYTES = 1 << 16;
  /** Size of one chunk of a big array. */
  static final int CHUNK_BYTES = 1 << 20;
  /** Arrays of at least this many chunks are hashed in parallel. */
  private static final int PARALLEL_CHUNKS = 16;
  /** Chunks this process hashes before a {@code double[]} is turned into words in one compiled pass. */
  private static final int WARM_CHUNKS = 64;
  /**
   * Chunks this process hashes on the calling thread before it uses the pool: until the JIT has
   * compiled the hashing loop, and the pool's threads have run it a few times, more threads only
   * compete with the compiler for the cores. Measured in fresh JVMs on 2 cores, hashing one 32 MB
   * {@code double[]} again and again: 22-38 ms the first time, then 6-8 ms on the calling thread,
   * while the pool's first three turns took 10-24 ms and only later ones 3-5 ms. So a program's
   * first eight such arguments (a miss hashes its arguments twice) are hashed on its own thread.
   */
  private static final int POOL_CHUNKS = 256;
  /** Chunks hashed so far; racy updates only shift the switch to the pool by a few chunks. */
  private static int chunksHashed;

  private static final Hasher128 XXH3 = Hashing.xxh3_128();
  private static final ThreadLocal<byte[]> CHUNK_BUFFER = ThreadLocal.withInitial(() -> new byte[CHUNK_BYTES]);
  private static final ThreadLocal<long[]> CHUNK_WORDS = ThreadLocal.withInitial(() -> new long[CHUNK_BYTES / 8]);

  private static final class Pool {
    static final int THREADS = Runtime.getRuntime().availableProcessors();
    static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "memocache-array-hash");
      t.setDaemon(true);
      return t;
    });
  }

  static void put(HashStream128 out, Object array, Class<?> component, byte[] buffer) {
    int width = width(component);
    int length = java.lang.reflect.Array.getLength(array);
    out.putChar(code(component)).putInt(length);
    if (component == byte.class) {
      byte[] b = (byte[]) array;
      if (b.length <= CHUNK_BYTES) {
        out.putBytes(b);
      } else {
        chunked(out, array, width, length);
      }
      return;
    }
    long bytes = (long) length * width;
    if (bytes <= CHUNK_BYTES) {
      int perPiece = buffer.length / width;
      for (int off = 0; off < length; off += perPiece) {
        int n = Math.min(perPiece, length - off);
        copy(array, component, off, n, buffer);
        out.putBytes(buffer, 0, n * width);
      }
    } else {
      chunked(out, array, width, length);
    }
  }

  private static void chunked(HashStream128 out, Object array, int width, int length) {
    int perChunk = CHUNK_BYTES / width;
    int chunks = (int) (((long) length + perChunk - 1) / perChunk);
    long[] hashes = new long[chunks * 2];
    boolean pooled = chunksHashed >= POOL_CHUNKS;
    chunksHashed += chunks;
    if (pooled && chunks >= PARALLEL_CHUNKS && Pool.THREADS > 1) {
      // Each thread, the caller's too, claims the next chunks until none are left: on shared cores a
      // fixed share per thread waits for the slowest one.
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 1; p < Pool.THREADS; p++) {
        futures.add(Pool.EXECUTOR.submit(() -> hashClaimed(array, width, length, next, chunks, hashes)));
      }
      hashClaimed(array, width, length, next, chunks, hashes);
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while hashing an array argument", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("hashing an array argument failed", e.getCause());
        }
      }
    } else {
      hashChunks(array, width, length, 0, chunks, hashes);
    }
    out.putByte(Tag.CHUNKED).putInt(chunks);
    for (long h : hashes) {
      out.putLong(h);
    }
  }

  /** Chunks claimed at a time: few enough to balance, enough to keep the counter off the hot loop. */
  private static final int CLAIM = 2;

  private static void hashClaimed(Object array, int width, int length, AtomicInteger next, int chunks, long[] hashes) {
    for (int c = next.getAndAdd(CLAIM); c < chunks; c = next.getAndAdd(CLAIM)) {
      hashChunks(array, width, length, c, Math.min(chunks, c + CLAIM), hashes);
    }
  }

  private static void hashChunks(Object array, int width, int length, int from, int to, long[] hashes) {
    Class<?> component = array.getClass().getComponentType();
    int perChunk = CHUNK_BYTES / width;
    byte[] buffer = component == byte.class ? null : CHUNK_BUFFER.get();
    long[] words = CHUNK_WORDS.get();
    long[] last = new long[8];
    for (int c = from; c < to; c++) {
      int off = c * perChunk;
      int n = Math.min(perChunk, length - off);
      int len = n * width;
      boolean wordPath = len > WordXxh3.MAX_SHORT_BYTES;
      byte[] src;
      int srcOff;
      if (buffer == null) {
        src = (byte[]) array;
        srcOff = off;
      } else if (component == long.class && wordPath) {
        // A long[] already is the words: hashed in place.
        System.arraycopy(array, off + n - 8, last, 0, 8);
        WordXxh3.hash((long[]) array, off, last, len, hashes, 2 * c);
        continue;
      } else if (component == double.class && wordPath) {
        double[] a = (double[]) array;
        if (chunksHashed >= WARM_CHUNKS) {
          // Compiled: one pass from the array into words (three passes over the chunk cost a warm
          // hash about half its speed).
          for (int w = 0; w < n; w += STEP) {
            toWords(a, off, words, w, Math.min(n, w + STEP));
          }
        } else {
          // Two intrinsic bulk copies into words, then NaNs folded in short steps the JIT compiles
          // early (a per-element doubleToRawLongBits call runs 4x slower in the interpreter).
          ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(a, off, n);
          ByteBuffer.wrap(buffer, 0, len).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words, 0, n);
          for (int w = 0; w < n; w += STEP) {
            foldNaNs(words, w, Math.min(n, w + STEP));
          }
        }
        System.arraycopy(words, n - 8, last, 0, 8);
        WordXxh3.hash(words, 0, last, len, hashes, 2 * c);
        continue;
      } else {
        copy(array, component, off, n, buffer);
        src = buffer;
        srcOff = 0;
      }
      if (!wordPath) {
        HashValue128 h = XXH3.hashBytesTo128Bits(src, srcOff, len);
        hashes[2 * c] = h.getMostSignificantBits();
        hashes[2 * c + 1] = h.getLeastSignificantBits();
        continue;
      }
      // One intrinsic copy turns the bytes into words: hashing words is fast even before the JIT.
      ByteBuffer bytes = ByteBuffer.wrap(src, srcOff, len).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asLongBuffer().get(words, 0, len >>> 3);
      for (int i = 0; i < 8; i++) {
        last[i] = bytes.getLong(srcOff + len - 64 + 8 * i);
      }
      WordXxh3.hash(words, 0, last, len, hashes, 2 * c);
    }
  }

  /** Words per {@link #foldNaNs} call: short, so the method is compiled after a few calls. */
  private static final int STEP = 128;
  private static final long DOUBLE_NAN = Double.doubleToLongBits(Double.NaN);

  /** {@code words[from, to)} = the bit patterns of {@code a[off + from, off + to)}, NaNs folded into the canonical one. */
  private static void toWords(double[] a, int off, long[] words, int from, int to) {
    for (int i = from; i < to; i++) {
      long bits = Double.doubleToRawLongBits(a[off + i]);
      words[i] = (bits & Long.MAX_VALUE) > 0x7FF0_0000_0000_0000L ? DOUBLE_NAN : bits;
    }
  }

  /** Replaces every NaN among the double bit patterns {@code words[from, to)} by the canonical one. */
  private static void foldNaNs(long[] words, int from, int to) {
    for (int i = from; i < to; i++) {
      if ((words[i] & Long.MAX_VALUE) > 0x7FF0_0000_0000_0000L) {
        words[i] = DOUBLE_NAN;
      }
    }
  }

  /** Copies {@code n} elements from {@code off} into {@code buffer}, little-endian. */
  @SuppressWarnings("IdentityBinaryExpression") // x != x tests NaN without a call a cold JVM interprets
  private static void copy(Object array, Class<?> component, int off, int n, byte[] buffer) {
    ByteBuffer bb = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
    if (component == double.class) {
      double[] a = (double[]) array;
      bb.asDoubleBuffer().put(a, off, n);
      for (int i = 0; i < n; i++) {
        if (a[off + i] != a[off + i]) {
          bb.putLong(i * 8, Double.doubleToLongBits(Double.NaN));
        }
      }
    } else if (component == long.class) {
      bb.asLongBuffer().put((long[]) array, off, n);
    } else if (component == int.class) {
      bb.asIntBuffer().put((int[]) array, off, n);
    } else if (component == float.class) {
      float[] a = (float[]) array;
      bb.asFloatBuffer().put(a, off, n);
      for (int i = 0; i < n; i++) {
        if (a[off + i] != a[off + i]) {
          bb.putInt(i * 4, Float.floatToIntBits(Float.NaN));
        }
      }
    } else if (component == short.class) {
      bb.asShortBuffer().put((short[]) array, off, n);
    } else if (component == char.class) {
      bb.asCharBuffer().put((char[]) array, off, n);
    } else if (component == boolean.class) {
      boolean[] a = (boolean[]) array;
      for (int i = 0; i < n; i++) {
        buffer[i] = a[off + i] ? (byte) 1 : 0;
      }
    } else if (component == byte.class) {
      System.arraycopy(array, off, buffer, 0, n);
    } else {
      throw new IllegalArgumentException("not a primitive component type: " + component);
    }
  }

  private static int width(Class<?> c) {
    if (c == double.class || c == long.class) {
      return 8;
    }
    if (c == int.class || c == float.class) {
      return 4;
    }
    if (c == short.class || c == char.class) {
      return 2;
    }
    return 1;
  }

  private static char code(Class<?> c) {
    if (c == double.class) {
      return 'D';
    } else if (c == long.class) {
      return 'J';
    } else if (c == int.class) {
      return 'I';
    } else if (c == float.class) {
      return 'F';
    } else if (c == short.class) {
      return 'S';
    } else if (c == char.class) {
      return 'C';
    } else if (c == boolean.class) {
      return 'Z';
    }
    return 'B';
  }
}
