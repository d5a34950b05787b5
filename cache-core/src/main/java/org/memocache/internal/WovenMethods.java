package org.memocache.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.memocache.MemoConfig;
import org.memocache.MemoizeSettings;
import org.memocache.MethodId;
import org.memocache.annotations.Memoize;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Shapes;
import org.memocache.partial.Progress;

/**
 * How woven methods are memoized, resolved in one place for the woven code's entry point
 * ({@code MemoRuntime}) and for the method handles that address their stored results
 * ({@code MemoizedMethod}): the settings of each method (its {@code @Memoize}, or those the agent
 * defined), the spec they make, and the specs the woven code of this JVM resolved.
 */
public final class WovenMethods {
  private WovenMethods() {}

  private static final ConcurrentHashMap<String, MemoizeSettings> DEFINED = new ConcurrentHashMap<>();
  private static final Site DISABLED = new Site(null);

  private static final ClassValue<ConcurrentHashMap<String, Site>> SITES = new ClassValue<>() {
    @Override
    protected ConcurrentHashMap<String, Site> computeValue(Class<?> type) {
      return new ConcurrentHashMap<>();
    }
  };

  /** The resolved spec of a method, or {@code null} when it is not memoized. */
  private record Site(@Nullable MethodSpec spec) {}

  /**
   * Declares a method memoized without an annotation (the agent's {@code methods=} option).
   *
   * @param ownerBinaryName the declaring class, such as {@code com.acme.Fit}
   * @param method the method name and JVM descriptor, such as {@code fit(IJ)[D}
   */
  public static void define(String ownerBinaryName, String method, MemoizeSettings settings) {
    DEFINED.put(ownerBinaryName + "#" + method, settings);
  }

  /**
   * The spec of the woven method {@code owner.method}, resolved on its first call in this JVM and
   * kept; {@code null} when it is not memoized (or cannot be: after one warning).
   *
   * @param method the method's name followed by its JVM descriptor, such as {@code "fit(IJ)[D"}
   * @param config the configuration of the Memo woven code uses, or {@code null} when it has a bad
   *     value (nothing is memoized then)
   */
  public static @Nullable MethodSpec site(Class<?> owner, String method, long codeFingerprint,
      Supplier<@Nullable MemoConfig> config) {
    return SITES.get(owner).computeIfAbsent(method, m -> resolve(owner, m, codeFingerprint, config)).spec;
  }

  /**
   * The spec woven code resolved for {@code target} in this JVM, carrying the fingerprint the weaver
   * computed; {@code null} when the method has not been called (or is not memoized).
   */
  public static @Nullable MethodSpec live(Method target) {
    Site site = SITES.get(target.getDeclaringClass()).get(target.getName() + descriptorOf(target));
    return site == null ? null : site.spec;
  }

  private static Site resolve(Class<?> owner, String method, long codeFingerprint,
      Supplier<@Nullable MemoConfig> config) {
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
      MemoConfig c = config.get();
      if (c == null) {
        return DISABLED;
      }
      return new Site(spec(target, settings, codeFingerprint, c));
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
  public static @Nullable MemoizeSettings settingsOf(Method target) {
    Memoize annotation = target.getAnnotation(Memoize.class);
    if (annotation != null) {
      return fromAnnotation(annotation, target);
    }
    return DEFINED.get(target.getDeclaringClass().getName() + "#" + target.getName() + descriptorOf(target));
  }

  /** Whether {@code target}'s identity includes its bytecode fingerprint under {@code config}. */
  public static boolean fingerprinted(Method target, MemoConfig config) {
    Memoize annotation = target.getAnnotation(Memoize.class);
    return config.codeFingerprint() && (annotation == null || annotation.codeFingerprint());
  }

  /** The spec of a woven method: its identity, how its parameters enter the key, where results go. */
  public static MethodSpec spec(Method target, MemoizeSettings settings, long codeFingerprint, MemoConfig config) {
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
    MethodSpec spec = MethodSpec.woven(id, names, ignored, byContent,
        AllowLists.forWovenMethod(target, config.allowedPackages()), progress, resultShape(target));
    if (!Modifier.isStatic(target.getModifiers()) && !stateless) {
      spec = spec.withReceiverInKey();
    }
    boolean memory = settings.tiers().contains(Memoize.Tier.MEMORY);
    boolean stored = stored(settings);
    if (!memory) {
      spec = spec.storedOnly();
    } else if (!stored) {
      spec = spec.inMemoryOnly();
    }
    if (settings.expireAfter() != null) {
      spec = spec.expiringAfter(settings.expireAfter());
    }
    return settings.shared() ? spec.sharingResults() : spec;
  }

  /** Whether results go to the tiers below memory: {@code STORED}, or its former name {@code DISK}. */
  @SuppressWarnings("deprecation")
  private static boolean stored(MemoizeSettings settings) {
    return settings.tiers().contains(Memoize.Tier.STORED) || settings.tiers().contains(Memoize.Tier.DISK);
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
        : EnumSet.copyOf(Arrays.asList(m.tiers()));
    return new MemoizeSettings(m.name(), m.version(), m.stateless(), tiers, expire, m.shared());
  }

  /** The JVM descriptor of {@code m}, such as {@code (IJ)[D}. */
  public static String descriptorOf(Method m) {
    StringBuilder sb = new StringBuilder("(");
    for (Class<?> p : m.getParameterTypes()) {
      sb.append(p.descriptorString());
    }
    return sb.append(')').append(m.getReturnType().descriptorString()).toString();
  }
}
