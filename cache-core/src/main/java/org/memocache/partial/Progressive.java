package org.memocache.partial;

import org.memocache.Memo;

/**
 * A computation that records its progress, for {@link Memo#progressive}.
 *
 * @param <S> the type of the checkpointed state
 * @param <C> the type of a result chunk
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface Progressive<S, C, R> {

  /** Computes the result, resuming from and recording into {@code progress}. */
  R compute(Progress<S, C> progress);
}
