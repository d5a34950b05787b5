package org.memocache.internal.codec;

import java.lang.reflect.Type;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.memocache.ClassFilter;

/** Placeholder until the codec module lands: admits JDK value packages and configured prefixes. */
public final class AllowLists {
  private AllowLists() {}

  public static ClassFilter forMethod(@Nullable Type declaredReturnType, List<String> allowedPackages) {
    return c -> c.startsWith("java.lang.") || c.startsWith("java.util.") || c.startsWith("java.time.")
        || c.startsWith("java.math.") || allowedPackages.stream().anyMatch(c::startsWith);
  }
}
