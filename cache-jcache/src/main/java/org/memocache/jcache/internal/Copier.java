package org.memocache.jcache.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;
import javax.cache.CacheException;

/**
 * Store-by-value copies through Java serialization, resolving classes with the cache manager's
 * class loader. Immutable JDK values are shared rather than copied.
 */
final class Copier {
  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Byte.class,
      Short.class, Character.class, Integer.class, Long.class, Float.class, Double.class,
      BigInteger.class, BigDecimal.class, UUID.class, Class.class);

  private final ClassLoader loader;

  Copier(ClassLoader loader) {
    this.loader = loader;
  }

  @SuppressWarnings("unchecked")
  <T> T copy(T object) {
    Class<?> type = object.getClass();
    if (IMMUTABLE.contains(type) || type.isEnum() || type.isRecord() && isImmutableRecord(object)) {
      return object;
    }
    if (!(object instanceof Serializable)) {
      throw new CacheException("store-by-value needs a Serializable object; " + type.getName() + " is not");
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(object);
      }
      try (ObjectInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes.toByteArray()), loader)) {
        return (T) in.readObject();
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new CacheException("cannot copy a " + type.getName() + " by serialization: " + e, e);
    }
  }

  /** A record of immutable JDK values only (records are shallowly immutable). */
  private static boolean isImmutableRecord(Object record) {
    for (var c : record.getClass().getRecordComponents()) {
      Class<?> t = c.getType();
      if (!(t.isPrimitive() || IMMUTABLE.contains(t))) {
        return false;
      }
    }
    return true;
  }

  private static final class LoaderInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
