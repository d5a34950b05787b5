package org.memocache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.codec.RawArrayLayout.ElementType;

/**
 * Big primitive arrays of a {@link KryoCodec} payload, stored raw after the Kryo-encoded graph (as
 * joblib stores the numpy arrays of a pickle): the graph holds an index into a table at the end of
 * the payload, and each array is written and read back with bulk conversions instead of Kryo's
 * per-element loops, which a fresh JVM runs interpreted.
 *
 * <pre>
 * [0, g)            the Kryo graph
 * then per block:   zero padding to a multiple of 64, the elements, little-endian
 * [t, t + 24 n)     the table, t = the end of the last block rounded up to 8 (g when n = 0);
 *                   per block: i64 offset in the payload, i64 length in elements, u8 element type
 *                   ({@link ElementType#code()}), 7 bytes 0
 * last 16 bytes     i64 g, i64 n
 * </pre>
 *
 * In the graph, a {@code double[]} (and {@code float[] long[] int[] short[] char[] byte[]}) is a
 * positive varint tag: 0 for {@code null}, 1 for an out-of-band array followed by its table index,
 * {@code n + 2} for {@code n} elements inline. Kryo's reference tracking sits in front of the tag,
 * so an array referenced twice is written once and read back as one array.
 *
 * <p>An array goes out of band from {@value #THRESHOLD} bytes of elements: there the 64-byte
 * alignment and the 24-byte table entry cost at most 0.5 % of its size, and views of it are worth
 * having; smaller arrays are cheaper inline, where Kryo's element loop over a few thousand elements
 * costs microseconds even interpreted. The rows of a two-dimensional array ({@code double[][]}, as
 * Commons Math's {@code Array2DRowRealMatrix} holds) that has {@value #THRESHOLD} bytes in all go out
 * of band from {@value #ROW_THRESHOLD} bytes each, so that a big matrix of a few hundred columns is
 * not read element by element. {@code boolean[]} stays inline: it has no bulk conversion,
 * so every element needs a check either way.
 *
 * <p>Reading trusts nothing: the table must describe exactly the canonical layout above (blocks in
 * order, aligned, not overlapping, inside the payload), each block may be used once, and all must be
 * used. Anything else is a {@link DecodeLimitException}, raised before any block is allocated.
 */
final class OutOfBand {
  /** Bytes of elements from which an array is stored out of band. */
  static final int THRESHOLD = 16 * 1024;

  /**
   * Bytes of elements from which a row of a two-dimensional array ({@code double[][]}) holding
   * {@link #THRESHOLD} bytes or more in all is stored out of band: the rows of a matrix of a few
   * hundred columns, which alone would stay inline, at most 8.5 % of padding and table each.
   */
  static final int ROW_THRESHOLD = 1024;

  static final int TRAILER = 16;
  static final int ENTRY = 24;
  private static final int ALIGN = 64;
  private static final int TAG_NULL = 0;
  private static final int TAG_OUT_OF_BAND = 1;
  private static final int TAG_INLINE = 2;

  /** A block of the table: where it is and what it holds. */
  record Block(ElementType type, long offset, int length) {
    long bytes() {
      return (long) length * type.size();
    }
  }

  /** A checked table, with the length of the graph in front of it. */
  record Table(long graphLength, long tableOffset, List<Block> blocks) {}

  // ---- per-Kryo state ----

  private static final byte[] ZEROS = new byte[ALIGN];

  /** Arrays to write after the graph, in table order. */
  private final List<Object> pending = new ArrayList<>();
  /** For the table and trailer: a multiple of 8 with room for an entry and the trailer. */
  private final byte[] tail = new byte[1024];
  private @Nullable ByteBuffer payload;
  private List<Block> blocks = List.of();
  private boolean[] used = new boolean[0];
  /** When not null: out-of-band arrays are read as zero-length placeholders, recorded here. */
  private @Nullable Map<Object, Block> placeholders;
  /** The size from which the array being written goes out of band: lower for the rows of a big matrix. */
  private int threshold = THRESHOLD;

  void beginEncode() {
    pending.clear();
    threshold = THRESHOLD;
  }

  /**
   * Reads out-of-band arrays from {@code payload} (position 0 at the payload start) with the blocks
   * of {@code table}; with {@code placeholders}, reads none and records a distinct empty array for
   * each instead.
   */
  void beginDecode(ByteBuffer payload, Table table, @Nullable Map<Object, Block> placeholders) {
    this.payload = payload;
    this.blocks = table.blocks();
    this.used = new boolean[blocks.size()];
    this.placeholders = placeholders;
  }

  void end() {
    pending.clear();
    payload = null;
    blocks = List.of();
    used = new boolean[0];
    placeholders = null;
  }

