package org.memocache.view;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.memocache.CorruptResultException;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.Tier;

/**
 * A read-only, memory-mapped view of a stored {@code int[]} or {@code int[][]} result:
 * {@code memo.method(name).view(args, IntView.class)}, or {@link ArrayView#ints()} of any view.
 * Element blocks are checksum-verified the first time a read touches them; see {@link ArrayView}
 * for verification, indexing and lifetime.
 */
public final class IntView extends AbstractArrayView<int[], IntView> implements ArrayView {

  IntView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows, String describe) {
    super(entry, data, type, start, size, rows, describe);
  }

  private IntView(IntView parent, long from, long size) {
    super(parent, from, size);
  }

  /**
   * Element {@code index} of the flat index (of a two-dimensional array: counted over all rows).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws CorruptResultException if the element's block is damaged
   */
  public int get(long index) {
    long off = offset(index);
    verifyElement(off);
    return data.getInt((int) off);
  }

  /**
   * Element {@code [row][column]}.
   *
   * @throws IndexOutOfBoundsException if either index is out of bounds
   * @throws NullPointerException if the row is {@code null}
   * @throws CorruptResultException if the element's block is damaged
   */
  public int get(int row, int column) {
    return get(index(row, column));
  }

  /**
   * The elements of the flat index, in order; each block is verified when the stream first
   * reaches it, so a damaged block throws {@link CorruptResultException} from the terminal operation.
   */
  public IntStream stream() {
    return LongStream.range(0, size).mapToInt(this::get);
  }

  @Override
  IntView sliceOf(long from, long size) {
    return new IntView(this, from, size);
  }

  @Override
  int[] newArray(int length) {
    return new int[length];
  }

  @Override
  void copy(int at, int count, int[] dst, int dstIndex) {
    bytesAt(at, count << shift).asIntBuffer().get(dst, dstIndex, count);
  }
}
