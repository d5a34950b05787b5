package org.memocache;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.MethodSpec;
import org.memocache.internal.Signatures;
import org.memocache.internal.SizeEstimator;
import org.memocache.internal.StoredProgress;
import org.memocache.internal.Warnings;

/**
 * Results that are {@link CompletionStage}s (a {@link CompletableFuture}, usually), for the
 * {@link Engine}.
 *
 * <p>When the body returns a stage, the call's flight is published with that stage at once, so
 * callers of this JVM asking for the key meanwhile get the same stage instead of waiting; the flight
 * stays registered, and the key's cross-process lock stays held, until the stage completes. Then,
 * if it completed normally, its value is stored like any result (for methods declared to return a
 * future: a later run gets an already completed future from the lower tiers) and the stage is kept
 * in memory; a failed or cancelled stage is dropped, and the next call computes again. The store
 * runs on the {@linkplain Memo.Builder#asyncExecutor async executor} unless the stage had already
 * completed when the body returned, so a thread completing the future (an event loop) never writes
 * to disk.
 */
final class FutureResults {
  private static final String COMPLETABLE = ")Ljava/util/concurrent/CompletableFuture;";
  private static final String STAGE = ")Ljava/util/concurrent/CompletionStage;";

  private final Engine engine;
  /** The async executor given, or {@code null} for the {@link DefaultExecutor}, made on first use. */
  private final @Nullable Executor executor;
  /** Completed futures whose value is being handled on the executor: {@link #awaitSettling} waits for them. */
  private final AtomicInteger settling = new AtomicInteger();

  FutureResults(Engine engine, @Nullable Executor executor) {
    this.engine = engine;
    this.executor = executor;
  }

  private Executor executor() {
    Executor e = executor;
    return e != null ? e : DefaultExecutor.get();
  }

  /** Whether a woven method is declared to return a {@code CompletableFuture} or a {@code CompletionStage}. */
  static boolean declaresFuture(MethodSpec spec) {
    String d = spec.id().descriptor();
    return d.endsWith(COMPLETABLE) || d.endsWith(STAGE);
  }

  /**
   * The body of {@code call} returned {@code stage}: shares it with this JVM's callers of the key,
   * and stores its value once it completes normally.
   */
  void complete(Engine.Pending call, CompletionStage<?> stage) {
    MethodSpec spec = call.spec;
    // Weight 0: the flight holds it, not the memory tier; the settled entry is weighed by its value.
    call.flight.complete(new Engine.Held(stage, 0, 0, Long.MAX_VALUE, engine.config().clock().instant(), false,
        spec.id(), engine.config()));
    Thread registering = Thread.currentThread();
    boolean[] registered = new boolean[1];
    stage.whenComplete((value, thrown) -> {
      if (Thread.currentThread() == registering && !registered[0]) {
        // Completed before the body returned: this is the computing thread, which may store.
        settle(call, stage, value, thrown);
        return;
      }
      settling.incrementAndGet();
      try {
        executor().execute(() -> {
          try {
            settle(call, stage, value, thrown);
          } finally {
            settling.decrementAndGet();
          }
        });
      } catch (RejectedExecutionException e) {
        try {
          settle(call, stage, value, thrown);
        } finally {
          settling.decrementAndGet();
        }
      }
    });
    registered[0] = true;
  }

  /** The stage completed: store and keep its value, or drop it; then release the key. */
  private void settle(Engine.Pending call, CompletionStage<?> stage, @Nullable Object value,
      @Nullable Throwable thrown) {
    MethodSpec spec = call.spec;
    boolean stored = false;
    try {
      if (thrown != null) {
        engine.countLoadFailure();
        String state = cause(thrown) instanceof CancellationException ? "was cancelled" : "failed";
        Warnings.once("future:" + spec.id() + ":" + state, () -> "MemoCache: not caching a result of "
            + Signatures.of(spec.id()) + ": the " + stage.getClass().getSimpleName() + " it returned " + state);
        return;
      }
      long nanos = System.nanoTime() - call.startNanos;
      engine.countLoad(nanos);
      Instant created = engine.config().clock().instant();
      if (call.key != null) {
        if (call.futureResult) {
          stored = engine.store(call, value, Duration.ofNanos(nanos), created);
        } else {
          Warnings.once("future-lower:" + spec.id(), () -> "MemoCache: " + spec.id().name() + " is a Memo.call whose"
              + " result is a " + stage.getClass().getSimpleName() + ": its value is kept in memory only, since a"
              + " later run could not tell that it must return a future; use Memo.callAsync to store it");
        }
      }
      if (spec.memory()) {
        engine.keep(call, engine.held(spec, stage, nanos, created, false, SizeEstimator.estimate(value)));
      }
    } catch (RuntimeException | Error e) {
      Warnings.once("future-store:" + spec.id(), () -> "MemoCache: storing the value of a future returned by "
          + spec.id().name() + " failed; the future is still returned: " + e, e);
    } finally {
      StoredProgress<?, ?> progress = call.progress;
      if (progress != null) {
        progress.finish(stored);
      }
      engine.release(call);
    }
  }

