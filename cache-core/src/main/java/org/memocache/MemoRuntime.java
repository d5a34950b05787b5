package org.memocache;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.memocache.annotations.Memoize;
import org.memocache.internal.MethodSpec;
import org.memocache.internal.Settings;
import org.memocache.internal.Warnings;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Shapes;
import org.memocache.partial.Progress;
import org.memocache.spi.ClassFilter;

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

  private static final ConcurrentHashMap<String, MemoizeSettings> DEFINED = new ConcurrentHashMap<>();
  private static final Site DISABLED = new Site(null);

  private static final ClassValue<ConcurrentHashMap<String, Site>> SITES = new ClassValue<>() {
    @Override
    protected ConcurrentHashMap<String, Site> computeValue(Class<?> type) {
      return new ConcurrentHashMap<>();
    }
  };

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
   * The call waited for a computation that threw. Not a hit, so that code woven by earlier versions
   * (which knows no {@link #failure()}) runs the body, as it always did, instead of returning a
   * default value; {@link #exit} ignores it.
   */
  private static final class Failed extends Call {
    private final Throwable failure;

    Failed(Throwable failure) {
      this.failure = failure;
    }

    @Override
    public boolean isHit() {
      return false;
    }

    @Override
    public @Nullable Object value() {
      return null;
    }

    @Override
    public Throwable failure() {
      return failure;
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
      Site site = SITES.get(owner).computeIfAbsent(method, m -> resolve(owner, m, codeFingerprint));
      spec = site.spec;
      RECENT[slot] = new Recent(owner, method, spec);
    }
    if (spec == null) {
      return null;
    }
    Memo memo = memo();
    try {
      Call call = memo.engine().begin(spec, self, args);
      if (spec.progressParameter() >= 0 && call instanceof Engine.Pending pending) {
        try {
          memo.engine().bindProgress(pending, args);
        } catch (RuntimeException | Error e) {
          pending.engine.abandonBeforeBody(pending);
          throw e;
        }
      }
      return call;
    } catch (Engine.FailedElsewhere e) {
      // The advice suppresses what this method throws: the failure travels in the call, and the
      // exit advice throws it.
      return new Failed(e.getCause());
    } catch (MemoKeyException e) {
      // One warning per method: the message names each lambda's generated class, which differs
      // per call site, and a job passing lambdas in a loop must not log once per site.
      Warnings.once("key:" + spec.id().name() + spec.id().descriptor(), () -> Warnings.explainingNames(spec,
          "MemoCache: not memoizing this call of " + spec.id() + ", which is computed normally: " + e.getMessage()
          + (self != null && e.getMessage().contains("receiver") ? ". If the receiver's state does not"
          + " change the result, declare the class stateless (@Memoize(stateless = true), or the agent"
          + " option stateless=" + owner.getName() + ")" : "")
          + ignoreHint(owner, method, e.getMessage())));
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
    if (!(call instanceof Engine.Pending pending)) {
      return;
    }
    try {
      if (thrown != null) {
        pending.engine.fail(pending, thrown);
      } else {
        pending.engine.complete(pending, returned);
      }
    } catch (RuntimeException | Error e) {
      Warnings.once("exit:" + pending.spec.id().name(), () -> "MemoCache: storing a result of "
          + pending.spec.id() + " failed; it is still returned: " + e, e);
    }
  }

  /**
   * Declares a method memoized without an annotation (the agent's {@code methods=} option). Must be
   * called before the method's first call.
   *
   * @param ownerBinaryName the declaring class, such as {@code com.acme.Fit}
   * @param method the method name and JVM descriptor, such as {@code fit(IJ)[D}
   */
  public static void define(String ownerBinaryName, String method, MemoizeSettings settings) {
    DEFINED.put(ownerBinaryName + "#" + method, settings);
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
   * {@link #memo()}, or {@code null} after one warning when the configuration has a bad value: woven
   * code has no start-up to fail at, and a cache problem never breaks the method.
   */
  private static @Nullable Memo configuredMemo() {
    try {
      return memo();
    } catch (IllegalArgumentException e) {
      Warnings.once("configuration", () -> "MemoCache: memoizing nothing in this JVM, every method is computed"
          + " normally: " + e.getMessage().replaceFirst("^MemoCache: ", ""));
      return null;
    }
  }

  /** The resolved spec of a method, or {@code null} when it is not memoized. */
  private record Site(@Nullable MethodSpec spec) {}

  /** A recently used site; slots are replaced whole, so a racy read sees a consistent triple. */
  private record Recent(Class<?> owner, String method, @Nullable MethodSpec spec) {}

  private static final Recent[] RECENT = new Recent[256];

  private static Site resolve(Class<?> owner, String method, long codeFingerprint) {
    try {
      int paren = method.indexOf('(');
      String name = method.substring(0, paren);
      String descriptor = method.substring(paren);
      Method target = null;
      for (Method m : owner.getDeclaredMethods()) {
        if (m.getName().equals(name) && descriptorOf(m).equals(descriptor)) {
          target = m;
          break;
        }
      }
      if (target == null) {
        Warnings.once("resolve:" + owner.getName() + "#" + method,
            () -> "MemoCache: woven method " + owner.getName() + "#" + method + " not found; not memoizing it");
        return DISABLED;
      }
      MemoizeSettings settings = settingsOf(target);
      if (settings == null) {
        return DISABLED;
      }
      Memo memo = configuredMemo();
      if (memo == null) {
        return DISABLED;
      }
      return new Site(spec(target, settings, codeFingerprint, memo.config()));
    } catch (RuntimeException | Error e) {
      Warnings.once("resolve:" + owner.getName() + "#" + method, () -> "MemoCache: cannot memoize "
          + owner.getName() + "#" + method + "; it is computed normally: " + e, e);
      return DISABLED;
    }
  }

  /**
   * How {@code target} is memoized: its {@code @Memoize} annotation, or the settings the agent
   * defined for it; {@code null} when it is not memoized.
   */
  static @Nullable MemoizeSettings settingsOf(Method target) {
    Memoize annotation = target.getAnnotation(Memoize.class);
    if (annotation != null) {
      return fromAnnotation(annotation, target);
    }
    return DEFINED.get(target.getDeclaringClass().getName() + "#" + target.getName() + descriptorOf(target));
  }

  /** Whether {@code target}'s identity includes its bytecode fingerprint under {@code config}. */
  static boolean fingerprinted(Method target, MemoConfig config) {
    Memoize annotation = target.getAnnotation(Memoize.class);
    return config.codeFingerprint() && (annotation == null || annotation.codeFingerprint());
  }

  /** The spec of a woven method: its identity, how its parameters enter the key, where results go. */
  static MethodSpec spec(Method target, MemoizeSettings settings, long codeFingerprint, MemoConfig config) {
    Class<?> owner = target.getDeclaringClass();
    boolean stateless = settings.stateless() || owner.isAnnotationPresent(Memoize.Stateless.class);
    String cacheName = settings.name().isEmpty() ? owner.getName() + "#" + target.getName() : settings.name();
    MethodId id = new MethodId(cacheName, descriptorOf(target), settings.version(),
        fingerprinted(target, config) ? codeFingerprint : 0L);
    Parameter[] params = target.getParameters();
    String[] names = new String[params.length];
    boolean[] ignored = new boolean[params.length];
    boolean[] byContent = new boolean[params.length];
    int progress = -1;
    for (int i = 0; i < params.length; i++) {
      names[i] = params[i].getName();
      ignored[i] = params[i].isAnnotationPresent(Memoize.Ignore.class);
      byContent[i] = params[i].isAnnotationPresent(Memoize.ByContent.class);
      if (params[i].getType() == Progress.class) {
        // Injected per call, never an input: left out of the key like @Memoize.Ignore.
        ignored[i] = true;
        progress = progress < 0 ? i : progress;
      }
    }
    ignoreConfigured(target, params, ignored);
    ClassFilter classes = AllowLists.forWovenMethod(target, config.allowedPackages());
    return new MethodSpec(id, names, ignored, byContent,
        !Modifier.isStatic(target.getModifiers()) && !stateless,
        settings.tiers().contains(Memoize.Tier.MEMORY), stored(settings),
        settings.expireAfter(), classes, progress, settings.shared(), resultShape(target));
  }

  /** Whether results go to the tiers below memory: {@code STORED}, or its former name {@code DISK}. */
  @SuppressWarnings("deprecation")
  private static boolean stored(MemoizeSettings settings) {
    return settings.tiers().contains(Memoize.Tier.STORED) || settings.tiers().contains(Memoize.Tier.DISK);
  }

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

  /**
   * Leaves out the parameters the configuration's {@code ignore} key names, like
   * {@code @Memoize.Ignore}; a selector of this class that names no method or parameter of it is
   * warned about once.
   */
  private static void ignoreConfigured(Method target, Parameter[] params, boolean[] ignored) {
    Class<?> owner = target.getDeclaringClass();
    for (Settings.Ignored s : Settings.load().ignored()) {
      if (!s.owner().equals(owner.getName())) {
        continue;
      }
      boolean methodFound = false;
      boolean parameterFound = false;
      for (Method m : owner.getDeclaredMethods()) {
        if (m.getName().equals(s.method())) {
          methodFound = true;
          Parameter[] ps = m.getParameters();
          for (int i = 0; i < ps.length; i++) {
            if (s.names(i, ps[i].isNamePresent() ? ps[i].getName() : null)) {
              parameterFound = true;
              if (m.equals(target)) {
                ignored[i] = true;
              }
            }
          }
        }
      }
      if (!parameterFound) {
        String what = methodFound ? "no parameter '" + s.parameter() + "' of " + owner.getName() + "#" + s.method()
            + (s.parameter().chars().allMatch(Character::isDigit) ? ""
                : " (by index, from 0, when the class was compiled without -parameters)")
            : "no method " + s.method() + " of " + owner.getName();
        Warnings.once("ignore:" + s.selector(), () -> "MemoCache: " + s.origin() + " names " + what
            + "; leaving nothing out for '" + s.selector() + "'");
      }
    }
  }

  /** The shape of the declared result type; a type whose shape cannot be computed has none. */
  private static long resultShape(Method target) {
    try {
      return Shapes.ofType(target.getGenericReturnType());
    } catch (RuntimeException | LinkageError e) {
      return Shapes.NONE;
    }
  }

  /**
   * The spec woven code resolved for {@code target} in this JVM, carrying the fingerprint the weaver
   * computed; {@code null} when the method has not been called (or is not memoized).
   */
  static @Nullable MethodSpec live(Method target) {
    Site site = SITES.get(target.getDeclaringClass()).get(target.getName() + descriptorOf(target));
    return site == null ? null : site.spec;
  }

  private static MemoizeSettings fromAnnotation(Memoize m, Method target) {
    Duration expire = null;
    if (!m.expireAfter().isEmpty()) {
      try {
        expire = Duration.parse(m.expireAfter());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("@Memoize(expireAfter = \"" + m.expireAfter() + "\") on "
            + target + " is not an ISO-8601 duration such as \"P30D\" or \"PT12H\"", e);
      }
    }
    Set<Memoize.Tier> tiers = m.tiers().length == 0 ? EnumSet.noneOf(Memoize.Tier.class)
        : EnumSet.copyOf(java.util.Arrays.asList(m.tiers()));
    return new MemoizeSettings(m.name(), m.version(), m.stateless(), tiers, expire, m.shared());
  }

  /** The JVM descriptor of {@code m}, such as {@code (IJ)[D}. */
  static String descriptorOf(Method m) {
    StringBuilder sb = new StringBuilder("(");
    for (Class<?> p : m.getParameterTypes()) {
      sb.append(p.descriptorString());
    }
    return sb.append(')').append(m.getReturnType().descriptorString()).toString();
  }
}
