package org.memocache.internal.codec;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ClassShape;

/**
 * Shape fingerprints of result classes: a 64-bit hash of what {@link KryoCodec} writes of a class,
 * computed from the live class, so that a value stored under one definition of a class is never
 * decoded into another (Kryo matches record components and fields by position, not by name).
 *
 * <p>The shape of a record is its components (names and generic types, in declaration order); of
 * a plain class, the fields Kryo's field serializer writes (declaring class, name, generic type, in
 * the order it writes them, superclasses included); of a class Kryo writes with another serializer,
 * that serializer's class. Field and component types are followed recursively (values of a final
 * field type are written without their class name, so their shape must be part of the outer one).
 * Platform classes ({@code java.*}, {@code jdk.*}...) and primitives are identified by name only and
 * have no shape ({@link #NONE}); an enum's shape is its serializer (constants are written by name, so
 * adding one changes nothing). Arrays have the shape of their element class. Computed once per class.
 */
public final class Shapes {
  private Shapes() {}

  /** The shape of a class identified by its name alone. */
  public static final long NONE = 0L;

  /** Upper bound of classes followed from one class. */
  private static final int MAX_CLASSES = 2_000;

  /**
   * A Kryo configured as the codec's, asked only which serializer it would use for a class (without
   * registering it, so no class is retained). Created on first use: results of JDK types never load
   * Kryo.
   */
  private static final class Serializers {
    static final Kryo KRYO;

    static {
      KryoUnsafe.avoid();
      KRYO = KryoPool.configure(new Kryo(new DefaultClassResolver(), new MapReferenceResolver()));
    }
  }

  /** A class's own part: its description and the classes its fields refer to. */
  private record Own(String text, List<Class<?>> refs) {}

  private static final ClassValue<Own> OWN = new ClassValue<>() {
    @Override
    protected Own computeValue(Class<?> type) {
      return own(type);
    }
  };

  private static final ClassValue<Long> SHAPE = new ClassValue<>() {
    @Override
    protected Long computeValue(Class<?> type) {
      return shape(type);
    }
  };

  /** The shape of {@code c}: {@link #NONE} for classes identified by name alone. */
  public static long of(Class<?> c) {
    return SHAPE.get(c);
  }

  /**
   * The shape of a declared type: of its class, its type arguments, array element types and
   * bounds; {@link #NONE} when every part is identified by name alone (so, for example,
   * {@code double[]} and {@code Map<String, List<Integer>>} have none).
   */
  public static long ofType(@Nullable Type type) {
    if (type == null) {
      return NONE;
    }
    Set<Class<?>> classes = new HashSet<>();
    collect(type, classes, new HashSet<>(), 0);
    return hash(list(classes));
  }

  /** The shapes of {@code classes} that have one, sorted by class name, arrays as their element class. */
  public static List<ClassShape> list(Collection<Class<?>> classes) {
    Map<String, ClassShape> byName = new TreeMap<>();
    for (Class<?> c : classes) {
      Class<?> e = element(c);
      long s = of(e);
      if (s != NONE) {
        byName.put(e.getName(), new ClassShape(e.getName(), s));
      }
    }
    return List.copyOf(byName.values());
  }

  /** One hash of a {@link #list}: {@link #NONE} for an empty list. */
  public static long hash(List<ClassShape> shapes) {
    if (shapes.isEmpty()) {
      return NONE;
    }
    HashStream64 h = Hashing.xxh3_64().hashStream();
    h.putInt(shapes.size());
    for (ClassShape s : shapes) {
      h.putString(s.className()).putLong(s.hash());
    }
    long v = h.getAsLong();
    return v == NONE ? 1 : v;
  }

  /**
   * The first of {@code stored} whose live class has another shape, or is missing, in this process;
   * {@code null} when all match. Classes {@code filter} does not admit are not looked up (decoding
   * refuses them anyway), so no class outside the allow-list is ever loaded.
   */
  public static @Nullable String mismatch(List<ClassShape> stored, ClassFilter filter) {
    for (ClassShape s : stored) {
      if (!AllowLists.admits(filter, s.className())) {
        continue;
      }
      Class<?> live = load(s.className());
      if (live == null) {
        return s.className() + " (missing)";
      }
      if (of(live) != s.hash()) {
        return s.className();
      }
    }
    return null;
  }

