package org.memocache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.util.Util;

/**
 * Keeps a relocated Kryo (the agent jar's) off {@code sun.misc.Unsafe} on JDK 24 and later, where
 * its first use prints four deprecation warnings into the job's stderr. Kryo decides once, when its
 * {@code Util} class initializes, from the {@code kryo.unsafe} property: {@code false} makes
 * {@code FieldSerializer} access fields by reflection instead, in the same stored form (records are
 * read through their constructor either way). The property name is not relocated, so it is set only
 * around that initialization, leaving a job's own Kryo as it was; a value the user set is honoured
 * ({@code -Dkryo.unsafe=true} keeps the faster field access, and the warnings). An unrelocated Kryo
 * is the application's and is left alone.
 */
final class KryoUnsafe {
  private static final String PROPERTY = "kryo.unsafe";

  static {
    if (Kryo.class.getName().startsWith("org.memocache.shaded.") && Runtime.version().feature() >= 24
        && System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "false");
      try {
        Class.forName(Util.class.getName(), true, Util.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      } finally {
        System.clearProperty(PROPERTY);
      }
    }
  }

  private KryoUnsafe() {}

  /** Called before any Kryo instance is created; the work is done once, by the class initializer. */
  static void avoid() {}
}
