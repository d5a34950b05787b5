package org.memocache.agent;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the agent's {@code methods=} option: the methods of one class to memoize without an
 * annotation. Three forms:
 *
 * <pre>
 * com.acme.Pipeline#clean                    every method named clean (all overloads)
 * com.acme.Io#load(java.nio.file.Path)       the overload with exactly these parameter types
 * com.acme.Fit#*                             every memoizable method the class declares
 * </pre>
 *
 * <p>Only methods the named class itself declares are matched (not inherited ones); nested classes
 * are written with {@code $} ({@code com.acme.Outer$Inner#fit}) or, as in source, with dots
 * ({@code com.acme.Outer.Inner#fit}: its last dots are also tried as {@code $}). Parameter types are
 * fully qualified names, simple names ({@code Path}), primitives, or arrays of those
 * ({@code double[][]}, or {@code int...} for varargs).
 *
 * @param className the binary name of the declaring class, such as {@code com.acme.Fit}
 * @param methodName the method name, or {@code "*"} for every memoizable method
 * @param parameterTypes the parameter types to match, or {@code null} to match every overload
 */
public record MethodSelector(String className, String methodName, @Nullable List<String> parameterTypes) {

  private static final String IDENT = "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*";
  private static final Pattern CLASS = Pattern.compile(IDENT + "(\\." + IDENT + ")*");
  private static final Pattern METHOD = Pattern.compile(IDENT + "|\\*");
  private static final Pattern TYPE = Pattern.compile(IDENT + "(\\." + IDENT + ")*(\\[])*");

  /** The wildcard method name. */
  public static final String ALL = "*";

  /**
   * Checks every part.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public MethodSelector {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(methodName, "methodName");
    if (!CLASS.matcher(className).matches()) {
      throw new IllegalArgumentException("'" + className + "' is not a class name such as com.acme.Fit");
    }
    if (!METHOD.matcher(methodName).matches()) {
      throw new IllegalArgumentException("'" + methodName + "' is not a method name (or *) in "
          + className + "#" + methodName);
    }
    if (parameterTypes != null) {
      if (methodName.equals(ALL)) {
        throw new IllegalArgumentException(className + "#*" + " cannot have parameter types: "
            + "* already selects every method");
      }
      // Java's varargs form is the array it compiles to.
      parameterTypes = parameterTypes.stream()
          .map(t -> t.endsWith("...") ? t.substring(0, t.length() - 3) + "[]" : t).toList();
      for (String t : parameterTypes) {
        if (!TYPE.matcher(t).matches()) {
          throw new IllegalArgumentException("'" + t + "' is not a parameter type (such as int,"
              + " double[] or java.nio.file.Path) in " + className + "#" + methodName);
        }
      }
    }
  }

  /**
   * Parses the text form, such as {@code com.acme.Io#load(java.nio.file.Path, int)}.
   *
   * @throws IllegalArgumentException quoting the text when it is not of that form
   */
  public static MethodSelector parse(String text) {
    String s = text.strip();
    int hash = s.indexOf('#');
    if (hash < 0) {
      throw new IllegalArgumentException("'" + text + "' names no method: write " + s
          + "#method, " + s + "#method(int,long) or " + s + "#*");
    }
    String cls = s.substring(0, hash).strip();
    String rest = s.substring(hash + 1).strip();
    int paren = rest.indexOf('(');
    if (paren < 0) {
      return new MethodSelector(cls, rest, null);
    }
    if (!rest.endsWith(")")) {
      throw new IllegalArgumentException("'" + text + "' has an unclosed parameter list");
    }
    String name = rest.substring(0, paren).strip();
    String params = rest.substring(paren + 1, rest.length() - 1).strip();
    List<String> types = params.isEmpty() ? List.of()
        : java.util.Arrays.stream(params.split(",", -1)).map(p -> p.replace(" ", "")).toList();
    return new MethodSelector(cls, name, types);
  }

  /** Whether this selects every memoizable method of the class. */
  public boolean isWildcard() {
    return methodName.equals(ALL);
  }

  /** The form {@link #parse} reads, such as {@code com.acme.Fit#fit(int,long)}. */
  @Override
  public String toString() {
    String s = className + "#" + methodName;
    return parameterTypes == null ? s : s + "(" + String.join(",", parameterTypes) + ")";
  }
}