  /** {@code className} through the thread's context loader, else this library's; {@code null} when neither has it. */
  static @Nullable Class<?> load(String className) {
    ClassLoader[] loaders = {Thread.currentThread().getContextClassLoader(), Shapes.class.getClassLoader()};
    for (ClassLoader l : loaders) {
      if (l == null) {
        continue;
      }
      try {
        return Class.forName(className, false, l);
      } catch (ClassNotFoundException | LinkageError e) {
        // try the next loader
      }
    }
    return null;
  }

  // ---- computing ----

  private static void collect(Type t, Set<Class<?>> out, Set<TypeVariable<?>> seen, int depth) {
    if (depth > 32) {
      return;
    }
    if (t instanceof Class<?> c) {
      out.add(element(c));
    } else if (t instanceof ParameterizedType p) {
      collect(p.getRawType(), out, seen, depth + 1);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, out, seen, depth + 1);
      }
    } else if (t instanceof GenericArrayType g) {
      collect(g.getGenericComponentType(), out, seen, depth + 1);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(b, out, seen, depth + 1);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, out, seen, depth + 1);
      }
    } else if (t instanceof TypeVariable<?> v && seen.add(v)) {
      for (Type b : v.getBounds()) {
        collect(b, out, seen, depth + 1);
      }
    }
  }

  private static Class<?> element(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    return c;
  }

  /** Whether {@code c} (not an array) is identified by its name alone. */
  private static boolean nameOnly(Class<?> c) {
    return c.isPrimitive() || JdkValueTypes.isPlatform(c.getName());
  }

  private static long shape(Class<?> type) {
    Class<?> root = element(type);
    if (root != type) {
      return of(root);
    }
    if (nameOnly(root)) {
      return NONE;
    }
    // Every class reachable through fields, each described on its own: cycles are harmless.
    Map<String, String> described = new TreeMap<>();
    Deque<Class<?>> todo = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    todo.add(root);
    seen.add(root);
    while (!todo.isEmpty() && seen.size() <= MAX_CLASSES) {
      Class<?> c = todo.poll();
      Own own = OWN.get(c);
      described.put(c.getName(), own.text());
      for (Class<?> r : own.refs()) {
        Class<?> e = element(r);
        if (!nameOnly(e) && seen.add(e)) {
          todo.add(e);
        }
      }
    }
    HashStream64 h = Hashing.xxh3_64().hashStream();
    described.forEach((name, text) -> h.putString(name).putString(text));
    long v = h.getAsLong();
    return v == NONE ? 1 : v;
  }

  private static Own own(Class<?> c) {
    StringBuilder sb = new StringBuilder();
    List<Class<?>> refs = new ArrayList<>();
    try {
      if (c.isInterface()) {
        sb.append("interface");
      } else if (c.isRecord()) {
        sb.append("record");
        for (RecordComponent rc : c.getRecordComponents()) {
          sb.append(' ').append(rc.getName()).append(':').append(rc.getGenericType().getTypeName());
          refs.add(rc.getType());
        }
      } else {
        Serializer<?> s;
        synchronized (Serializers.KRYO) {
          s = Serializers.KRYO.getDefaultSerializer(c);
        }
        if (s instanceof FieldSerializer<?> fs) {
          sb.append("fields");
          FieldSerializer.CachedField[] fields = fs.getFields();
          for (FieldSerializer.CachedField f : fields) {
            Field field = f.getField();
            sb.append(' ').append(field.getDeclaringClass().getName()).append('.').append(field.getName()).append(':')
                .append(field.getGenericType().getTypeName());
            refs.add(field.getType());
          }
        } else {
          sb.append("serializer ").append(s.getClass().getName());
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // A class whose fields cannot be resolved here; Kryo could not write or read it either.
      sb.setLength(0);
      sb.append("unresolvable ").append(e.getClass().getName());
      refs.clear();
    }
    refs.sort(Comparator.comparing(Class::getName));
    return new Own(sb.toString(), List.copyOf(refs));
  }
}
