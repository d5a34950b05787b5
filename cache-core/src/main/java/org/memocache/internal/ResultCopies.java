package org.memocache.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.codec.KryoCodec;

/**
 * Keeps the memory tier's results apart from what callers hold: a caller may mutate the array,
 * list or object it got without changing what later hits return.
 *
 * <p>A value that is immutable all the way down (strings, boxes, enums, {@code java.time} values,
 * records of such, {@code List.of} of such, ...) is shared as it is. Otherwise the memory tier keeps
 * a private copy, and every hit hands out a fresh copy: primitive arrays are cloned, object arrays,
 * JDK lists, sets, maps and records are rebuilt around copies of their elements, and any other
 * object (a matrix class of a library, say) is copied by Kryo's deep copy, or, where a serializer
 * cannot copy, by an encode and decode round trip.
 */
public final class ResultCopies {
  private ResultCopies() {}

  /** Deeper values are treated as mutable: copied rather than proven immutable. */
  private static final int MAX_DEPTH = 64;
  private static final KryoCodec KRYO = new KryoCodec();

  private enum Kind {
    /** Immutable whatever it holds. */
    VALUE,
    PRIMITIVE_ARRAY,
    OBJECT_ARRAY,
    RECORD,
    /** An unmodifiable JDK list, set or map: immutable when its elements are. */
    UNMODIFIABLE,
    /** A modifiable JDK list, set or map. */
    CONTAINER,
    OPTIONAL,
    /** Anything else: assumed mutable, copied by Kryo. */
    OBJECT
  }

  private static final Set<Class<?>> VALUES = Set.of(String.class, Boolean.class, Byte.class, Short.class,
      Character.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
      UUID.class, URI.class, Locale.class, Pattern.class, Class.class, OptionalInt.class, OptionalLong.class,
      OptionalDouble.class);

  private static final ClassValue<Kind> KINDS = new ClassValue<>() {
    @Override
    protected Kind computeValue(Class<?> type) {
      return classify(type);
    }
  };

  /** A record class's accessors and canonical constructor, looked up once. */
  private record RecordPlan(Method[] accessors, boolean[] primitive,
      @Nullable Constructor<?> constructor, @Nullable RuntimeException problem) {}

  private static final ClassValue<RecordPlan> RECORDS = new ClassValue<>() {
    @Override
    protected RecordPlan computeValue(Class<?> type) {
      RecordComponent[] cs = type.getRecordComponents();
      Method[] accessors = new Method[cs.length];
      boolean[] primitive = new boolean[cs.length];
      Class<?>[] types = new Class<?>[cs.length];
      try {
        for (int i = 0; i < cs.length; i++) {
          accessors[i] = cs[i].getAccessor();
          accessors[i].setAccessible(true);
          primitive[i] = cs[i].getType().isPrimitive();
          types[i] = cs[i].getType();
        }
      } catch (RuntimeException e) {
        // An encapsulated module: its records are copied by Kryo.
        return new RecordPlan(accessors, primitive, null, e);
      }
      Constructor<?> ctor;
      try {
        ctor = type.getDeclaredConstructor(types);
        ctor.setAccessible(true);
      } catch (ReflectiveOperationException | RuntimeException e) {
        ctor = null;
      }
      return new RecordPlan(accessors, primitive, ctor, null);
    }
  };

