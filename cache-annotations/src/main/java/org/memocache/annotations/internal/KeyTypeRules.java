package org.memocache.annotations.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one table of which types can be part of a cache key, shared by the annotation processor
 * (compile time, from declared types) and the run-time key encoder (from actual classes), so that a
 * type the compiler accepts is a type the encoder accepts.
 *
 * <p>Types are named by their binary names ({@link Class#getName()} for non-array types, such as
 * {@code java.util.Map$Entry}); a type is judged together with all its supertypes, because what
 * decides is often an interface: a {@code FileInputStream} is unhashable because it is an {@code
 * InputStream}, a {@code sun.nio.fs.UnixPath} is hashed as a {@code Path}. The order of a decision:
 *
 * <ol>
 *   <li>a lambda, method reference or other hidden class (its name has {@code $$Lambda} or a
 *       {@code /}) is {@link KeyType.Unhashable};
 *   <li>a type that is, or extends, a live object (streams, iterators, I/O handles, threads,
 *       locks, futures, database handles, references, class loaders, loggers...) is {@link
 *       KeyType.Unhashable}, with a reason that says what to pass instead;
 *   <li>a type matching a {@link KeyRule} by itself or a supertype is {@link KeyType.BuiltIn}; when
 *       several match, the rule declared first in {@link KeyRule} wins (an enum implementing {@code
 *       List} is an enum);
 *   <li>a declared functional interface ({@code java.util.function.*}, {@code Runnable}, {@code
 *       Callable}, {@code Comparator}) is {@link KeyType.FunctionLike};
 *   <li>anything else is {@link KeyType.Walk}.
 * </ol>
 *
 * <p>The methods compute their answer each time (a few map look-ups per supertype); callers on a
 * hot path keep the result per class, for example in a {@link ClassValue}.
 */
public final class KeyTypeRules {

  /**
   * The binary name of {@code org.memocache.partial.Progress}: a parameter of this type is injected per call
   * by MemoCache (the recorded progress of a progressive computation) and is never part of the key,
   * as if marked {@code @Memoize.Ignore}. Named here, not referenced, because this module does not
   * depend on the runtime.
   */
  public static final String PROGRESS = "org.memocache.partial.Progress";

  /** Whether a parameter of the type with this binary name is injected by MemoCache, so never part of a key. */
  public static boolean isInjected(String binaryName) {
    return PROGRESS.equals(binaryName);
  }

  /** Why a family of live objects can be neither a key nor a stored result. */
  private record Family(String keyAdvice, String returnAdvice) {}

  private static final Family CONSUMED = new Family(
      "is consumed when read: pass a List or an array",
      "is consumed when read, so a stored one would be empty: return a List or an array");
  private static final Family INPUT = new Family(
      "is consumed when read: pass a Path (hashed by path, size and modification time, or by content"
          + " with @Memoize.ByContent) or the data itself as a byte[] or a String",
      "is consumed when read and cannot be stored: return a byte[] or a String");
  private static final Family OUTPUT = new Family(
      "is where the method writes, and a cache hit would skip the writing: return the data"
          + " instead, or mark the parameter @Memoize.Ignore if the output does not matter",
      "is an open destination and cannot be stored: return the data");
  private static final Family HANDLE = new Family(
      "is an open handle to data that can change behind it: pass what names the data (a Path, a"
          + " URI, the query and its parameters)",
      "is an open handle and cannot be stored: return the data read through it");
  private static final Family THREADS = new Family(
      "coordinates threads and is not an input value: mark the parameter @Memoize.Ignore if it"
          + " does not change the result, or pass the value it would produce",
      "coordinates threads and cannot be stored: memoize the method that computes the value");
  private static final Family JVM = new Family(
      "is part of the running JVM, not a value: mark the parameter @Memoize.Ignore if it does not"
          + " change the result",
      "is part of the running JVM and cannot be stored");
  private static final Family REFERENCE = new Family(
      "may be cleared by the garbage collector at any time: pass the object it refers to",
      "may be cleared at any time and cannot be stored: return the object itself");
  private static final Family LOGGER = new Family(
      "does not change a result: mark the parameter @Memoize.Ignore",
      "is not a result and cannot be stored");
  private static final Family NONDETERMINISTIC = new Family(
      "yields different values on every run, so no two runs would share a result: pass the values"
          + " the method needs (an Instant, a seed)",
      "yields different values on every run and cannot be stored");

  /** Binary name of a live type (or a supertype of live types) to its family. */
  private static final Map<String, Family> LIVE = new HashMap<>();

  /** Binary name of a type (or supertype) to the built-in rule hashing it. */
  private static final Map<String, KeyRule> RULES = new HashMap<>();

  /** Declared functional interfaces outside {@code java.util.function}. */
  private static final Set<String> FUNCTIONAL =
      Set.of("java.lang.Runnable", "java.util.concurrent.Callable", "java.util.Comparator");

  /** One instance per rule, so classification allocates nothing for built-in types. */
  private static final KeyType.BuiltIn[] BUILT_IN = new KeyType.BuiltIn[KeyRule.values().length];

  static {
    live(CONSUMED, "java.util.stream.BaseStream", "java.util.Iterator", "java.util.Spliterator",
        "java.util.Enumeration");
    live(INPUT, "java.io.InputStream", "java.io.Reader");
    live(OUTPUT, "java.io.OutputStream", "java.io.Writer");
    live(HANDLE, "java.io.RandomAccessFile", "java.io.Console", "java.nio.channels.Channel",
        "java.nio.channels.Selector", "java.nio.channels.SelectionKey", "java.nio.channels.FileLock",
        "java.nio.file.DirectoryStream", "java.nio.file.WatchService", "java.nio.file.FileSystem",
        "java.util.zip.ZipFile", "java.net.Socket", "java.net.ServerSocket",
        "java.net.DatagramSocket", "java.net.URLConnection", "java.sql.Connection",
        "java.sql.Statement", "java.sql.ResultSet", "javax.sql.DataSource", "java.lang.Process",
        "java.lang.ProcessHandle");
    live(THREADS, "java.lang.Thread", "java.lang.ThreadGroup", "java.lang.ThreadLocal",
        "java.util.concurrent.Executor", "java.util.concurrent.Future",
        "java.util.concurrent.CompletionStage", "java.util.concurrent.Flow$Publisher",
        "java.util.concurrent.Flow$Subscriber", "java.util.concurrent.Flow$Subscription",
        "java.util.concurrent.locks.Lock", "java.util.concurrent.locks.ReadWriteLock",
        "java.util.concurrent.locks.Condition", "java.util.concurrent.locks.StampedLock",
        "java.util.concurrent.Semaphore", "java.util.concurrent.CountDownLatch",
        "java.util.concurrent.CyclicBarrier", "java.util.concurrent.Phaser",
        "java.util.concurrent.Exchanger", "java.util.Timer");
    live(JVM, "java.lang.ClassLoader", "java.lang.reflect.Proxy", "java.lang.Runtime",
        "java.lang.ModuleLayer", "java.lang.invoke.MethodHandle",
        "java.lang.invoke.MethodHandles$Lookup");
    live(REFERENCE, "java.lang.ref.Reference");
    live(LOGGER, "java.util.logging.Logger", "java.lang.System$Logger", "org.slf4j.Logger",
        "org.apache.logging.log4j.Logger", "org.apache.commons.logging.Log");
    live(NONDETERMINISTIC, "java.time.Clock", "java.security.SecureRandom");

    rules(KeyRule.PRIMITIVE, "boolean", "byte", "short", "char", "int", "long", "float", "double");
    rules(KeyRule.BOX, "java.lang.Boolean", "java.lang.Byte", "java.lang.Short",
        "java.lang.Character", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
        "java.lang.Double");
    rules(KeyRule.STRING, "java.lang.String");
    rules(KeyRule.CHARS, "java.lang.StringBuilder", "java.lang.StringBuffer");
    rules(KeyRule.ENUM, "java.lang.Enum");
    rules(KeyRule.CLASS, "java.lang.Class");
    rules(KeyRule.BIG_INTEGER, "java.math.BigInteger");
    rules(KeyRule.BIG_DECIMAL, "java.math.BigDecimal");
    rules(KeyRule.UUID, "java.util.UUID");
    rules(KeyRule.TIME, "java.time.Instant", "java.time.Duration", "java.time.Period",
        "java.time.LocalDate", "java.time.LocalTime", "java.time.LocalDateTime",
        "java.time.OffsetTime", "java.time.OffsetDateTime", "java.time.ZonedDateTime",
        "java.time.Year", "java.time.YearMonth", "java.time.MonthDay", "java.time.ZoneId");
    rules(KeyRule.STRING_FORM, "java.net.URI", "java.net.URL", "java.util.Locale",
        "java.nio.charset.Charset");
    rules(KeyRule.OPTIONAL, "java.util.Optional", "java.util.OptionalInt",
        "java.util.OptionalLong", "java.util.OptionalDouble");
    rules(KeyRule.RECORD, "java.lang.Record");
    rules(KeyRule.LIST, "java.util.List");
    rules(KeyRule.SET, "java.util.Set");
    rules(KeyRule.MAP, "java.util.Map");
    rules(KeyRule.MAP_ENTRY, "java.util.Map$Entry");
    rules(KeyRule.COLLECTION, "java.util.Collection");
    rules(KeyRule.BUFFER, "java.nio.Buffer");
    rules(KeyRule.PATH, "java.nio.file.Path");
    rules(KeyRule.FILE, "java.io.File");

    for (KeyRule rule : KeyRule.values()) {
      BUILT_IN[rule.ordinal()] = new KeyType.BuiltIn(rule);
    }
  }

  private KeyTypeRules() {}

  private static void live(Family family, String... names) {
    for (String name : names) {
      LIVE.put(name, family);
    }
  }

  private static void rules(KeyRule rule, String... names) {
    for (String name : names) {
      RULES.put(name, rule);
    }
  }

  /**
   * Classifies a type known only by its name, without its supertypes: exact names, array names
   * ({@code int[]}, {@code [I}, {@code [Ljava.lang.String;}) and lambda names. Prefer {@link
   * #classify(List)} or {@link #classify(Class)}, which also see what a type extends.
   *
   * @param binaryName such as {@code java.util.List}, {@code int}, {@code java.util.Map$Entry}
   */
  public static KeyType classify(String binaryName) {
    return classify(List.of(binaryName));
  }

  /**
   * Classifies a type from its binary name followed by the binary names of its supertypes (any
   * order, duplicates allowed; {@code java.lang.Object} may be left out).
   *
   * @param typeAndSupertypes the type first, then every class and interface it extends or
   *     implements, directly or not
   * @throws IllegalArgumentException if the list is empty
   */
  public static KeyType classify(List<String> typeAndSupertypes) {
    Objects.requireNonNull(typeAndSupertypes, "typeAndSupertypes");
    if (typeAndSupertypes.isEmpty()) {
      throw new IllegalArgumentException("typeAndSupertypes must name at least the type itself");
    }
    String self = typeAndSupertypes.get(0);
    Optional<String> component = componentName(self);
    if (component.isPresent()) {
      String name = component.get();
      return arrayOf(classify(name), RULES.get(name) == KeyRule.PRIMITIVE);
    }
    Optional<KeyType> hidden = hidden(self);
    if (hidden.isPresent()) {
      return hidden.get();
    }
    for (String name : typeAndSupertypes) {
      Family family = LIVE.get(name);
      if (family != null) {
        return new KeyType.Unhashable(name, noun(name) + " " + family.keyAdvice());
      }
    }
    KeyRule best = null;
    for (String name : typeAndSupertypes) {
      KeyRule rule = RULES.get(name);
      if (rule != null && (best == null || rule.ordinal() < best.ordinal())) {
        best = rule;
      }
    }
    if (best != null) {
      return BUILT_IN[best.ordinal()];
    }
    if (isFunctional(self)) {
      return functional(self);
    }
    return KeyType.Walk.INSTANCE;
  }

  /**
   * Classifies a class from its run-time supertypes. An array is judged by its component type; a
   * lambda by its hidden-class name.
   */
  public static KeyType classify(Class<?> type) {
    Objects.requireNonNull(type, "type");
    if (type.isArray()) {
      Class<?> component = type.getComponentType();
      return arrayOf(classify(component), component.isPrimitive());
    }
    return classify(typeAndSupertypes(type));
  }

  /**
   * The decision for an array from the decision for its component type: primitive components are
   * streamed raw, unhashable or functional components make the array so, anything else is hashed
   * element by element.
   *
   * @param component the decision for the component type
   * @param primitiveComponent whether the component type is primitive ({@code int}, not {@code
   *     Integer})
   */
  public static KeyType arrayOf(KeyType component, boolean primitiveComponent) {
    Objects.requireNonNull(component, "component");
    if (component instanceof KeyType.Unhashable u) {
      return new KeyType.Unhashable(
          u.matched(), "its elements cannot be hashed (" + u.reason() + ")");
    }
    if (component instanceof KeyType.FunctionLike f) {
      return new KeyType.FunctionLike(f.interfaceName(), "its elements: " + f.advice());
    }
    return BUILT_IN[(primitiveComponent ? KeyRule.PRIMITIVE_ARRAY : KeyRule.ARRAY).ordinal()];
  }

  /**
   * The decision for a declared functional interface: the processor's warning text. Also used for
   * interfaces annotated {@code @FunctionalInterface}, which this table cannot know by name.
   *
   * @param interfaceName the binary name of the interface
   */
  public static KeyType.FunctionLike functional(String interfaceName) {
    Objects.requireNonNull(interfaceName, "interfaceName");
    String simple = simpleName(interfaceName);
    return new KeyType.FunctionLike(interfaceName,
        "a call passing a lambda or method reference is not memoized (it computes, with a warning"
            + " at run time) because what a lambda captures is invisible to the key; a named class"
            + " implementing " + simple + " is hashed by its fields. Mark the parameter"
            + " @Memoize.Ignore if it does not change the result");
  }

  /**
   * Whether a type is a declared functional interface of the JDK that is commonly implemented by
   * lambdas: everything in {@code java.util.function}, {@code Runnable}, {@code Callable}, {@code
   * Comparator}.
   */
  public static boolean isFunctional(String binaryName) {
    return FUNCTIONAL.contains(binaryName)
        || (binaryName.startsWith("java.util.function.")
            && binaryName.indexOf('.', "java.util.function.".length()) < 0);
  }

  /**
   * Why a memoized method may not declare this return type, or empty when it may: {@code void}
   * (nothing to cache; a hit would skip the side effects) and every live type of the table
   * (streams, iterators, I/O handles...), which cannot be stored.
   *
   * @param typeAndSupertypes as for {@link #classify(List)}
   */
  public static Optional<String> rejectedReturn(List<String> typeAndSupertypes) {
    Objects.requireNonNull(typeAndSupertypes, "typeAndSupertypes");
    if (typeAndSupertypes.isEmpty()) {
      throw new IllegalArgumentException("typeAndSupertypes must name at least the type itself");
    }
    String self = typeAndSupertypes.get(0);
    if (self.equals("void") || self.equals("java.lang.Void")) {
      return Optional.of("there is no result to cache, and a cache hit would skip the method's side"
          + " effects: return the result, or do not memoize the method");
    }
    Optional<String> component = componentName(self);
    if (component.isPresent()) {
      return rejectedReturn(List.of(component.get()))
          .map(reason -> "its elements cannot be stored (" + reason + ")");
    }
    if (FUTURES.contains(self)) {
      // Its value is stored once it completes; the caller judges the value type (TypeReader).
      return Optional.empty();
    }
    for (String name : typeAndSupertypes) {
      Family family = LIVE.get(name);
      if (family != null) {
        return Optional.of(noun(name) + " " + family.returnAdvice()
            + (name.equals("java.util.concurrent.Future") || name.equals("java.util.concurrent.CompletionStage")
                ? ", or return a CompletableFuture or a CompletionStage, whose value is stored once it completes"
                : ""));
      }
    }
    return Optional.empty();
  }

  /**
   * Result types whose value is stored once it completes: the woven call shares one running future
   * among callers, and a later run gets a completed one. Other futures (a {@code FutureTask}, a
   * subclass of {@code CompletableFuture}) cannot be recreated from a stored value.
   */
  private static final Set<String> FUTURES =
      Set.of("java.util.concurrent.CompletableFuture", "java.util.concurrent.CompletionStage");

  /** Whether a declared result type of this binary name is a future whose value is stored. */
  public static boolean storesFutureValue(String binaryName) {
    return FUTURES.contains(binaryName);
  }

  /** {@link #rejectedReturn(List)} for a run-time class; arrays are judged by their component. */
  public static Optional<String> rejectedReturn(Class<?> type) {
    Objects.requireNonNull(type, "type");
    if (type.isArray()) {
      return rejectedReturn(type.getComponentType())
          .map(reason -> "its elements cannot be stored (" + reason + ")");
    }
    return rejectedReturn(typeAndSupertypes(type));
  }

  /**
   * The binary names of a class and all its superclasses and interfaces, breadth first (the class
   * itself first, {@code java.lang.Object} included for classes).
   */
  public static List<String> typeAndSupertypes(Class<?> type) {
    Set<String> names = new LinkedHashSet<>();
    ArrayDeque<Class<?>> queue = new ArrayDeque<>();
    queue.add(type);
    while (!queue.isEmpty()) {
      Class<?> next = queue.poll();
      if (!names.add(next.getName())) {
        continue;
      }
      if (next.getSuperclass() != null) {
        queue.add(next.getSuperclass());
      }
      for (Class<?> i : next.getInterfaces()) {
        queue.add(i);
      }
    }
    return List.copyOf(names);
  }

  /** A lambda or other hidden class, recognised by the name the JVM gives it. */
  private static Optional<KeyType> hidden(String name) {
    if (name.contains("$$Lambda")) {
      return Optional.of(new KeyType.Unhashable(name, "a lambda or method reference cannot be"
          + " hashed: what it captures is invisible to the key. Pass a named class or the data"
          + " itself, or mark the parameter @Memoize.Ignore if it does not change the result"));
    }
    if (name.indexOf('/') >= 0) {
      return Optional.of(new KeyType.Unhashable(name, "a hidden class (generated at run time) has"
          + " no identity that survives the JVM: pass a named class or the data itself"));
    }
    return Optional.empty();
  }

  /**
   * The component type's binary name of an array type name in source form ({@code int[]}, {@code
   * java.lang.String[][]}) or JVM form ({@code [I}, {@code [[Ljava.lang.String;}).
   */
  private static Optional<String> componentName(String name) {
    if (name.endsWith("[]")) {
      return Optional.of(name.substring(0, name.length() - 2));
    }
    if (name.length() < 2 || name.charAt(0) != '[') {
      return Optional.empty();
    }
    String rest = name.substring(1);
    if (rest.charAt(0) == '[') {
      return Optional.of(rest);
    }
    if (rest.charAt(0) == 'L' && rest.endsWith(";")) {
      return Optional.of(rest.substring(1, rest.length() - 1));
    }
    return switch (rest) {
      case "Z" -> Optional.of("boolean");
      case "B" -> Optional.of("byte");
      case "S" -> Optional.of("short");
      case "C" -> Optional.of("char");
      case "I" -> Optional.of("int");
      case "J" -> Optional.of("long");
      case "F" -> Optional.of("float");
      case "D" -> Optional.of("double");
      default -> throw new IllegalArgumentException("not a JVM array type name: " + name);
    };
  }

  /** "a Stream", "an InputStream": the family member named in a reason. */
  private static String noun(String binaryName) {
    String simple = simpleName(binaryName);
    if (simple.equals("BaseStream")) {
      simple = "Stream";
    }
    return ("AEIOU".indexOf(simple.charAt(0)) >= 0 ? "an " : "a ") + simple;
  }

  private static String simpleName(String binaryName) {
    int cut = Math.max(binaryName.lastIndexOf('.'), binaryName.lastIndexOf('$'));
    return binaryName.substring(cut + 1);
  }
}
