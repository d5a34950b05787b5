package org.memocache;

import java.nio.ByteBuffer;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.memocache.internal.codec.RawArrayLayout.ElementType;

/**
 * A read-only, memory-mapped view of a stored {@code float[]} or {@code float[][]} result:
 * {@link Memo#mapFloats}, or {@link ArrayView#floats()} of any view. Element blocks are
 * checksum-verified the first time a read touches them; see {@link ArrayView} for verification,
 * indexing and lifetime.
 */
public final class FloatView extends AbstractArrayView implements ArrayView {

  FloatView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows,
      String describe) {
    super(entry, data, type, start, size, rows, describe);
  }

  private FloatView(FloatView parent, long from, long size) {
    super(parent, from, size);
  }

  /**
   * Element {@code index} of the flat index (of a two-dimensional array: counted over all rows).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws CorruptResultException if the element's block is damaged
   */
  public float get(long index) {
    long off = offset(index);
    verifyElement(off);
    return data.getFloat((int) off);
  }

  /**
   * Element {@code [row][column]}.
   *
   * @throws IndexOutOfBoundsException if either index is out of bounds
   * @throws NullPointerException if the row is {@code null}
   * @throws CorruptResultException if the element's block is damaged
   */
  public float get(int row, int column) {
    return get(index(row, column));
  }

  /** Elements {@code [from, to)} of the flat index, as a one-dimensional view on the same mapping. */
  public FloatView slice(long from, long to) {
    checkSlice(from, to);
    return new FloatView(this, from, to - from);
  }

  /**
   * Row {@code row} as a one-dimensional view on the same mapping.
   *
   * @throws NullPointerException if the row is {@code null}
   */
  public FloatView row(int row) {
    return new FloatView(this, rowStart(row), rowLength(row));
  }

  /**
   * Copies elements {@code [from, to)} into {@code dst[0 .. to - from)}, verifying each block
   * just before copying it.
   *
   * @throws IndexOutOfBoundsException if the range is not in this view or {@code dst} is too short
   * @throws CorruptResultException if a block in the range is damaged (elements before it are copied)
   */
  public void copyTo(float[] dst, long from, long to) {
    copyTo(from, to, dst, 0);
  }

  /** As {@link #copyTo(float[], long, long)}, into {@code dst} from {@code dstOffset}. */
  public void copyTo(long from, long to, float[] dst, int dstOffset) {
    long off = range(from, to, dst.length, dstOffset);
    copyOut(off, (to - from) << shift, (at, count, i) ->
        bytesAt(at, count << shift).asFloatBuffer().get(dst, dstOffset + i, count));
  }

  /** Elements {@code [from, to)} as a new array. */
  public float[] toArray(long from, long to) {
    checkSlice(from, to);
    if (to - from > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException((to - from) + " elements do not fit in one array");
    }
    float[] out = new float[(int) (to - from)];
    copyTo(out, from, to);
    return out;
  }

  /** All elements of the flat index as a new array. */
  public float[] toArray() {
    return toArray(0, size);
  }

  /**
   * The elements of the flat index, in order, widened to {@code double}; each block is verified when the stream
   * first reaches it, so a damaged block throws {@link CorruptResultException} from the terminal
   * operation.
   */
  public DoubleStream stream() {
    return LongStream.range(0, size).mapToDouble(this::get);
  }
}
