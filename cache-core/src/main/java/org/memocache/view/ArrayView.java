package org.memocache.view;

import org.memocache.CorruptResultException;
import org.memocache.EntryInfo;
import org.memocache.Memo;
import org.memocache.MemoizedMethod;
import org.memocache.spi.Tier;

/**
 * A read-only, memory-mapped view of a stored primitive-array result ({@code double[]},
 * {@code int[][]}, ...), opened without reading the array: {@link MemoizedMethod#view}.
 *
 * <pre>{@code
 * DoubleView v = memo.method("simulate").view(DoubleView.class, n, seed).orElseThrow();
 * double first = v.get(0);                       // verifies one 64 KiB block
 * double[] part = v.toArray(1_000_000, 2_000_000);
 * double sum = v.slice(0, 1000).stream().sum();
 * }</pre>
 *
 * <p><b>Verification.</b> Opening checks the entry's header and checksum table, and the blocks
 * holding the array's shape; element data is verified lazily, each 64 KiB block the first time any
 * read touches it (once per view family, whichever thread reads first). A read that touches a
 * damaged block throws {@link CorruptResultException} naming the file and the block; reads of other
 * blocks keep working. So opening costs the same for a kilobyte and for a gigabyte, and reading a
 * slice costs in proportion to the slice.
 *
 * <p><b>Indexing.</b> Every view has a flat index {@code 0 .. size() - 1}; for a two-dimensional
 * array it runs over all rows in order ({@code null} rows hold no elements). {@link #rows()},
 * {@link #rowLength(int)} and the typed {@code get(row, column)} and {@code row(r)} address rows;
 * a one-dimensional view is a single row.
 *
 * <p><b>Lifetime.</b> A view needs no closing and has no {@code close()}: the mapping lives as long
 * as the view (or any slice of it) is reachable, and is released by the garbage collector. Java 17
 * has no supported way to unmap a buffer, and forcing it (through {@code sun.misc.Unsafe}) would
 * crash a thread still reading a slice. The mapping keeps the entry's storage alive: a view stays
 * valid when the entry is evicted, invalidated or replaced meanwhile (it keeps showing the value it
 * was opened on), and the disk space of an evicted entry is freed only once its views are
 * collected. Views are safe for concurrent use.
 */
public sealed interface ArrayView
    permits BooleanView, ByteView, CharView, ShortView, IntView, LongView, FloatView, DoubleView {

  /**
   * Opens the view of a {@code raw-array} entry a tier has mapped ({@link Tier#map}): for tools that
   * address entries without a {@link Memo}, such as the disk tier's {@code CacheDirectory}. Verifies
   * the array's shape (its first block, and the row table of a jagged two-dimensional array).
   *
   * @param describe names the result in messages, such as {@code simulate(n=1000)}
   * @throws IllegalArgumentException when the entry is not a primitive array of one or two dimensions
   * @throws CorruptResultException when the blocks holding its shape are damaged
   */
  static ArrayView open(Tier.Mapped entry, String describe) {
    return AbstractArrayView.open(entry, describe);
  }

  /** The primitive element type, such as {@code double.class}. */
  Class<?> elementType();

  /** 2 for a view of a whole two-dimensional array, 1 otherwise (slices and rows are 1). */
  int rank();

  /** Elements in this view (of a two-dimensional array: in all rows). */
  long size();

  /** Rows: of a two-dimensional array, its length; 1 for a one-dimensional view. */
  int rows();

  /** The common row length of a two-dimensional array, or -1 when rows differ or one is {@code null}. */
  int columns();

  /** The length of row {@code row}, or -1 for a {@code null} row. */
  int rowLength(int row);

  /** Metadata of the stored result this view maps. */
  EntryInfo info();

  /**
   * This view as the typed view {@code type}, such as {@code DoubleView.class}; throws
   * {@link IllegalStateException} naming the element type when it holds other elements.
   */
  <V extends ArrayView> V as(Class<V> type);

  /** This view as a {@link DoubleView}; throws {@link IllegalStateException} naming the element type otherwise. */
  DoubleView doubles();

  /** This view as a {@link FloatView}; throws {@link IllegalStateException} naming the element type otherwise. */
  FloatView floats();

  /** This view as a {@link LongView}; throws {@link IllegalStateException} naming the element type otherwise. */
  LongView longs();

  /** This view as an {@link IntView}; throws {@link IllegalStateException} naming the element type otherwise. */
  IntView ints();

  /** This view as a {@link ShortView}; throws {@link IllegalStateException} naming the element type otherwise. */
  ShortView shorts();

  /** This view as a {@link CharView}; throws {@link IllegalStateException} naming the element type otherwise. */
  CharView chars();

  /** This view as a {@link ByteView}; throws {@link IllegalStateException} naming the element type otherwise. */
  ByteView bytes();

  /** This view as a {@link BooleanView}; throws {@link IllegalStateException} naming the element type otherwise. */
  BooleanView booleans();
}