  private static Kind classify(Class<?> type) {
    if (VALUES.contains(type) || type.isEnum() || Enum.class.isAssignableFrom(type)
        || type.getName().startsWith("java.time.") || (Path.class.isAssignableFrom(type) && isJdk(type))
        || Future.class.isAssignableFrom(type)) {
      // A future is handed out as it is: sharing the one computation is its purpose.
      return Kind.VALUE;
    }
    if (type.isArray()) {
      return type.getComponentType().isPrimitive() ? Kind.PRIMITIVE_ARRAY : Kind.OBJECT_ARRAY;
    }
    if (type.isRecord()) {
      return Kind.RECORD;
    }
    if (type == Optional.class) {
      return Kind.OPTIONAL;
    }
    String name = type.getName();
    if ((Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type))
        && (name.startsWith("java.util.ImmutableCollections$") || name.startsWith("java.util.Collections$Unmodifiable")
        || name.startsWith("java.util.Collections$Empty") || name.startsWith("java.util.Collections$Singleton"))) {
      return Kind.UNMODIFIABLE;
    }
    if (type == ArrayList.class || type == LinkedList.class || type == ArrayDeque.class || type == HashMap.class
        || type == LinkedHashMap.class || type == TreeMap.class || type == HashSet.class
        || type == LinkedHashSet.class || type == TreeSet.class || type == ConcurrentHashMap.class) {
      return Kind.CONTAINER;
    }
    return Kind.OBJECT;
  }

  private static boolean isJdk(Class<?> type) {
    String n = type.getName();
    return n.startsWith("java.") || n.startsWith("sun.") || n.startsWith("jdk.");
  }

  /** Whether {@code value} can be handed to every caller as it is: nothing in it can change. */
  public static boolean immutable(@Nullable Object value) {
    return immutable(value, 0);
  }

  private static boolean immutable(@Nullable Object v, int depth) {
    if (v == null) {
      return true;
    }
    if (depth > MAX_DEPTH) {
      return false;
    }
    switch (KINDS.get(v.getClass())) {
      case VALUE:
        return true;
      case RECORD: {
        RecordPlan plan = RECORDS.get(v.getClass());
        if (plan.problem() != null) {
          return false;
        }
        for (int i = 0; i < plan.accessors().length; i++) {
          if (!plan.primitive()[i] && !immutable(component(v, plan.accessors()[i]), depth + 1)) {
            return false;
          }
        }
        return true;
      }
      case OPTIONAL:
        return immutable(((Optional<?>) v).orElse(null), depth + 1);
      case UNMODIFIABLE:
        if (v instanceof Map<?, ?> m) {
          for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!immutable(e.getKey(), depth + 1) || !immutable(e.getValue(), depth + 1)) {
              return false;
            }
          }
          return true;
        }
        for (Object e : (Collection<?>) v) {
          if (!immutable(e, depth + 1)) {
            return false;
          }
        }
        // Collections.unmodifiable* views a collection its creator may still change.
        return v.getClass().getName().startsWith("java.util.ImmutableCollections$")
            || v.getClass().getName().startsWith("java.util.Collections$Empty")
            || v.getClass().getName().startsWith("java.util.Collections$Singleton");
      default:
        return false;
    }
  }

  /**
   * Whether {@link #copy} of {@code value} would use Kryo for some part of it: an object of a class
   * that is not a JDK container, array, record or value (a library's matrix, say), or a record it
   * cannot rebuild. A fresh JVM's first Kryo copy loads some 170 classes (40-60 ms).
   */
  public static boolean copiedByKryo(@Nullable Object value) {
    return copiedByKryo(value, 0);
  }

  private static boolean copiedByKryo(@Nullable Object v, int depth) {
    if (v == null) {
      return false;
    }
    if (depth > MAX_DEPTH) {
      return true;
    }
    switch (KINDS.get(v.getClass())) {
      case VALUE:
      case PRIMITIVE_ARRAY:
        return false;
      case OBJECT_ARRAY:
        return anyCopiedByKryo(Arrays.asList((@Nullable Object[]) v), depth);
      case RECORD: {
        if (immutable(v, depth)) {
          return false;
        }
        RecordPlan plan = RECORDS.get(v.getClass());
        if (plan.constructor() == null) {
          return true;
        }
        for (int i = 0; i < plan.accessors().length; i++) {
          if (!plan.primitive()[i] && copiedByKryo(component(v, plan.accessors()[i]), depth + 1)) {
            return true;
          }
        }
        return false;
      }
      case OPTIONAL:
        return copiedByKryo(((Optional<?>) v).orElse(null), depth + 1);
      case UNMODIFIABLE:
      case CONTAINER:
        if (v instanceof Map<?, ?> m) {
          return anyCopiedByKryo(m.keySet(), depth) || anyCopiedByKryo(m.values(), depth);
        }
        return anyCopiedByKryo((Collection<?>) v, depth);
      default:
        return true;
    }
  }

  private static boolean anyCopiedByKryo(Collection<?> values, int depth) {
    for (Object e : values) {
      if (copiedByKryo(e, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A deep copy of {@code value} that shares nothing mutable with it (immutable parts are shared).
   *
   * @throws IllegalStateException saying what stops the copy when the value cannot be copied
   */
  public static @Nullable Object copy(@Nullable Object value) {
    return copy(value, 0);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static @Nullable Object copy(@Nullable Object v, int depth) {
    if (v == null) {
      return null;
    }
    Class<?> type = v.getClass();
    Kind kind = depth > MAX_DEPTH ? Kind.OBJECT : KINDS.get(type);
    switch (kind) {
      case VALUE:
        return v;
      case PRIMITIVE_ARRAY:
        return primitiveClone(v);
      case OBJECT_ARRAY: {
        @Nullable Object[] a = ((@Nullable Object[]) v).clone();
        for (int i = 0; i < a.length; i++) {
          a[i] = copy(a[i], depth + 1);
        }
        return a;
      }
      case RECORD:
        return immutable(v, depth) ? v : copyRecord(v, depth);
      case OPTIONAL:
        return ((Optional<?>) v).map(x -> copy(x, depth + 1));
      case UNMODIFIABLE:
        if (immutable(v, depth)) {
          return v;
        }
        if (v instanceof Map<?, ?> m) {
          return Collections.unmodifiableMap((Map<?, ?>) copyMap(m, new LinkedHashMap<>(), depth));
        }
        if (v instanceof Set<?> s) {
          return Collections.unmodifiableSet((Set<?>) copyInto(s, new LinkedHashSet<>(), depth));
        }
        return Collections.unmodifiableList((List<?>) copyInto((Collection<?>) v, new ArrayList<>(), depth));
      case CONTAINER:
        if (v instanceof TreeMap<?, ?> t) {
          return copyMap(t, new TreeMap(t.comparator()), depth);
        }
        if (v instanceof TreeSet<?> t) {
          return copyInto(t, new TreeSet(t.comparator()), depth);
        }
        if (v instanceof Map<?, ?> m) {
          return copyMap(m, (Map<Object, Object>) newInstance(type), depth);
        }
        return copyInto((Collection<?>) v, (Collection<Object>) newInstance(type), depth);
      default:
        return kryoCopy(v);
    }
  }

  private static Object primitiveClone(Object v) {
    if (v instanceof double[] a) {
      return a.clone();
    } else if (v instanceof int[] a) {
      return a.clone();
    } else if (v instanceof long[] a) {
      return a.clone();
    } else if (v instanceof float[] a) {
      return a.clone();
    } else if (v instanceof byte[] a) {
      return a.clone();
    } else if (v instanceof short[] a) {
      return a.clone();
    } else if (v instanceof char[] a) {
      return a.clone();
    }
    return ((boolean[]) v).clone();
  }

  private static Collection<Object> copyInto(Collection<?> from, Collection<Object> to, int depth) {
    for (Object e : from) {
      to.add(copy(e, depth + 1));
    }
    return to;
  }

  private static Map<Object, Object> copyMap(Map<?, ?> from, Map<Object, Object> to, int depth) {
    for (Map.Entry<?, ?> e : from.entrySet()) {
      to.put(copy(e.getKey(), depth + 1), copy(e.getValue(), depth + 1));
    }
    return to;
  }

  private static Object newInstance(Class<?> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy a " + type.getName() + ": " + e, e);
    }
  }

  private static @Nullable Object copyRecord(Object v, int depth) {
    RecordPlan plan = RECORDS.get(v.getClass());
    if (plan.constructor() == null) {
      return kryoCopy(v);
    }
    @Nullable Object[] values = new @Nullable Object[plan.accessors().length];
    for (int i = 0; i < values.length; i++) {
      values[i] = copy(component(v, plan.accessors()[i]), depth + 1);
    }
    try {
      return plan.constructor().newInstance(values);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // A compact constructor that rejects its own components.
      return kryoCopy(v);
    }
  }

  private static @Nullable Object component(Object record, Method accessor) {
    try {
      return accessor.invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + record.getClass().getName() + "." + accessor.getName()
          + " to copy it: " + e, e);
    }
  }

  private static @Nullable Object kryoCopy(Object v) {
    try {
      return KRYO.copy(v);
    } catch (RuntimeException copyFailed) {
      // Some serializers cannot copy; every one can write and read.
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KRYO.encode(v, out);
        return KRYO.decode(ByteBuffer.wrap(out.toByteArray()), c -> true);
      } catch (IOException | RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        // The root cause names what stops the copy (a field of a JDK class, say), the chain only Kryo.
        throw new IllegalStateException(String.valueOf(root.getMessage()), e);
      }
    }
  }
}
