package org.memocache.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.memocache.MethodId;
import org.memocache.spi.ClassFilter;

/**
 * Everything the engine needs to know about one memoized method, resolved once: its identity, how
 * each parameter enters the key, whether the receiver does, where results are stored and which
 * classes its stored results may decode to.
 *
 * @param id the method identity
 * @param parameterNames names for error messages and argument summaries (may be {@code arg0}...)
 * @param ignored parameters left out of the key
 * @param byContent {@code Path}/{@code File} parameters hashed by content
 * @param receiverInKey whether the receiver's state is part of the key
 * @param memory whether results are kept in the memory tier
 * @param lowerTiers whether results are stored in the tiers below memory (disk)
 * @param expireAfter the maximum age of a result, or {@code null}
 * @param classes classes stored results may decode to
 * @param progressParameter the index of the injected {@code org.memocache.partial.Progress} parameter (also
 *     ignored for the key), or -1
 * @param shared whether memory hits hand out the kept result itself rather than a copy
 * @param resultShape the {@link org.memocache.internal.codec.Shapes shape} of the declared result
 *     type, hashed into every key (0: none, as for programmatic calls)
 */
public record MethodSpec(
    MethodId id,
    String[] parameterNames,
    boolean[] ignored,
    boolean[] byContent,
    boolean receiverInKey,
    boolean memory,
    boolean lowerTiers,
    @Nullable Duration expireAfter,
    ClassFilter classes,
    int progressParameter,
    boolean shared,
    long resultShape) {

  public MethodSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(classes, "classes");
  }

  /** A spec without a progress parameter or result shape, whose results are copied on memory hits. */
  public MethodSpec(MethodId id, String[] parameterNames, boolean[] ignored, boolean[] byContent,
      boolean receiverInKey, boolean memory, boolean lowerTiers, @Nullable Duration expireAfter, ClassFilter classes) {
    this(id, parameterNames, ignored, byContent, receiverInKey, memory, lowerTiers, expireAfter, classes, -1, false, 0L);
  }

  /**
   * Whether the parameter names are the {@code arg0, arg1, ...} that reflection makes up for a
   * class compiled without {@code -parameters}.
   */
  public boolean madeUpParameterNames() {
    if (parameterNames.length == 0) {
      return false;
    }
    for (int i = 0; i < parameterNames.length; i++) {
      if (!parameterNames[i].equals("arg" + i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether any parameter is ignored or hashed by content (the key then needs the full rules). */
  public boolean hasSpecialParameters() {
    for (int i = 0; i < ignored.length; i++) {
      if (ignored[i] || byContent[i]) {
        return true;
      }
    }
    return false;
  }

  /** A summary of the key arguments (ignored parameters left out), as entries and messages show it. */
  public String summarize(@Nullable Object[] args) {
    return ArgsSummary.of(parameterNames, args, ignored);
  }

  /** The method name and a summary of the arguments, as progress and error messages show it. */
  public String describe(String argsSummary) {
    return id.name() + "(" + argsSummary + ")";
  }
}
