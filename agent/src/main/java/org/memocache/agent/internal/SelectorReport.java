package org.memocache.agent.internal;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import org.memocache.agent.MethodSelector;

/**
 * Says which {@code methods=} selectors did nothing: at start-up, those naming JDK classes (never
 * woven); at JVM exit, those that matched no method of a loaded class, with the closest names that
 * did load ("did you mean ...?"). A selector's class that never loaded, a name in the wrong case or
 * a misspelt method would otherwise leave the job computing everything, without a word.
 *
 * <p>The exit report is printed straight to stderr (see {@link AgentLog#warnAtExit}). The exit check looks at the classes loaded by then ({@link Instrumentation#getAllLoadedClasses})
 * and matches their declared methods with the same rules as weaving, so it holds whether a class was
 * woven or replayed from the weave cache.
 */
public final class SelectorReport {
  private SelectorReport() {}

  /** Warns about JDK selectors now, and registers the check at exit for the others. */
  public static void install(List<MethodSelector> selectors, Selection selection, Instrumentation instrumentation,
      AgentLog log) {
    List<MethodSelector> checked = new ArrayList<>();
    for (MethodSelector s : selectors) {
      if (Selection.isJdk(s)) {
        log.warnOnce("jdk:" + s, () -> "MemoCache agent: methods=" + s + " names a JDK class; JDK methods are"
            + " not supported (only application and library classes are woven), so it is computed normally");
      } else {
        checked.add(s);
      }
    }
    if (!checked.isEmpty()) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        String report = report(checked, instrumentation.getAllLoadedClasses());
        if (report != null) {
          log.warnAtExit(report);
        }
      }, "memocache-agent-selectors"));
    }
  }

  /** The block reporting the selectors that matched no method of {@code loaded}, or {@code null}. */
  static String report(List<MethodSelector> selectors, Class<?>[] loaded) {
    Map<String, Class<?>> byName = new TreeMap<>();
    for (Class<?> c : loaded) {
      if (!c.isArray() && !c.isPrimitive() && !c.isHidden()) {
        byName.putIfAbsent(c.getName(), c);
      }
    }
    List<String> lines = new ArrayList<>();
    for (MethodSelector s : selectors) {
      String line = unmatched(s, byName);
      if (line != null) {
        lines.add("  " + line);
      }
    }
    if (lines.isEmpty()) {
      return null;
    }
    return "MemoCache agent: " + (lines.size() == 1 ? "1 methods= selector" : lines.size() + " methods= selectors")
        + " matched no loaded method; nothing was memoized for " + (lines.size() == 1 ? "it" : "them") + ":\n"
        + String.join("\n", lines);
  }

  /** Why {@code s} matched nothing, with suggestions; {@code null} when it matched. */
  private static String unmatched(MethodSelector s, Map<String, Class<?>> loaded) {
    List<String> names = Selection.binaryNames(s.className());
    List<Class<?>> classes = new ArrayList<>();
    for (String n : names) {
      Class<?> c = loaded.get(n);
      if (c != null) {
        classes.add(c);
      }
    }
    if (classes.isEmpty()) {
      Set<String> similar = new LinkedHashSet<>();
      for (String n : loaded.keySet()) {
        for (String variant : names) {
          if (n.equalsIgnoreCase(variant)) {
            similar.add(withClass(s, n));
          }
        }
      }
      return s + ": no class " + s.className() + " was loaded" + didYouMean(similar);
    }
    Set<String> similar = new LinkedHashSet<>();
    for (Class<?> c : classes) {
      if (Declared.selectsOrCollectSimilar(s, c, similar)) {
        return null;
      }
    }
    String cls = classes.get(0).getName();
    if (s.isWildcard()) {
      return s + ": " + cls + " declares no method that can be memoized";
    }
    return s + ": " + cls + " declares no method " + s.methodName()
        + (s.parameterTypes() == null ? "" : "(" + String.join(",", s.parameterTypes()) + ")") + didYouMean(similar);
  }

  /**
   * The part that needs Byte Buddy's method descriptions, in a class of its own: verifying
   * {@link SelectorReport} at start-up then loads no Byte Buddy class.
   */
  private static final class Declared {
    private Declared() {}

    /**
     * Whether {@code s} selects a method {@code c} declares (or its methods cannot be resolved:
     * nothing to say about them); otherwise adds the declared methods with similar names to
     * {@code similar}.
     */
    static boolean selectsOrCollectSimilar(MethodSelector s, Class<?> c, Set<String> similar) {
      Method[] methods;
      try {
        methods = c.getDeclaredMethods();
      } catch (Throwable e) {
        return true;
      }
      TypeDescription type = TypeDescription.ForLoadedType.of(c);
      for (Method m : methods) {
        MethodDescription d = new MethodDescription.ForLoadedMethod(m);
        if (SelectorMatch.selects(s, d)) {
          return true;
        }
        if (!s.isWildcard() && !m.isSynthetic() && close(m.getName(), s.methodName())) {
          similar.add(s.parameterTypes() == null ? c.getName() + "#" + m.getName() : Weaving.display(type, d));
        }
      }
      return false;
    }
  }

  private static String withClass(MethodSelector s, String className) {
    return className + s.toString().substring(s.className().length());
  }

  private static String didYouMean(Set<String> candidates) {
    if (candidates.isEmpty()) {
      return "";
    }
    List<String> first = candidates.stream().limit(3).toList();
    return "; did you mean " + String.join(" or ", first) + "?";
  }

  /** Same name in another case, or one edit apart (two for names of five letters or more). */
  static boolean close(String a, String b) {
    if (a.equalsIgnoreCase(b)) {
      return true;
    }
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    if (Math.abs(x.length() - y.length()) > 2) {
      return false;
    }
    int[] prev = new int[y.length() + 1];
    int[] cur = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length()] <= (Math.max(x.length(), y.length()) >= 5 ? 2 : 1);
  }
}
