package org.memocache.internal;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Estimates the retained heap bytes of a result, for weighing the memory tier. Exact for primitive
 * arrays and strings, a walk over at most {@value #MAX_OBJECTS} objects otherwise (fields read by
 * reflection, cached per class); objects beyond the budget are counted at the average so far.
 */
public final class SizeEstimator {
  private SizeEstimator() {}

  private static final int MAX_OBJECTS = 10_000;
  private static final int HEADER = 16;
  private static final int REF = 8;

  private static final ClassValue<Field[]> REFERENCE_FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      List<Field> out = new ArrayList<>();
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
            try {
              f.setAccessible(true);
              out.add(f);
            } catch (InaccessibleObjectException | SecurityException e) {
              // JDK internals: counted shallowly.
            }
          }
        }
      }
      return out.toArray(new Field[0]);
    }
  };

  private static final ClassValue<Long> SHALLOW = new ClassValue<>() {
    @Override
    protected Long computeValue(Class<?> type) {
      long size = HEADER;
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers())) {
            size += primitiveWidth(f.getType());
          }
        }
      }
      return (size + 7) & ~7L;
    }
  };

  /** Estimated bytes retained by {@code value}; at least 16. */
  public static long estimate(@Nullable Object value) {
    if (value == null) {
      return HEADER;
    }
    Class<?> type = value.getClass();
    if (type.isArray() && type.getComponentType().isPrimitive()) {
      return HEADER + (long) Array.getLength(value) * primitiveWidth(type.getComponentType());
    }
    if (value instanceof String s) {
      return HEADER + 24 + (long) s.length();
    }
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    ArrayDeque<Object> todo = new ArrayDeque<>();
    todo.add(value);
    long total = 0;
    int visited = 0;
    while (!todo.isEmpty() && visited < MAX_OBJECTS) {
      Object o = todo.poll();
      if (seen.put(o, Boolean.TRUE) != null) {
        continue;
      }
      visited++;
      Class<?> c = o.getClass();
      if (c.isArray()) {
        int n = Array.getLength(o);
        if (c.getComponentType().isPrimitive()) {
          total += HEADER + (long) n * primitiveWidth(c.getComponentType());
        } else {
          total += HEADER + (long) n * REF;
          for (Object e : (Object[]) o) {
            if (e != null) {
              todo.add(e);
            }
          }
        }
        continue;
      }
      if (o instanceof String s) {
        total += HEADER + 24 + s.length();
        continue;
      }
      total += SHALLOW.get(c);
      if (o instanceof Collection<?> col && c.getName().startsWith("java.")) {
        total += (long) col.size() * (REF + HEADER);
        for (Object e : col) {
          if (e != null) {
            todo.add(e);
          }
        }
        continue;
      }
      if (o instanceof Map<?, ?> m && c.getName().startsWith("java.")) {
        total += (long) m.size() * (3 * REF + HEADER);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (e.getKey() != null) {
            todo.add(e.getKey());
          }
          if (e.getValue() != null) {
            todo.add(e.getValue());
          }
        }
        continue;
      }
      for (Field f : REFERENCE_FIELDS.get(c)) {
        total += REF;
        try {
          Object v = f.get(o);
          if (v != null && !(v instanceof Class<?>)) {
            todo.add(v);
          }
        } catch (IllegalAccessException e) {
          // counted as a reference only
        }
      }
    }
    if (!todo.isEmpty() && visited > 0) {
      total += total / visited * todo.size();
    }
    return Math.max(HEADER, total);
  }

  private static int primitiveWidth(Class<?> c) {
    if (!c.isPrimitive()) {
      return REF;
    }
    if (c == long.class || c == double.class) {
      return 8;
    }
    if (c == int.class || c == float.class) {
      return 4;
    }
    if (c == short.class || c == char.class) {
      return 2;
    }
    return 1;
  }
}
