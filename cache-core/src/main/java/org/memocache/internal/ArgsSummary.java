package org.memocache.internal;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A short, human-readable summary of a call's arguments ({@code n=1000, seed=7, data=double[1000000]})
 * stored in each entry for the CLI and for progress messages. Never calls user {@code toString}s:
 * those may be slow, huge, or print secrets.
 */
public final class ArgsSummary {
  private ArgsSummary() {}

  private static final int MAX = 200;
  private static final int MAX_STRING = 40;

  /** Summarises {@code args}; {@code names} may be shorter than {@code args} or {@code null}. */
  public static String of(String @Nullable [] names, @Nullable Object[] args) {
    return of(names, args, null);
  }

  /**
   * Summarises {@code args} but those {@code skip} marks (parameters left out of the key: loggers,
   * an injected {@code Progress}): they say nothing about which result this is.
   */
  public static String of(String @Nullable [] names, @Nullable Object[] args, boolean @Nullable [] skip) {
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (int i = 0; i < args.length; i++) {
      if (skip != null && i < skip.length && skip[i]) {
        continue;
      }
      if (!first) {
        sb.append(", ");
      }
      first = false;
      if (names != null && i < names.length && names[i] != null) {
        sb.append(names[i]).append('=');
      }
      value(sb, args[i]);
      if (sb.length() > MAX) {
        sb.setLength(MAX - 1);
        sb.append('…');
        break;
      }
    }
    return sb.toString();
  }

  private static void value(StringBuilder sb, @Nullable Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      sb.append('"');
      sb.append(s.length() > MAX_STRING ? s.substring(0, MAX_STRING) + "…" : s);
      sb.append('"');
    } else if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
      sb.append(v);
    } else if (v instanceof Enum<?> e) {
      sb.append(e.name());
    } else if (v.getClass().isArray()) {
      Class<?> c = v.getClass().getComponentType();
      sb.append(c.getSimpleName()).append('[').append(Array.getLength(v)).append(']');
    } else if (v instanceof Collection<?> c) {
      sb.append(v.getClass().getSimpleName()).append('(').append(c.size()).append(')');
    } else if (v instanceof Map<?, ?> m) {
      sb.append(v.getClass().getSimpleName()).append('(').append(m.size()).append(')');
    } else if (v instanceof java.nio.file.Path || v instanceof java.io.File
        || v.getClass().getName().startsWith("java.time.") || v instanceof java.util.UUID) {
      sb.append(v);
    } else {
      sb.append(v.getClass().getSimpleName().isEmpty() ? v.getClass().getName() : v.getClass().getSimpleName());
    }
  }
}