  /**
   * Waits (at most {@code max}) until the values of futures that have completed are stored, so that
   * closing the Memo right after a future completed does not lose its value. Running futures are
   * not waited for.
   */
  void awaitSettling(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (settling.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Throwable cause(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /**
   * {@link Memo#callAsync}: a memory hit or a stage already shared by this JVM is returned on the
   * calling thread; the disk read, the lock wait and the body run on the async executor.
   */
  <T> CompletableFuture<T> call(MethodSpec spec, @Nullable Object[] args,
      Supplier<? extends CompletionStage<T>> compute) {
    Object k1 = engine.memoryKey(spec, null, args);
    Engine.Held h = engine.inMemory(spec, k1);
    if (h != null) {
      return of(h.value());
    }
    Flight running = engine.flight(k1);
    if (running != null) {
      return running.whenDone().handle((held, thrown) -> {
        if (thrown != null) {
          return CompletableFuture.<T>failedFuture(cause(thrown));
        }
        return held != null ? FutureResults.<T>of(held.value()) : call(spec, args, compute);
      }).thenCompose(f -> f);
    }
    CompletableFuture<CompletableFuture<T>> started;
    try {
      started = CompletableFuture.supplyAsync(() -> compute(spec, args, compute), executor());
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
    return started.thenCompose(f -> f);
  }

  /** On the async executor: the whole call, whose body returns a stage rather than a value. */
  private <T> CompletableFuture<T> compute(MethodSpec spec, @Nullable Object[] args,
      Supplier<? extends CompletionStage<T>> compute) {
    MemoRuntime.Call started;
    try {
      started = engine.begin(spec, null, args, true);
    } catch (Engine.FailedElsewhere e) {
      return CompletableFuture.failedFuture(e.getCause());
    }
    if (started == Engine.DIRECT) {
      return of(stageOf(spec, compute));
    }
    if (!(started instanceof Engine.Pending call)) {
      return of(started.value());
    }
    CompletionStage<T> stage;
    try {
      stage = stageOf(spec, compute);
    } catch (Throwable t) {
      engine.fail(call, t);
      throw t;
    }
    engine.complete(call, stage);
    return of(stage);
  }

  private static <T> CompletionStage<T> stageOf(MethodSpec spec, Supplier<? extends CompletionStage<T>> compute) {
    CompletionStage<T> stage = compute.get();
    if (stage == null) {
      throw new NullPointerException("Memo.callAsync(\"" + spec.id().name() + "\"): the supplier returned null"
          + " instead of a CompletionStage");
    }
    return stage;
  }

  /** A value as the future callers get: the shared stage itself, or a completed future of a plain value. */
  @SuppressWarnings("unchecked")
  static <T> CompletableFuture<T> of(@Nullable Object value) {
    if (value instanceof CompletableFuture<?> f) {
      return (CompletableFuture<T>) f;
    }
    if (value instanceof CompletionStage<?> s) {
      return (CompletableFuture<T>) s.toCompletableFuture();
    }
    return CompletableFuture.completedFuture((T) value);
  }

  /**
   * The default async executor: a virtual thread per task where the JDK has them (21+), else daemon
   * threads made on demand that end after 30 idle seconds. Unbounded in both cases: a task may wait
   * for another process holding the key's lock, and a bounded pool of such waits would hold up
   * every other disk read behind them.
   */
  static final class DefaultExecutor {
    private DefaultExecutor() {}

    private static final Executor INSTANCE = create();

    static Executor get() {
      return INSTANCE;
    }

    private static Executor create() {
      try {
        return (ExecutorService) java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
            .invoke(null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new java.util.concurrent.SynchronousQueue<>(), r -> {
              Thread t = new Thread(r, "memocache-async-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
        return pool;
      }
    }
  }
}
