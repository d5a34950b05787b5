package org.memocache.view;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.memocache.CorruptResultException;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.Tier;

/**
 * A read-only, memory-mapped view of a stored {@code byte[]} or {@code byte[][]} result:
 * {@code memo.method(name).view(args, ByteView.class)}, or {@link ArrayView#bytes()} of any view.
 * Element blocks are checksum-verified the first time a read touches them; see {@link ArrayView}
 * for verification, indexing and lifetime.
 */
public final class ByteView extends AbstractArrayView<byte[], ByteView> implements ArrayView {

  ByteView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows, String describe) {
    super(entry, data, type, start, size, rows, describe);
  }

  private ByteView(ByteView parent, long from, long size) {
    super(parent, from, size);
  }

  /**
   * Element {@code index} of the flat index (of a two-dimensional array: counted over all rows).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws CorruptResultException if the element's block is damaged
   */
  public byte get(long index) {
    long off = offset(index);
    verifyElement(off);
    return data.get((int) off);
  }

  /**
   * Element {@code [row][column]}.
   *
   * @throws IndexOutOfBoundsException if either index is out of bounds
   * @throws NullPointerException if the row is {@code null}
   * @throws CorruptResultException if the element's block is damaged
   */
  public byte get(int row, int column) {
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
  ByteView sliceOf(long from, long size) {
    return new ByteView(this, from, size);
  }

  @Override
  byte[] newArray(int length) {
    return new byte[length];
  }

  @Override
  void copy(int at, int count, byte[] dst, int dstIndex) {
    data.get(at, dst, dstIndex, count);
  }
}
