package org.memocache.internal.key;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The fields of a class that make up its state for a key: every non-static, non-transient field of
 * the class and its superclasses, superclass fields first, each class's fields sorted by name (the
 * order of {@link Class#getDeclaredFields()} is unspecified, and a key must not depend on it).
 * Computed once per class.
 */
final class FieldPlan {
  private static final ClassValue<FieldPlan> PLANS = new ClassValue<>() {
    @Override
    protected FieldPlan computeValue(Class<?> type) {
      return new FieldPlan(type);
    }
  };

  final Field[] fields;
  /** Why the fields cannot be read, or {@code null} when they can. */
  final @Nullable String inaccessible;

  private FieldPlan(Class<?> type) {
    List<Class<?>> chain = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class && c != Record.class; c = c.getSuperclass()) {
      chain.add(0, c);
    }
    List<Field> out = new ArrayList<>();
    String problem = null;
    for (Class<?> c : chain) {
      List<Field> own = new ArrayList<>();
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m) || (f.isSynthetic() && !f.getName().startsWith("val$")
            && !f.getName().startsWith("this$"))) {
          continue;
        }
        try {
          f.setAccessible(true);
        } catch (InaccessibleObjectException | SecurityException e) {
          problem = "its field " + c.getName() + "." + f.getName() + " cannot be read ("
              + e.getMessage() + ")";
        }
        own.add(f);
      }
      own.sort(Comparator.comparing(Field::getName));
      out.addAll(own);
    }
    this.fields = out.toArray(new Field[0]);
    this.inaccessible = problem;
  }

  static FieldPlan of(Class<?> type) {
    return PLANS.get(type);
  }
}
