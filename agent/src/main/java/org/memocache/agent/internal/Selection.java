package org.memocache.agent.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.memocache.agent.MethodSelector;

/**
 * The agent's {@code methods=} list, indexed by class for the per-class checks at load time (free of
 * Byte Buddy types: {@link SelectorMatch} does the matching of methods, when weaving). A class name
 * written as in source ({@code com.acme.Outer.Inner}) is indexed under its binary forms too
 * ({@code com.acme.Outer$Inner}, ...), and selectors of JDK classes, which are never woven, not at all.
 */
public final class Selection {
  private static final String[] JDK = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

  private final Map<String, List<MethodSelector>> byClass = new HashMap<>();

  public Selection(List<MethodSelector> selectors) {
    for (MethodSelector s : selectors) {
      if (!isJdk(s)) {
        for (String name : binaryNames(s.className())) {
          byClass.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
        }
      }
    }
  }

  /** Whether {@code className} (a binary name) is named by any selector. */
  public boolean names(String className) {
    return byClass.containsKey(className);
  }

  /** The selectors of {@code className}; empty when none. */
  public List<MethodSelector> of(String className) {
    return byClass.getOrDefault(className, List.of());
  }

  /** Every binary class name a selector may stand for. */
  public Set<String> classNames() {
    return byClass.keySet();
  }

  /** Whether {@code s} names a class of the JDK, which the agent never weaves. */
  public static boolean isJdk(MethodSelector s) {
    for (String p : JDK) {
      if (s.className().startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The name as written, then with its last dot, last two dots, ... read as nested-class
   * separators: {@code a.B.C} also stands for {@code a.B$C} and {@code a$B$C}.
   */
  static List<String> binaryNames(String className) {
    List<String> names = new ArrayList<>(List.of(className));
    String n = className;
    for (int dot = n.lastIndexOf('.'); dot > 0; dot = n.lastIndexOf('.')) {
      n = n.substring(0, dot) + '$' + n.substring(dot + 1);
      names.add(n);
    }
    return names;
  }
}
