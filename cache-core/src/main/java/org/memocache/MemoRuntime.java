package org.memocache;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.memocache.annotations.Memoize;
import org.memocache.internal.MethodSpec;
import org.memocache.internal.Warnings;
import org.memocache.internal.WovenMethods;

/**
 * The static bridge that woven code (agent or build plugin) calls; small and stable, and never
 * relocated when the agent jar is shaded. Application code uses {@link Memo} instead.
 *
 * <p>Woven methods call {@link #enter} before their body: on a hit the body is skipped and the
 * stored value returned; when another thread's computation of the same call threw while this one
 * waited, the body is skipped and that exception thrown; on a miss the body runs and {@link #exit}
 * stores its result. A cache
 * problem never breaks the method: {@link #enter} then returns {@code null} (after one warning) and
 * the body simply runs.
 */
public final class MemoRuntime {
  private MemoRuntime() {}

  private static volatile @Nullable Memo installed;
  /** How a {@link MemoKeyException} names a parameter: {@code parameter 1 (options)}. */
  private static final Pattern PARAMETER = Pattern.compile("parameter (\\d+) \\(([^)\\s]+)\\)");

  /**
   * The outcome of {@link #enter}: a hit carrying the stored value, or a miss that the caller
   * computes and hands to {@link #exit}. Not extensible outside this package.
   */
  public abstract static class Call {
    Call() {}

    /** Whether the value was found: skip the body and return {@link #value()}. */
    public abstract boolean isHit();

    /** The stored value of a hit (possibly {@code null}); {@code null} for a miss. */
    public abstract @Nullable Object value();

    /**
     * What the computation this call waited for (another thread of this JVM computing the same
     * key) threw: skip the body and throw it, unchanged. {@code null} for a hit or a miss.
     */
    public @Nullable Throwable failure() {
      return null;
    }
  }

  /**
   * Called by woven code on method entry.
   *
   * @param owner the class declaring the method
   * @param method the method's name followed by its JVM descriptor, such as {@code "fit(IJ)[D"}
   * @param codeFingerprint a hash of the method's bytecode made at weaving time (0: none)
   * @param self the receiver, or {@code null} for a static method
   * @param args the arguments
   * @return a hit (skip the body), a {@linkplain Call#failure() failure} (skip the body and throw
   *     it), a miss (run the body, then call {@link #exit}), or {@code null} when the call is not
   *     memoized (run the body and do not call {@link #exit})
   */
  public static @Nullable Call enter(Class<?> owner, String method, long codeFingerprint,
      @Nullable Object self, Object[] args) {
    // A direct-mapped cache in front of the per-class map: woven code passes the same String
    // constant and Class on every call, so two identity checks confirm a hit. String caches its
    // hash, so finding the slot costs a field read; a collision only costs the map lookup.
    int slot = method.hashCode() & (RECENT.length - 1);
    Recent recent = RECENT[slot];
    MethodSpec spec;
    if (recent != null && recent.method == method && recent.owner == owner) {
      spec = recent.spec;
    } else {
      spec = WovenMethods.site(owner, method, codeFingerprint, MemoRuntime::configuredConfig);
      RECENT[slot] = new Recent(owner, method, spec);
    }
    if (spec == null) {
      return null;
    }
    Memo memo = memo();
    try {
      return memo.engine().enter(spec, self, args);
    } catch (MemoKeyException e) {
      String message = String.valueOf(e.getMessage());
      // One warning per method: the message names each lambda's generated class, which differs
      // per call site, and a job passing lambdas in a loop must not log once per site.
      Warnings.once("key:" + spec.id().name() + spec.id().descriptor(), () -> Warnings.explainingNames(spec,
          "MemoCache: not memoizing this call of " + spec.id() + ", which is computed normally: " + message
          + (self != null && message.contains("receiver") ? ". If the receiver's state does not"
          + " change the result, declare the class stateless (@Memoize(stateless = true), or the agent"
          + " option stateless=" + owner.getName() + ")" : "")
          + ignoreHint(owner, method, message)));
      return null;
    } catch (RuntimeException | Error e) {
      Warnings.once("enter:" + spec.id().name() + ":" + e.getClass().getName(),
          () -> "MemoCache: not memoizing a call of " + spec.id() + ", which is computed normally: " + e, e);
      return null;
    }
  }

  /**
   * Called by woven code after the body ran on a miss: stores {@code returned}, or, when the body
   * threw, caches nothing and lets waiting callers proceed.
   */
  public static void exit(Call call, @Nullable Object returned, @Nullable Throwable thrown) {
    Engine.exit(call, returned, thrown);
  }

  /**
   * Declares a method memoized without an annotation (the agent's {@code methods=} option). Must be
   * called before the method's first call.
   *
   * @param ownerBinaryName the declaring class, such as {@code com.acme.Fit}
   * @param method the method name and JVM descriptor, such as {@code fit(IJ)[D}
   */
  public static void define(String ownerBinaryName, String method, MemoizeSettings settings) {
    WovenMethods.define(ownerBinaryName, method, settings);
  }

  /**
   * Replaces the Memo used by woven code in this JVM, which is otherwise {@link Memo#defaultMemo()}
   * (for tests, and programs that build their own; the agent and the configuration keys configure
   * the default one).
   */
  public static void install(Memo memo) {
    installed = java.util.Objects.requireNonNull(memo, "memo");
  }

  /** The Memo used by woven code: the installed one, or {@link Memo#defaultMemo()}. */
  public static Memo memo() {
    Memo m = installed;
    return m != null ? m : Memo.defaultMemo();
  }

  /**
   * The configuration of {@link #memo()}, or {@code null} after one warning when it has a bad value: woven
   * code has no start-up to fail at, and a cache problem never breaks the method.
   */
  private static @Nullable MemoConfig configuredConfig() {
    try {
      return memo().config();
    } catch (IllegalArgumentException e) {
      Warnings.once("configuration", () -> "MemoCache: memoizing nothing in this JVM, every method is computed"
          + " normally: " + String.valueOf(e.getMessage()).replaceFirst("^MemoCache: ", ""));
      return null;
    }
  }

  /** A recently used site; slots are replaced whole, so a racy read sees a consistent triple. */
  private record Recent(Class<?> owner, String method, @Nullable MethodSpec spec) {}

  private static final Recent[] RECENT = new Recent[256];

  /**
   * For a message advising {@code @Memoize.Ignore}, the same remedy without code: the
   * configuration key {@code ignore}, such as {@code ; without code: ignore=com.acme.Job#run:logger}.
   */
  static String ignoreHint(Class<?> owner, String method, String message) {
    Matcher m = PARAMETER.matcher(message);
    if (!message.contains("@Memoize.Ignore") || !m.find()) {
      return "";
    }
    String parameter = m.group(2).startsWith("arg") ? m.group(1) : m.group(2);
    return "; without code: the agent option or configuration key ignore=" + owner.getName() + "#"
        + method.substring(0, method.indexOf('(')) + ":" + parameter;
  }
}
