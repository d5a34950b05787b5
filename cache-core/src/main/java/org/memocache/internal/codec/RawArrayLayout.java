package org.memocache.internal.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 64-byte prefix of a {@code raw-array} payload: what the array is and where its elements are.
 * Parsed without touching the elements, so a memory-mapped view of a huge result knows its shape
 * from the first block alone.
 *
 * <pre>
 *  0  u8  element type (see {@link ElementType})
 *  1  u8  rank, 1 or 2
 *  2  u16 reserved, 0
 *  4  u32 element size in bytes
 *  8  i64 length: elements (rank 1) or rows (rank 2)
 * 16  i64 columns when every row has that length and none is null, else -1; rank 1: the length
 * 24  i64 data offset in the payload, a multiple of 64
 * 32  i64 data length in bytes
 * 40  24 bytes reserved, 0
 * </pre>
 *
 * Rank 2 follows with a row table ({@code i64} per row, -1 for a {@code null} row) padded to 64
 * bytes; the data holds all rows back to back, little-endian.
 *
 * @param type the element type
 * @param rank 1 for {@code double[]}, 2 for {@code double[][]}
 * @param length elements (rank 1) or rows (rank 2)
 * @param columns the common row length of a rectangular rank-2 array, else -1
 * @param dataOffset where the first element is, relative to the payload start
 * @param dataLength bytes of element data
 */
public record RawArrayLayout(ElementType type, int rank, long length, long columns, long dataOffset,
    long dataLength) {

  /** Size of the prefix, and the alignment of the row table and of the data. */
  public static final int PREFIX = 64;

  /** Offset of the rank-2 row table in the payload. */
  public static final int ROW_TABLE = PREFIX;

  /** The element types of a raw array, with their stored codes and sizes. */
  public enum ElementType {
    BOOLEAN(1, 1, boolean.class),
    BYTE(2, 1, byte.class),
    SHORT(3, 2, short.class),
    CHAR(4, 2, char.class),
    INT(5, 4, int.class),
    LONG(6, 8, long.class),
    FLOAT(7, 4, float.class),
    DOUBLE(8, 8, double.class);

    private final int code;
    private final int size;
    private final Class<?> primitive;

    ElementType(int code, int size, Class<?> primitive) {
      this.code = code;
      this.size = size;
      this.primitive = primitive;
    }

    /** The code stored in the prefix. */
    public int code() {
      return code;
    }

    /** Bytes per element on disk. */
    public int size() {
      return size;
    }

    /** The Java primitive type, such as {@code double.class}. */
    public Class<?> primitive() {
      return primitive;
    }

    static ElementType ofCode(int code) throws IOException {
      for (ElementType t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      throw new IOException("raw-array: unknown element type code " + code);
    }

    static ElementType of(Class<?> primitive) {
      for (ElementType t : values()) {
        if (t.primitive == primitive) {
          return t;
        }
      }
      throw new IllegalArgumentException("not a primitive element type: " + primitive);
    }
  }

  /** Rounds up to a multiple of 64. */
  public static long align64(long n) {
    return (n + 63) & ~63L;
  }

  /**
   * Reads the prefix at the buffer's position (the payload start), without moving it, and checks
   * that it is consistent with a payload of {@code payloadLength} bytes.
   *
   * @throws IOException naming the inconsistent field
   */
  public static RawArrayLayout read(ByteBuffer payload, long payloadLength) throws IOException {
    if (payloadLength < PREFIX || payload.remaining() < PREFIX) {
      throw new IOException("raw-array: payload of " + payloadLength + " bytes is shorter than its prefix");
    }
    ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int p = b.position();
    ElementType type = ElementType.ofCode(b.get(p) & 0xff);
    int rank = b.get(p + 1) & 0xff;
    int size = b.getInt(p + 4);
    long length = b.getLong(p + 8);
    long columns = b.getLong(p + 16);
    long dataOffset = b.getLong(p + 24);
    long dataLength = b.getLong(p + 32);
    if (rank != 1 && rank != 2) {
      throw new IOException("raw-array: rank " + rank + " is not 1 or 2");
    }
    if (size != type.size) {
      throw new IOException("raw-array: element size " + size + " does not match " + type);
    }
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IOException("raw-array: length " + length + " out of range");
    }
    long expectedOffset = rank == 1 ? PREFIX : ROW_TABLE + align64(length * 8);
    if (dataOffset != expectedOffset) {
      throw new IOException("raw-array: data offset " + dataOffset + ", expected " + expectedOffset);
    }
    if (dataLength < 0 || dataLength % size != 0 || dataOffset + dataLength != payloadLength) {
      throw new IOException("raw-array: data length " + dataLength + " does not fill a payload of "
          + payloadLength + " bytes from offset " + dataOffset);
    }
    if (rank == 1 && (columns != length || dataLength != length * size)) {
      throw new IOException("raw-array: length " + length + " and data length " + dataLength + " disagree");
    }
    if (rank == 2 && columns >= 0 && dataLength != length * columns * size) {
      throw new IOException("raw-array: " + length + " rows of " + columns + " do not make " + dataLength + " bytes");
    }
    return new RawArrayLayout(type, rank, length, columns, dataOffset, dataLength);
  }

  /** Writes this prefix into {@code out} (64 bytes at its position, which advances). */
  void write(ByteBuffer out) {
    ByteBuffer b = out.order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) type.code).put((byte) rank).putShort((short) 0).putInt(type.size)
        .putLong(length).putLong(columns).putLong(dataOffset).putLong(dataLength);
    for (int i = 40; i < PREFIX; i++) {
      b.put((byte) 0);
    }
  }

  /** The Java array class this layout decodes to, such as {@code double[][].class}. */
  public Class<?> arrayClass() {
    Class<?> one = java.lang.reflect.Array.newInstance(type.primitive, 0).getClass();
    return rank == 1 ? one : java.lang.reflect.Array.newInstance(one, 0).getClass();
  }
}
