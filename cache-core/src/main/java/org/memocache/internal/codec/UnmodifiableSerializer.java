package org.memocache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kryo serializers for the {@code Collections.unmodifiable*} wrappers. Kryo's field serializer
 * cannot reach their private fields on Java 17 without {@code --add-opens}; these write the contents
 * and re-wrap a copy on read, so a method returning {@code Collections.unmodifiableList(...)} stores
 * and loads like any other collection.
 */
final class UnmodifiableSerializer extends Serializer<Object> {

  private enum Kind {
    NAVIGABLE_MAP(Collections.unmodifiableNavigableMap(new TreeMap<>())),
    SORTED_MAP(Collections.unmodifiableSortedMap(new TreeMap<>())),
    MAP(Collections.unmodifiableMap(new LinkedHashMap<>())),
    NAVIGABLE_SET(Collections.unmodifiableNavigableSet(new TreeSet<>())),
    SORTED_SET(Collections.unmodifiableSortedSet(new TreeSet<>())),
    SET(Collections.unmodifiableSet(new LinkedHashSet<>())),
    RANDOM_ACCESS_LIST(Collections.unmodifiableList(new ArrayList<>())),
    LIST(Collections.unmodifiableList(new LinkedList<>())),
    COLLECTION(Collections.unmodifiableCollection(new ArrayList<>()));

    final Class<?> type;

    Kind(Object sample) {
      this.type = sample.getClass();
    }
  }

  private final Kind kind;

  private UnmodifiableSerializer(Kind kind) {
    this.kind = kind;
  }

  /** Registers a serializer for each wrapper class, most specific first. */
  static void register(Kryo kryo) {
    for (Kind k : Kind.values()) {
      kryo.addDefaultSerializer(k.type, new UnmodifiableSerializer(k));
    }
  }

  @Override
  public void write(Kryo kryo, Output output, Object object) {
    switch (kind) {
      case NAVIGABLE_MAP, SORTED_MAP -> {
        kryo.writeClassAndObject(output, ((SortedMap<?, ?>) object).comparator());
        writeMap(kryo, output, (Map<?, ?>) object);
      }
      case MAP -> writeMap(kryo, output, (Map<?, ?>) object);
      case NAVIGABLE_SET, SORTED_SET -> {
        kryo.writeClassAndObject(output, ((SortedSet<?>) object).comparator());
        writeElements(kryo, output, (Collection<?>) object);
      }
      default -> writeElements(kryo, output, (Collection<?>) object);
    }
  }

  private static void writeMap(Kryo kryo, Output output, Map<?, ?> map) {
    output.writeVarInt(map.size(), true);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      kryo.writeClassAndObject(output, e.getKey());
      kryo.writeClassAndObject(output, e.getValue());
    }
  }

  private static void writeElements(Kryo kryo, Output output, Collection<?> c) {
    output.writeVarInt(c.size(), true);
    for (Object o : c) {
      kryo.writeClassAndObject(output, o);
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object read(Kryo kryo, Input input, Class<?> type) {
    switch (kind) {
      case NAVIGABLE_MAP, SORTED_MAP -> {
        TreeMap map = new TreeMap<>((Comparator) kryo.readClassAndObject(input));
        readMap(kryo, input, map);
        return kind == Kind.NAVIGABLE_MAP ? Collections.unmodifiableNavigableMap(map)
            : Collections.unmodifiableSortedMap(map);
      }
      case MAP -> {
        Map map = new LinkedHashMap<>();
        readMap(kryo, input, map);
        return Collections.unmodifiableMap(map);
      }
      case NAVIGABLE_SET, SORTED_SET -> {
        TreeSet set = new TreeSet<>((Comparator) kryo.readClassAndObject(input));
        readElements(kryo, input, set);
        return kind == Kind.NAVIGABLE_SET ? Collections.unmodifiableNavigableSet(set)
            : Collections.unmodifiableSortedSet(set);
      }
      case SET -> {
        Collection set = new LinkedHashSet<>();
        readElements(kryo, input, set);
        return Collections.unmodifiableSet((java.util.Set) set);
      }
      case RANDOM_ACCESS_LIST -> {
        List list = new ArrayList<>();
        readElements(kryo, input, list);
        return Collections.unmodifiableList(list);
      }
      case LIST -> {
        List list = new LinkedList<>();
        readElements(kryo, input, list);
        return Collections.unmodifiableList(list);
      }
      default -> {
        List list = new ArrayList<>();
        readElements(kryo, input, list);
        return Collections.unmodifiableCollection(list);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void readMap(Kryo kryo, Input input, Map map) {
    int n = input.readVarInt(true);
    for (int i = 0; i < n; i++) {
      Object k = kryo.readClassAndObject(input);
      map.put(k, kryo.readClassAndObject(input));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void readElements(Kryo kryo, Input input, Collection c) {
    int n = input.readVarInt(true);
    for (int i = 0; i < n; i++) {
      c.add(kryo.readClassAndObject(input));
    }
  }
}
