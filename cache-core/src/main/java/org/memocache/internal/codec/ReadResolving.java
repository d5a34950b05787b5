package org.memocache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * A field serializer that, like Java serialization, replaces each object read by what its class's
 * {@code readResolve()} returns: a library that compares a well-known instance with {@code ==}
 * (a singleton, an interned constant) gets that instance back from a decoded result. Kryo ignores
 * {@code readResolve} by default. References read later to the same object get the replacement;
 * references from inside the object's own fields, read before it was complete, keep the copy, as
 * in Java serialization.
 */
final class ReadResolving<T> extends Serializer<T> {

  /** The {@code readResolve()} a class declares or inherits, made accessible, if any. */
  private static final ClassValue<Optional<Method>> METHODS = new ClassValue<>() {
    @Override
    protected Optional<Method> computeValue(Class<?> type) {
      return find(type);
    }
  };

  private final Serializer<T> delegate;
  private final Method readResolve;
  private final BoundedKryo.SizedReferences references;

  private ReadResolving(Serializer<T> delegate, Method readResolve, BoundedKryo.SizedReferences references) {
    super(delegate.getAcceptsNull(), delegate.isImmutable());
    this.delegate = delegate;
    this.readResolve = readResolve;
    this.references = references;
  }

  /** {@code s} itself, or wrapped when it is a field serializer of a class with {@code readResolve()}. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Serializer wrap(Class<?> type, Serializer s, BoundedKryo.SizedReferences references) {
    if (!(s instanceof FieldSerializer)) {
      return s;
    }
    Optional<Method> m = METHODS.get(type);
    return m.isPresent() ? new ReadResolving<>(s, m.get(), references) : s;
  }

  private static Optional<Method> find(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Method m;
      try {
        m = c.getDeclaredMethod("readResolve");
      } catch (NoSuchMethodException e) {
        continue;
      }
      int mod = m.getModifiers();
      boolean inherited = c == type || (!Modifier.isPrivate(mod) && (Modifier.isPublic(mod)
          || Modifier.isProtected(mod) || c.getPackageName().equals(type.getPackageName())));
      if (!inherited || Modifier.isStatic(mod) || m.getReturnType() != Object.class) {
        return Optional.empty();
      }
      try {
        m.setAccessible(true);
      } catch (RuntimeException e) {
        return Optional.empty(); // in a module that does not open it: read as Kryo would
      }
      return Optional.of(m);
    }
    return Optional.empty();
  }

  @Override
  public void write(Kryo kryo, Output output, T object) {
    delegate.write(kryo, output, object);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T read(Kryo kryo, Input input, Class<? extends T> type) {
    // Kryo took this object's reference id just before calling read: the last one handed out.
    int id = references.lastReadId();
    T read = delegate.read(kryo, input, type);
    Object resolved;
    try {
      resolved = readResolve.invoke(read);
    } catch (InvocationTargetException e) {
      throw new KryoException(type.getName() + ".readResolve() failed: " + e.getCause(), e.getCause());
    } catch (IllegalAccessException e) {
      throw new KryoException(type.getName() + ".readResolve() cannot be called: " + e.getMessage(), e);
    }
    if (resolved != read) {
      references.replace(id, read, resolved);
    }
    return (T) resolved;
  }

  @Override
  public T copy(Kryo kryo, T original) {
    return delegate.copy(kryo, original);
  }
}
