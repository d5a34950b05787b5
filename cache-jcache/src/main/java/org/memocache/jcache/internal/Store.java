package org.memocache.jcache.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.memocache.CachedResult;
import org.memocache.EntryInfo;
import org.memocache.Memo;

/**
 * The one place that talks to MemoCache: the entries of a JCache cache named {@code c} are the
 * results of the programmatic call named {@code jcache:c}, keyed by the JCache key, each a
 * {@link Persisted} of key and value so that a later JVM can list them.
 *
 * <p>A key MemoCache cannot hash, or a value its codecs cannot store, leaves that entry in this
 * JVM only, with one warning per cache and class.
 */
final class Store {
  private static final System.Logger LOG = System.getLogger(Store.class.getName());
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Memo memo;
  private final String name;

  Store(Memo memo, String cacheName) {
    this.memo = memo;
    this.name = "jcache:" + cacheName;
  }

  /**
   * Stores {@code value} as the entry of {@code key}, replacing a stored one in one publish: another
   * process reading the key sees the previous entry or this one, and of two processes putting, the
   * later publish wins.
   */
  void put(Object key, Object value) {
    try {
      memo.method(name).put(new Persisted(key, value), key);
    } catch (RuntimeException e) {
      warn(key, "store", e);
    }
  }

  void remove(Object key) {
    try {
      memo.method(name).invalidate(key);
    } catch (RuntimeException e) {
      warn(key, "remove", e);
    }
  }

  void clear() {
    try {
      memo.method(name).clear();
    } catch (RuntimeException e) {
      warn(name, "clear", e);
    }
  }

  /** Every stored entry whose classes are admitted; walks the disk tier. */
  List<Persisted> all() {
    List<Persisted> found = new ArrayList<>();
    try {
      for (EntryInfo info : memo.method(name).entries()) {
        Optional<CachedResult<Object>> hit = memo.lookupKey(info.key());
        if (hit.isPresent() && hit.get().value() instanceof Persisted p) {
          found.add(p);
        }
      }
    } catch (RuntimeException e) {
      warn(name, "list", e);
    }
    return found;
  }

  private void warn(Object subject, String what, RuntimeException e) {
    String type = subject.getClass().getName();
    if (WARNED.add(name + ' ' + what + ' ' + type)) {
      LOG.log(Level.WARNING, "MemoCache JCache " + name + ": cannot " + what + " an entry keyed by a "
          + type + " (" + e.getMessage() + "); such entries stay in this JVM only");
    }
  }

  /** A stored entry: the key is kept with the value so that the entries can be listed. */
  record Persisted(Object key, Object value) {}
}
