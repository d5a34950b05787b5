package org.memocache.internal.codec;

import java.util.Set;

/**
 * The JDK classes every memoized method may decode from disk: boxes, strings, {@code java.math},
 * {@code java.time}, the {@code java.util} collections, optionals, {@code UUID} and friends. Only
 * value and container types: nothing here runs user-influenced code when Kryo instantiates it and
 * fills its fields (no handles, no class loaders, no reflection, no I/O).
 */
final class JdkValueTypes {
  private JdkValueTypes() {}

  private static final Set<String> NAMES = Set.of(
      "java.lang.Object", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short",
      "java.lang.Character", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
      "java.lang.Double", "java.lang.String", "java.lang.StringBuilder", "java.lang.StringBuffer",
      "java.lang.Class",
      // Never instantiated: named as the component type of an array (Comparable[], Number[]).
      "java.lang.Comparable", "java.lang.Number", "java.lang.CharSequence",
      "java.math.BigInteger", "java.math.BigDecimal", "java.math.MathContext", "java.math.RoundingMode",
      "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.PriorityQueue",
      "java.util.Vector", "java.util.Stack",
      "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.IdentityHashMap",
      "java.util.Hashtable", "java.util.EnumMap",
      "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.RegularEnumSet",
      "java.util.JumboEnumSet", "java.util.BitSet",
      "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong", "java.util.OptionalDouble",
      "java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency",
      "java.util.Arrays$ArrayList", "java.util.KeyValueHolder", "java.util.AbstractMap$SimpleEntry",
      "java.util.AbstractMap$SimpleImmutableEntry", "java.util.Comparators$NaturalOrderComparator",
      "java.lang.String$CaseInsensitiveComparator",
      "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap",
      "java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.CopyOnWriteArrayList",
      "java.util.concurrent.CopyOnWriteArraySet", "java.util.concurrent.ConcurrentLinkedQueue",
      "java.util.concurrent.ConcurrentLinkedDeque", "java.util.concurrent.atomic.AtomicInteger",
      "java.util.concurrent.atomic.AtomicLong", "java.util.concurrent.atomic.AtomicBoolean");

  /** Prefixes of JDK implementation classes behind factory methods ({@code List.of}, {@code Collections.*}). */
  private static final String[] PREFIXES = {
    "java.time.", "java.util.ImmutableCollections$", "java.util.Collections$Empty",
    "java.util.Collections$Singleton", "java.util.Collections$Unmodifiable",
    "java.util.Collections$ReverseComparator"
  };

  /** Whether {@code className} (a plain, non-array binary name) is a JDK value type. */
  static boolean admits(String className) {
    if (NAMES.contains(className)) {
      return true;
    }
    for (String p : PREFIXES) {
      if (className.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the package of {@code className} belongs to the platform (never derived from a type). */
  static boolean isPlatform(String className) {
    return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
        || className.startsWith("sun.") || className.startsWith("com.sun.");
  }
}
