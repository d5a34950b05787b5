package org.memocache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * One computation in progress in this JVM. The thread that created it computes; threads asking for
 * the same key meanwhile wait on it instead of computing again.
 */
final class Flight {
  final Thread owner = Thread.currentThread();
  private final CompletableFuture<Engine.@Nullable Held> done = new CompletableFuture<>();

  /** Publishes the result, or {@code null} when the computation failed or was abandoned. */
  void complete(Engine.@Nullable Held result) {
    done.complete(result);
  }

  /** Waits for the owner; {@code null} means it failed and the waiter should try again. */
  Engine.@Nullable Held await() {
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for another thread computing the same key", e);
    } catch (ExecutionException e) {
      return null;
    }
  }
}
