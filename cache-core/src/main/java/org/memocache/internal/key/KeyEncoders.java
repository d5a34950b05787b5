package org.memocache.internal.key;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.KeyEncoder;

/**
 * The user's {@link KeyEncoder}s of one Memo: an encoder registered for a class also serves its
 * subclasses and implementations; the nearest registration wins. Lookups are cached per class.
 */
public final class KeyEncoders {
  /** No user encoders. */
  public static final KeyEncoders NONE = new KeyEncoders(Map.of());

  private static final KeyEncoder<Object> ABSENT = (v, s) -> {};

  private final Map<Class<?>, KeyEncoder<?>> registered;
  private final ConcurrentHashMap<Class<?>, KeyEncoder<?>> resolved = new ConcurrentHashMap<>();

  public KeyEncoders(Map<Class<?>, KeyEncoder<?>> registered) {
    this.registered = new LinkedHashMap<>(registered);
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return registered.isEmpty();
  }

  @Nullable KeyEncoder<?> find(Class<?> type) {
    if (registered.isEmpty()) {
      return null;
    }
    KeyEncoder<?> e = resolved.computeIfAbsent(type, this::resolve);
    return e == ABSENT ? null : e;
  }

  private KeyEncoder<?> resolve(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      KeyEncoder<?> e = registered.get(c);
      if (e != null) {
        return e;
      }
      for (Class<?> i : c.getInterfaces()) {
        KeyEncoder<?> ie = registered.get(i);
        if (ie != null) {
          return ie;
        }
      }
    }
    return ABSENT;
  }
}
