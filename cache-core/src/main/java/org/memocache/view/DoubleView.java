package org.memocache.view;

import java.nio.ByteBuffer;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.memocache.CorruptResultException;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.Tier;

/**
 * A read-only, memory-mapped view of a stored {@code double[]} or {@code double[][]} result:
 * {@code memo.method(name).view(args, DoubleView.class)}, or {@link ArrayView#doubles()} of any view.
 * Element blocks are checksum-verified the first time a read touches them; see {@link ArrayView}
 * for verification, indexing and lifetime.
 */
public final class DoubleView extends AbstractArrayView<double[], DoubleView> implements ArrayView {

  DoubleView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows, String describe) {
    super(entry, data, type, start, size, rows, describe);
  }

  private DoubleView(DoubleView parent, long from, long size) {
    super(parent, from, size);
  }

  /**
   * Element {@code index} of the flat index (of a two-dimensional array: counted over all rows).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws CorruptResultException if the element's block is damaged
   */
  public double get(long index) {
    long off = offset(index);
    verifyElement(off);
    return data.getDouble((int) off);
  }

  /**
   * Element {@code [row][column]}.
   *
   * @throws IndexOutOfBoundsException if either index is out of bounds
   * @throws NullPointerException if the row is {@code null}
   * @throws CorruptResultException if the element's block is damaged
   */
  public double get(int row, int column) {
    return get(index(row, column));
  }

  /**
   * The elements of the flat index, in order; each block is verified when the stream first
   * reaches it, so a damaged block throws {@link CorruptResultException} from the terminal operation.
   */
  public DoubleStream stream() {
    return LongStream.range(0, size).mapToDouble(this::get);
  }

  @Override
  DoubleView sliceOf(long from, long size) {
    return new DoubleView(this, from, size);
  }

  @Override
  double[] newArray(int length) {
    return new double[length];
  }

  @Override
  void copy(int at, int count, double[] dst, int dstIndex) {
    bytesAt(at, count << shift).asDoubleBuffer().get(dst, dstIndex, count);
  }
}
