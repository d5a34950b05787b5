package org.memocache.internal;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.memocache.MemoRuntime;
import org.memocache.partial.Progress;

/**
 * What {@link Progress#injected()} returns: a placeholder the woven {@code @Memoize} method
 * receives, bound by {@link MemoRuntime#enter} to the call's {@link StoredProgress} before the body
 * runs and unbound when the call completes. Unbound (no weaving, or a call that is not memoized),
 * it keeps progress in memory.
 */
public final class InjectedProgress<S, C> implements Progress<S, C> {
  private volatile @Nullable Progress<S, C> bound;
  private @Nullable Progress<S, C> local;

  @SuppressWarnings("unchecked")
  public void bind(Progress<?, ?> progress) {
    bound = (Progress<S, C>) progress;
  }

  public void unbind() {
    bound = null;
  }

  private Progress<S, C> target() {
    Progress<S, C> p = bound;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (local == null) {
        local = StoredProgress.inMemory("an unmemoized call");
      }
      return local;
    }
  }

  @Override
  public boolean resumed() {
    return target().resumed();
  }

  @Override
  public Optional<S> state() {
    return target().state();
  }

  @Override
  public int chunkCount() {
    return target().chunkCount();
  }

  @Override
  public C chunk(int index) {
    return target().chunk(index);
  }

  @Override
  public List<C> chunks() {
    return target().chunks();
  }

  @Override
  public void append(C chunk) {
    target().append(chunk);
  }

  @Override
  public void append(C chunk, S state) {
    target().append(chunk, state);
  }

  @Override
  public void checkpoint(S state) {
    target().checkpoint(state);
  }

  @Override
  public String toString() {
    Progress<S, C> p = bound;
    return p != null ? p.toString() : "Progress.injected() (not bound)";
  }
}
