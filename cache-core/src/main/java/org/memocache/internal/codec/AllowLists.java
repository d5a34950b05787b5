package org.memocache.internal.codec;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.Settings;
import org.memocache.internal.Warnings;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ClassShape;

/**
 * Builds the class filter of a memoized method: which classes its stored results may decode to. A
 * cache directory is data, never code, so a stored entry may only name
 *
 * <ul>
 *   <li>JDK value types (boxes, {@code String}, {@code java.math}, {@code java.time}, the
 *       {@code java.util} collections, optionals, {@code UUID}...) and primitive arrays;
 *   <li>classes in the packages of the method's declared return type, of its type arguments, and
 *       of the declared field types reachable from them (plus permitted subclasses of sealed types);
 *   <li>for woven methods, their own package and the classes of their own code source or their
 *       declared return type's (see {@link #forWovenMethod});
 *   <li>classes under the configured prefixes ({@code Memo.builder().allowPackages("com.acme")}, the
 *       {@code allow} setting: {@code -Dmemocache.allow=com.acme}, agent option {@code allow=}).
 * </ul>
 *
 * Arrays are admitted when their element type is. Derived packages match exactly (not their
 * subpackages); configured prefixes match whole name segments ({@code com.acme} admits
 * {@code com.acme.Fit} and {@code com.acme.fit.Model}, not {@code com.acmex.Evil}).
 */
public final class AllowLists {
  private AllowLists() {}

  /** Upper bound of classes inspected when walking declared field types. */
  private static final int MAX_CLASSES = 2_000;

  /**
   * The filter for a method returning {@code declaredReturnType} ({@code null} when unknown, as for
   * programmatic calls: then only JDK value types and the configured prefixes).
   */
  public static ClassFilter forMethod(@Nullable Type declaredReturnType, List<String> allowedPackages) {
    Set<String> packages = new TreeSet<>();
    if (declaredReturnType != null) {
      collectPackages(declaredReturnType, packages);
    }
    return new AllowList(Set.copyOf(packages), List.copyOf(allowedPackages));
  }

  /**
   * The filter for the woven method {@code target}: as {@link #forMethod} for its declared return
   * type, plus its own package (and subpackages), plus classes whose class file lies in the same
   * code source (jar or class directory) as {@code target}'s class or as its declared return type's
   * class (the declaring library: {@code RealMatrix} declared, {@code Array2DRowRealMatrix}
   * returned), with the packages reachable from their fields. Such a class is loaded (never
   * initialized) only after its class file was found there; any other class is still never loaded.
   */
  public static ClassFilter forWovenMethod(Method target, List<String> allowedPackages) {
    ClassFilter declared = forMethod(target.getGenericReturnType(), allowedPackages);
    Class<?> owner = target.getDeclaringClass();
    Set<String> sources = new HashSet<>();
    for (Class<?> c : new Class<?>[] {owner, rawElement(target.getReturnType())}) {
      String location = location(c);
      if (location != null) {
        sources.add(location);
      }
    }
    return new WovenAllowList(declared, owner.getPackageName(), owner.getClassLoader(), Set.copyOf(sources));
  }

  private static Class<?> rawElement(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    return c;
  }

  /** The code source of {@code c} as a URL string, or {@code null} for the JDK and unknown sources. */
  private static @Nullable String location(Class<?> c) {
    try {
      if (c.isPrimitive() || JdkValueTypes.isPlatform(c.getName()) || c.getClassLoader() == null) {
        return null;
      }
      ProtectionDomain domain = c.getProtectionDomain();
      CodeSource source = domain == null ? null : domain.getCodeSource();
      URL url = source == null ? null : source.getLocation();
      return url == null ? null : url.toExternalForm();
    } catch (SecurityException e) {
      return null;
    }
  }

  /**
   * The element class name of an array class name ({@code [[Lcom.acme.X;} → {@code com.acme.X}), the
   * name itself for a plain class, or {@code null} for arrays of primitives, which every filter
   * admits.
   */
  public static @Nullable String elementName(String className) {
    if (!className.startsWith("[")) {
      return className;
    }
    int i = 0;
    while (i < className.length() && className.charAt(i) == '[') {
      i++;
    }
    if (i < className.length() && className.charAt(i) == 'L' && className.endsWith(";")) {
      return className.substring(i + 1, className.length() - 1);
    }
    return null;
  }

  /**
   * Whether {@code filter} admits the class named {@code className}, arrays included: an array is
   * admitted when its element type is; primitive arrays always are.
   */
  public static boolean admits(ClassFilter filter, String className) {
    String element = elementName(className);
    return element == null || filter.admits(element);
  }

  /**
   * Per cache directory, the packages of every class refused there in this JVM so far, sorted; each
   * set guarded by itself.
   */
  private static final ConcurrentHashMap<String, Set<String>> REFUSED_PACKAGES = new ConcurrentHashMap<>();

  /** Directories whose refused packages are remembered at most. */
  private static final int MAX_DIRECTORIES = 64;

