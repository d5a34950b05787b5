package org.memocache.view;

import java.nio.ByteBuffer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.memocache.CorruptResultException;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.Tier;

/**
 * A read-only, memory-mapped view of a stored {@code boolean[]} or {@code boolean[][]} result:
 * {@code memo.method(name).view(args, BooleanView.class)}, or {@link ArrayView#booleans()} of any view.
 * Element blocks are checksum-verified the first time a read touches them; see {@link ArrayView}
 * for verification, indexing and lifetime.
 */
public final class BooleanView extends AbstractArrayView<boolean[], BooleanView> implements ArrayView {

  BooleanView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows, String describe) {
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

  /**
   * The elements of the flat index, in order, boxed (to the two cached {@code Boolean} instances); each block is verified when the stream first
   * reaches it, so a damaged block throws {@link CorruptResultException} from the terminal operation.
   */
  public Stream<Boolean> stream() {
    return LongStream.range(0, size).mapToObj(this::get);
  }

  @Override
  BooleanView sliceOf(long from, long size) {
    return new BooleanView(this, from, size);
  }

  @Override
  boolean[] newArray(int length) {
    return new boolean[length];
  }

  @Override
  void copy(int at, int count, boolean[] dst, int dstIndex) {
    for (int k = 0; k < count; k++) {
      dst[dstIndex + k] = data.get(at + k) != 0;
    }
  }
}
