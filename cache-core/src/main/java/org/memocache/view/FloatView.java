package org.memocache.view;

import java.nio.ByteBuffer;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.memocache.CorruptResultException;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.Tier;

/**
 * A read-only, memory-mapped view of a stored {@code float[]} or {@code float[][]} result:
 * {@code memo.method(name).view(args, FloatView.class)}, or {@link ArrayView#floats()} of any view.
 * Element blocks are checksum-verified the first time a read touches them; see {@link ArrayView}
 * for verification, indexing and lifetime.
 */
public final class FloatView extends AbstractArrayView<float[], FloatView> implements ArrayView {

  FloatView(Tier.Mapped entry, ByteBuffer data, ElementType type, long start, long size, Rows rows, String describe) {
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

  /**
   * The elements of the flat index, in order, widened to {@code double}; each block is verified when the stream first
   * reaches it, so a damaged block throws {@link CorruptResultException} from the terminal operation.
   */
  public DoubleStream stream() {
    return LongStream.range(0, size).mapToDouble(this::get);
  }

  @Override
  FloatView sliceOf(long from, long size) {
    return new FloatView(this, from, size);
  }

  @Override
  float[] newArray(int length) {
    return new float[length];
  }

  @Override
  void copy(int at, int count, float[] dst, int dstIndex) {
    bytesAt(at, count << shift).asFloatBuffer().get(dst, dstIndex, count);
  }
}
