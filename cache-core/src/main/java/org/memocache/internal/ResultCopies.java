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
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
import org.memocache.internal.codec.FieldsCopier;
import org.memocache.internal.codec.JdkCollections;
import org.memocache.internal.codec.KryoCodec;

/**
 * Keeps the memory tier's results apart from what callers hold: a caller may mutate the array,
 * list or object it got without changing what later hits return.
 *
 * <p>A value that is immutable all the way down (strings, boxes, enums, {@code java.time} values,
 * records of such, {@code List.of} of such, ...) is shared as it is. Otherwise the memory tier keeps
 * a private copy, and every hit hands out a fresh copy: primitive arrays are cloned, object arrays,
 * JDK lists, sets, maps and records are rebuilt around copies of their elements (the immutable ones
 * through the factory that made them, as the {@code fields} codec reads them), and an object of
 * a plain class (a matrix class of a library, say) is copied as the {@code fields} codec would
 * store and read it ({@link FieldsCopier}): created as its decoder creates it, then field by field,
 * its references copied the same way, transient fields left as created. Inside such an object's
 * graph an object or array reached twice is copied once, and a cycle is copied as a cycle (a
 * record on it, once per way back to it: it cannot be created before what it holds). An object of a
 * class that codec leaves to Kryo, and a plain object whose graph holds one (or a mutable map key or
 * set element, or nests deeper than {@value #MAX_DEPTH}), is copied by Kryo's deep copy, or, where a
 * serializer cannot copy, by a Kryo encode and decode round trip.
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
    /** Anything else: assumed mutable, copied field by field or by Kryo. */
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
        || type == LinkedHashSet.class || type == TreeSet.class || type == ConcurrentHashMap.class
        || type == EnumMap.class || EnumSet.class.isAssignableFrom(type)) {
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
   * the {@code fields} codec does not copy field by field (a collection of a library, a platform
   * class, a class with a {@code readResolve}, ...), or a graph of plain objects that holds one, a
   * map key or set element that can change, or nests deeper than {@value #MAX_DEPTH}; or a record it
   * cannot rebuild. A fresh JVM's first Kryo copy loads some 170 classes (40-60 ms). A constructor
   * that throws is only found by copying.
   */
  public static boolean copiedByKryo(@Nullable Object value) {
    if (value == null) {
      return false;
    }
    Kind kind = KINDS.get(value.getClass());
    return kind != Kind.VALUE && kind != Kind.PRIMITIVE_ARRAY && new Copying().needsKryo(value, 0);
  }

  /**
   * A deep copy of {@code value} that shares nothing mutable with it (immutable parts are shared).
   *
   * @throws IllegalStateException saying what stops the copy when the value cannot be copied
   */
  public static @Nullable Object copy(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    // The common results need no state for sharing and cycles: only a plain object's graph does.
    Kind kind = KINDS.get(value.getClass());
    if (kind == Kind.VALUE) {
      return value;
    }
    if (kind == Kind.PRIMITIVE_ARRAY) {
      return primitiveClone(value);
    }
    return new Copying().copy(value, 0);
  }

  /** Thrown inside a plain object's graph for a part only Kryo copies: Kryo copies the whole graph. */
  private static final class NeedsKryo extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedsKryo() {
      super(null, null, false, false);
    }
  }

  private static final NeedsKryo NEEDS_KRYO = new NeedsKryo();

  /**
   * One {@link #copy} (or one {@link #copiedByKryo} walk). Inside the graph of a plain object, each
   * object and array copied is remembered by identity until the call ends, so an object reached
   * twice is copied once and a cycle ends where it began, as the {@code fields} codec's graph does.
   * Outside such graphs (a record of arrays, a list of records) nothing is remembered, and a value
   * without plain objects costs no more than this one object. Whatever inside a plain object's graph
   * only Kryo copies makes Kryo copy the outermost such object whole: what was copied of it is
   * forgotten first, never handed out partly filled.
   */
  private static final class Copying implements FieldsCopier.References {
    /** Pairs looked up by a scan of {@link #pairs}; beyond them, through {@link #index}. */
    private static final int LINEAR = 8;
    private static final @Nullable Object[] NO_PAIRS = {};

    /** Originals and their copies, alternately, in the order remembered: also the log that {@link #forget} undoes. */
    private @Nullable Object[] pairs = NO_PAIRS;
    private int size;
    private @Nullable IdentityHashMap<Object, Object> index;
    /** How many plain objects are being copied (or walked), one inside another's graph. */
    private int plain;
    /** The depth of the fields of the plain object being copied. */
    private int fieldDepth;

    private @Nullable Object seen(Object original) {
      IdentityHashMap<Object, Object> i = index;
      if (i != null) {
        return i.get(original);
      }
      for (int k = 0; k < 2 * size; k += 2) {
        if (pairs[k] == original) {
          return pairs[k + 1];
        }
      }
      return null;
    }

    private void remember(Object original, Object copy) {
      if (2 * size == pairs.length) {
        pairs = Arrays.copyOf(pairs, Math.max(2 * LINEAR, 2 * pairs.length));
      }
      pairs[2 * size] = original;
      pairs[2 * size + 1] = copy;
      size++;
      IdentityHashMap<Object, Object> i = index;
      if (i != null) {
        i.put(original, copy);
      } else if (size > LINEAR) {
        i = new IdentityHashMap<>();
        for (int k = 0; k < 2 * size; k += 2) {
          i.put(Objects.requireNonNull(pairs[k]), Objects.requireNonNull(pairs[k + 1]));
        }
        index = i;
      }
    }

    /** Forgets what was remembered after the first {@code mark} pairs. */
    private void forget(int mark) {
      IdentityHashMap<Object, Object> i = index;
      for (int k = 2 * size - 2; k >= 2 * mark; k -= 2) {
        if (i != null) {
          i.remove(pairs[k]);
        }
        pairs[k] = null;
        pairs[k + 1] = null;
      }
      size = mark;
    }

    @Nullable Object copy(@Nullable Object v, int depth) {
      if (v == null) {
        return null;
      }
      if (depth > MAX_DEPTH) {
        return tooDeep(v);
      }
      Kind kind = KINDS.get(v.getClass());
      if (kind == Kind.VALUE) {
        return v;
      }
      if (size > 0) {
        Object s = seen(v);
        if (s != null) {
          return s;
        }
      }
      switch (kind) {
        case PRIMITIVE_ARRAY:
          return remembered(v, primitiveClone(v));
        case OBJECT_ARRAY: {
          @Nullable Object[] a = ((@Nullable Object[]) v).clone();
          remembered(v, a);
          if (depth < MAX_DEPTH && primitiveRows(v.getClass())) {
            copyRows(a);
          } else {
            for (int i = 0; i < a.length; i++) {
              a[i] = copy(a[i], depth + 1);
            }
          }
          return a;
        }
        case RECORD:
          return immutable(v, depth) ? v : copyRecord(v, depth);
        case OPTIONAL:
          return Optional.ofNullable(copy(((Optional<?>) v).orElse(null), depth + 1));
        case UNMODIFIABLE:
          return immutable(v, depth) ? v : copyUnmodifiable(v, depth);
        case CONTAINER:
          return copyContainer(v, depth);
        default:
          return copyPlain(v, depth);
      }
    }

    /**
     * The rows of a {@code double[][]} (or another primitive type's), as {@link #copy} would copy
     * them, without asking each row's kind: a first copy in a fresh JVM runs this loop interpreted,
     * and a matrix has thousands of rows.
     */
    private void copyRows(@Nullable Object[] rows) {
      for (int i = 0; i < rows.length; i++) {
        Object row = rows[i];
        if (row != null) {
          Object s = size > 0 ? seen(row) : null;
          rows[i] = s != null ? s : remembered(row, primitiveClone(row));
        }
      }
    }

    private @Nullable Object tooDeep(Object v) {
      if (plain > 0) {
        throw NEEDS_KRYO;
      }
      return kryoCopy(v);
    }

    /**
     * Rebuilt by the factory that made it, as the {@code fields} codec's decoder does, so a memory
     * hit is of the class a disk hit is: {@code List.of}'s, {@code Stream.toList()}'s (which admits
     * nulls), {@code Set.of}'s, {@code Map.of}'s, {@code Collections}' singletons; an unmodifiable
     * view around a copy of its contents.
     */
    private Object copyUnmodifiable(Object v, int depth) {
      Class<?> type = v.getClass();
      Object copy;
      if (type == JdkCollections.LIST12 || type == JdkCollections.LIST_N) {
        List<?> list = (List<?>) v;
        @Nullable Object[] a = new @Nullable Object[list.size()];
        for (int i = 0; i < a.length; i++) {
          a[i] = copy(list.get(i), depth + 1);
        }
        copy = JdkCollections.immutableList(a, JdkCollections.admitsNull(list));
      } else if (type == JdkCollections.SET12 || type == JdkCollections.SET_N) {
        @Nullable Object[] a = ((Set<?>) v).toArray();
        for (int i = 0; i < a.length; i++) {
          a[i] = key(a[i], depth);
        }
        copy = Set.of(a);
      } else if (type == JdkCollections.MAP1 || type == JdkCollections.MAP_N) {
        Map<?, ?> m = (Map<?, ?>) v;
        Map.Entry<?, ?>[] es = new Map.Entry<?, ?>[m.size()];
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          es[i++] = Map.entry(key(e.getKey(), depth), copy(e.getValue(), depth + 1));
        }
        copy = JdkCollections.immutableMap(es);
      } else if (type == JdkCollections.SINGLETON_LIST) {
        copy = Collections.singletonList(copy(((List<?>) v).get(0), depth + 1));
      } else if (type == JdkCollections.SINGLETON_SET) {
        copy = Collections.singleton(key(((Set<?>) v).iterator().next(), depth));
      } else if (type == JdkCollections.SINGLETON_MAP) {
        Map.Entry<?, ?> e = ((Map<?, ?>) v).entrySet().iterator().next();
        copy = Collections.singletonMap(key(e.getKey(), depth), copy(e.getValue(), depth + 1));
      } else {
        return copyView(v, depth);
      }
      // Remembered once built, as a record: made from its elements, it cannot be made before them.
      return remembered(v, copy);
    }

    /** Around a copy of the contents; the view remembered first, as what they hold may lead back to it. */
    private Object copyView(Object v, int depth) {
      if (v instanceof Map<?, ?> m) {
        Map<Object, Object> to = new LinkedHashMap<>();
        return copyMap(m, to, remembered(v, Collections.unmodifiableMap(to)), depth);
      }
      if (v instanceof Set<?> s) {
        Set<Object> to = new LinkedHashSet<>();
        return copySet(s, to, remembered(v, Collections.unmodifiableSet(to)), depth);
      }
      List<Object> to = new ArrayList<>();
      return copyInto((Collection<?>) v, to, remembered(v, Collections.unmodifiableList(to)), depth);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object copyContainer(Object v, int depth) {
      if (v instanceof EnumSet<?> e) {
        return remembered(v, e.clone()); // of enum constants, shared
      }
      if (v instanceof EnumMap<?, ?> e) {
        // Built from the map, as it knows its key type even when empty; then each value copied.
        EnumMap<?, Object> to = new EnumMap<>((EnumMap) e);
        remembered(v, to);
        for (Map.Entry<?, Object> x : to.entrySet()) {
          x.setValue(copy(x.getValue(), depth + 1));
        }
        return to;
      }
      if (v instanceof TreeMap<?, ?> t) {
        Map<Object, Object> to = new TreeMap(t.comparator());
        return copyMap(t, to, remembered(v, to), depth);
      }
      if (v instanceof TreeSet<?> t) {
        Collection<Object> to = new TreeSet(t.comparator());
        return copySet(t, to, remembered(v, to), depth);
      }
      if (v instanceof Map<?, ?> m) {
        Map<Object, Object> to = (Map<Object, Object>) newInstance(v.getClass());
        return copyMap(m, to, remembered(v, to), depth);
      }
      Class<?> type = v.getClass();
      Collection<Object> to = (Collection<Object>) newInstance(type);
      // Exact classes (CONTAINER's): cheaper to compare than a failing instanceof of an interface.
      return type == HashSet.class || type == LinkedHashSet.class
          ? copySet((Collection<?>) v, to, remembered(v, to), depth)
          : copyInto((Collection<?>) v, to, remembered(v, to), depth);
    }

    /** {@code copy}, remembered as {@code original}'s when inside a plain object's graph. */
    private Object remembered(Object original, Object copy) {
      if (plain > 0) {
        remember(original, copy);
      }
      return copy;
    }

    private Object copyInto(Collection<?> from, Collection<Object> to, Object result, int depth) {
      for (Object e : from) {
        to.add(copy(e, depth + 1));
      }
      return result;
    }

    private Object copySet(Collection<?> from, Collection<Object> to, Object result, int depth) {
      for (Object e : from) {
        to.add(key(e, depth));
      }
      return result;
    }

    private Object copyMap(Map<?, ?> from, Map<Object, Object> to, Object result, int depth) {
      for (Map.Entry<?, ?> e : from.entrySet()) {
        to.put(key(e.getKey(), depth), copy(e.getValue(), depth + 1));
      }
      return result;
    }

    /**
     * A copy of a map key or set element. Inside a plain object's graph one that can change is left
     * to Kryo, as the {@code fields} codec leaves it: its copy's hash code or order could be taken
     * while the copy is still being filled.
     */
    private @Nullable Object key(@Nullable Object k, int depth) {
      if (plain > 0 && !immutable(k, depth + 1)) {
        throw NEEDS_KRYO;
      }
      return copy(k, depth + 1);
    }

    private @Nullable Object copyRecord(Object v, int depth) {
      RecordPlan plan = RECORDS.get(v.getClass());
      if (plan.constructor() == null) {
        if (plain > 0) {
          throw NEEDS_KRYO;
        }
        return kryoCopy(v);
      }
      @Nullable Object[] values = new @Nullable Object[plan.accessors().length];
      for (int i = 0; i < values.length; i++) {
        values[i] = copy(component(v, plan.accessors()[i]), depth + 1);
      }
      Object copy;
      try {
        copy = plan.constructor().newInstance(values);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // A compact constructor that rejects its own components.
        if (plain > 0) {
          throw NEEDS_KRYO;
        }
        return kryoCopy(v);
      }
      // Remembered once built: a cycle back to it before then copies it again (records are values),
      // ending at the mutable object it passes through, which is remembered from the start.
      return remembered(v, copy);
    }

    /**
     * A plain object copied as the {@code fields} codec's decoder would rebuild it; the outermost
     * one of a graph that holds anything else copied by Kryo instead, whole.
     */
    private @Nullable Object copyPlain(Object v, int depth) {
      Class<?> type = v.getClass();
      if (!FieldsCopier.copies(type)) {
        if (plain > 0) {
          throw NEEDS_KRYO;
        }
        return kryoCopy(v);
      }
      int mark = size;
      plain++;
      try {
        Object c = FieldsCopier.newInstance(type);
        remember(v, c);
        int outer = fieldDepth;
        fieldDepth = depth + 1;
        try {
          FieldsCopier.copyFields(v, c, this);
        } finally {
          fieldDepth = outer;
        }
        return c;
      } catch (ReflectiveOperationException | RuntimeException e) {
        if (plain > 1) {
          throw NEEDS_KRYO;
        }
        forget(mark);
        return kryoCopy(v);
      } finally {
        plain--;
      }
    }

    /**
     * A field's value, copied for the plain object being copied: not a lambda, whose first linking
     * would cost a fresh JVM's first copy milliseconds.
     */
    @Override
    public @Nullable Object copy(@Nullable Object value) {
      return copy(value, fieldDepth);
    }

    /** Whether {@link #copy} of {@code v} would call Kryo, walking it as {@code copy} would. */
    boolean needsKryo(@Nullable Object v, int depth) {
      if (v == null) {
        return false;
      }
      if (depth > MAX_DEPTH) {
        return true;
      }
      Kind kind = KINDS.get(v.getClass());
      if (kind == Kind.VALUE || kind == Kind.PRIMITIVE_ARRAY) {
        return false;
      }
      if (size > 0 && seen(v) != null) {
        return false;
      }
      switch (kind) {
        case OBJECT_ARRAY:
          if (depth < MAX_DEPTH && primitiveRows(v.getClass())) {
            return false;
          }
          remembered(v, v);
          return anyNeedsKryo(Arrays.asList((@Nullable Object[]) v), false, depth);
        case RECORD: {
          if (immutable(v, depth)) {
            return false;
          }
          RecordPlan plan = RECORDS.get(v.getClass());
          if (plan.constructor() == null) {
            return true;
          }
          for (int i = 0; i < plan.accessors().length; i++) {
            if (!plan.primitive()[i] && needsKryo(component(v, plan.accessors()[i]), depth + 1)) {
              return true;
            }
          }
          remembered(v, v);
          return false;
        }
        case OPTIONAL:
          return needsKryo(((Optional<?>) v).orElse(null), depth + 1);
        case UNMODIFIABLE:
        case CONTAINER:
          if (kind == Kind.UNMODIFIABLE && immutable(v, depth)) {
            return false;
          }
          remembered(v, v);
          if (v instanceof Map<?, ?> m) {
            return anyNeedsKryo(m.keySet(), true, depth) || anyNeedsKryo(m.values(), false, depth);
          }
          return anyNeedsKryo((Collection<?>) v, v instanceof Set<?>, depth);
        default: {
          if (!FieldsCopier.copies(v.getClass())) {
            return true;
          }
          @Nullable Object[] references;
          try {
            references = FieldsCopier.references(v);
          } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
          }
          remember(v, v);
          plain++;
          try {
            return anyNeedsKryo(Arrays.asList(references), false, depth);
          } finally {
            plain--;
          }
        }
      }
    }

    private boolean anyNeedsKryo(Collection<?> values, boolean keys, int depth) {
      for (Object e : values) {
        if ((keys && plain > 0 && !immutable(e, depth + 1)) || needsKryo(e, depth + 1)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Whether {@code arrayClass}'s elements are primitive arrays ({@code double[][]}, say): exactly that class or null. */
  private static boolean primitiveRows(Class<?> arrayClass) {
    Class<?> row = arrayClass.getComponentType();
    return row.isArray() && row.getComponentType().isPrimitive();
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

  private static Object newInstance(Class<?> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy a " + type.getName() + ": " + e, e);
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
