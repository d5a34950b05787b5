package org.memocache.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Classes that keep their state in {@code transient} fields behind Java serialization hooks of
 * their own ({@code writeObject}, {@code readObject}, {@code writeReplace}): Guava's multimaps and
 * range sets hold their contents so. Read field by field, for a key, a copy or a stored value, such
 * an object loses that state: a copy's map would be {@code null}, and two different multimaps
 * would be one key. So its memory-tier copy is a serialization round trip in memory, it is not
 * stored on disk (reading Java serialization's own format back is not a decoder the allow-list and
 * the decode limits bound), and, when its own hooks write that state, its key is its serialized
 * form.
 */
public final class SerialForm {
  private static final int TRANSIENT_FIELDS = 1;
  private static final int WRITES = 2;
  private static final int READS = 4;

  /** Which of {@link #TRANSIENT_FIELDS}, {@link #WRITES} and {@link #READS} a class has. */
  private static final ClassValue<Integer> TRAITS = new ClassValue<>() {
    @Override
    protected Integer computeValue(Class<?> type) {
      return inspect(type);
    }
  };

  private SerialForm() {}

  /**
   * Whether {@code type}, a class outside the platform, is serializable, has instance fields that
   * are {@code transient}, and declares a serialization hook of its own ({@code writeObject},
   * {@code readObject} or {@code writeReplace}, in it or a superclass outside the platform): a copy
   * or a stored value field by field would lack what those fields hold.
   */
  public static boolean keepsStateInTransientFields(Class<?> type) {
    int t = TRAITS.get(type);
    return (t & TRANSIENT_FIELDS) != 0 && (t & (WRITES | READS)) != 0;
  }

  /**
   * Whether, besides, its own hooks write that state ({@code writeObject}, {@code writeReplace}), so
   * its fields do not say what it holds and its key is its serialized form. With a
   * {@code readObject} alone the transient fields are rebuilt from the others, which a key
   * already covers.
   */
  public static boolean writesTransientState(Class<?> type) {
    int t = TRAITS.get(type);
    return (t & TRANSIENT_FIELDS) != 0 && (t & WRITES) != 0;
  }

  private static int inspect(Class<?> type) {
    if (!Serializable.class.isAssignableFrom(type) || type.isArray() || JdkValueTypes.isPlatform(type.getName())) {
      return 0;
    }
    int traits = 0;
    try {
      for (Class<?> c = type; c != null && !JdkValueTypes.isPlatform(c.getName()); c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          int m = f.getModifiers();
          if (Modifier.isTransient(m) && !Modifier.isStatic(m)) {
            traits |= TRANSIENT_FIELDS;
          }
        }
        if (declares(c, "writeObject", ObjectOutputStream.class) || declares(c, "writeReplace")) {
          traits |= WRITES;
        }
        if (declares(c, "readObject", ObjectInputStream.class)) {
          traits |= READS;
        }
      }
    } catch (LinkageError | RuntimeException e) {
      return 0; // its fields cannot even be listed: the field-by-field paths report it
    }
    return traits;
  }

  private static boolean declares(Class<?> c, String name, Class<?>... parameters) {
    try {
      Method m = c.getDeclaredMethod(name, parameters);
      return !Modifier.isStatic(m.getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** Writes {@code value}'s Java serialized form to {@code out}. */
  public static void write(Object value, OutputStream out) throws IOException {
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(value);
    }
  }

  /**
   * A deep copy of {@code value} through its serialized form, in memory: its own hooks write and
   * rebuild its state, as a copy by Java serialization would. Only bytes just written from a live
   * value are read back.
   *
   * @throws IOException when the value or something it holds cannot be serialized
   */
  public static Object copy(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(value, bytes);
    @Nullable ClassLoader loader = value.getClass().getClassLoader();
    try (ObjectInputStream in = new LoaderInputStream(new ByteArrayInputStream(bytes.toByteArray()), loader)) {
      return in.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException(e);
    }
  }

  /** Thrown by the Kryo path for such a class: it is neither written nor read on disk. */
  static final class NotStored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotStored(String message) {
      super(message, null, false, false);
    }
  }

  /** Resolves classes through the copied value's own loader first (an application server's, a plugin's). */
  private static final class LoaderInputStream extends ObjectInputStream {
    private final @Nullable ClassLoader loader;

    LoaderInputStream(InputStream in, @Nullable ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // a class of another loader, as the JDK would find it
        }
      }
      return super.resolveClass(desc);
    }
  }
}
