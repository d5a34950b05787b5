package org.memocache.internal;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.memocache.spi.ClassFilter;

/**
 * The class filter of a programmatic call: the configured allow-list, plus the packages (and
 * subpackages) of the code that made the call, learned from the lambdas it passed. The caller's
 * own result types then round-trip through disk with no configuration, while a cache directory
 * still cannot name an arbitrary class on the class path.
 */
public final class CallerPackages implements ClassFilter {
  private final ClassFilter base;
  private final Set<String> prefixes = new CopyOnWriteArraySet<>();
  private volatile Class<?> lastCaller = Object.class;

  public CallerPackages(ClassFilter base) {
    this.base = base;
  }

  /**
   * Admits the package (and subpackages) of the code that created {@code callerLambda}. Cheap when
   * called again with the same class, as it is on every call of a call site.
   */
  public void addCallerOf(Class<?> callerLambda) {
    if (callerLambda != lastCaller) {
      add(packageOf(callerLambda));
      lastCaller = callerLambda;
    }
  }

  /** The package of the code that wrote a lambda or method reference. */
  private static String packageOf(Class<?> lambdaClass) {
    String n = lambdaClass.getName();
    int cut = n.indexOf("$$");
    if (cut >= 0) {
      n = n.substring(0, cut);
    }
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(0, dot);
  }

  /** Admits {@code pkg} and its subpackages; the empty (default) package is never admitted. */
  public void add(String pkg) {
    if (!pkg.isEmpty() && !prefixes.contains(pkg + ".")) {
      prefixes.add(pkg + ".");
    }
  }

  @Override
  public boolean admits(String className) {
    if (base.admits(className)) {
      return true;
    }
    for (String p : prefixes) {
      if (className.startsWith(p) && !className.contains("$$Lambda")) {
        return true;
      }
    }
    return false;
  }
}
