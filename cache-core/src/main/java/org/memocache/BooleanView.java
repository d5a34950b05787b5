package org.memocache;

import java.nio.ByteBuffer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.memocache.internal.codec.RawArrayLayout.ElementType;

/**
 * A read-only, memory-mapped view of a stored {@code boolean[]} or {@code boolean[][]} result:
 * {@link Memo#mapBooleans}, or {@link ArrayView#booleans()} of any view. Element blocks are
 * checksum-verified the first time a read touches them; see {@link ArrayView} for verification,
 * indexing and lifetime.
 */
public final class BooleanView extends AbstractArrayView implements ArrayView {

  BooleanView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows,
      String describe) {
    super(entry, data, type, start, size, rows, describe);
  }

  private BooleanView(BooleanView parent, long from, long size) {
    super(parent, from, size);
  }

  /**
   * Element {@code index} of the flat index (of a two-dimensional array: counted over all rows).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws CorruptResultException if the element's block is damaged
   */
  public boolean get(long index) {
    long off = offset(index);
    verifyElement(off);
    return data.get((int) off) != 0;
  }

  /**
   * Element {@code [row][column]}.
   *
   * @throws IndexOutOfBoundsException if either index is out of bounds
   * @throws NullPointerException if the row is {@code null}
   * @throws CorruptResultException if the element's block is damaged
   */
  public boolean get(int row, int column) {
    return get(index(row, column));
  }

  /** Elements {@code [from, to)} of the flat index, as a one-dimensional view on the same mapping. */
  public BooleanView slice(long from, long to) {
    checkSlice(from, to);
    return new BooleanView(this, from, to - from);
  }

  /**
   * Row {@code row} as a one-dimensional view on the same mapping.
   *
   * @throws NullPointerException if the row is {@code null}
   */
  public BooleanView row(int row) {
    return new BooleanView(this, rowStart(row), rowLength(row));
  }

  /**
   * Copies elements {@code [from, to)} into {@code dst[0 .. to - from)}, verifying each block
   * just before copying it.
   *
   * @throws IndexOutOfBoundsException if the range is not in this view or {@code dst} is too short
   * @throws CorruptResultException if a block in the range is damaged (elements before it are copied)
   */
  public void copyTo(boolean[] dst, long from, long to) {
    copyTo(from, to, dst, 0);
  }

  /** As {@link #copyTo(boolean[], long, long)}, into {@code dst} from {@code dstOffset}. */
  public void copyTo(long from, long to, boolean[] dst, int dstOffset) {
    long off = range(from, to, dst.length, dstOffset);
    copyOut(off, (to - from) << shift, (at, count, i) -> {
      for (int k = 0; k < count; k++) {
        dst[dstOffset + i + k] = data.get(at + k) != 0;
      }
    });
  }

  /** Elements {@code [from, to)} as a new array. */
  public boolean[] toArray(long from, long to) {
    checkSlice(from, to);
    if (to - from > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException((to - from) + " elements do not fit in one array");
    }
    boolean[] out = new boolean[(int) (to - from)];
    copyTo(out, from, to);
    return out;
  }

  /** All elements of the flat index as a new array. */
  public boolean[] toArray() {
    return toArray(0, size);
  }

  /**
   * The elements of the flat index, in order, boxed (to the two cached {@code Boolean} instances); each block is verified when the stream
   * first reaches it, so a damaged block throws {@link CorruptResultException} from the terminal
   * operation.
   */
  public Stream<Boolean> stream() {
    return LongStream.range(0, size).mapToObj(this::get);
  }
}
