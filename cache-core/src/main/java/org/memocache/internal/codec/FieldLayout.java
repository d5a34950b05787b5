package org.memocache.internal.codec;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.objenesis.instantiator.ObjectInstantiator;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * How {@link FieldsCodec} writes the instances of one class, found by reflection once per class: a
 * record by its components (read through their accessors, rebuilt through its canonical
 * constructor, as Kryo's record serializer does), a plain class by its instance fields that are
 * neither static nor transient, its own first and then each superclass's, each class's sorted by
 * name (created through its no-arg constructor when it declares one, else without running any
 * constructor, as Kryo's instantiator strategy does).
 *
 * <p>Its {@link #descriptor} names every field with its generic type: written with the first instance of
 * the class, and compared with the live class's before any instance is created, so a class whose
 * fields changed since a value was stored is never filled from it.
 *
 * <p>An interface or abstract class is only named ({@link Kind#ABSTRACT}), as the component type of
 * an object array ({@code Shape[]}), its descriptor saying which of the two it is.
 *
 * <p>A class this codec leaves to Kryo has no layout ({@link #unsupported} says why): platform
 * classes, inner, local, anonymous, hidden and proxy classes,
 * collections and maps, classes with a Kryo serializer of their own ({@code KryoSerializable},
 * {@code @DefaultSerializer}), classes with a {@code readResolve} (Kryo's path honours it), classes
 * that keep their state in transient fields ({@link SerialForm}), and classes whose fields cannot be
 * made accessible.
 */
final class FieldLayout {

  /** What a class is to the codec. */
  enum Kind {
    /** {@code String}, a box or {@code Object}: named only, as the component of an object array. */
    NAMED,
    RECORD,
    PLAIN,
    ENUM,
    /** An interface or abstract class: named only, as the component of an object array. */
    ABSTRACT
  }

  private static final ClassValue<FieldLayout> LAYOUTS = new ClassValue<>() {
    @Override
    protected FieldLayout computeValue(Class<?> type) {
      return inspect(type);
    }
  };

  final Class<?> type;
  final Kind kind;
  /** Why the class is left to Kryo, or {@code null}. */
  final @Nullable String unsupported;
  /** Field and component names with their types: see {@link #describe}. */
  final String descriptor;
  /** A record's accessors, in component order. */
  final Method[] accessors;
  /** A plain class's fields, in written order. */
  final Field[] fields;
  /** A record's canonical constructor or a plain class's no-arg one; {@code null}: no constructor runs. */
  private final @Nullable Constructor<?> constructor;
  private volatile @Nullable ObjectInstantiator<?> instantiator;

  private FieldLayout(Class<?> type, Kind kind, @Nullable String unsupported, String descriptor, Method[] accessors,
      Field[] fields, @Nullable Constructor<?> constructor) {
    this.type = type;
    this.kind = kind;
    this.unsupported = unsupported;
    this.descriptor = descriptor;
    this.accessors = accessors;
    this.fields = fields;
    this.constructor = constructor;
  }

  /** The layout of {@code type}, computed once. */
  static FieldLayout of(Class<?> type) {
    return LAYOUTS.get(type);
  }

  private static FieldLayout unsupported(Class<?> type, String why) {
    return new FieldLayout(type, Kind.PLAIN, why, "", new Method[0], new Field[0], null);
  }

  /** Whether instances of {@code c} are written as a tag and their value, without fields. */
  static boolean isScalar(Class<?> c) {
    return c == String.class || c == Double.class || c == Long.class || c == Integer.class || c == Boolean.class
        || c == Float.class || c == Short.class || c == Byte.class || c == Character.class;
  }

  private static FieldLayout inspect(Class<?> c) {
    if (isScalar(c) || c == Object.class) {
      return new FieldLayout(c, Kind.NAMED, null, "", new Method[0], new Field[0], null);
    }
    if (c.isEnum()) {
      return new FieldLayout(c, Kind.ENUM, null, "enum", new Method[0], new Field[0], null);
    }
    if (!c.isArray() && !c.isPrimitive() && !c.isHidden()
        && (c.isInterface() || Modifier.isAbstract(c.getModifiers()))) {
      // Never instantiated: only an array's component, whose elements are each written as what they are.
      return new FieldLayout(c, Kind.ABSTRACT, null, c.isInterface() ? "interface" : "abstract", new Method[0],
          new Field[0], null);
    }
    if (c.isArray() || c.isPrimitive() || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
      return unsupported(c, "not a concrete class");
    }
    if (c.isHidden() || c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass() || Proxy.isProxyClass(c)
        || (c.isMemberClass() && !Modifier.isStatic(c.getModifiers()))) {
      return unsupported(c, "an inner, local, anonymous, hidden or proxy class");
    }
    try {
      for (Class<?> k = c; k != Object.class && k != Record.class; k = k.getSuperclass()) {
        String why = kryoOwn(k);
        if (why != null) {
          return unsupported(c, why);
        }
      }
      if (hasReadResolve(c)) {
        return unsupported(c, "a class with readResolve");
      }
      if (SerialForm.keepsStateInTransientFields(c)) {
        return unsupported(c, "a class keeping its state in transient fields");
      }
      String why = interfaces(c);
      if (why != null) {
        return unsupported(c, why);
      }
      return c.isRecord() ? record(c) : plain(c);
    } catch (RuntimeException | LinkageError | NoSuchMethodException e) {
      // Inaccessible (a module that does not open it) or unresolvable: Kryo's path decides.
      return unsupported(c, e.toString());
    }
  }

  /**
   * Why Kryo would write {@code k} (a class of the hierarchy) otherwise than field by field, or
   * {@code null}: a platform class, or a Kryo serializer named by an annotation.
   */
  private static @Nullable String kryoOwn(Class<?> k) {
    if (JdkValueTypes.isPlatform(k.getName())) {
      return "a platform class or a subclass of " + k.getName();
    }
    for (Annotation a : k.getDeclaredAnnotations()) {
      if (a.annotationType().getName().endsWith(".kryo.DefaultSerializer")) {
        return "has a Kryo serializer";
      }
    }
    return null;
  }

  /**
   * Whether {@code c} has a {@code readResolve()} of its own or inherited, which Kryo's path honours
   * ({@link ReadResolving}). Resolved as a call site would be, not by listing the declared methods:
   * that would load every class named in any method signature of the class and its superclasses, a
   * large part of a first hit of a library class.
   */
  private static boolean hasReadResolve(Class<?> c) {
    try {
      MethodHandles.privateLookupIn(c, MethodHandles.lookup())
          .findVirtual(c, "readResolve", MethodType.methodType(Object.class));
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    } catch (IllegalAccessException e) {
      return true; // there is one, out of reach here: Kryo's path decides
    }
  }

  private static @Nullable String interfaces(Class<?> c) {
    if (java.util.Collection.class.isAssignableFrom(c) || java.util.Map.class.isAssignableFrom(c)
        || java.util.Iterator.class.isAssignableFrom(c) || AutoCloseable.class.isAssignableFrom(c)
        || java.io.Externalizable.class.isAssignableFrom(c)) {
      return "a collection, map, iterator, resource or Externalizable";
    }
    List<Class<?>> todo = new ArrayList<>();
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      todo.addAll(Arrays.asList(k.getInterfaces()));
    }
    for (int i = 0; i < todo.size() && i < 1_000; i++) {
      Class<?> t = todo.get(i);
      if (t.getName().endsWith(".kryo.KryoSerializable")) {
        return "KryoSerializable";
      }
      todo.addAll(Arrays.asList(t.getInterfaces()));
    }
    return null;
  }

  private static FieldLayout record(Class<?> c) throws NoSuchMethodException {
    RecordComponent[] rcs = c.getRecordComponents();
    Method[] accessors = new Method[rcs.length];
    Class<?>[] types = new Class<?>[rcs.length];
    StringBuilder d = new StringBuilder("record");
    for (int i = 0; i < rcs.length; i++) {
      accessors[i] = rcs[i].getAccessor();
      accessors[i].setAccessible(true);
      types[i] = rcs[i].getType();
      d.append(i == 0 ? " " : ",").append(rcs[i].getName()).append(' ').append(rcs[i].getGenericType().getTypeName());
    }
    Constructor<?> canonical = c.getDeclaredConstructor(types);
    canonical.setAccessible(true);
    return new FieldLayout(c, Kind.RECORD, null, d.toString(), accessors, new Field[0], canonical);
  }

  private static FieldLayout plain(Class<?> c) {
    List<Field> all = new ArrayList<>();
    StringBuilder d = new StringBuilder("plain");
    for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
      List<Field> own = new ArrayList<>();
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m)) {
          continue;
        }
        if (f.isSynthetic()) {
          return unsupported(c, "a synthetic field " + f.getName());
        }
        own.add(f);
      }
      own.sort(Comparator.comparing(Field::getName));
      d.append(' ').append(k.getName()).append('{');
      for (int i = 0; i < own.size(); i++) {
        Field f = own.get(i);
        f.setAccessible(true);
        d.append(i == 0 ? "" : ",").append(f.getName()).append(' ').append(f.getGenericType().getTypeName());
      }
      d.append('}');
      all.addAll(own);
    }
    Constructor<?> noArg = null;
    try {
      noArg = c.getDeclaredConstructor();
      noArg.setAccessible(true);
    } catch (NoSuchMethodException e) {
      // Created without running a constructor: newPlain.
    }
    return new FieldLayout(c, Kind.PLAIN, null, d.toString(), new Method[0], all.toArray(new Field[0]), noArg);
  }

  /** A record built from its component values, in order. */
  Object newRecord(@Nullable Object[] components) throws ReflectiveOperationException {
    return requireConstructor().newInstance(components);
  }

  /** A new instance of a plain class, its fields at their defaults or as its no-arg constructor set them. */
  Object newPlain() throws ReflectiveOperationException {
    Constructor<?> c = constructor;
    if (c != null) {
      return c.newInstance();
    }
    ObjectInstantiator<?> i = instantiator;
    if (i == null) {
      // No constructor of the class runs: as Kryo creates it (Objenesis, through the JDK's
      // serialization constructors).
      i = new StdInstantiatorStrategy().newInstantiatorOf(type);
      instantiator = i;
    }
    return i.newInstance();
  }

  private Constructor<?> requireConstructor() {
    Constructor<?> c = constructor;
    if (c == null) {
      throw new IllegalStateException(type.getName() + " has no canonical constructor");
    }
    return c;
  }

  /** The value of component {@code i} of {@code record}. */
  @Nullable Object component(Object record, int i) throws ReflectiveOperationException {
    return accessors[i].invoke(record);
  }
}