  /** After a decode: every block of the table must have been read. */
  void checkAllUsed() throws DecodeLimitException {
    for (int i = 0; i < used.length; i++) {
      if (!used[i]) {
        throw new DecodeLimitException("kryo: out-of-band block " + i + " of " + used.length
            + " is not referenced by the graph");
      }
    }
  }

  /** Registers this state's serializers of primitive arrays and of their two-dimensional arrays on {@code kryo}. */
  void register(Kryo kryo) {
    for (ElementType t : ElementType.values()) {
      if (t != ElementType.BOOLEAN) {
        Class<?> row = java.lang.reflect.Array.newInstance(t.primitive(), 0).getClass();
        ArraySerializer rows = new ArraySerializer(t);
        kryo.addDefaultSerializer(row, rows);
        kryo.addDefaultSerializer(java.lang.reflect.Array.newInstance(row, 0).getClass(), new MatrixSerializer(row, rows));
      }
    }
  }

  // ---- writing ----

  /**
   * Writes the pending arrays, the table and the trailer to {@code out}, where {@code graphLength}
   * bytes of graph were written.
   */
  void writeBlocks(OutputStream out, long graphLength) throws IOException {
    byte[] scratch = tail;
    long at = graphLength;
    long[] offsets = new long[pending.size()];
    for (int i = 0; i < pending.size(); i++) {
      Object a = pending.get(i);
      long start = align(at, ALIGN);
      out.write(ZEROS, 0, (int) (start - at));
      offsets[i] = start;
      ElementType t = ElementType.of(a.getClass().getComponentType());
      RawArrayCodec.writeElements(a, t, out, RawArrayCodec.scratch());
      at = start + (long) java.lang.reflect.Array.getLength(a) * t.size();
    }
    if (!pending.isEmpty()) {
      long start = align(at, 8);
      out.write(ZEROS, 0, (int) (start - at));
      at = start;
    }
    ByteBuffer b = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < pending.size(); i++) {
      if (b.remaining() < ENTRY) {
        out.write(scratch, 0, b.position());
        b.clear();
      }
      Object a = pending.get(i);
      b.putLong(offsets[i]).putLong(java.lang.reflect.Array.getLength(a))
          .put((byte) ElementType.of(a.getClass().getComponentType()).code()).putInt(0).putShort((short) 0)
          .put((byte) 0);
    }
    if (b.remaining() < TRAILER) {
      out.write(scratch, 0, b.position());
      b.clear();
    }
    b.putLong(graphLength).putLong(pending.size());
    out.write(scratch, 0, b.position());
  }

  private static long align(long n, int to) {
    return (n + to - 1) & -(long) to;
  }

  // ---- reading ----

  /**
   * Reads and checks the trailer and table of a payload (position 0 at its start, limit its end).
   *
   * @throws DecodeLimitException when they do not describe the canonical layout within the payload
   */
  static Table read(ByteBuffer payload) throws DecodeLimitException {
    return OutOfBandTable.read(payload, KryoCodec.ID);
  }

  /** Reads block {@code i} for an array of {@code type} met in the graph. */
  private Object block(int i, ElementType type) throws DecodeLimitException {
    if (i < 0 || i >= blocks.size()) {
      throw new DecodeLimitException("kryo: the graph refers to out-of-band block " + i + " of " + blocks.size());
    }
    Block b = blocks.get(i);
    if (b.type() != type) {
      throw new DecodeLimitException("kryo: out-of-band block " + i + " holds " + b.type() + " elements, the graph"
          + " reads " + type);
    }
    if (used[i]) {
      // A legitimate graph writes an array once and refers to it by reference: a second read could
      // only multiply one block's allocation.
      throw new DecodeLimitException("kryo: out-of-band block " + i + " is referenced twice");
    }
    used[i] = true;
    Map<Object, Block> ph = placeholders;
    if (ph != null) {
      Object empty = java.lang.reflect.Array.newInstance(type.primitive(), 0);
      ph.put(empty, b);
      return empty;
    }
    ByteBuffer p = Objects.requireNonNull(payload, "payload");
    ByteBuffer s = p.slice(p.position() + (int) b.offset(), (int) b.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    try {
      return RawArrayCodec.readElements(s, type, b.length());
    } catch (IOException e) {
      throw new IllegalStateException(e); // only boolean elements are checked, and they are never out of band
    }
  }

  /** A new identity map for {@link #beginDecode} placeholders. */
  static Map<Object, Block> placeholderMap() {
    return new IdentityHashMap<>();
  }

  /** Kryo's serializer of one primitive array type, in the format above. */
  private final class ArraySerializer extends Serializer<Object> {
    private final ElementType type;

    ArraySerializer(ElementType type) {
      super(true);
      this.type = type;
    }

    @Override
    public void write(Kryo kryo, Output output, Object array) {
      if (array == null) {
        output.writeVarInt(TAG_NULL, true);
        return;
      }
      int n = java.lang.reflect.Array.getLength(array);
      if ((long) n * type.size() >= threshold) {
        output.writeVarInt(TAG_OUT_OF_BAND, true);
        output.writeVarInt(pending.size(), true);
        pending.add(array);
        return;
      }
      output.writeVarInt(n + TAG_INLINE, true);
      switch (type) {
        case BYTE -> output.writeBytes((byte[]) array);
        case SHORT -> output.writeShorts((short[]) array, 0, n);
        case CHAR -> output.writeChars((char[]) array, 0, n);
        case INT -> output.writeInts((int[]) array, 0, n, false);
        case LONG -> output.writeLongs((long[]) array, 0, n, false);
        case FLOAT -> output.writeFloats((float[]) array, 0, n);
        case DOUBLE -> output.writeDoubles((double[]) array, 0, n);
        default -> throw new IllegalStateException(type.toString());
      }
    }

    @Override
    public @Nullable Object read(Kryo kryo, Input input, Class<? extends Object> c) {
      int tag = input.readVarInt(true);
      if (tag == TAG_NULL) {
        return null;
      }
      if (tag == TAG_OUT_OF_BAND) {
        int i = input.readVarInt(true);
        try {
          return block(i, type);
        } catch (DecodeLimitException e) {
          throw new DecodeLimits.Exceeded(String.valueOf(e.getMessage()));
        }
      }
      int n = tag - TAG_INLINE;
      // Varint elements (int, long) take at least one byte each; the others their size.
      int min = type == ElementType.INT || type == ElementType.LONG ? 1 : type.size();
      DecodeLimits.claim(input, n, min, type.primitive().getName() + "[]");
      return switch (type) {
        case BYTE -> input.readBytes(n);
        case SHORT -> input.readShorts(n);
        case CHAR -> input.readChars(n);
        case INT -> input.readInts(n, false);
        case LONG -> input.readLongs(n, false);
        case FLOAT -> input.readFloats(n);
        case DOUBLE -> input.readDoubles(n);
        default -> throw new IllegalStateException(type.toString());
      };
    }

    @Override
    public Object copy(Kryo kryo, Object original) {
      return switch (type) {
        case BYTE -> ((byte[]) original).clone();
        case SHORT -> ((short[]) original).clone();
        case CHAR -> ((char[]) original).clone();
        case INT -> ((int[]) original).clone();
        case LONG -> ((long[]) original).clone();
        case FLOAT -> ((float[]) original).clone();
        case DOUBLE -> ((double[]) original).clone();
        default -> throw new IllegalStateException(type.toString());
      };
    }
  }

  /**
   * Kryo's object-array format for {@code double[][]} and its siblings (length plus one, then each
   * row with its reference marker), writing the rows of {@link #ROW_THRESHOLD} bytes and more out
   * of band when the rows hold {@link #THRESHOLD} bytes in all.
   */
  private final class MatrixSerializer extends Serializer<Object[]> {
    private final Class<?> rowClass;
    private final ArraySerializer rows;

    MatrixSerializer(Class<?> rowClass, ArraySerializer rows) {
      super(true);
      this.rowClass = rowClass;
      this.rows = rows;
    }

    @Override
    public void write(Kryo kryo, Output output, Object[] matrix) {
      if (matrix == null) {
        output.writeVarInt(0, true);
        return;
      }
      output.writeVarInt(matrix.length + 1, true);
      long bytes = 0;
      for (Object row : matrix) {
        bytes += row == null ? 0 : (long) java.lang.reflect.Array.getLength(row) * rows.type.size();
      }
      int outer = threshold;
      threshold = bytes >= THRESHOLD ? ROW_THRESHOLD : THRESHOLD;
      try {
        for (Object row : matrix) {
          kryo.writeObjectOrNull(output, row, rows);
        }
      } finally {
        threshold = outer;
      }
    }

    @Override
    public Object @Nullable [] read(Kryo kryo, Input input, Class<? extends Object[]> c) {
      int n = input.readVarInt(true);
      if (n == 0) {
        return null;
      }
      DecodeLimits.claim(input, n - 1L, 1, rowClass.getName() + "[]");
      Object[] matrix = (Object[]) java.lang.reflect.Array.newInstance(rowClass, n - 1);
      kryo.reference(matrix);
      for (int i = 0; i < matrix.length; i++) {
        matrix[i] = kryo.readObjectOrNull(input, rowClass, rows);
      }
      return matrix;
    }

    @Override
    public Object[] copy(Kryo kryo, Object[] original) {
      Object[] copy = (Object[]) java.lang.reflect.Array.newInstance(rowClass, original.length);
      kryo.reference(copy);
      for (int i = 0; i < copy.length; i++) {
        copy[i] = kryo.copy(original[i]);
      }
      return copy;
    }
  }
}
