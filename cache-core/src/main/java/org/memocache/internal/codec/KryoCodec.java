package org.memocache.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/**
 * Stores any other value with Kryo 5: class names written (not registration ids, so entries do not
 * depend on the order classes were first seen), references tracked (shared objects and cycles
 * round-trip), enums by name, instantiation through the no-arg constructor when there is one and
 * Objenesis otherwise (result classes of scientific libraries rarely have one and rarely are
 * {@code Serializable}). Records use Kryo's {@code RecordSerializer}. There is no fallback to Java
 * serialization.
 *
 * <p>Every class name read is checked against the caller's {@link ClassFilter} before the class is
 * loaded; see {@link FilteringClassResolver}. Decoding stays within {@link DecodeLimits} (lengths
 * against the bytes present, depth, hashing work); see {@link BoundedKryo}. Kryo instances are pooled: a call borrows one, so the
 * codec is safe for any number of threads.
 *
 * <p>Primitive arrays of {@value OutOfBand#THRESHOLD} bytes and more anywhere in the value are
 * written raw after the graph and read back with one bulk copy each; see {@link OutOfBand}.
 */
public final class KryoCodec implements ValueCodec {

  /** The codec id stored in entries. */
  public static final String ID = "kryo";

  /** The version of the stored form (Kryo 5 with the configuration below, and {@link OutOfBand} arrays). */
  public static final int VERSION = 2;

  private static final ClassFilter ADMIT_ALL = c -> true;

  /** Created on first use: a JVM whose hits are all raw arrays or scalars loads no Kryo class. */
  private volatile @Nullable KryoPool pool;

  private KryoPool pool() {
    KryoPool p = pool;
    if (p == null) {
      synchronized (this) {
        p = pool;
        if (p == null) {
          p = new KryoPool();
          pool = p;
        }
      }
    }
    return p;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return VERSION;
  }

  /**
   * Everything except values that are behaviour or handles rather than data: lambdas and other
   * hidden classes, proxies, threads, class loaders, streams, iterators and I/O handles. Such values
   * nested inside a result are found while encoding, and make {@link #encode} fail.
   */
  @Override
  public boolean canEncode(@Nullable Object value) {
    if (value == null) {
      return true;
    }
    Class<?> c = value.getClass();
    return !c.isHidden() && !c.isSynthetic() && !Proxy.isProxyClass(c)
        && !(value instanceof Thread) && !(value instanceof ClassLoader)
        && !(value instanceof java.io.InputStream) && !(value instanceof OutputStream)
        && !(value instanceof java.io.Reader) && !(value instanceof java.io.Writer)
        && !(value instanceof java.nio.channels.Channel) && !(value instanceof java.util.stream.BaseStream)
        && !(value instanceof java.util.Iterator) && !(value instanceof AutoCloseable);
  }

  @Override
  public void encode(@Nullable Object value, OutputStream out) throws IOException {
    encode(value, out, null);
  }

  /**
   * Writes {@code value}, first checking that every class it names is one {@code readableBy} admits
   * (so that a value that could never be read back is not stored at all).
   *
   * @throws RejectedClassException naming every class of the value {@code readableBy} does not admit
   * @throws IOException when Kryo cannot serialize the value or {@code out} fails
   */
  public void encode(@Nullable Object value, OutputStream out, @Nullable ClassFilter readableBy)
      throws IOException {
    encode(value, out, readableBy, null);
  }

  /**
   * As {@link #encode(Object, OutputStream, ClassFilter)}, adding every class whose name is written
   * to {@code written} (for the entry's {@link Shapes shape} record).
   */
  public void encode(@Nullable Object value, OutputStream out, @Nullable ClassFilter readableBy,
      @Nullable Set<Class<?>> written) throws IOException {
    pool().encode(value, out, readableBy, written);
  }

  @Override
  public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
    return decode(payload, classes, null);
  }

  /** As {@link #decode(ByteBuffer, ClassFilter)}, adding every class whose name is read to {@code read}. */
  public @Nullable Object decode(ByteBuffer payload, ClassFilter classes, @Nullable Set<Class<?>> read)
      throws IOException {
    return decode(payload, classes, read, null);
  }

  /**
   * The value of {@code payload} with every out-of-band array replaced by a distinct empty array of
   * its type, mapped (by identity) to where its elements are in the payload: for views of a result's
   * arrays without reading them. Only the graph, table and trailer are read; the caller verifies
   * them first ({@link #regions}).
   *
   * @param read receives every class whose name is read
   */
  public Skeleton skeleton(ByteBuffer payload, ClassFilter classes, Set<Class<?>> read) throws IOException {
    Map<Object, OutOfBand.Block> placeholders = OutOfBand.placeholderMap();
    Object root = decode(payload, classes, read, placeholders);
    Map<Object, ArrayBlock> arrays = new IdentityHashMap<>();
    placeholders.forEach((array, b) -> arrays.put(array, new ArrayBlock(b.type(), b.offset(), b.length())));
    return new Skeleton(root, arrays);
  }

  /**
   * A decoded value whose out-of-band arrays are placeholders.
   *
   * @param root the value; its out-of-band arrays are empty
   * @param arrays each placeholder (by identity) and where its elements are
   */
  public record Skeleton(@Nullable Object root, Map<Object, ArrayBlock> arrays) {}

  /**
   * Where an out-of-band array's elements are in a payload.
   *
   * @param type the element type
   * @param offset the payload offset of the first element, a multiple of 64
   * @param length the number of elements
   */
  public record ArrayBlock(RawArrayLayout.ElementType type, long offset, int length) {}

  /**
   * Hands {@code verify} the payload ranges a {@link #skeleton} reads: the trailer, then the table
   * and the graph. Each is known only once the ranges before it are verified, so {@code verify} is
   * called on each before the next is computed.
   *
   * @throws DecodeLimitException when the trailer or table is inconsistent
   */
  public static void regions(ByteBuffer payload, RangeCheck verify) throws IOException {
    long length = payload.remaining();
    verify.check(Math.max(0, length - OutOfBand.TRAILER), length);
    OutOfBand.Table t = OutOfBand.read(payload.duplicate());
    verify.check(t.tableOffset(), length);
    verify.check(0, t.graphLength());
  }

  /** Verifies a payload range. */
  @FunctionalInterface
  public interface RangeCheck {
    void check(long from, long to);
  }

  private @Nullable Object decode(ByteBuffer payload, ClassFilter classes, @Nullable Set<Class<?>> read,
      @Nullable Map<Object, OutOfBand.Block> placeholders) throws IOException {
    return pool().decode(payload, classes, read, placeholders);
  }

  /**
   * A deep copy of {@code value} by Kryo's copy support (no encoding): for handing a result out
   * without sharing it. References and cycles are preserved.
   *
   * @throws com.esotericsoftware.kryo.KryoException when a serializer in the graph cannot copy
   */
  public <T> @Nullable T copy(@Nullable T value) {
    return pool().copy(value);
  }

  @Override
  public String toString() {
    return ID + " v" + VERSION;
  }
}
