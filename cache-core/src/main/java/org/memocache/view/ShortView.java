package org.memocache.view;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.memocache.CorruptResultException;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.Tier;

/**
 * A read-only, memory-mapped view of a stored {@code short[]} or {@code short[][]} result:
 * {@code memo.method(name).view(args, ShortView.class)}, or {@link ArrayView#shorts()} of any view.
 * Element blocks are checksum-verified the first time a read touches them; see {@link ArrayView}
 * for verification, indexing and lifetime.
 */
public final class ShortView extends AbstractArrayView<short[], ShortView> implements ArrayView {

  ShortView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows, String describe) {
    super(entry, data, type, start, size, rows, describe);
  }

  private ShortView(ShortView parent, long from, long size) {
    super(parent, from, size);
  }

  /**
   * Element {@code index} of the flat index (of a two-dimensional array: counted over all rows).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws CorruptResultException if the element's block is damaged
   */
  public short get(long index) {
    long off = offset(index);
    verifyElement(off);
    return data.getShort((int) off);
  }

  /**
   * Element {@code [row][column]}.
   *
   * @throws IndexOutOfBoundsException if either index is out of bounds
   * @throws NullPointerException if the row is {@code null}
   * @throws CorruptResultException if the element's block is damaged
   */
  public short get(int row, int column) {
    return get(index(row, column));
  }

  /**
   * The elements of the flat index, in order, widened to {@code int}; each block is verified when the stream first
   * reaches it, so a damaged block throws {@link CorruptResultException} from the terminal operation.
   */
  public IntStream stream() {
    return LongStream.range(0, size).mapToInt(this::get);
  }

  @Override
  ShortView sliceOf(long from, long size) {
    return new ShortView(this, from, size);
  }

  @Override
  short[] newArray(int length) {
    return new short[length];
  }

  @Override
  void copy(int at, int count, short[] dst, int dstIndex) {
    bytesAt(at, count << shift).asShortBuffer().get(dst, dstIndex, count);
  }
}
