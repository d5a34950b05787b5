package org.memocache.agent.internal;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDefinition;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.MethodSelector;

/** Whether a {@code methods=} selector names a method, as written by people. */
final class SelectorMatch {
  private SelectorMatch() {}

  /** The first of {@code selectors} that selects {@code method}, or {@code null}. */
  public static @Nullable MethodSelector find(List<MethodSelector> selectors, MethodDescription method) {
    for (MethodSelector s : selectors) {
      if (selects(s, method)) {
        return s;
      }
    }
    return null;
  }

  /** Whether {@code s} selects {@code method} (of the class {@code s} names). */
  public static boolean selects(MethodSelector s, MethodDescription method) {
    if (method.isConstructor() || method.isTypeInitializer()) {
      return false;
    }
    if (s.isWildcard()) {
      return Weaving.isWildcardCandidate(method);
    }
    if (!method.getName().equals(s.methodName()) || method.isSynthetic() || method.isBridge()) {
      return false;
    }
    List<String> wanted = s.parameterTypes();
    if (wanted == null) {
      return true;
    }
    ParameterList<?> params = method.getParameters();
    if (params.size() != wanted.size()) {
      return false;
    }
    for (int i = 0; i < wanted.size(); i++) {
      if (!typeMatches(wanted.get(i), params.get(i).getType().asErasure())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a written parameter type names {@code actual}: fully qualified (nested classes with
   * {@code $} or {@code .}), or by simple name when written without a package.
   */
  static boolean typeMatches(String written, TypeDefinition actual) {
    String w = written;
    TypeDefinition a = actual;
    while (w.endsWith("[]")) {
      if (!a.isArray()) {
        return false;
      }
      w = w.substring(0, w.length() - 2);
      a = a.getComponentType();
    }
    if (a.isArray()) {
      return false;
    }
    String name = a.asErasure().getName();
    if (w.equals(name) || w.equals(name.replace('$', '.'))) {
      return true;
    }
    return w.indexOf('.') < 0 && w.equals(a.asErasure().getSimpleName());
  }
}
