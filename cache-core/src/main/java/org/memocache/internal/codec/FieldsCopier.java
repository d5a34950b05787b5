package org.memocache.internal.codec;

import java.lang.reflect.Field;
import org.jspecify.annotations.Nullable;

/**
 * Copies an instance of a plain class the way {@link FieldsCodec} rebuilds one when decoding: a
 * new instance made as its decoder makes it (through the no-arg constructor when the class declares
 * one, else without running a constructor), then each field of its {@link FieldLayout}, primitives
 * as they are and references through the caller's deep copy. Transient fields are left as the new
 * instance has them, as decoding leaves them. Internal: the memory tier's result copies use it, so
 * that a memory hit and a disk hit hand out the same object.
 */
public final class FieldsCopier {
  private FieldsCopier() {}

  /** How a reference held by a field is copied: the caller's deep copy. */
  @FunctionalInterface
  public interface References {
    @Nullable Object copy(@Nullable Object value);
  }

  /**
   * Whether instances of {@code type} are copied field by field here: a concrete class the fields
   * codec writes by its fields (not a record, an enum, a platform class, or a class left to Kryo).
   */
  public static boolean copies(Class<?> type) {
    FieldLayout l = FieldLayout.of(type);
    return l.kind == FieldLayout.Kind.PLAIN && l.unsupported == null;
  }

  /**
   * A new instance of {@code type} (one that {@link #copies}), as the fields codec's decoder creates
   * it: its fields at their defaults or as its no-arg constructor set them.
   */
  public static Object newInstance(Class<?> type) throws ReflectiveOperationException {
    return FieldLayout.of(type).newPlain();
  }

  /**
   * The values of {@code original}'s reference fields, in the order {@link #copyFields} copies them;
   * primitive fields are skipped ({@code null} in their places).
   */
  public static @Nullable Object[] references(Object original) throws ReflectiveOperationException {
    Field[] fields = FieldLayout.of(original.getClass()).fields;
    @Nullable Object[] values = new @Nullable Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      Field f = fields[i];
      if (!f.getType().isPrimitive()) {
        values[i] = f.get(original);
      }
    }
    return values;
  }

  /**
   * Fills {@code copy}, a {@link #newInstance} of {@code original}'s class, from {@code original}:
   * primitive fields as they are, reference fields through {@code references}, in layout order.
   */
  public static void copyFields(Object original, Object copy, References references)
      throws ReflectiveOperationException {
    for (Field f : FieldLayout.of(original.getClass()).fields) {
      Class<?> t = f.getType();
      if (!t.isPrimitive()) {
        f.set(copy, references.copy(f.get(original)));
      } else if (t == double.class) {
        f.setDouble(copy, f.getDouble(original));
      } else if (t == int.class) {
        f.setInt(copy, f.getInt(original));
      } else if (t == long.class) {
        f.setLong(copy, f.getLong(original));
      } else if (t == boolean.class) {
        f.setBoolean(copy, f.getBoolean(original));
      } else if (t == float.class) {
        f.setFloat(copy, f.getFloat(original));
      } else if (t == short.class) {
        f.setShort(copy, f.getShort(original));
      } else if (t == byte.class) {
        f.setByte(copy, f.getByte(original));
      } else {
        f.setChar(copy, f.getChar(original));
      }
    }
  }
}
