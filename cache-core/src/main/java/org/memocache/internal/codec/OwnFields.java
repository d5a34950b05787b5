package org.memocache.internal.codec;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The fields that a subclass of a concrete JDK collection or map declares besides its elements (a
 * {@code Polyline extends ArrayList<Point>} with a {@code closed} flag): instance fields, neither
 * static, transient nor synthetic, of the classes of its hierarchy outside the platform,
 * superclass first, each class's by name. Hashing, copying or storing only the elements would
 * lose them, and two polylines differing only in the flag would be one key. A class built on the
 * JDK's abstract skeletons ({@code AbstractList}, {@code AbstractMap}...) holds its elements in
 * its own fields, which its elements already say and which must not be set behind its back: none.
 */
public final class OwnFields {
  private static final Field[] NONE = new Field[0];

  private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      return find(type);
    }
  };

  private OwnFields() {}

  /**
   * The fields {@code type} declares besides what its JDK superclass holds, made accessible; none
   * for a JDK class.
   *
   * @throws java.lang.reflect.InaccessibleObjectException when a field cannot be made accessible
   */
  public static Field[] of(Class<?> type) {
    return FIELDS.get(type);
  }

  private static Field[] find(Class<?> type) {
    List<Class<?>> chain = new ArrayList<>();
    Class<?> c = type;
    for (; c != null && !JdkValueTypes.isPlatform(c.getName()); c = c.getSuperclass()) {
      chain.add(0, c);
    }
    if (chain.isEmpty() || c == null || Modifier.isAbstract(c.getModifiers())) {
      return NONE;
    }
    List<Field> out = new ArrayList<>();
    for (Class<?> k : chain) {
      List<Field> own = new ArrayList<>();
      for (Field f : k.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
          f.setAccessible(true); // the application's own class: throws only in a module that does not open it
          own.add(f);
        }
      }
      own.sort(Comparator.comparing(Field::getName));
      out.addAll(own);
    }
    return out.isEmpty() ? NONE : out.toArray(NONE);
  }
}
