package org.memocache.partial;

import java.util.List;
import java.util.Optional;
import org.memocache.CorruptResultException;
import org.memocache.MemoizedMethod;
import org.memocache.internal.InjectedProgress;

/**
 * The recorded progress of a long, memoized computation: result chunks appended as they are
 * finished, and checkpoints of the computation's state. If the process dies, the next call with the
 * same key resumes from what was recorded instead of starting over; meanwhile other processes can
 * read the finished chunks ({@link MemoizedMethod#partial}). When the computation returns, its result is
 * stored as an ordinary entry and the recorded progress is deleted.
 *
 * <pre>{@code
 * double[] r = memo.progressive("sweep", (Progress<double[], double[]> p) -> {
 *   double[] sum = p.state().orElse(new double[n]);     // resumed, or fresh
 *   for (int i = p.chunkCount(); i < 10; i++) {         // skips the chunks already done
 *     double[] part = simulate(i, seed);
 *     add(sum, part);
 *     p.append(part, sum);                             // chunk i, then a checkpoint of the state
 *   }
 *   return sum;
 * }, n, seed);
 * }</pre>
 *
 * <p><b>What a resume sees.</b> If the computation ever recorded a checkpoint, a resume starts from
 * the last one: {@link #state()} is its state and {@link #chunkCount()} the number of chunks that
 * had been appended when it was recorded; chunks appended after it are dropped (the resumed code
 * computes them again). A computation that never checkpoints resumes after its last appended chunk.
 * {@link #append(Object, Object)} records a chunk and a checkpoint together, which keeps the two
 * consistent.
 *
 * <p><b>Durability.</b> Chunks and checkpoints are written like entries: to a temporary file,
 * checksummed, then renamed into place, so a crash never leaves a torn one that a resume would use.
 * Only the process holding the key's lock writes; if this process could not get the lock (it timed
 * out waiting for another process computing the same key) or the disk cannot be written, progress is
 * kept in memory only, after one warning, and the computation still completes.
 *
 * <p><b>In a {@code @Memoize} method</b>, declare a {@code Progress<S, C>} parameter (it is never
 * part of the key) and pass {@link #injected()}: the woven method receives this call's recorded
 * progress through it. Chunks and states must not be {@code null}; they are stored with the same
 * codecs as results, and decode under the same allow-list. A Progress is safe for use by several
 * threads; appends are numbered in the order they are made.
 *
 * @param <S> the type of the checkpointed state
 * @param <C> the type of a result chunk
 */
public interface Progress<S, C> {

  /**
   * A placeholder to pass for the {@code Progress} parameter of a {@code @Memoize} method: when the
   * call is memoized and computes, MemoCache binds it to the call's recorded progress before the
   * body runs. Pass a fresh one per call. Without weaving it keeps progress in memory (nothing is
   * resumed).
   */
  static <S, C> Progress<S, C> injected() {
    return new InjectedProgress<>();
  }

  /** Whether chunks or a checkpoint were found from an earlier, interrupted run of this call. */
  boolean resumed();

  /** The state of the last checkpoint (recorded in this run or found from an earlier one), or empty. */
  Optional<S> state();

  /** Chunks recorded so far, resumed ones included: the index the next {@link #append} gets. */
  int chunkCount();

  /**
   * Chunk {@code index}, read back (and verified) from storage when it was recorded there.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, chunkCount())}
   * @throws CorruptResultException if the stored chunk is damaged
   */
  C chunk(int index);

  /**
   * The chunks recorded so far, in order. A view: each element is read from storage when it is
   * accessed, so iterating twice reads twice, and the chunks need not all fit in memory at once.
   */
  List<C> chunks();

  /** Records a finished chunk; it is stored (and visible to readers) when this returns. */
  void append(C chunk);

  /** Records a finished chunk, then a checkpoint of {@code state} covering it. */
  void append(C chunk, S state);

  /** Records a checkpoint: {@code state}, valid after the chunks recorded so far. */
  void checkpoint(S state);
}
