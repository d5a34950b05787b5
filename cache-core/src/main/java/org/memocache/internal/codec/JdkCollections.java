package org.memocache.internal.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JDK's classes behind its collection factories, by what they return ({@code List.of},
 * {@code Collections.singletonList}, ...): the {@code fields} codec rebuilds each through the factory
 * its class came from, and the memory tier's copies do the same, so a hit is of the same class
 * whichever tier served it.
 */
public final class JdkCollections {
  private JdkCollections() {}

  public static final Class<?> LIST12 = List.of(0).getClass();
  public static final Class<?> LIST_N = List.of().getClass();
  public static final Class<?> SET12 = Set.of(0).getClass();
  public static final Class<?> SET_N = Set.of().getClass();
  public static final Class<?> MAP1 = Map.of(0, 0).getClass();
  public static final Class<?> MAP_N = Map.of().getClass();
  public static final Class<?> EMPTY_LIST = Collections.emptyList().getClass();
  public static final Class<?> EMPTY_SET = Collections.emptySet().getClass();
  public static final Class<?> EMPTY_MAP = Collections.emptyMap().getClass();
  public static final Class<?> SINGLETON_LIST = Collections.singletonList(0).getClass();
  public static final Class<?> SINGLETON_SET = Collections.singleton(0).getClass();
  public static final Class<?> SINGLETON_MAP = Collections.singletonMap(0, 0).getClass();
  public static final Class<?> UNMODIFIABLE_LIST = Collections.unmodifiableList(new ArrayList<>()).getClass();
  public static final Class<?> UNMODIFIABLE_SET = Collections.unmodifiableSet(new HashSet<>()).getClass();
  public static final Class<?> UNMODIFIABLE_MAP = Collections.unmodifiableMap(new HashMap<>()).getClass();

  /**
   * Whether {@code list}, an immutable list of the JDK, admits {@code null}: that of
   * {@code Stream.toList()}, where {@code List.of}'s throws.
   */
  public static boolean admitsNull(List<?> list) {
    try {
      list.indexOf(null);
      return true;
    } catch (NullPointerException e) {
      return false;
    }
  }

  /**
   * An immutable list of {@code elements} of the class {@code List.of} (or, when {@code nulls},
   * {@code Stream.toList()}) makes for that many.
   */
  public static List<@Nullable Object> immutableList(@Nullable Object[] elements, boolean nulls) {
    // Stream.toList() is the one factory of a ListN that admits nulls.
    return nulls ? Arrays.stream(elements).toList() : List.of(elements);
  }

  /**
   * An immutable map of {@code entries} of the class {@code Map.of} makes for that many: the one of
   * a single entry differs from {@code Map.ofEntries}'.
   *
   * @throws IllegalArgumentException when two entries have equal keys
   */
  public static Map<Object, Object> immutableMap(Map.Entry<?, ?>[] entries) {
    @SuppressWarnings("unchecked")
    Map.Entry<Object, Object>[] es = (Map.Entry<Object, Object>[]) entries;
    return es.length == 1 ? Map.of(es[0].getKey(), es[0].getValue()) : Map.ofEntries(es);
  }
}
