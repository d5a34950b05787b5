package org.memocache.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.memocache.MethodId;
import org.memocache.spi.ClassFilter;

/**
 * Everything the engine needs to know about one memoized method, resolved once: its identity, how
 * each parameter enters the key, whether the receiver does, where results are stored and which
 * classes its stored results may decode to. Made by {@link #programmatic} or {@link #woven}, then
 * the {@code with}-style methods for what differs from the defaults (results in every tier, copied
 * on memory hits, never expiring, receiver not in the key).
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
 * @param progressParameter the index of the injected {@code org.memocache.partial.Progress}
 *     parameter (also ignored for the key), or -1
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

  private static final String[] NO_NAMES = new String[0];
  private static final boolean[] NO_FLAGS = new boolean[0];

  public MethodSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(classes, "classes");
  }

  /** A programmatic call: its key is the key arguments, its results go to every tier. */
  public static MethodSpec programmatic(MethodId id, ClassFilter classes) {
    return new MethodSpec(id, NO_NAMES, NO_FLAGS, NO_FLAGS, false, true, true, null, classes, -1, false, 0L);
  }

  /**
   * A woven method whose key is its parameters (less the {@code ignored} ones), results in every
   * tier.
   *
   * @param progressParameter the index of its {@code Progress} parameter, or -1
   * @param resultShape the shape of its declared result type
   */
  public static MethodSpec woven(MethodId id, String[] parameterNames, boolean[] ignored, boolean[] byContent,
      ClassFilter classes, int progressParameter, long resultShape) {
    return new MethodSpec(id, parameterNames, ignored, byContent, false, true, true, null, classes,
        progressParameter, false, resultShape);
  }

  /** This spec with the receiver's state in the key (an instance method that is not stateless). */
  public MethodSpec withReceiverInKey() {
    return new MethodSpec(id, parameterNames, ignored, byContent, true, memory, lowerTiers, expireAfter, classes,
        progressParameter, shared, resultShape);
  }

  /** This spec with results kept in the memory tier only. */
  public MethodSpec inMemoryOnly() {
    return new MethodSpec(id, parameterNames, ignored, byContent, receiverInKey, true, false, expireAfter, classes,
        progressParameter, shared, resultShape);
  }

  /** This spec with results stored in the tiers below memory only. */
  public MethodSpec storedOnly() {
    return new MethodSpec(id, parameterNames, ignored, byContent, receiverInKey, false, true, expireAfter, classes,
        progressParameter, shared, resultShape);
  }

  /** This spec with results older than {@code age} treated as misses. */
  public MethodSpec expiringAfter(Duration age) {
    return new MethodSpec(id, parameterNames, ignored, byContent, receiverInKey, memory, lowerTiers,
        Objects.requireNonNull(age, "age"), classes, progressParameter, shared, resultShape);
  }

  /** This spec with memory hits handing out the kept result itself rather than a copy. */
  public MethodSpec sharingResults() {
    return new MethodSpec(id, parameterNames, ignored, byContent, receiverInKey, memory, lowerTiers, expireAfter,
        classes, progressParameter, true, resultShape);
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
