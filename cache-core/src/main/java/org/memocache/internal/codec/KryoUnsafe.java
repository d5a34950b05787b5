package org.memocache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.util.Util;

/**
 * Keeps a relocated Kryo (the agent jar's) off {@code sun.misc.Unsafe}, whose first use prints four
 * deprecation warnings into the job's stderr on JDK 24 and later. Kryo decides once, when its
 * {@code Util} class initializes, from the {@code kryo.unsafe} property: {@code false} makes
 * {@code FieldSerializer} access fields by reflection instead, in the same stored form. The
 * property name is not relocated, so it is set only around that initialization and restored, to
 * leave a job's own Kryo as it was. An unrelocated Kryo is the application's and is left alone.
 */
final class KryoUnsafe {
  private static final String PROPERTY = "kryo.unsafe";

  static {
    if (Kryo.class.getName().startsWith("org.memocache.shaded.")) {
      String before = System.getProperty(PROPERTY);
      System.setProperty(PROPERTY, "false");
      try {
        initialize(Util.class);
      } finally {
        if (before == null) {
          System.clearProperty(PROPERTY);
        } else {
          System.setProperty(PROPERTY, before);
        }
      }
    }
  }

  private KryoUnsafe() {}

  /** Called before any Kryo instance is created; the work is done once, by the class initializer. */
  static void avoid() {}

  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