  /** Packages named in the warnings about one directory at most. */
  private static final int MAX_PACKAGES = 64;

  /** Class names listed in one warning; more are counted. */
  private static final int LISTED = 5;

  /**
   * Warns that a stored result of {@code method} names classes its allow-list does not admit, and
   * says how to admit them (see {@link #warnNotStorable} for when it warns).
   */
  public static void warnRejected(String method, List<String> classNames, String where) {
    warn(classNames, where, (classes, admit) -> "MemoCache: a stored result of " + method + " (" + where + ") contains "
        + classes + ", which this reader does not admit (it admits JDK value types and, for a method it knows,"
        + " that method's declared types and code, and the allow setting); it is treated as a miss and"
        + (classNames.size() == 1 ? " the class is" : " these classes are") + " never loaded. If "
        + (classNames.size() == 1 ? "it is" : "they are") + " yours, " + admit);
  }

  /**
   * Warns that a result of {@code method} was not stored because it contains classes that could not
   * be decoded again, and says how to admit them. A warning is given only when its remedy differs
   * from the earlier ones about the same directory {@code where} in this JVM, and it admits every
   * package refused there so far: the last such warning holds the one line to copy.
   */
  public static void warnNotStorable(String method, List<String> classNames, String where) {
    warn(classNames, where, (classes, admit) -> "MemoCache: the result of " + method + " contains " + classes
        + ", which its allow-list does not admit, so it would never be readable from " + where
        + "; it is not stored there. " + Character.toUpperCase(admit.charAt(0)) + admit.substring(1));
  }

  /**
   * The classes a reader refused: the one decoding met first, then those of the entry's recorded
   * {@code stored} classes that {@code filter} does not admit either (none of them is loaded).
   */
  public static List<String> refusedClasses(RejectedClassException e, List<ClassShape> stored, ClassFilter filter) {
    Set<String> all = new java.util.LinkedHashSet<>(e.classNames());
    for (ClassShape s : stored) {
      if (!admits(filter, s.className())) {
        all.add(s.className());
      }
    }
    return List.copyOf(all);
  }

  private static void warn(List<String> classNames, String where,
      java.util.function.BiFunction<String, String, String> message) {
    Set<String> own = new TreeSet<>();
    for (String c : classNames) {
      String element = elementName(c);
      String name = element == null ? c : element;
      // A JDK class by its name: its package holds much that no cache entry should ever create.
      own.add(JdkValueTypes.isPlatform(name) ? name : packageOf(name));
    }
    Set<String> refused = REFUSED_PACKAGES.size() < MAX_DIRECTORIES
        ? REFUSED_PACKAGES.computeIfAbsent(where, w -> new TreeSet<>()) : new TreeSet<>();
    List<String> all;
    synchronized (refused) {
      // Names may come from a crafted entry: the list, and the lines naming it, stay bounded.
      if (refused.size() >= MAX_PACKAGES || !refused.addAll(own)) {
        return; // an earlier warning named these packages, with the remedy for them
      }
      all = covering(refused);
    }
    List<String> listed = classNames.stream().map(c -> {
      String element = elementName(c);
      return element == null || element.equals(c) ? c : element + "[]";
    }).distinct().toList();
    String classes = listed.size() == 1 ? listed.get(0)
        : listed.size() <= LISTED ? String.join(", ", listed.subList(0, listed.size() - 1)) + " and " + listed.get(listed.size() - 1)
        : String.join(", ", listed.subList(0, LISTED)) + " and " + (listed.size() - LISTED) + " more classes";
    String admit = "admit " + (listed.size() == 1 ? "it" : "them")
        + (covering(own).size() < all.size() ? ", with the packages refused earlier in this run: " : ": ") + howToAdmit(all);
    // Quiet when the remedy is the one given before (a package under one already named).
    Warnings.once("refused:" + where + ":" + all, () -> message.apply(classes, admit));
  }

