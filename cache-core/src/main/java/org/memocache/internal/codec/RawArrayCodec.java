package org.memocache.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/**
 * Stores primitive arrays and 2-D primitive arrays ({@code double[]}, {@code int[][]}, ...) as raw
 * little-endian elements behind a 64-byte {@link RawArrayLayout} prefix, so that a stored array can
 * be memory-mapped and read in place. Elements are converted in 64 KiB chunks through a per-thread
 * scratch buffer: encoding a gigabyte allocates nothing but that buffer.
 *
 * <p>Decoding checks the row table against the data present before allocating any row: a table
 * that does not add up is a {@link DecodeLimitException} (its checksums may be valid).
 */
public final class RawArrayCodec implements ValueCodec {

  /** The codec id stored in entries. */
  public static final String ID = "raw-array";

  /** The version of the layout described by {@link RawArrayLayout}. */
  public static final int VERSION = 1;

  private static final int CHUNK = 64 * 1024;
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK]);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public boolean canEncode(@Nullable Object value) {
    if (value == null) {
      return false;
    }
    Class<?> c = value.getClass().getComponentType();
    if (c == null) {
      return false;
    }
    if (c.isPrimitive()) {
      return true;
    }
    Class<?> inner = c.getComponentType();
    return inner != null && inner.isPrimitive();
  }

  /** The layout {@code value} is stored with; it must be accepted by {@link #canEncode}. */
  public static RawArrayLayout layoutOf(Object value) {
    Class<?> c = value.getClass().getComponentType();
    if (c.isPrimitive()) {
      ElementType t = ElementType.of(c);
      long n = java.lang.reflect.Array.getLength(value);
      return new RawArrayLayout(t, 1, n, n, RawArrayLayout.PREFIX, n * t.size());
    }
    ElementType t = ElementType.of(c.getComponentType());
    Object[] rows = (Object[]) value;
    long columns = rows.length == 0 ? 0 : -2;
    long elements = 0;
    for (Object row : rows) {
      long len = row == null ? -1 : java.lang.reflect.Array.getLength(row);
      if (columns == -2) {
        columns = len;
      } else if (columns != len) {
        columns = -1;
      }
      elements += Math.max(0, len);
    }
    if (columns < 0) {
      columns = -1;
    }
    long dataOffset = RawArrayLayout.ROW_TABLE + RawArrayLayout.align64(rows.length * 8L);
    return new RawArrayLayout(t, 2, rows.length, columns, dataOffset, elements * t.size());
  }

  @Override
  public void encode(@Nullable Object value, OutputStream out) throws IOException {
    if (value == null || !canEncode(value)) {
      throw new IOException("raw-array: cannot encode " + (value == null ? "null" : value.getClass().getName()));
    }
    RawArrayLayout layout = layoutOf(value);
    byte[] scratch = SCRATCH.get();
    ByteBuffer head = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    layout.write(head);
    out.write(scratch, 0, RawArrayLayout.PREFIX);
    if (layout.rank() == 1) {
      writeElements(value, layout.type(), out, scratch);
      return;
    }
    Object[] rows = (Object[]) value;
    long tableBytes = layout.dataOffset() - RawArrayLayout.ROW_TABLE;
    long written = 0;
    head.clear();
    for (Object row : rows) {
      if (!head.hasRemaining()) {
        out.write(scratch, 0, head.position());
        written += head.position();
        head.clear();
      }
      head.putLong(row == null ? -1 : java.lang.reflect.Array.getLength(row));
    }
    while (written + head.position() < tableBytes) {
      if (!head.hasRemaining()) {
        out.write(scratch, 0, head.position());
        written += head.position();
        head.clear();
      }
      head.put((byte) 0);
    }
    out.write(scratch, 0, head.position());
    for (Object row : rows) {
      if (row != null) {
        writeElements(row, layout.type(), out, scratch);
      }
    }
  }

  /** This thread's 64 KiB conversion buffer. */
  static byte[] scratch() {
    return SCRATCH.get();
  }

  /** Writes the elements of {@code array}, converted to little-endian through {@code scratch}. */
  static void writeElements(Object array, ElementType type, OutputStream out, byte[] scratch)
      throws IOException {
    if (out instanceof BulkOutput bulk && type != ElementType.BOOLEAN && type != ElementType.BYTE) {
      writeBulk(array, type, bulk);
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case BYTE -> out.write((byte[]) array);
      case BOOLEAN -> {
        boolean[] a = (boolean[]) array;
        for (int off = 0; off < a.length; off += CHUNK) {
          int n = Math.min(CHUNK, a.length - off);
          for (int i = 0; i < n; i++) {
            scratch[i] = a[off + i] ? (byte) 1 : (byte) 0;
          }
          out.write(scratch, 0, n);
        }
      }
      case SHORT -> {
        short[] a = (short[]) array;
        int per = CHUNK / 2;
        for (int off = 0; off < a.length; off += per) {
          int n = Math.min(per, a.length - off);
          b.clear();
          b.asShortBuffer().put(a, off, n);
          out.write(scratch, 0, n * 2);
        }
      }
      case CHAR -> {
        char[] a = (char[]) array;
        int per = CHUNK / 2;
        for (int off = 0; off < a.length; off += per) {
          int n = Math.min(per, a.length - off);
          b.clear();
          b.asCharBuffer().put(a, off, n);
          out.write(scratch, 0, n * 2);
        }
      }
      case INT -> {
        int[] a = (int[]) array;
        int per = CHUNK / 4;
        for (int off = 0; off < a.length; off += per) {
          int n = Math.min(per, a.length - off);
          b.clear();
          b.asIntBuffer().put(a, off, n);
          out.write(scratch, 0, n * 4);
        }
      }
      case FLOAT -> {
        float[] a = (float[]) array;
        int per = CHUNK / 4;
        for (int off = 0; off < a.length; off += per) {
          int n = Math.min(per, a.length - off);
          b.clear();
          b.asFloatBuffer().put(a, off, n);
          out.write(scratch, 0, n * 4);
        }
      }
      case LONG -> {
        long[] a = (long[]) array;
        int per = CHUNK / 8;
        for (int off = 0; off < a.length; off += per) {
          int n = Math.min(per, a.length - off);
          b.clear();
          b.asLongBuffer().put(a, off, n);
          out.write(scratch, 0, n * 8);
        }
      }
      case DOUBLE -> {
        double[] a = (double[]) array;
        int per = CHUNK / 8;
        for (int off = 0; off < a.length; off += per) {
          int n = Math.min(per, a.length - off);
          b.clear();
          b.asDoubleBuffer().put(a, off, n);
          out.write(scratch, 0, n * 8);
        }
      }
      default -> throw new IllegalStateException(type.toString());
    }
  }

  /**
   * Converts straight into the output's buffer, one bulk typed {@code put} per buffer (a copy the
   * JVM does with one intrinsic in every execution mode), with no scratch copy in between.
   */
  private static void writeBulk(Object array, ElementType type, BulkOutput out) throws IOException {
    int size = type.size();
    int length = java.lang.reflect.Array.getLength(array);
    for (int off = 0; off < length;) {
      ByteBuffer b = out.room(size);
      int n = Math.min(length - off, b.remaining() / size);
      ByteBuffer view = b.slice().order(ByteOrder.LITTLE_ENDIAN);
      switch (type) {
        case SHORT -> view.asShortBuffer().put((short[]) array, off, n);
        case CHAR -> view.asCharBuffer().put((char[]) array, off, n);
        case INT -> view.asIntBuffer().put((int[]) array, off, n);
        case FLOAT -> view.asFloatBuffer().put((float[]) array, off, n);
        case LONG -> view.asLongBuffer().put((long[]) array, off, n);
        case DOUBLE -> view.asDoubleBuffer().put((double[]) array, off, n);
        default -> throw new IllegalStateException(type.toString());
      }
      b.position(b.position() + n * size);
      off += n;
    }
  }

  @Override
  public Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
    RawArrayLayout layout = RawArrayLayout.read(payload, payload.remaining());
    ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int start = payload.position();
    if (layout.rank() == 1) {
      b.position(start + (int) layout.dataOffset());
      return readElements(b, layout.type(), (int) layout.length());
    }
    int rows = (int) layout.length();
    long[] lengths = new long[rows];
    long total = 0;
    for (int i = 0; i < rows; i++) {
      long len = b.getLong(start + RawArrayLayout.ROW_TABLE + i * 8);
      if (len < -1 || len > Integer.MAX_VALUE) {
        throw new DecodeLimitException("raw-array: row " + i + " has length " + len);
      }
      if (layout.columns() >= 0 && len != layout.columns()) {
        throw new DecodeLimitException("raw-array: row " + i + " has length " + len + " in a rectangular array of "
            + layout.columns() + " columns");
      }
      lengths[i] = len;
      total += Math.max(0, len);
    }
    if (total * layout.type().size() != layout.dataLength()) {
      throw new DecodeLimitException("raw-array: row lengths add up to " + total + " elements, data has "
          + layout.dataLength() / layout.type().size());
    }
    Object[] out = (Object[]) java.lang.reflect.Array.newInstance(
        java.lang.reflect.Array.newInstance(layout.type().primitive(), 0).getClass(), rows);
    b.position(start + (int) layout.dataOffset());
    for (int i = 0; i < rows; i++) {
      if (lengths[i] >= 0) {
        out[i] = readElements(b, layout.type(), (int) lengths[i]);
      }
    }
    return out;
  }

  /** Reads {@code n} elements at the buffer's position, advancing it. */
  static Object readElements(ByteBuffer b, ElementType type, int n) throws IOException {
    int bytes = n * type.size();
    ByteBuffer s = b.slice().order(ByteOrder.LITTLE_ENDIAN).limit(bytes);
    Object result;
    switch (type) {
      case BYTE -> {
        byte[] a = new byte[n];
        s.get(a);
        result = a;
      }
      case BOOLEAN -> {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          byte v = s.get(i);
          if (v != 0 && v != 1) {
            throw new IOException("raw-array: boolean element " + i + " is " + v);
          }
          a[i] = v == 1;
        }
        result = a;
      }
      case SHORT -> {
        short[] a = new short[n];
        s.asShortBuffer().get(a);
        result = a;
      }
      case CHAR -> {
        char[] a = new char[n];
        s.asCharBuffer().get(a);
        result = a;
      }
      case INT -> {
        int[] a = new int[n];
        s.asIntBuffer().get(a);
        result = a;
      }
      case FLOAT -> {
        float[] a = new float[n];
        s.asFloatBuffer().get(a);
        result = a;
      }
      case LONG -> {
        long[] a = new long[n];
        s.asLongBuffer().get(a);
        result = a;
      }
      case DOUBLE -> {
        double[] a = new double[n];
        s.asDoubleBuffer().get(a);
        result = a;
      }
      default -> throw new IllegalStateException(type.toString());
    }
    b.position(b.position() + bytes);
    return result;
  }

  /**
   * Decodes a payload fed in order, chunk by chunk, straight into the result array: for big arrays
   * read from a file (or, later, a socket) without holding the payload in memory as well. Every
   * chunk but the last must be a multiple of 8 bytes long, so that no element straddles two chunks.
   */
  @SuppressWarnings("NullAway.Init") // the layout, row table and result are read from the first chunks
  public static final class StreamDecoder {
    private final long payloadLength;
    private final ByteBuffer head = ByteBuffer.allocate(RawArrayLayout.PREFIX).order(ByteOrder.LITTLE_ENDIAN);
    private @Nullable ByteBuffer rowTable;
    private RawArrayLayout layout;
    private Object result;
    private Object[] rows;
    private long[] rowLengths;
    private int row;
    private long filledInRow;
    private long consumed;

    /** Whether the elements are decoded, or only the layout and row table checked. */
    private final boolean decode;

    public StreamDecoder(long payloadLength) {
      this(payloadLength, true);
    }

    private StreamDecoder(long payloadLength, boolean decode) {
      this.payloadLength = payloadLength;
      this.decode = decode;
    }

    /**
     * A decoder that checks the prefix and the row table (every length against the bytes present)
     * and allocates nothing for the elements: for verifying a stored array without loading it.
     */
    public static StreamDecoder checker(long payloadLength) {
      return new StreamDecoder(payloadLength, false);
    }

    /** Consumes every remaining byte of {@code chunk}. */
    public void accept(ByteBuffer chunk) throws IOException {
      ByteBuffer c = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      while (c.hasRemaining()) {
        if (layout == null) {
          fill(head, c);
          if (!head.hasRemaining()) {
            head.flip();
            layout = RawArrayLayout.read(head, payloadLength);
            start();
          }
        } else if (rowTable != null && rowTable.hasRemaining()) {
          fill(rowTable, c);
          if (!rowTable.hasRemaining()) {
            rows();
          }
        } else if (decode) {
          data(c);
        } else {
          c.position(c.limit());
        }
      }
      consumed += chunk.remaining();
    }

    private static void fill(ByteBuffer into, ByteBuffer from) {
      int n = Math.min(into.remaining(), from.remaining());
      ByteBuffer part = from.slice().limit(n);
      into.put(part);
      from.position(from.position() + n);
    }

    private void start() throws IOException {
      if (!decode) {
        result = layout;
      }
      if (layout.rank() == 1) {
        if (decode) {
          result = java.lang.reflect.Array.newInstance(layout.type().primitive(), (int) layout.length());
          rows = new Object[] {result};
          rowLengths = new long[] {layout.length()};
        }
      } else {
        rowTable = ByteBuffer.allocate((int) (layout.dataOffset() - RawArrayLayout.ROW_TABLE))
            .order(ByteOrder.LITTLE_ENDIAN);
        if (!rowTable.hasRemaining()) {
          rowTable = null;
        }
        if (rowTable == null) {
          rows();
        }
      }
    }

    private void rows() throws IOException {
      int n = (int) layout.length();
      ByteBuffer t = rowTable == null ? ByteBuffer.allocate(0) : rowTable.flip().order(ByteOrder.LITTLE_ENDIAN);
      rowLengths = new long[n];
      long total = 0;
      for (int i = 0; i < n; i++) {
        long len = t.getLong(i * 8);
        if (len < -1 || len > Integer.MAX_VALUE || (layout.columns() >= 0 && len != layout.columns())) {
          throw new DecodeLimitException("raw-array: row " + i + " has length " + len);
        }
        rowLengths[i] = len;
        total += Math.max(0, len);
      }
      // Every length is checked against the bytes present before any row is allocated: a crafted
      // table must not make a small file allocate gigabytes.
      if (total * layout.type().size() != layout.dataLength()) {
        throw new DecodeLimitException("raw-array: row lengths add up to " + total + " elements, data has "
            + layout.dataLength() / layout.type().size());
      }
      rowTable = ByteBuffer.allocate(0);
      if (!decode) {
        return;
      }
      Class<?> rowClass = java.lang.reflect.Array.newInstance(layout.type().primitive(), 0).getClass();
      Object[] out = (Object[]) java.lang.reflect.Array.newInstance(rowClass, n);
      for (int i = 0; i < n; i++) {
        if (rowLengths[i] >= 0) {
          out[i] = java.lang.reflect.Array.newInstance(layout.type().primitive(), (int) rowLengths[i]);
        }
      }
      result = out;
      rows = out;
    }

    private void data(ByteBuffer c) throws IOException {
      int size = layout.type().size();
      while (c.hasRemaining()) {
        while (row < rows.length && (rowLengths[row] <= 0 || filledInRow == rowLengths[row])) {
          row++;
          filledInRow = 0;
        }
        if (row >= rows.length) {
          throw new IOException("raw-array: " + c.remaining() + " bytes after the last element");
        }
        int n = (int) Math.min(rowLengths[row] - filledInRow, c.remaining() / size);
        if (n == 0) {
          throw new IOException("raw-array: an element straddles two chunks");
        }
        ByteBuffer part = c.slice().order(ByteOrder.LITTLE_ENDIAN).limit(n * size);
        int at = (int) filledInRow;
        switch (layout.type()) {
          case BYTE -> part.get((byte[]) rows[row], at, n);
          case BOOLEAN -> {
            boolean[] a = (boolean[]) rows[row];
            for (int i = 0; i < n; i++) {
              byte v = part.get(i);
              if (v != 0 && v != 1) {
                throw new IOException("raw-array: boolean element " + (at + i) + " is " + v);
              }
              a[at + i] = v == 1;
            }
          }
          case SHORT -> part.asShortBuffer().get((short[]) rows[row], at, n);
          case CHAR -> part.asCharBuffer().get((char[]) rows[row], at, n);
          case INT -> part.asIntBuffer().get((int[]) rows[row], at, n);
          case FLOAT -> part.asFloatBuffer().get((float[]) rows[row], at, n);
          case LONG -> part.asLongBuffer().get((long[]) rows[row], at, n);
          case DOUBLE -> part.asDoubleBuffer().get((double[]) rows[row], at, n);
          default -> throw new IllegalStateException(layout.type().toString());
        }
        filledInRow += n;
        c.position(c.position() + n * size);
      }
    }

    /**
     * The decoded array, once all {@code payloadLength} bytes were accepted; for a
     * {@linkplain #checker checker}, the checked layout.
     */
    public Object result() throws IOException {
      if (consumed != payloadLength || layout == null || result == null) {
        throw new IOException("raw-array: got " + consumed + " of " + payloadLength + " payload bytes");
      }
      return result;
    }
  }

  @Override
  public String toString() {
    return ID + " v" + VERSION;
  }
}
