package org.memocache.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;

/**
 * Turns results into bytes and back. Built-in codecs store primitive arrays in a raw, memory-mappable
 * layout ({@code raw-array}), {@code null}, boxed primitives and strings as a tag and the value
 * ({@code scalar}), records and plain classes of such values field by field ({@code fields}), and
 * everything else with Kryo ({@code kryo}); register your own with
 * {@link Memo.Builder#codec(ValueCodec)} for types that need it, or without code by class name with
 * the configuration key {@code codecs} (a public class with a public no-arg constructor). Codecs
 * registered by the user are tried first.
 *
 * <p>The codec id and version are stored in each entry; an entry whose codec is unknown or whose
 * version differs is a miss, never an error (the built-in {@code fields} codec also reads its
 * earlier versions).
 */
public interface ValueCodec {

  /** A short, stable id such as {@code "kryo"}; at most 32 ASCII characters. */
  String id();

  /** The version of the codec's byte layout. */
  int version();

  /** Whether this codec can encode {@code value}. */
  boolean canEncode(@Nullable Object value);

  /** Writes {@code value}. Must not close {@code out}. */
  void encode(@Nullable Object value, OutputStream out) throws IOException;

  /**
   * Reads a value from {@code payload} (positioned at its start, limited to its end), instantiating
   * only classes that {@code classes} admits. The buffer is read-only and big-endian, Java's default
   * and the order {@link java.io.DataOutputStream} writes, so that {@code payload.getLong()} reads
   * what {@code writeLong} wrote; set another order on it if the codec wrote one.
   *
   * <p>The bytes may have been written by someone else than this codec (anyone who can write to the
   * cache directory can): check every length against {@code payload.remaining()} before allocating
   * for it.
   *
   * @throws IOException when the bytes are not a value this codec wrote, or name a rejected class
   */
  @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException;
}
