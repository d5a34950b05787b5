package org.memocache;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The progress a progressive computation has recorded so far, read without computing: by another
 * thread or process while it runs ({@link Memo#partial}), or after it died. A snapshot of the chunk
 * count taken when it was opened; chunks are read (and verified) when asked for.
 *
 * @param <S> the type of the checkpointed state
 * @param <C> the type of a result chunk
 */
public final class PartialResult<S, C> {
  private final Tier.PartialReader reader;
  private final String describe;

  PartialResult(Tier.PartialReader reader, String describe) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.describe = describe;
  }

  /** Chunks finished when this snapshot was opened. */
  public int chunkCount() {
    return reader.chunks();
  }

  /**
   * Chunk {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, chunkCount())}
   * @throws CorruptResultException if it is damaged
   * @throws java.util.NoSuchElementException if it is gone: the computation completed (its result
   *     is now an ordinary entry: {@link Memo#lookup}) or restarted from an earlier checkpoint
   */
  @SuppressWarnings("unchecked")
  public C chunk(int index) {
    Objects.checkIndex(index, reader.chunks());
    return (C) reader.chunk(index);
  }

  /** Metadata of chunk {@code index}: its size, when it was finished and how long it took. */
  public EntryInfo chunkInfo(int index) {
    Objects.checkIndex(index, reader.chunks());
    return reader.chunkInfo(index);
  }

  /** The chunks of this snapshot, in order; each is read from storage when accessed. */
  public List<C> chunks() {
    int n = reader.chunks();
    return new AbstractList<>() {
      @Override
      public C get(int index) {
        return chunk(index);
      }

      @Override
      public int size() {
        return n;
      }
    };
  }

  /** The state of the last checkpoint, when one was recorded. */
  @SuppressWarnings("unchecked")
  public Optional<S> state() {
    return Optional.ofNullable((S) reader.state());
  }

  /** Whether a process was computing this call when the snapshot was opened. */
  public boolean running() {
    return reader.running();
  }

  @Override
  public String toString() {
    return "PartialResult[" + describe + ": " + chunkCount() + " chunks" + (running() ? ", running" : "") + "]";
  }
}
