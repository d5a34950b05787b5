package org.memocache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.MethodSpec;

/**
 * The memory-tier key of a call whose arguments are all immutable values with value equality
 * (boxes, strings, enums, ...): the method and the arguments themselves. Building it costs an
 * allocation and the arguments' {@code hashCode}s, far less than hashing them to 128 bits, which is
 * done only on a memory miss. {@code Double.equals} folds NaNs and separates {@code -0.0} from
 * {@code 0.0}, exactly as the 128-bit key does.
 */
final class StructKey {

  private final MethodSpec spec;
  private final @Nullable Object[] args;
  private final int hash;

  StructKey(MethodSpec spec, @Nullable Object[] args) {
    this.spec = spec;
    this.args = args;
    // The name's hash is cached by String; identityHashCode would be slower on this path.
    this.hash = 31 * spec.id().name().hashCode() + Arrays.hashCode(args);
  }

  /** Whether every argument can be compared by {@code equals} as the key rules would. */
  static boolean simple(@Nullable Object[] args) {
    for (Object a : args) {
      if (a != null && !valueType(a.getClass()) && !(a instanceof Enum<?>)) {
        return false;
      }
    }
    return true;
  }

  /** Exact classes only: subclasses of BigInteger or BigDecimal may be mutable. */
  private static boolean valueType(Class<?> c) {
    return c == Integer.class || c == Long.class || c == String.class || c == Double.class
        || c == Boolean.class || c == Float.class || c == Short.class || c == Byte.class
        || c == Character.class || c == UUID.class || c == BigInteger.class || c == BigDecimal.class;
  }

  MethodSpec spec() {
    return spec;
  }

  @Nullable Object[] args() {
    return args;
  }

  /** A copy that owns its argument array, for storing (the caller's varargs array may be reused). */
  StructKey detached() {
    return new StructKey(spec, args.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StructKey k && k.spec == spec && k.hash == hash && Arrays.equals(k.args, args);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
