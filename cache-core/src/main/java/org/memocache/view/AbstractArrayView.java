package org.memocache.view;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.memocache.CorruptResultException;
import org.memocache.EntryInfo;
import org.memocache.internal.codec.RawArrayCodec;
import org.memocache.internal.codec.RawArrayLayout;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.Tier;

/**
 * What every typed {@link ArrayView} shares: the mapped payload, the lazy block verification, the
 * flat index and the rows. A view covers elements {@code [0, size)} starting at payload byte
 * {@code start}; slices and rows are new views on the same mapping, so a block verified through one
 * is verified for all. The typed views add what depends on the element type: the unboxed
 * {@code get}, the stream, and how a block of elements is copied into an array.
 *
 * @param <A> the primitive array type, such as {@code double[]}
 * @param <V> the typed view
 */
abstract sealed class AbstractArrayView<A, V extends AbstractArrayView<A, V>>
    permits BooleanView, ByteView, CharView, ShortView, IntView, LongView, FloatView, DoubleView {

  final Tier.Mapped entry;
  /** The whole payload, little-endian; read only with absolute gets, so shared by all threads. */
  final ByteBuffer data;
  final ElementType type;
  final int shift;
  final long start;
  final long size;
  private final Rows rows;
  private final int blockShift;
  private final String describe;
  /**
   * The last block a single-element read verified. Racy on purpose: a block once verified stays
   * verified, so a stale value only costs a second look at the entry's bitmap. An int, so it is
   * never torn.
   */
  private int lastBlock = -1;

  AbstractArrayView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows,
      String describe) {
    this.entry = entry;
    this.data = data;
    this.type = type;
    this.shift = Integer.numberOfTrailingZeros(type.size());
    this.start = start;
    this.size = size;
    this.rows = rows;
    this.blockShift = Integer.numberOfTrailingZeros(entry.blockSize());
    this.describe = describe;
  }

  /** A slice of {@code parent}: elements {@code [from, from + size)} of it, as a one-dimensional view. */
  AbstractArrayView(AbstractArrayView<A, V> parent, long from, long size) {
    this(parent.entry, parent.data, parent.type, parent.start + (from << parent.shift), size, Rows.single(size),
        parent.describe);
  }

  /**
   * Opens the view of a mapped {@code raw-array} payload: checks the codec, verifies and parses the
   * array's prefix (and row table), and returns the view of its element type.
   *
   * @param describe the call, for messages, such as {@code simulate(n=1000)}
   * @throws IllegalArgumentException when the entry is not a stored primitive array
   * @throws CorruptResultException when the prefix or row table is damaged
   */
  static ArrayView open(Tier.Mapped entry, String describe) {
    EntryInfo info = entry.info();
    if (!info.codec().equals(RawArrayCodec.ID) || entry.codecVersion() != RawArrayCodec.VERSION) {
      throw new IllegalArgumentException(describe + " is not stored as a primitive array (codec "
          + info.codec() + " v" + entry.codecVersion() + "): only double[], int[][] and other primitive"
          + " arrays of one or two dimensions can be viewed; use lookup to load it, or MemoizedMethod.views for the"
          + " arrays inside it");
    }
    ByteBuffer data = entry.payload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long payloadLength = data.limit();
    entry.verify(0, Math.min(RawArrayLayout.PREFIX, payloadLength));
    RawArrayLayout layout;
    try {
      layout = RawArrayLayout.read(data, payloadLength);
    } catch (IOException e) {
      throw new CorruptResultException(describe + ": the stored array's layout is inconsistent (" + e.getMessage()
          + ") in " + info.key(), info.key(), 0, e);
    }
    entry.verify(0, layout.dataOffset());
    ElementType type = layout.type();
    long elements = layout.dataLength() / type.size();
    Rows rows = layout.rank() == 1 ? Rows.single(elements) : Rows.read(data, layout, describe, info.key());
    return of(entry, data, type, layout.dataOffset(), elements, rows, describe);
  }

  /** The view of {@code type}'s elements at payload offset {@code start}. */
  static ArrayView of(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long elements, Rows rows,
      String describe) {
    return switch (type) {
      case DOUBLE -> new DoubleView(entry, data, type, start, elements, rows, describe);
      case FLOAT -> new FloatView(entry, data, type, start, elements, rows, describe);
      case LONG -> new LongView(entry, data, type, start, elements, rows, describe);
      case INT -> new IntView(entry, data, type, start, elements, rows, describe);
      case SHORT -> new ShortView(entry, data, type, start, elements, rows, describe);
      case CHAR -> new CharView(entry, data, type, start, elements, rows, describe);
      case BYTE -> new ByteView(entry, data, type, start, elements, rows, describe);
      case BOOLEAN -> new BooleanView(entry, data, type, start, elements, rows, describe);
    };
  }

  // ---- ArrayView ----

  public Class<?> elementType() {
    return type.primitive();
  }

  public int rank() {
    return rows.rank;
  }

  public long size() {
    return size;
  }

  public int rows() {
    return rows.count();
  }

  public int columns() {
    return rows.columns;
  }

  public int rowLength(int row) {
    return rows.length(row);
  }

  public EntryInfo info() {
    return entry.info();
  }

  public DoubleView doubles() {
    return as(DoubleView.class);
  }

  public FloatView floats() {
    return as(FloatView.class);
  }

  public LongView longs() {
    return as(LongView.class);
  }

  public IntView ints() {
    return as(IntView.class);
  }

  public ShortView shorts() {
    return as(ShortView.class);
  }

  public CharView chars() {
    return as(CharView.class);
  }

  public ByteView bytes() {
    return as(ByteView.class);
  }

  public BooleanView booleans() {
    return as(BooleanView.class);
  }

  public <T extends ArrayView> T as(Class<T> view) {
    if (view.isInstance(this)) {
      return view.cast(this);
    }
    throw new IllegalStateException(describe + " holds " + typeName() + ", not the elements of a "
        + view.getSimpleName());
  }

  // ---- the operations every typed view has ----

  /** Elements {@code [from, to)} of the flat index, as a one-dimensional view on the same mapping. */
  public V slice(long from, long to) {
    checkSlice(from, to);
    return sliceOf(from, to - from);
  }

  /**
   * Row {@code row} as a one-dimensional view on the same mapping.
   *
   * @throws NullPointerException if the row is {@code null}
   */
  public V row(int row) {
    return sliceOf(rowStart(row), rowLength(row));
  }

  /**
   * Copies elements {@code [from, to)} into {@code dst[0 .. to - from)}, verifying each block
   * just before copying it.
   *
   * @throws IndexOutOfBoundsException if the range is not in this view or {@code dst} is too short
   * @throws CorruptResultException if a block in the range is damaged (elements before it are copied)
   */
  public void copyTo(A dst, long from, long to) {
    copyTo(from, to, dst, 0);
  }

  /** As {@link #copyTo(Object, long, long)}, into {@code dst} from {@code dstOffset}. */
  public void copyTo(long from, long to, A dst, int dstOffset) {
    long off = range(from, to, Array.getLength(dst), dstOffset);
    copyOut(off, (to - from) << shift, (at, count, i) -> copy(at, count, dst, dstOffset + i));
  }

  /** Elements {@code [from, to)} as a new array. */
  public A toArray(long from, long to) {
    checkSlice(from, to);
    if (to - from > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException((to - from) + " elements do not fit in one array");
    }
    A out = newArray((int) (to - from));
    copyTo(out, from, to);
    return out;
  }

  /** All elements of the flat index as a new array. */
  public A toArray() {
    return toArray(0, size);
  }

  // ---- what each typed view supplies ----

  /** A one-dimensional view of elements {@code [from, from + size)} of this one. */
  abstract V sliceOf(long from, long size);

  abstract A newArray(int length);

  /** Copies {@code count} elements at payload offset {@code at} into {@code dst} from {@code dstIndex}. */
  abstract void copy(int at, int count, A dst, int dstIndex);

  // ---- for the typed views ----

  /** The payload offset of element {@code i} of this view, after checking the index. */
  final long offset(long i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("index " + i + " out of bounds for " + size + " elements of " + describe);
    }
    return start + (i << shift);
  }

  /** The flat index of {@code [row][column]}. */
  final long index(int row, int column) {
    int len = rows.length(row);
    if (len < 0) {
      throw new NullPointerException("row " + row + " of " + describe + " is null");
    }
    if (column < 0 || column >= len) {
      throw new IndexOutOfBoundsException("column " + column + " out of bounds for row " + row + " of length "
          + len + " in " + describe);
    }
    return rows.start(row) + column;
  }

  /** Verifies the block of one element at payload offset {@code off}. */
  final void verifyElement(long off) {
    int block = (int) (off >>> blockShift);
    if (block != lastBlock) {
      entry.verify(off, off + type.size());
      lastBlock = block;
    }
  }

  /**
   * Checks {@code [from, to)} against this view and {@code length} against the destination, and
   * returns the payload offset of {@code from}.
   */
  final long range(long from, long to, int dstLength, int dstOffset) {
    Objects.checkFromToIndex(from, to, size);
    long n = to - from;
    if (dstOffset < 0 || n > dstLength - (long) dstOffset) {
      throw new IndexOutOfBoundsException("cannot copy " + n + " elements into an array of " + dstLength
          + " from offset " + dstOffset);
    }
    return start + (from << shift);
  }

  /**
   * Copies the elements in payload bytes {@code [off, off + bytes)} out block by block, verifying
   * each block just before copying it (so that it is still in the cache).
   */
  final void copyOut(long off, long bytes, Segment segment) {
    long end = off + bytes;
    long blockSize = 1L << blockShift;
    int done = 0;
    while (off < end) {
      long next = Math.min(end, (off & -blockSize) + blockSize);
      entry.verify(off, next);
      int n = (int) ((next - off) >>> shift);
      segment.copy((int) off, n, done);
      done += n;
      off = next;
    }
  }

  /** Copies {@code count} elements at payload offset {@code at} into the destination at {@code dstIndex}. */
  @FunctionalInterface
  interface Segment {
    void copy(int at, int count, int dstIndex);
  }

  /** The start of row {@code row} in the flat index, and its length (checked, not null). */
  final long rowStart(int row) {
    int len = rows.length(row);
    if (len < 0) {
      throw new NullPointerException("row " + row + " of " + describe + " is null");
    }
    return rows.start(row);
  }

  /** A checked slice range. */
  final void checkSlice(long from, long to) {
    Objects.checkFromToIndex(from, to, size);
  }

  /** A little-endian slice of the payload for bulk copies. */
  final ByteBuffer bytesAt(int off, int length) {
    return data.slice(off, length).order(ByteOrder.LITTLE_ENDIAN);
  }

  final String typeName() {
    String t = type.primitive().getName();
    return rows.rank == 2 ? t + "[" + rows.count() + "][" + (rows.columns >= 0 ? rows.columns : "") + "]"
        : t + "[" + size + "]";
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + describe + ", " + typeName() + ", " + entry.info().key() + "]";
  }

  /**
   * The rows of a view: a one-dimensional view is one row; a two-dimensional one has a common
   * column count (rows computed) or a table of row starts (jagged, or with {@code null} rows).
   */
  static final class Rows {
    final int rank;
    final int columns;
    private final int count;
    private final long @Nullable [] starts;
    private final int @Nullable [] lengths;

    private Rows(int rank, int count, int columns, long @Nullable [] starts, int @Nullable [] lengths) {
      this.rank = rank;
      this.count = count;
      this.columns = columns;
      this.starts = starts;
      this.lengths = lengths;
    }

    static Rows single(long size) {
      return new Rows(1, 1, (int) size, null, null);
    }

    /** Reads the verified row table of a two-dimensional payload. */
    static Rows read(ByteBuffer data, RawArrayLayout layout, String describe, String key) {
      int n = (int) layout.length();
      long total = layout.dataLength() / layout.type().size();
      if (layout.columns() >= 0) {
        if (layout.columns() > Integer.MAX_VALUE || (long) n * layout.columns() != total) {
          throw damaged(describe, key, n + " rows of " + layout.columns() + " do not make " + total + " elements");
        }
        return new Rows(2, n, (int) layout.columns(), null, null);
      }
      long[] starts = new long[n];
      int[] lengths = new int[n];
      long at = 0;
      for (int r = 0; r < n; r++) {
        long len = data.getLong(RawArrayLayout.ROW_TABLE + r * 8);
        if (len < -1 || len > Integer.MAX_VALUE) {
          throw damaged(describe, key, "row " + r + " has length " + len);
        }
        starts[r] = at;
        lengths[r] = (int) len;
        at += Math.max(0, len);
      }
      if (at != total) {
        throw damaged(describe, key, "row lengths add up to " + at + " elements, the data holds " + total);
      }
      return new Rows(2, n, -1, starts, lengths);
    }

    private static CorruptResultException damaged(String describe, String key, String what) {
      return new CorruptResultException(describe + ": the stored array's row table is inconsistent: " + what, key, 0);
    }

    int count() {
      return count;
    }

    int length(int row) {
      Objects.checkIndex(row, count);
      if (lengths != null) {
        return lengths[row];
      }
      return columns;
    }

    long start(int row) {
      Objects.checkIndex(row, count);
      if (starts != null) {
        return starts[row];
      }
      return (long) row * columns;
    }
  }
}