  /** {@code packages} without those another one covers as a prefix ({@code com.acme} covers {@code com.acme.fit}). */
  private static List<String> covering(Set<String> packages) {
    List<String> out = new ArrayList<>();
    for (String p : packages) {
      if (out.stream().noneMatch(q -> p.startsWith(q + "."))) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Every way to admit {@code packages}, one for each way in: a system property or environment
   * variable or {@code memocache.properties} line (the default Memo, build-woven code), the agent
   * option (whose list separator is {@code ;}, as {@code ,} separates its options), and the builder.
   */
  static String howToAdmit(List<String> packages) {
    String list = String.join(",", packages);
    String agent = String.join(";", packages);
    return "-D" + Settings.Key.ALLOW.property() + "=" + list + " (or " + Settings.Key.ALLOW.env() + "=" + list
        + ", or " + Settings.Key.ALLOW.key() + "=" + list + " in " + Settings.FILE + "), the agent option "
        + Settings.Key.ALLOW.key() + "=" + agent + ", or Memo.builder().allowPackages("
        + packages.stream().map(p -> "\"" + p + "\"").collect(java.util.stream.Collectors.joining(", ")) + ")";
  }

  static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(0, dot);
  }

  private static void collectPackages(Type root, Set<String> packages) {
    Deque<Type> todo = new ArrayDeque<>();
    Set<Type> seen = new HashSet<>();
    todo.add(root);
    while (!todo.isEmpty() && seen.size() < MAX_CLASSES) {
      Type t = todo.poll();
      if (!seen.add(t)) {
        continue;
      }
      try {
        if (t instanceof Class<?> c) {
          visitClass(c, todo, packages);
        } else if (t instanceof ParameterizedType p) {
          todo.add(p.getRawType());
          todo.addAll(List.of(p.getActualTypeArguments()));
        } else if (t instanceof GenericArrayType g) {
          todo.add(g.getGenericComponentType());
        } else if (t instanceof WildcardType w) {
          todo.addAll(List.of(w.getUpperBounds()));
          todo.addAll(List.of(w.getLowerBounds()));
        } else if (t instanceof TypeVariable<?> v) {
          todo.addAll(List.of(v.getBounds()));
        }
      } catch (LinkageError | SecurityException | TypeNotPresentException e) {
        // A type we cannot resolve contributes nothing; its instances are then rejected with a
        // warning that says how to admit them.
      }
    }
  }

  private static void visitClass(Class<?> c, Deque<Type> todo, Set<String> packages) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive() || JdkValueTypes.isPlatform(c.getName())) {
      return;
    }
    String pkg = c.getPackageName();
    if (!pkg.isEmpty()) {
      packages.add(pkg);
    }
    if (c.isSealed()) {
      Class<?>[] permitted = c.getPermittedSubclasses();
      if (permitted != null) {
        todo.addAll(List.of(permitted));
      }
    }
    for (Class<?> k = c; k != null && !JdkValueTypes.isPlatform(k.getName()); k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          todo.add(f.getGenericType());
        }
      }
    }
  }

  /** A woven method's filter; decisions about code sources are made once per class name. */
  private static final class WovenAllowList implements ClassFilter {
    private final ClassFilter declared;
    private final String ownPackage;
    private final @Nullable ClassLoader loader;
    private final Set<String> sources;
    private final Set<String> reachable = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Boolean> decided = new ConcurrentHashMap<>();

    WovenAllowList(ClassFilter declared, String ownPackage, @Nullable ClassLoader loader, Set<String> sources) {
      this.declared = declared;
      this.ownPackage = ownPackage;
      this.loader = loader;
      this.sources = sources;
    }

    @Override
    public boolean admits(String className) {
      if (declared.admits(className)) {
        return true;
      }
      if (className.contains("$$Lambda")) {
        return false;
      }
      if (!ownPackage.isEmpty() && className.startsWith(ownPackage + ".")) {
        return true;
      }
      if (reachable.contains(packageOf(className))) {
        return true;
      }
      if (sources.isEmpty() || loader == null || decided.size() > MAX_CLASSES) {
        return false;
      }
      return decided.computeIfAbsent(className, this::fromTrustedSource);
    }

    private boolean fromTrustedSource(String className) {
      try {
        ClassLoader l = loader;
        if (l == null) {
          return false;
        }
        URL file = l.getResource(className.replace('.', '/') + ".class");
        if (file == null || !fromSources(file.toExternalForm())) {
          return false;
        }
        Set<String> packages = new TreeSet<>();
        collectPackages(Class.forName(className, false, loader), packages);
        reachable.addAll(packages);
        return true;
      } catch (ClassNotFoundException | LinkageError | SecurityException e) {
        return false;
      }
    }

    /** Whether a class file URL lies in one of the code sources (a class directory or a jar). */
    private boolean fromSources(String file) {
      for (String s : sources) {
        if ((file.startsWith(s) && s.endsWith("/")) || file.startsWith("jar:" + s + "!/")) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "WovenAllowList[" + declared + ", package " + ownPackage + ", code sources " + sources + "]";
    }
  }

  /** The filter itself: immutable, cheap to query. */
  private record AllowList(Set<String> packages, List<String> prefixes) implements ClassFilter {

    @Override
    public boolean admits(String className) {
      if (className.contains("$$Lambda")) {
        return false;
      }
      if (JdkValueTypes.admits(className)) {
        return true;
      }
      if (!packages.isEmpty() && packages.contains(packageOf(className)) && className.indexOf('.') > 0) {
        return true;
      }
      for (String p : prefixes) {
        if (matchesPrefix(className, p)) {
          return true;
        }
      }
      return false;
    }

    private static boolean matchesPrefix(String className, String prefix) {
      if (prefix.isEmpty() || !className.startsWith(prefix)) {
        return false;
      }
      if (className.length() == prefix.length() || prefix.endsWith(".") || prefix.endsWith("$")) {
        return true;
      }
      char next = className.charAt(prefix.length());
      return next == '.' || next == '$';
    }

    @Override
    public String toString() {
      return "AllowList[JDK value types, packages " + packages + ", prefixes " + prefixes + "]";
    }
  }
}
