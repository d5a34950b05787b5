package org.memocache.partial;

import java.util.List;
import java.util.Optional;
import org.memocache.CorruptResultException;
import org.memocache.EntryInfo;
import org.memocache.MemoizedMethod;

/**
 * The progress a progressive computation has recorded so far, read without computing: by another
 * thread or process while it runs ({@link MemoizedMethod#partial}), or after it died. A snapshot of the chunk
 * count taken when it was opened; chunks are read (and verified) when asked for.
 *
 * @param <S> the type of the checkpointed state
 * @param <C> the type of a result chunk
 */
public interface PartialResult<S, C> {

  /** Chunks finished when this snapshot was opened. */
  int chunkCount();

  /**
   * Chunk {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, chunkCount())}
   * @throws CorruptResultException if it is damaged
   * @throws java.util.NoSuchElementException if it is gone: the computation completed (its result
   *     is now an ordinary entry: {@link MemoizedMethod#lookup}) or restarted from an earlier checkpoint
   */
  C chunk(int index);

  /** Metadata of chunk {@code index}: its size, when it was finished and how long it took. */
  EntryInfo chunkInfo(int index);

  /** The chunks of this snapshot, in order; each is read from storage when accessed. */
  List<C> chunks();

  /** The state of the last checkpoint, when one was recorded. */
  Optional<S> state();

  /** Whether a process was computing this call when the snapshot was opened. */
  boolean running();
}
