package org.memocache.internal;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * Estimates the retained heap bytes of a result, for weighing the memory tier. Exact for primitive
 * arrays and strings; otherwise a walk over at most {@value #MAX_OBJECTS} objects (fields read by
 * reflection, cached per class), in which a collection, map or object array of more than
 * {@value #SAMPLE} elements stands for its elements by {@value #SAMPLE} of them, evenly spaced, each
 * counted for its share: a list of 100,000 records costs the walk of 256 of them. Objects beyond the
 * budget are counted at the average so far; enum constants are not counted. Sampling assumes the
 * elements share nothing but strings and boxes: when the walk reaches another object twice, the value
 * is walked again element by element, as an object shared by all the elements would otherwise be
 * counted once per element it stands for.
 */
public final class SizeEstimator {
  private SizeEstimator() {}

  private static final int MAX_OBJECTS = 10_000;
  /** Elements of a bigger container that stand for all of its elements. */
  private static final int SAMPLE = 256;
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

  /** Whether a collection or map of this class is the JDK's, whose elements are counted as elements. */
  private static final ClassValue<Boolean> JDK = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return type.getName().startsWith("java.");
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
    Walk sampled = new Walk(SAMPLE);
    long size = sampled.run(value);
    return sampled.sampled && sampled.shared ? new Walk(Integer.MAX_VALUE).run(value) : size;
  }

  /** One estimate's walk: objects to visit, each with the share of the value it stands for. */
  private static final class Walk {
    private final int sample;
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private final ArrayDeque<Object> todo = new ArrayDeque<>();
    /** The share of each object in {@link #todo}, in the same order. */
    private final ArrayDeque<Double> shares = new ArrayDeque<>();
    private double total;
    private double visitedShares;
    /** Whether some container was sampled. */
    boolean sampled;
    /** Whether an object was reached twice. */
    boolean shared;

    Walk(int sample) {
      this.sample = sample;
    }

    long run(Object value) {
      add(value, 1);
      int visited = 0;
      while (!todo.isEmpty() && visited < MAX_OBJECTS) {
        Object o = todo.poll();
        double share = shares.poll();
        if (seen.put(o, Boolean.TRUE) != null) {
          // A string or box met twice (a label every record holds, Integer.valueOf's cache) weighs
          // little however often it is counted.
          shared |= !(o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Character);
          continue;
        }
        visited++;
        visitedShares += share;
        total += share * visit(o, share);
      }
      if (!todo.isEmpty()) {
        double left = 0;
        for (double share : shares) {
          left += share;
        }
        total += total / visitedShares * left;
      }
      return Math.max(HEADER, Math.round(total));
    }

    /** The bytes of {@code o} itself; what it refers to is queued. */
    private long visit(Object o, double share) {
      Class<?> c = o.getClass();
      if (c.isArray()) {
        int n = Array.getLength(o);
        if (c.getComponentType().isPrimitive()) {
          return HEADER + (long) n * primitiveWidth(c.getComponentType());
        }
        elements(Arrays.asList((Object[]) o), n, share);
        return HEADER + (long) n * REF;
      }
      if (o instanceof String s) {
        return HEADER + 24 + s.length();
      }
      long shallow = SHALLOW.get(c);
      if (o instanceof Collection<?> col && JDK.get(c)) {
        elements(col, col.size(), share);
        return shallow + (long) col.size() * (REF + HEADER);
      }
      if (o instanceof Map<?, ?> m && JDK.get(c)) {
        elements(m.keySet(), m.size(), share);
        elements(m.values(), m.size(), share);
        return shallow + (long) m.size() * (3 * REF + HEADER);
      }
      long size = shallow;
      for (Field f : REFERENCE_FIELDS.get(c)) {
        size += REF;
        try {
          Object v = f.get(o);
          if (v != null && !(v instanceof Class<?>)) {
            add(v, share);
          }
        } catch (IllegalAccessException e) {
          // counted as a reference only
        }
      }
      return size;
    }

    /**
     * Queues the {@code n} elements of {@code es}; past {@link #sample} of them, the elements at
     * {@code sample} evenly spaced positions, each standing for {@code n / sample} elements (null ones
     * counting as none, as they weigh nothing).
     */
    private void elements(Collection<?> es, int n, double share) {
      if (n <= sample) {
        for (Object e : es) {
          if (e != null) {
            add(e, share);
          }
        }
        return;
      }
      sampled = true;
      double each = share * n / sample;
      if (es instanceof List<?> list && es instanceof RandomAccess) {
        for (int k = 0; k < sample; k++) {
          Object e = list.get((int) ((long) k * n / sample));
          if (e != null) {
            add(e, each);
          }
        }
        return;
      }
      int i = 0;
      int k = 0;
      for (Object e : es) {
        if (k < sample && i == (int) ((long) k * n / sample)) {
          k++;
          if (e != null) {
            add(e, each);
          }
        }
        i++;
      }
    }

    private void add(Object o, double share) {
      if (o instanceof Enum<?>) {
        return; // a constant of its class, retained by no value
      }
      todo.add(o);
      shares.add(share);
    }
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
