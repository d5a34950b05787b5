package org.memocache.redis.internal;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Opaque values by key, first writer wins: values up to {@code inlineLimit} bytes live in Redis, larger
 * ones in an S3-compatible store with a small manifest in Redis. Either way one Redis key per value
 * ({@code <namespace>v:<key>}) decides, with {@code SET NX}, which write is the value, so a lost race
 * never mixes two writers' bytes. An object-store value is uploaded under a name of its own write
 * ({@code <prefix><key>/<writeId>}) before its manifest is set; a writer that loses deletes its
 * object. Nothing here depends on conditional puts of the object store.
 *
 * <p>Redis value layout: one tag byte ({@code I} inline, {@code S} object store), the 16-byte write
 * id, then the value bytes or the manifest {@code <length> <object key>} in UTF-8.
 */
public final class SharedBytes {
  private static final byte INLINE = 'I';
  private static final byte OBJECT = 'S';
  private static final int HEAD = 17;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Redis.Script DELETE_IF = new Redis.Script("""
      local v = redis.call('GETRANGE', KEYS[1], 1, 16)
      if v == ARGV[1] then
        redis.call('DEL', KEYS[1])
        return 1
      end
      return 0
      """);

  private final Redis redis;
  private final @Nullable S3Blobs blobs;
  private final String namespace;
  private final String objectPrefix;
  private final long inlineLimit;

  /**
   * @param blobs the object store for values over {@code inlineLimit}; null to keep only small values
   * @param namespace prefix of every Redis key, e.g. {@code memocache:}
   * @param objectPrefix prefix of every object name, e.g. {@code memocache/}
   * @param inlineLimit the largest value kept in Redis, in bytes
   */
  public SharedBytes(Redis redis, @Nullable S3Blobs blobs, String namespace, String objectPrefix, long inlineLimit) {
    if (inlineLimit < 0 || inlineLimit > 512L << 20) {
      throw new IllegalArgumentException("inlineLimit must be between 0 and 512 MiB (a Redis string's limit): "
          + inlineLimit);
    }
    this.redis = redis;
    this.blobs = blobs;
    this.namespace = namespace;
    this.objectPrefix = objectPrefix;
    this.inlineLimit = inlineLimit;
  }

  /**
   * Stores {@code length} bytes read from {@code in} as the value of {@code key} unless a value is
   * there already. A large value is streamed to the object store, never held in memory.
   *
   * @return whether these bytes became the value; false if another writer's did (or an object store
   *     would be needed and none is configured)
   * @throws IOException if {@code in} fails or ends before {@code length} bytes
   * @throws IllegalArgumentException if {@code length} is negative
   * @throws SharedStoreException if Redis or the object store fails or times out
   */
  public boolean put(String key, InputStream in, long length) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("length of the value of " + key + " must not be negative: " + length);
    }
    String vk = valueKey(key);
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    if (length <= inlineLimit) {
      byte[] v = new byte[HEAD + (int) length];
      v[0] = INLINE;
      System.arraycopy(id, 0, v, 1, 16);
      int n = in.readNBytes(v, HEAD, (int) length);
      if (n < length) {
        throw new EOFException("value of " + key + " ended after " + n + " of " + length + " bytes");
      }
      return "OK".equals(redis.call("SET NX " + vk, c -> c.set(vk, v, SetArgs.Builder.nx())));
    }
    if (blobs == null) {
      return false;
    }
    // Skips the upload when the value is there already: the common race is a second host finishing
    // the same computation later.
    if (redis.call("EXISTS " + vk, c -> c.exists(vk)) > 0) {
      return false;
    }
    String object = objectPrefix + key + "/" + HexFormat.of().formatHex(id);
    try {
      blobs.put(object, in, length);
    } catch (SharedStoreException e) {
      deleteQuietly(object);
      throw e;
    }
    byte[] manifest = (length + " " + object).getBytes(StandardCharsets.UTF_8);
    byte[] v = new byte[HEAD + manifest.length];
    v[0] = OBJECT;
    System.arraycopy(id, 0, v, 1, 16);
    System.arraycopy(manifest, 0, v, HEAD, manifest.length);
    // On a fault here it is unknown whether the manifest was set: the object stays, as the value
    // or as an orphan.
    boolean won = "OK".equals(redis.call("SET NX " + vk, c -> c.set(vk, v, SetArgs.Builder.nx())));
    if (!won) {
      deleteQuietly(object);
    }
    return won;
  }

  /**
   * The value of {@code key}, as a stream to verify while reading; empty if absent, if its manifest
   * names an object that is gone, or if the Redis value is not one of this layout.
   *
   * @throws SharedStoreException if Redis or the object store fails or times out
   */
  public Optional<StoredBytes> get(String key) {
    String vk = valueKey(key);
    byte[] v = redis.call("GET " + vk, c -> c.get(vk));
    if (v == null || v.length < HEAD) {
      return Optional.empty();
    }
    String writeId = HexFormat.of().formatHex(v, 1, HEAD);
    if (v[0] == INLINE) {
      return Optional.of(new StoredBytes(new ByteArrayInputStream(v, HEAD, v.length - HEAD), v.length - HEAD,
          writeId));
    }
    if (v[0] != OBJECT || blobs == null) {
      return Optional.empty();
    }
    String manifest = new String(v, HEAD, v.length - HEAD, StandardCharsets.UTF_8);
    int space = manifest.indexOf(' ');
    long length;
    try {
      length = Long.parseLong(manifest.substring(0, Math.max(0, space)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return blobs.get(manifest.substring(space + 1), writeId)
        .map(s -> new StoredBytes(s.stream(), length, writeId));
  }

  /**
   * Deletes the value of {@code key} if it is still the one written by {@code writeId} (a damaged
   * value found by a reader), so that a value another writer stored since then stays.
   *
   * @return whether a value was deleted
   * @throws SharedStoreException if Redis or the object store fails or times out
   */
  public boolean delete(String key, String writeId) {
    String vk = valueKey(key);
    byte[] v = redis.call("GET " + vk, c -> c.get(vk));
    if (v == null || v.length < HEAD || !HexFormat.of().formatHex(v, 1, HEAD).equals(writeId)) {
      return false;
    }
    Long r = redis.eval("DELETE " + vk, DELETE_IF, ScriptOutputType.INTEGER, new String[] {vk},
        Arrays.copyOfRange(v, 1, HEAD));
    if (r == 1L && v[0] == OBJECT && blobs != null) {
      String manifest = new String(v, HEAD, v.length - HEAD, StandardCharsets.UTF_8);
      blobs.delete(manifest.substring(manifest.indexOf(' ') + 1));
    }
    return r == 1L;
  }

  private void deleteQuietly(String object) {
    try {
      if (blobs != null) {
        blobs.delete(object);
      }
    } catch (SharedStoreException e) {
      // An orphan object: unreachable through any manifest, removable by prefix listing.
    }
  }

  private String valueKey(String key) {
    return namespace + "v:" + key;
  }
}
