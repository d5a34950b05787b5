package org.memocache.internal.key;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Run-time refusal of values that cannot be part of a key. Computed once per class.
 */
final class Unhashable {
  private Unhashable() {}

  /** Supertypes whose instances are handles, not values; with the advice given to the user. */
  private static final Map<String, String> HANDLES = Map.ofEntries(
      Map.entry("java.util.stream.BaseStream", "is a stream, consumed when read: pass a List or an array"),
      Map.entry("java.util.Iterator", "is an iterator, consumed when read: pass a List"),
      Map.entry("java.util.Spliterator", "is a spliterator, consumed when read: pass a List"),
      Map.entry("java.util.Enumeration", "is an enumeration, consumed when read: pass a List"),
      Map.entry("java.io.InputStream", "is an open input stream: pass the Path it reads"),
      Map.entry("java.io.OutputStream", "is an output stream, not a value: mark it @Memoize.Ignore"),
      Map.entry("java.io.Reader", "is an open reader: pass the Path it reads"),
      Map.entry("java.io.Writer", "is a writer, not a value: mark it @Memoize.Ignore"),
      Map.entry("java.nio.channels.Channel", "is an open channel: pass the Path it reads"),
      Map.entry("java.net.Socket", "is a socket, not a value"),
      Map.entry("java.net.ServerSocket", "is a socket, not a value"),
      Map.entry("java.lang.Thread", "is a thread, not a value: mark it @Memoize.Ignore"),
      Map.entry("java.lang.ThreadLocal", "is a thread-local, not a value"),
      Map.entry("java.util.concurrent.Executor", "is an executor, not a value: mark it @Memoize.Ignore"),
      Map.entry("java.util.concurrent.Future", "is a future, not a value: pass its result"),
      Map.entry("java.util.concurrent.locks.Lock", "is a lock, not a value"),
      Map.entry("java.lang.ClassLoader", "is a class loader, not a value"),
      Map.entry("java.lang.ref.Reference", "is a reference whose target can vanish"),
      Map.entry("java.sql.Connection", "is a database connection, not a value"),
      Map.entry("java.sql.Statement", "is a database statement, not a value"),
      Map.entry("java.sql.ResultSet", "is a result set, consumed when read"));

  private static final ClassValue<String> REASONS = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> type) {
      String r = compute(type);
      return r == null ? "" : r;
    }
  };

  /** Why instances of {@code type} cannot be hashed, or {@code null} when they can. */
  static @Nullable String reason(Class<?> type) {
    String r = REASONS.get(type);
    return r.isEmpty() ? null : r;
  }

  private static @Nullable String compute(Class<?> type) {
    if (type.isHidden() || type.isSynthetic() && type.getName().contains("$$Lambda")) {
      return "is a lambda or method reference (" + type.getName()
          + "), which has no comparable state: pass a named class, or mark the parameter @Memoize.Ignore";
    }
    Deque<Class<?>> todo = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    todo.add(type);
    while (!todo.isEmpty()) {
      Class<?> c = todo.poll();
      if (!seen.add(c)) {
        continue;
      }
      String handle = HANDLES.get(c.getName());
      if (handle != null) {
        return handle + " (" + type.getName() + ")";
      }
      if (c.getSuperclass() != null) {
        todo.add(c.getSuperclass());
      }
      todo.addAll(java.util.List.of(c.getInterfaces()));
    }
    String name = type.getName();
    if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
        || name.startsWith("sun.") || name.startsWith("com.sun.")) {
      return "is a " + name + ", a JDK type with no key rule; convert it to a value"
          + " (String, number, record, collection) or register a KeyEncoder for it";
    }
    return null;
  }
}
