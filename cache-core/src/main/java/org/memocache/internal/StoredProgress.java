package org.memocache.internal;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.memocache.partial.Progress;
import org.memocache.spi.Tier;

/**
 * The {@link Progress} of one computing call: chunks and checkpoints go to the tier's partial
 * storage while it accepts them, and to memory from the first failure on (or from the start, when
 * the call has no storage: memory-only, or computing without the key's lock). Chunks stored before
 * a failure stay readable from storage.
 */
public final class StoredProgress<S, C> implements Progress<S, C> {
  private final Tier.@Nullable PartialWriter store;
  private final String describe;
  private final boolean resumed;
  private boolean writable;
  /** Chunks {@code [0, stored)} are in {@link #store}; the rest are in {@link #inMemory}. */
  private int stored;
  private final List<C> inMemory = new ArrayList<>();
  private @Nullable S state;
  private long lastMark = System.nanoTime();
  /**
   * A lock rather than a monitor: writing to storage happens under it, and a virtual thread blocked on a
   * monitor pins its carrier on JDK 21 to 23.
   */
  private final ReentrantLock lock = new ReentrantLock();

  @SuppressWarnings("unchecked")
  public StoredProgress(Tier.@Nullable PartialWriter store, String describe) {
    this.store = store;
    this.describe = describe;
    this.writable = store != null;
    this.stored = store == null ? 0 : store.chunks();
    this.state = store == null ? null : (S) store.state();
    this.resumed = stored > 0 || state != null;
  }

  /** A Progress that keeps everything in memory. */
  public static <S, C> StoredProgress<S, C> inMemory(String describe) {
    return new StoredProgress<>(null, describe);
  }

  @Override
  public boolean resumed() {
    return resumed;
  }

  @Override
  public Optional<S> state() {
    lock.lock();
    try {
      return Optional.ofNullable(state);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int chunkCount() {
    lock.lock();
    try {
      return stored + inMemory.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public C chunk(int index) {
    Tier.PartialWriter s;
    lock.lock();
    try {
      Objects.checkIndex(index, stored + inMemory.size());
      if (index >= stored) {
        return inMemory.get(index - stored);
      }
      s = store;
    } finally {
      lock.unlock();
    }
    return (C) Objects.requireNonNull(s).chunk(index);
  }

  @Override
  public List<C> chunks() {
    int n = chunkCount();
    return new AbstractList<>() {
      @Override
      public C get(int index) {
        Objects.checkIndex(index, n);
        return chunk(index);
      }

      @Override
      public int size() {
        return n;
      }
    };
  }

  @Override
  public void append(C chunk) {
    lock.lock();
    try {
      Objects.requireNonNull(chunk, "chunk");
      long now = System.nanoTime();
      Duration took = Duration.ofNanos(now - lastMark);
      lastMark = now;
      int index = stored + inMemory.size();
      if (writable && inMemory.isEmpty()) {
        if (Objects.requireNonNull(store).append(index, chunk, took)) {
          stored++;
          return;
        }
        lostStorage();
      }
      inMemory.add(chunk);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void append(C chunk, S state) {
    lock.lock();
    try {
      append(chunk);
      checkpoint(state);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void checkpoint(S state) {
    lock.lock();
    try {
      Objects.requireNonNull(state, "state");
      this.state = state;
      if (writable && !Objects.requireNonNull(store).checkpoint(stored, state)) {
        lostStorage();
      }
    } finally {
      lock.unlock();
    }
  }

  private void lostStorage() {
    writable = false;
    Warnings.once("progress-lost:" + describe, () -> "MemoCache: cannot record the progress of " + describe
        + " any more; it continues in memory and a restart would resume from chunk " + stored);
  }

  /**
   * The call's result was stored: the recorded progress is no longer needed. When it could not be
   * stored everywhere, the progress is kept, so that the next call resumes from near the end.
   */
  public void finish(boolean resultStored) {
    if (resultStored && store != null) {
      store.complete();
    }
  }

  @Override
  public String toString() {
    return "Progress[" + describe + ": " + chunkCount() + " chunks" + (resumed ? ", resumed" : "")
        + (store == null ? ", in memory" : "") + "]";
  }
}
