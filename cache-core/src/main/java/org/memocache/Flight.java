package org.memocache;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One computation in progress in this JVM. The thread that created it computes; threads asking for
 * the same key meanwhile wait on it instead of computing again.
 */
final class Flight {
  final Thread owner = Thread.currentThread();
  private final CompletableFuture<Engine.@Nullable Held> done = new CompletableFuture<>();
  /** When a waiter last reported waiting (nanoTime), so that thousands of waiters log one line. */
  private final java.util.concurrent.atomic.AtomicLong reported = new java.util.concurrent.atomic.AtomicLong();
  private final long created = System.nanoTime();

  /** Whether the calling waiter reports at {@code now}: no other did within {@code every} nanos. */
  boolean report(long now, long every) {
    long last = reported.get();
    return (last == 0 ? now - created >= 0 : now - last >= every) && reported.compareAndSet(last, now);
  }

  /** Publishes the result, or {@code null} when the computation was abandoned (waiters try again). */
  void complete(Engine.@Nullable Held result) {
    done.complete(result);
  }

  /** The computation threw {@code thrown}: waiters throw it too instead of computing again. */
  void fail(Throwable thrown) {
    done.completeExceptionally(thrown);
  }

  /** Whether the result is published: a waiter gets it without waiting (an owner's call is not recursive). */
  boolean isDone() {
    return done.isDone();
  }

  /**
   * The result, for a caller that must not block: completes as {@link #await} returns, or
   * exceptionally with what the owner's computation threw.
   */
  CompletableFuture<Engine.@Nullable Held> whenDone() {
    return done.copy();
  }

  /**
   * Waits for the owner at most {@code nanos}; {@code null} means it was abandoned and the waiter
   * should try again.
   *
   * @throws TimeoutException when the owner is still computing after {@code nanos}
   * @throws Engine.FailedElsewhere when the owner's computation threw
   */
  Engine.@Nullable Held await(long nanos) throws TimeoutException {
    try {
      return done.get(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for another thread computing the same key", e);
    } catch (ExecutionException e) {
      throw new Engine.FailedElsewhere(Objects.requireNonNull(e.getCause(), "cause"));
    }
  }
}
