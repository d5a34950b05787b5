package org.memocache.internal.codec;

import static org.memocache.internal.codec.JdkCollections.EMPTY_LIST;
import static org.memocache.internal.codec.JdkCollections.EMPTY_MAP;
import static org.memocache.internal.codec.JdkCollections.EMPTY_SET;
import static org.memocache.internal.codec.JdkCollections.LIST12;
import static org.memocache.internal.codec.JdkCollections.LIST_N;
import static org.memocache.internal.codec.JdkCollections.MAP1;
import static org.memocache.internal.codec.JdkCollections.MAP_N;
import static org.memocache.internal.codec.JdkCollections.SET12;
import static org.memocache.internal.codec.JdkCollections.SET_N;
import static org.memocache.internal.codec.JdkCollections.SINGLETON_LIST;
import static org.memocache.internal.codec.JdkCollections.SINGLETON_MAP;
import static org.memocache.internal.codec.JdkCollections.SINGLETON_SET;
import static org.memocache.internal.codec.JdkCollections.UNMODIFIABLE_LIST;
import static org.memocache.internal.codec.JdkCollections.UNMODIFIABLE_MAP;
import static org.memocache.internal.codec.JdkCollections.UNMODIFIABLE_SET;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/**
 * Stores the common shapes of scientific results without Kryo: records and plain classes whose
 * fields hold boxed primitives, strings, enums, primitive arrays (one- and two-dimensional), object
 * arrays (of any component type, an interface's too), optionals, {@code Instant}s, {@code Duration}s,
 * {@code LocalDate}s, {@code LocalDateTime}s, {@code BigInteger}s, {@code BigDecimal}s and
 * {@code UUID}s, and the common JDK collections of such values, and nested instances of such classes; see {@link FieldLayout} for the classes it
 * writes field by field. The collections: {@code ArrayList}, {@code ArrayDeque}, {@code HashMap},
 * {@code LinkedHashMap}, {@code TreeMap}, {@code HashSet}, {@code LinkedHashSet}, {@code TreeSet}
 * (natural ordering), {@code EnumSet}, {@code EnumMap} (not empty: an empty one does not say its key
 * type), the immutable ones of {@code List.of}, {@code Set.of}, {@code Map.of} and their
 * {@code copyOf}s and of {@code Stream.toList()}, and {@code Collections}' empty, singleton and
 * {@code unmodifiableList} (of a random-access list), {@code unmodifiableSet} and
 * {@code unmodifiableMap} ones. Each is read back as an instance of the class it was written from,
 * through the same factory; an unmodifiable wrapper around a copy of its contents (an
 * {@code ArrayList}, {@code LinkedHashSet} or {@code LinkedHashMap}, in the order they were written),
 * as Kryo's path rebuilds it. The elements of sets and the keys of maps are {@code null} (where the
 * collection admits it), strings, boxes, enums or the value classes above, whose hash codes and
 * comparisons cost at most their bytes. A fresh JVM's first Kryo instance, and Kryo's first serializer of each class, cost it tens
 * of milliseconds of class loading and reflection; here a class costs one reflective look at its
 * fields.
 *
 * <p>Any other value is left to {@code kryo}: {@link #canEncode} walks the whole value first and
 * declines it when a class, a map key, a set element or a cycle is beyond this codec (a
 * {@code TreeMap} with a comparator, an {@code Arrays.asList}, whose array type it cannot see), or
 * objects nest more than {@value #MAX_DEPTH} deep. A value reached twice (a shared array, record,
 * string or collection) is written once and referred to after, so sharing round-trips; cycles are
 * left to Kryo.
 *
 * <p>The payload has {@link OutOfBand}'s layout, with this codec's graph in front: primitive arrays
 * of {@value OutOfBand#THRESHOLD} bytes and more (the rows of a big {@code double[][]} from
 * {@value OutOfBand#ROW_THRESHOLD} bytes) are stored raw, aligned, after the graph, and read back with
 * one bulk copy each. The graph, big-endian:
 *
 * <pre>
 * value   := NULL | BOOLEAN u8 | BYTE i8 | SHORT i16 | CHAR u16 | INT i32 | LONG i64 | FLOAT i32 | DOUBLE i64
 *          | STRING string | REF id | ENUM class string | ARRAY u8 type, row | MATRIX u8 type, n, value*n
 *          | OBJECTS class, n, value*n | OBJECT class, value per field | LIST n, value*n
 *          | HASH_MAP n, (value value)*n | LINKED_HASH_MAP n, (value value)*n
 *          | IMMUTABLE_LIST u8 nulls, n, value*n | IMMUTABLE_SET n, value*n | IMMUTABLE_MAP n, (value value)*n
 *          | EMPTY u8 which | SINGLETON u8 which, (value | value value) | UNMODIFIABLE u8 which, n, value*n
 *          | HASH_SET n, value*n | LINKED_HASH_SET n, value*n | TREE_SET n, value*n
 *          | TREE_MAP n, (value value)*n | ARRAY_DEQUE n, value*n | OPTIONAL value
 *          | ENUM_SET class, n, string*n | ENUM_MAP class, n, (string value)*n
 *          | INSTANT i64 seconds, i32 nanos | DURATION i64 seconds, i32 nanos | LOCAL_DATE i64 epoch day
 *          | LOCAL_DATE_TIME i64 epoch day, i64 nano of day | UUID i64 i64 | BIG_INTEGER bytes
 *          | BIG_DECIMAL i32 scale, bytes (of the unscaled value)
 * row     := n, (INLINE, n elements little-endian | OUT_OF_BAND, block index)
 * class   := index (of the classes defined so far) | the next index, string name, u8 kind, string descriptor
 * string  := n, u8 coder (0: n Latin-1 bytes, 1: n UTF-16 chars)
 * bytes   := n, n bytes (two's complement, big-endian, as {@code BigInteger.toByteArray})
 * </pre>
 *
 * Counts, indices and ids are unsigned varints. Every string, array, object and collection read
 * gets the next id once complete, in the order the writer finished them. {@code which} is 0 for a
 * list, 1 for a set and 2 for a map (an {@code UNMODIFIABLE} map is followed by {@code n} pairs);
 * {@code nulls} is 1 for the list of {@code Stream.toList()}, which admits nulls, else 0 (rebuilt
 * by {@code List.of}); an enum set or map names its constants. A class's {@code u8 kind} is the
 * ordinal of {@link FieldLayout.Kind}.
 *
 * <p>Version 2 added the tags from {@code IMMUTABLE_LIST} on, enum map keys and interfaces and
 * abstract classes as array components. An entry is stamped with the lowest version whose reader
 * can read it ({@link #versionFor}), so a value version 1 could store is still written as version
 * 1 did, byte for byte, and stays readable by a version 1 reader; this reader reads both.
 *
 * <p>Decoding trusts nothing: each class name is checked against the caller's {@link ClassFilter}
 * before the class is looked up, and its descriptor against the live class's before any instance is
 * created (a class whose fields changed is a {@link ForeignPayloadException}); every count is checked
 * against the bytes left before anything is allocated for it, as {@link DecodeLimits} describes.
 * Map keys and set elements must be strings, boxes, enums or those value classes; a set or map whose data repeats a key,
 * a list of {@code List.of} holding a {@code null}, or keys a {@code TreeMap} cannot compare, is
 * not a value this codec wrote; keys of an immutable set or map crafted to collide exceed the
 * decoding limits.
 */
public final class FieldsCodec implements ValueCodec {

  /** The codec id stored in entries. */
  public static final String ID = "fields";

  /** The version of the layout described above; the reader also reads every earlier one. */
  public static final int VERSION = 2;

  /** How deeply objects may nest: deeper values are left to Kryo. */
  static final int MAX_DEPTH = 64;

  private static final int NULL = 0;
  private static final int BOOLEAN = 1;
  private static final int BYTE = 2;
  private static final int SHORT = 3;
  private static final int CHAR = 4;
  private static final int INT = 5;
  private static final int LONG = 6;
  private static final int FLOAT = 7;
  private static final int DOUBLE = 8;
  private static final int STRING = 9;
  private static final int REF = 10;
  private static final int ENUM = 11;
  private static final int ARRAY = 12;
  private static final int MATRIX = 13;
  private static final int OBJECTS = 14;
  private static final int OBJECT = 15;
  private static final int LIST = 16;
  private static final int HASH_MAP = 17;
  private static final int LINKED_HASH_MAP = 18;
  private static final int IMMUTABLE_LIST = 19;
  private static final int IMMUTABLE_SET = 20;
  private static final int IMMUTABLE_MAP = 21;
  private static final int EMPTY = 22;
  private static final int SINGLETON = 23;
  private static final int UNMODIFIABLE = 24;
  private static final int HASH_SET = 25;
  private static final int LINKED_HASH_SET = 26;
  private static final int TREE_SET = 27;
  private static final int TREE_MAP = 28;
  private static final int ARRAY_DEQUE = 29;
  private static final int OPTIONAL = 30;
  private static final int ENUM_SET = 31;
  private static final int ENUM_MAP = 32;
  private static final int INSTANT = 33;
  private static final int DURATION = 34;
  private static final int LOCAL_DATE = 35;
  private static final int LOCAL_DATE_TIME = 36;
  private static final int UUID_TAG = 37;
  private static final int BIG_INTEGER = 38;
  private static final int BIG_DECIMAL = 39;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** {@code which} of {@code EMPTY}, {@code SINGLETON} and {@code UNMODIFIABLE}. */
  private static final int WHICH_LIST = 0;
  private static final int WHICH_SET = 1;
  private static final int WHICH_MAP = 2;

  private static final int INLINE = 0;
  private static final int OUT_OF_BAND = 1;

  private static final String SHAPE_CHANGED = "was written for another definition of ";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int version() {
    return VERSION;
  }

  /**
   * Whether every part of {@code value} is one this codec writes exactly: a walk of the whole value
   * (cheap next to writing it: big arrays are only counted).
   */
  @Override
  public boolean canEncode(@Nullable Object value) {
    return versionFor(value) != 0;
  }

  /**
   * The lowest version of this codec whose reader can read {@code value} (the version its entry is
   * stamped with), or 0 when {@link #canEncode} declines it: the same walk.
   */
  public int versionFor(@Nullable Object value) {
    if (value == null) {
      return 0;
    }
    Class<?> c = value.getClass();
    boolean root = isContainer(c) || isJdkValue(c)
        || (c.isArray() && !c.getComponentType().isPrimitive() && !primitiveRows(c))
        || (!c.isArray() && !c.isEnum() && !FieldLayout.isScalar(c) && FieldLayout.of(c).unsupported == null);
    if (!root) {
      return 0;
    }
    try {
      Writer w = new Writer(null);
      w.value(value, 0);
      return w.version;
    } catch (Unsupported | ReflectiveOperationException | RuntimeException e) {
      return 0;
    }
  }

  /** Whether entries stamped with {@code version} of this codec can be read here. */
  public static boolean reads(int version) {
    return version >= 1 && version <= VERSION;
  }

  /** Whether {@code c} is one of the JDK containers written element by element (their contents aside). */
  private static boolean isContainer(Class<?> c) {
    return c == ArrayList.class || c == HashMap.class || c == LinkedHashMap.class || c == LIST12 || c == LIST_N
        || c == SET12 || c == SET_N || c == MAP1 || c == MAP_N || c == EMPTY_LIST || c == EMPTY_SET || c == EMPTY_MAP
        || c == SINGLETON_LIST || c == SINGLETON_SET || c == SINGLETON_MAP || c == UNMODIFIABLE_LIST
        || c == UNMODIFIABLE_SET || c == UNMODIFIABLE_MAP || c == HashSet.class || c == LinkedHashSet.class
        || c == TreeSet.class || c == TreeMap.class || c == ArrayDeque.class || c == Optional.class
        || c == EnumMap.class || EnumSet.class.isAssignableFrom(c); // RegularEnumSet, JumboEnumSet
  }

  /**
   * Whether {@code c} is one of the JDK value classes written by their state: all final but the two
   * {@code java.math} ones, which must be exactly that class (a subclass is Kryo's).
   */
  private static boolean isJdkValue(Class<?> c) {
    return c == Instant.class || c == LocalDate.class || c == Duration.class || c == LocalDateTime.class
        || c == BigDecimal.class || c == BigInteger.class || c == UUID.class;
  }

  /** Whether {@code k} may be a map key or set element: its hash code and comparisons cost at most its bytes. */
  private static boolean isKey(Object k) {
    return FieldLayout.isScalar(k.getClass()) || k instanceof Enum<?> || isJdkValue(k.getClass());
  }

  private static boolean primitiveRows(Class<?> arrayClass) {
    Class<?> row = arrayClass.getComponentType();
    return row.isArray() && row.getComponentType().isPrimitive();
  }

  @Override
  public void encode(@Nullable Object value, OutputStream out) throws IOException {
    encode(value, out, null);
  }

  /**
   * Writes {@code value}, first checking that every class it names is one {@code readableBy} admits.
   *
   * @throws RejectedClassException naming every class of the value {@code readableBy} does not admit
   * @throws IOException when the value is not one {@link #canEncode} accepts, or {@code out} fails
   */
  public void encode(@Nullable Object value, OutputStream out, @Nullable ClassFilter readableBy) throws IOException {
    encode(value, out, readableBy, VERSION);
  }

  /**
   * As {@link #encode(Object, OutputStream, ClassFilter)}, for an entry stamped with {@code version}
   * ({@link #versionFor}): fails rather than write what a reader of that version could not read.
   */
  public void encode(@Nullable Object value, OutputStream out, @Nullable ClassFilter readableBy, int version)
      throws IOException {
    Writer w = new Writer(readableBy);
    try {
      w.value(value, 0);
    } catch (Unsupported e) {
      throw new IOException(ID + ": cannot encode " + typeName(value) + ": " + e.getMessage());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IOException(ID + ": cannot encode " + typeName(value) + ": " + e, e);
    }
    if (!w.refused.isEmpty()) {
      throw new RejectedClassException(w.refused);
    }
    if (w.version > version) {
      throw new IOException(ID + ": cannot encode " + typeName(value) + " as version " + version
          + ": it changed since its version was chosen");
    }
    out.write(w.buf, 0, w.size);
    writeBlocks(out, w.size, w.pending);
  }

  private static String typeName(@Nullable Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  /** Writes the out-of-band arrays, the table and the trailer of {@link OutOfBand}'s layout. */
  private static void writeBlocks(OutputStream out, long graphLength, List<Object> pending) throws IOException {
    byte[] zeros = new byte[64];
    long at = graphLength;
    long[] offsets = new long[pending.size()];
    for (int i = 0; i < pending.size(); i++) {
      Object a = pending.get(i);
      long start = align(at, 64);
      out.write(zeros, 0, (int) (start - at));
      offsets[i] = start;
      ElementType t = ElementType.of(a.getClass().getComponentType());
      RawArrayCodec.writeElements(a, t, out, RawArrayCodec.scratch());
      at = start + (long) Array.getLength(a) * t.size();
    }
    if (!pending.isEmpty()) {
      long start = align(at, 8);
      out.write(zeros, 0, (int) (start - at));
    }
    ByteBuffer table = ByteBuffer.allocate(pending.size() * OutOfBand.ENTRY + OutOfBand.TRAILER)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < pending.size(); i++) {
      Object a = pending.get(i);
      table.putLong(offsets[i]).putLong(Array.getLength(a))
          .put((byte) ElementType.of(a.getClass().getComponentType()).code()).put(new byte[7]);
    }
    table.putLong(graphLength).putLong(pending.size());
    out.write(table.array(), 0, table.position());
  }

  private static long align(long n, int to) {
    return (n + to - 1) & -(long) to;
  }

  @Override
  public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
    return decode(payload, classes, null);
  }

  /**
   * The value of {@code payload} with every out-of-band array replaced by a distinct empty array of
   * its type, mapped (by identity) to where its elements are, as {@link KryoCodec#skeleton} does for
   * its payloads (whose layout of out-of-band arrays this codec shares: {@link KryoCodec#regions}
   * applies to both). The caller verifies the graph, table and trailer first.
   */
  public KryoCodec.Skeleton skeleton(ByteBuffer payload, ClassFilter classes) throws IOException {
    Map<Object, OutOfBand.Block> placeholders = new IdentityHashMap<>();
    Object root = decode(payload, classes, placeholders);
    Map<Object, KryoCodec.ArrayBlock> arrays = new IdentityHashMap<>();
    placeholders.forEach((array, b) -> arrays.put(array, new KryoCodec.ArrayBlock(b.type(), b.offset(), b.length())));
    return new KryoCodec.Skeleton(root, arrays);
  }

  private @Nullable Object decode(ByteBuffer payload, ClassFilter classes,
      @Nullable Map<Object, OutOfBand.Block> placeholders) throws IOException {
    ByteBuffer p = payload.slice();
    OutOfBand.Table table = OutOfBandTable.read(p, ID);
    Reader r = new Reader(p, table, classes, placeholders);
    try {
      Object value = r.value(0);
      if (r.graph.hasRemaining()) {
        throw new IOException(ID + ": " + r.graph.remaining() + " bytes left after the value");
      }
      for (int i = 0; i < r.used.length; i++) {
        if (!r.used[i]) {
          throw new DecodeLimitException(ID + ": out-of-band block " + i + " of " + r.used.length
              + " is not referenced by the graph");
        }
      }
      return value;
    } catch (InvocationTargetException e) {
      throw new IOException(ID + ": a constructor failed: " + e.getCause(), e);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IOException(ID + ": cannot decode: " + e, e);
    }
  }

  /** A value, or a part of one, this codec does not write: the value is left to Kryo. */
  private static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  // ---- writing ----

  /** One encoding: the graph in memory, the big arrays to write after it. */
  private static final class Writer {
    private static final Integer OPEN = -1;

    private final @Nullable ClassFilter readableBy;
    final List<String> refused = new ArrayList<>();
    byte[] buf = new byte[256];
    int size;
    /** Values written (their ids), or {@link #OPEN} while they are being written. */
    private final IdentityHashMap<Object, Integer> ids = new IdentityHashMap<>();
    private int nextId;
    private final Map<Class<?>, Integer> classes = new HashMap<>();
    final List<Object> pending = new ArrayList<>();
    private int threshold = OutOfBand.THRESHOLD;
    /** The lowest version of the layout that has every tag and class kind written so far. */
    int version = 1;

    Writer(@Nullable ClassFilter readableBy) {
      this.readableBy = readableBy;
    }

    void value(@Nullable Object v, int depth) throws Unsupported, ReflectiveOperationException {
      if (v == null) {
        u8(NULL);
        return;
      }
      Class<?> c = v.getClass();
      if (scalar(v, c)) {
        return;
      }
      if (v instanceof Enum<?> e) {
        Class<?> type = e.getDeclaringClass();
        u8(ENUM);
        classRef(type, FieldLayout.of(type));
        string(e.name());
        return;
      }
      if (depth > MAX_DEPTH) {
        throw new Unsupported("it nests deeper than " + MAX_DEPTH);
      }
      Integer id = ids.get(v);
      if (id != null) {
        if (id.equals(OPEN)) {
          throw new Unsupported("it has a cycle through " + c.getName());
        }
        u8(REF);
        varint(id);
        return;
      }
      ids.put(v, OPEN);
      if (c == String.class) {
        u8(STRING);
        string((String) v);
      } else if (c.isArray()) {
        array(v, c, depth);
      } else if (isContainer(c)) {
        checkName(c.getName());
        container(v, c, depth);
      } else if (isJdkValue(c)) {
        checkName(c.getName());
        jdkValue(v);
      } else {
        FieldLayout l = FieldLayout.of(c);
        if (l.unsupported != null) {
          throw new Unsupported(c.getName() + " is " + l.unsupported);
        }
        if (l.kind != FieldLayout.Kind.RECORD && l.kind != FieldLayout.Kind.PLAIN) {
          throw new Unsupported("a bare " + c.getName());
        }
        u8(OBJECT);
        classRef(c, l);
        if (l.kind == FieldLayout.Kind.RECORD) {
          for (int i = 0; i < l.accessors.length; i++) {
            value(l.component(v, i), depth + 1);
          }
        } else {
          for (java.lang.reflect.Field f : l.fields) {
            value(f.get(v), depth + 1);
          }
        }
      }
      ids.put(v, nextId++);
    }

    /** A JDK container ({@link FieldsCodec#isContainer}), or {@link Unsupported} when it cannot be rebuilt exactly. */
    private void container(Object v, Class<?> c, int depth) throws Unsupported, ReflectiveOperationException {
      if (c == ArrayList.class) {
        List<?> list = (List<?>) v;
        int n = list.size();
        u8(LIST);
        varint(n);
        for (int i = 0; i < n; i++) {
          value(list.get(i), depth + 1);
        }
        return;
      }
      if (c == HashMap.class || c == LinkedHashMap.class) {
        u8(c == HashMap.class ? HASH_MAP : LINKED_HASH_MAP);
        entries((Map<?, ?>) v, true, depth);
        return;
      }
      version = 2;
      if (v instanceof Map<?, ?> m) {
        map(m, c, depth);
      } else if (v instanceof Set<?> s) {
        set(s, c, depth);
      } else if (c == LIST12 || c == LIST_N) {
        List<?> list = (List<?>) v;
        boolean nulls = JdkCollections.admitsNull(list);
        // As the reader rebuilds it: List.of, or Stream.toList() for a list that admits nulls.
        int n = list.size();
        if (c != (nulls || (n != 1 && n != 2) ? LIST_N : LIST12)) {
          throw new Unsupported("a " + c.getName() + " of " + n + " elements");
        }
        u8(IMMUTABLE_LIST);
        u8(nulls ? 1 : 0);
        elements(list, true, false, depth);
      } else if (c == EMPTY_LIST) {
        u8(EMPTY);
        u8(WHICH_LIST);
      } else if (c == SINGLETON_LIST) {
        u8(SINGLETON);
        u8(WHICH_LIST);
        value(((List<?>) v).get(0), depth + 1);
      } else if (c == UNMODIFIABLE_LIST) {
        u8(UNMODIFIABLE);
        u8(WHICH_LIST);
        elements((List<?>) v, true, false, depth);
      } else if (c == ArrayDeque.class) {
        u8(ARRAY_DEQUE);
        elements((ArrayDeque<?>) v, false, false, depth);
      } else if (c == Optional.class) {
        u8(OPTIONAL);
        value(((Optional<?>) v).orElse(null), depth + 1);
      } else {
        throw new Unsupported("a " + c.getName());
      }
    }

    private void map(Map<?, ?> m, Class<?> c, int depth) throws Unsupported, ReflectiveOperationException {
      if (c == MAP1 || c == MAP_N) {
        if (c != (m.size() == 1 ? MAP1 : MAP_N)) {
          throw new Unsupported("a " + c.getName() + " of " + m.size() + " entries");
        }
        u8(IMMUTABLE_MAP);
        entries(m, false, depth);
      } else if (c == EMPTY_MAP) {
        u8(EMPTY);
        u8(WHICH_MAP);
      } else if (c == SINGLETON_MAP) {
        Map.Entry<?, ?> e = m.entrySet().iterator().next();
        u8(SINGLETON);
        u8(WHICH_MAP);
        value(e.getKey(), depth + 1);
        value(e.getValue(), depth + 1);
      } else if (c == UNMODIFIABLE_MAP) {
        u8(UNMODIFIABLE);
        u8(WHICH_MAP);
        entries(m, true, depth);
      } else if (c == TreeMap.class) {
        if (((SortedMap<?, ?>) m).comparator() != null) {
          throw new Unsupported("a TreeMap with a comparator");
        }
        u8(TREE_MAP);
        entries(m, false, depth);
      } else if (c == EnumMap.class) {
        if (m.isEmpty()) {
          throw new Unsupported("an empty EnumMap, whose key type is private");
        }
        Class<?> type = ((Enum<?>) m.keySet().iterator().next()).getDeclaringClass();
        u8(ENUM_MAP);
        classRef(type, FieldLayout.of(type));
        varint(m.size());
        int n = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          string(((Enum<?>) e.getKey()).name());
          value(e.getValue(), depth + 1);
          n++;
        }
        unchanged(n, m.size());
      } else {
        throw new Unsupported("a " + c.getName());
      }
    }

    private void set(Set<?> s, Class<?> c, int depth) throws Unsupported, ReflectiveOperationException {
      if (c == SET12 || c == SET_N) {
        int n = s.size();
        if (c != (n == 1 || n == 2 ? SET12 : SET_N)) {
          throw new Unsupported("a " + c.getName() + " of " + n + " elements");
        }
        u8(IMMUTABLE_SET);
        elements(s, false, true, depth);
      } else if (c == EMPTY_SET) {
        u8(EMPTY);
        u8(WHICH_SET);
      } else if (c == SINGLETON_SET) {
        u8(SINGLETON);
        u8(WHICH_SET);
        value(s.iterator().next(), depth + 1);
      } else if (c == UNMODIFIABLE_SET) {
        u8(UNMODIFIABLE);
        u8(WHICH_SET);
        elements(s, true, true, depth);
      } else if (c == HashSet.class || c == LinkedHashSet.class) {
        u8(c == HashSet.class ? HASH_SET : LINKED_HASH_SET);
        elements(s, true, true, depth);
      } else if (c == TreeSet.class) {
        if (((SortedSet<?>) s).comparator() != null) {
          throw new Unsupported("a TreeSet with a comparator");
        }
        u8(TREE_SET);
        elements(s, false, true, depth);
      } else if (s instanceof EnumSet<?> e) {
        // An empty set says its element type through its complement, unless that enum has no constants.
        Set<?> some = e.isEmpty() ? EnumSet.complementOf(e) : e;
        if (some.isEmpty()) {
          throw new Unsupported("an EnumSet of an enum without constants");
        }
        Class<?> type = ((Enum<?>) some.iterator().next()).getDeclaringClass();
        u8(ENUM_SET);
        classRef(type, FieldLayout.of(type));
        varint(e.size());
        int n = 0;
        for (Object o : e) {
          string(((Enum<?>) o).name());
          n++;
        }
        unchanged(n, e.size());
      } else {
        throw new Unsupported("a " + c.getName());
      }
    }

    private void jdkValue(Object v) {
      version = 2;
      if (v instanceof Instant t) {
        u8(INSTANT);
        i64(t.getEpochSecond());
        i32(t.getNano());
      } else if (v instanceof Duration d) {
        u8(DURATION);
        i64(d.getSeconds());
        i32(d.getNano());
      } else if (v instanceof LocalDate d) {
        u8(LOCAL_DATE);
        i64(d.toEpochDay());
      } else if (v instanceof LocalDateTime d) {
        u8(LOCAL_DATE_TIME);
        i64(d.toLocalDate().toEpochDay());
        i64(d.toLocalTime().toNanoOfDay());
      } else if (v instanceof UUID u) {
        u8(UUID_TAG);
        i64(u.getMostSignificantBits());
        i64(u.getLeastSignificantBits());
      } else if (v instanceof BigInteger b) {
        u8(BIG_INTEGER);
        bytes(b.toByteArray());
      } else {
        BigDecimal d = (BigDecimal) v;
        u8(BIG_DECIMAL);
        i32(d.scale());
        bytes(d.unscaledValue().toByteArray());
      }
    }

    private void bytes(byte[] b) {
      varint(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
    }

    /** {@code n}, then the elements in iteration order. */
    private void elements(Collection<?> c, boolean nulls, boolean keys, int depth)
        throws Unsupported, ReflectiveOperationException {
      varint(c.size());
      int n = 0;
      for (Object e : c) {
        if (e == null ? !nulls : keys && !isKey(e)) {
          throw new Unsupported(e == null ? "a null element" : "a set element is a " + e.getClass().getName());
        }
        value(e, depth + 1);
        n++;
      }
      unchanged(n, c.size());
    }

    /** {@code n}, then the keys and values in iteration order. */
    private void entries(Map<?, ?> map, boolean nulls, int depth) throws Unsupported, ReflectiveOperationException {
      varint(map.size());
      int n = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object k = e.getKey();
        if (k == null ? !nulls : !isKey(k)) {
          throw new Unsupported(k == null ? "a null key" : "a map key is a " + k.getClass().getName());
        }
        if (k instanceof Enum<?>) {
          version = 2;
        }
        value(k, depth + 1);
        value(e.getValue(), depth + 1);
        n++;
      }
      unchanged(n, map.size());
    }

    private static void unchanged(int written, int size) {
      if (written != size) {
        throw new IllegalStateException("the collection changed while it was written");
      }
    }

    private boolean scalar(Object v, Class<?> c) {
      if (c == Double.class) {
        u8(DOUBLE);
        i64(Double.doubleToRawLongBits((Double) v));
      } else if (c == Integer.class) {
        u8(INT);
        i32((Integer) v);
      } else if (c == Long.class) {
        u8(LONG);
        i64((Long) v);
      } else if (c == Boolean.class) {
        u8(BOOLEAN);
        u8((Boolean) v ? 1 : 0);
      } else if (c == Float.class) {
        u8(FLOAT);
        i32(Float.floatToRawIntBits((Float) v));
      } else if (c == Short.class) {
        u8(SHORT);
        ensure(2);
        buf[size++] = (byte) ((Short) v >> 8);
        buf[size++] = (byte) (short) (Short) v;
      } else if (c == Character.class) {
        u8(CHAR);
        ensure(2);
        buf[size++] = (byte) ((Character) v >> 8);
        buf[size++] = (byte) (char) (Character) v;
      } else if (c == Byte.class) {
        u8(BYTE);
        u8((Byte) v);
      } else {
        return false;
      }
      return true;
    }

    private void array(Object v, Class<?> c, int depth) throws Unsupported, ReflectiveOperationException {
      Class<?> component = c.getComponentType();
      if (component.isPrimitive()) {
        ElementType t = ElementType.of(component);
        u8(ARRAY);
        u8(t.code());
        row(v, t);
        return;
      }
      Object[] elements = (Object[]) v;
      if (primitiveRows(c)) {
        ElementType t = ElementType.of(component.getComponentType());
        long bytes = 0;
        for (Object row : elements) {
          bytes += row == null ? 0 : (long) Array.getLength(row) * t.size();
        }
        u8(MATRIX);
        u8(t.code());
        varint(elements.length);
        int outer = threshold;
        threshold = bytes >= OutOfBand.THRESHOLD ? OutOfBand.ROW_THRESHOLD : OutOfBand.THRESHOLD;
        try {
          for (Object row : elements) {
            value(row, depth + 1);
          }
        } finally {
          threshold = outer;
        }
        return;
      }
      FieldLayout l = FieldLayout.of(component);
      if (l.unsupported != null) {
        throw new Unsupported("an array of " + component.getName() + ", which is " + l.unsupported);
      }
      u8(OBJECTS);
      classRef(component, l);
      varint(elements.length);
      for (Object e : elements) {
        value(e, depth + 1);
      }
    }

    /** The elements of a primitive array: inline, or out of band from the current threshold. */
    private void row(Object array, ElementType t) {
      int n = Array.getLength(array);
      varint(n);
      long bytes = (long) n * t.size();
      if (t != ElementType.BOOLEAN && bytes >= threshold) {
        u8(OUT_OF_BAND);
        varint(pending.size());
        pending.add(array);
        return;
      }
      u8(INLINE);
      ensure((int) bytes);
      ByteBuffer b = ByteBuffer.wrap(buf, size, (int) bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
      switch (t) {
        case BOOLEAN -> {
          boolean[] a = (boolean[]) array;
          for (int i = 0; i < n; i++) {
            buf[size + i] = a[i] ? (byte) 1 : (byte) 0;
          }
        }
        case BYTE -> b.put((byte[]) array);
        case SHORT -> b.asShortBuffer().put((short[]) array);
        case CHAR -> b.asCharBuffer().put((char[]) array);
        case INT -> b.asIntBuffer().put((int[]) array);
        case LONG -> b.asLongBuffer().put((long[]) array);
        case FLOAT -> b.asFloatBuffer().put((float[]) array);
        case DOUBLE -> b.asDoubleBuffer().put((double[]) array);
      }
      size += (int) bytes;
    }

    private void classRef(Class<?> c, FieldLayout l) {
      Integer i = classes.get(c);
      if (i != null) {
        varint(i);
        return;
      }
      if (l.kind == FieldLayout.Kind.ABSTRACT) {
        version = 2;
      }
      varint(classes.size());
      classes.put(c, classes.size());
      string(c.getName());
      u8(l.kind.ordinal());
      string(l.descriptor);
      checkName(c.getName());
    }

    /** Records a class the reader's filter would refuse: writing goes on, so one warning names them all. */
    private void checkName(String className) {
      ClassFilter f = readableBy;
      if (f != null && !refused.contains(className) && !AllowLists.admits(f, className)) {
        refused.add(className);
      }
    }

    private void string(String s) {
      int n = s.length();
      boolean latin1 = true;
      for (int i = 0; i < n && latin1; i++) {
        latin1 = s.charAt(i) < 0x100;
      }
      varint(n);
      if (latin1) {
        u8(0);
        ensure(n);
        for (int i = 0; i < n; i++) {
          buf[size++] = (byte) s.charAt(i);
        }
      } else {
        // Char by char rather than through a charset: an encoder would replace unpaired surrogates.
        u8(1);
        ensure(2 * n);
        for (int i = 0; i < n; i++) {
          char ch = s.charAt(i);
          buf[size++] = (byte) (ch >> 8);
          buf[size++] = (byte) ch;
        }
      }
    }

    private void ensure(int n) {
      if (buf.length - size < n) {
        long want = Math.max((long) buf.length * 2, (long) size + n);
        if (want > Integer.MAX_VALUE - 8) {
          throw new IllegalStateException("the graph outgrows " + (Integer.MAX_VALUE - 8) + " bytes");
        }
        buf = java.util.Arrays.copyOf(buf, (int) want);
      }
    }

    private void u8(int v) {
      ensure(1);
      buf[size++] = (byte) v;
    }

    private void i32(int v) {
      ensure(4);
      for (int s = 24; s >= 0; s -= 8) {
        buf[size++] = (byte) (v >>> s);
      }
    }

    private void i64(long v) {
      ensure(8);
      for (int s = 56; s >= 0; s -= 8) {
        buf[size++] = (byte) (v >>> s);
      }
    }

    private void varint(int v) {
      ensure(5);
      while ((v & ~0x7f) != 0) {
        buf[size++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }
  }

  // ---- reading ----

  /** One decoding. */
  private static final class Reader {
    final ByteBuffer graph;
    private final ByteBuffer payload;
    private final List<OutOfBand.Block> blocks;
    final boolean[] used;
    private final ClassFilter filter;
    private final @Nullable Map<Object, OutOfBand.Block> placeholders;
    private final List<Object> objects = new ArrayList<>();
    private final List<FieldLayout> classes = new ArrayList<>();
    /**
     * The payload as little-endian doubles, made for the first {@code double[]} block: the rows of a
     * big matrix are thousands of blocks, and three buffer views a row were most of a fresh JVM's
     * time decoding one.
     */
    private @Nullable DoubleBuffer doubles;

    Reader(ByteBuffer payload, OutOfBand.Table table, ClassFilter filter,
        @Nullable Map<Object, OutOfBand.Block> placeholders) {
      this.payload = payload;
      this.graph = payload.slice(0, (int) table.graphLength()).order(ByteOrder.BIG_ENDIAN);
      this.blocks = table.blocks();
      this.used = new boolean[blocks.size()];
      this.filter = filter;
      this.placeholders = placeholders;
    }

    @Nullable Object value(int depth) throws IOException, ReflectiveOperationException {
      if (depth > MAX_DEPTH + 1) {
        throw new DecodeLimitException(ID + ": objects nest deeper than " + MAX_DEPTH);
      }
      int tag = u8();
      switch (tag) {
        case NULL -> {
          return null;
        }
        case BOOLEAN -> {
          int b = u8();
          if (b > 1) {
            throw new IOException(ID + ": a boolean is " + b);
          }
          return b == 1;
        }
        case BYTE -> {
          need(1);
          return graph.get();
        }
        case SHORT -> {
          need(2);
          return graph.getShort();
        }
        case CHAR -> {
          need(2);
          return graph.getChar();
        }
        case INT -> {
          need(4);
          return graph.getInt();
        }
        case LONG -> {
          need(8);
          return graph.getLong();
        }
        case FLOAT -> {
          need(4);
          return Float.intBitsToFloat(graph.getInt());
        }
        case DOUBLE -> {
          need(8);
          return Double.longBitsToDouble(graph.getLong());
        }
        case STRING -> {
          return done(string());
        }
        case REF -> {
          int id = varint();
          if (id >= objects.size()) {
            throw new DecodeLimitException(ID + ": a reference to value " + id + " of " + objects.size());
          }
          return objects.get(id);
        }
        case ENUM -> {
          FieldLayout l = classRef();
          if (l.kind != FieldLayout.Kind.ENUM) {
            throw new IOException(ID + ": " + l.type.getName() + " is not an enum");
          }
          return enumConstant(l.type, string());
        }
        case ARRAY -> {
          return done(row(ElementType.ofCode(u8())));
        }
        case MATRIX -> {
          ElementType t = ElementType.ofCode(u8());
          Class<?> rowClass = Array.newInstance(t.primitive(), 0).getClass();
          int n = count(1);
          @Nullable Object[] rows = (@Nullable Object[]) Array.newInstance(rowClass, n);
          for (int i = 0; i < n; i++) {
            Object row = value(depth + 1);
            if (row != null && row.getClass() != rowClass) {
              throw new IOException(ID + ": a row of a " + t.primitive() + "[][] is a " + row.getClass().getName());
            }
            rows[i] = row;
          }
          return done(rows);
        }
        case OBJECTS -> {
          FieldLayout l = classRef();
          int n = count(1);
          @Nullable Object[] elements = (@Nullable Object[]) Array.newInstance(l.type, n);
          for (int i = 0; i < n; i++) {
            // An element of another class fails the store into the array (ArrayStoreException).
            elements[i] = value(depth + 1);
          }
          return done(elements);
        }
        case OBJECT -> {
          return done(object(classRef(), depth));
        }
        case LIST -> {
          admit(ArrayList.class);
          int n = count(1);
          ArrayList<@Nullable Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            list.add(value(depth + 1));
          }
          return done(list);
        }
        case HASH_MAP, LINKED_HASH_MAP -> {
          admit(tag == HASH_MAP ? HashMap.class : LinkedHashMap.class);
          int n = count(2);
          Map<@Nullable Object, @Nullable Object> map = tag == HASH_MAP ? new HashMap<>(capacity(n))
              : new LinkedHashMap<>(capacity(n));
          return done(entries(map, n, true, depth));
        }
        default -> {
          return done(collection(tag, depth));
        }
      }
    }

    /** A collection of version 2 (its tag read): built by the factory its writer's class came from. */
    private Object collection(int tag, int depth) throws IOException, ReflectiveOperationException {
      switch (tag) {
        case IMMUTABLE_LIST -> {
          int nulls = u8();
          if (nulls > 1) {
            throw new IOException(ID + ": an immutable list's null flag is " + nulls);
          }
          int n = count(1);
          admit(nulls == 1 || (n != 1 && n != 2) ? LIST_N : LIST12);
          @Nullable Object[] a = elements(n, nulls == 1, false, depth);
          return JdkCollections.immutableList(a, nulls == 1);
        }
        case IMMUTABLE_SET -> {
          int n = count(1);
          admit(n == 1 || n == 2 ? SET12 : SET_N);
          @Nullable Object[] a = elements(n, false, true, depth);
          probing(a, n);
          try {
            return Set.of(a);
          } catch (IllegalArgumentException e) {
            throw new IOException(ID + ": a set of " + n + " elements repeats one");
          }
        }
        case IMMUTABLE_MAP -> {
          int n = count(2);
          admit(n == 1 ? MAP1 : MAP_N);
          Map.Entry<?, ?>[] es = new Map.Entry<?, ?>[n];
          @Nullable Object[] keys = new @Nullable Object[n];
          for (int i = 0; i < n; i++) {
            Object k = key(false, depth);
            keys[i] = k;
            Object v = value(depth + 1);
            if (v == null) {
              throw new IOException(ID + ": a value of an immutable map is null");
            }
            es[i] = Map.entry(k, v);
          }
          probing(keys, n);
          try {
            return JdkCollections.immutableMap(es);
          } catch (IllegalArgumentException e) {
            throw new IOException(ID + ": a map of " + n + " entries repeats a key");
          }
        }
        case EMPTY -> {
          int which = which();
          admit(which == WHICH_LIST ? EMPTY_LIST : which == WHICH_SET ? EMPTY_SET : EMPTY_MAP);
          return which == WHICH_LIST ? Collections.emptyList()
              : which == WHICH_SET ? Collections.emptySet() : Collections.emptyMap();
        }
        case SINGLETON -> {
          int which = which();
          admit(which == WHICH_LIST ? SINGLETON_LIST : which == WHICH_SET ? SINGLETON_SET : SINGLETON_MAP);
          Object v = value(depth + 1);
          return which == WHICH_LIST ? Collections.singletonList(v)
              : which == WHICH_SET ? Collections.singleton(v) : Collections.singletonMap(v, value(depth + 1));
        }
        case UNMODIFIABLE -> {
          int which = which();
          admit(which == WHICH_LIST ? UNMODIFIABLE_LIST : which == WHICH_SET ? UNMODIFIABLE_SET : UNMODIFIABLE_MAP);
          // Around a copy of the contents, in their order, as Kryo's path rebuilds it (UnmodifiableSerializer).
          if (which == WHICH_MAP) {
            int n = count(2);
            return Collections.unmodifiableMap(entries(new LinkedHashMap<>(capacity(n)), n, true, depth));
          }
          int n = count(1);
          List<@Nullable Object> a = Arrays.asList(elements(n, true, which == WHICH_SET, depth));
          return which == WHICH_LIST ? Collections.unmodifiableList(new ArrayList<>(a))
              : Collections.unmodifiableSet(distinct(new LinkedHashSet<>(a), n));
        }
        case HASH_SET, LINKED_HASH_SET -> {
          admit(tag == HASH_SET ? HashSet.class : LinkedHashSet.class);
          int n = count(1);
          List<@Nullable Object> a = Arrays.asList(elements(n, true, true, depth));
          Set<@Nullable Object> set = tag == HASH_SET ? new HashSet<>(capacity(n)) : new LinkedHashSet<>(capacity(n));
          set.addAll(a);
          return distinct(set, n);
        }
        case TREE_SET -> {
          admit(TreeSet.class);
          int n = count(1);
          // Keys of different classes fail here, with a ClassCastException: not a value written.
          return distinct(new TreeSet<>(Arrays.asList(elements(n, false, true, depth))), n);
        }
        case TREE_MAP -> {
          admit(TreeMap.class);
          return entries(new TreeMap<>(), count(2), false, depth);
        }
        case ARRAY_DEQUE -> {
          admit(ArrayDeque.class);
          int n = count(1);
          return new ArrayDeque<>(Arrays.asList(elements(n, false, false, depth)));
        }
        case OPTIONAL -> {
          admit(Optional.class);
          return Optional.ofNullable(value(depth + 1));
        }
        case ENUM_SET -> {
          Class<?> type = enumClass();
          int n = count(1);
          EnumSet<?> set = noneOf(type);
          admit(set.getClass());
          for (int i = 0; i < n; i++) {
            add(set, enumConstant(type, string()));
          }
          return distinct(set, n);
        }
        case INSTANT, DURATION -> {
          admit(tag == INSTANT ? Instant.class : Duration.class);
          need(12);
          long seconds = graph.getLong();
          int nanos = nanos(graph.getInt());
          return tag == INSTANT ? Instant.ofEpochSecond(seconds, nanos) : Duration.ofSeconds(seconds, nanos);
        }
        case LOCAL_DATE -> {
          admit(LocalDate.class);
          need(8);
          return LocalDate.ofEpochDay(graph.getLong());
        }
        case LOCAL_DATE_TIME -> {
          admit(LocalDateTime.class);
          need(16);
          LocalDate day = LocalDate.ofEpochDay(graph.getLong());
          return LocalDateTime.of(day, LocalTime.ofNanoOfDay(graph.getLong()));
        }
        case UUID_TAG -> {
          admit(UUID.class);
          need(16);
          return new UUID(graph.getLong(), graph.getLong());
        }
        case BIG_INTEGER -> {
          admit(BigInteger.class);
          return new BigInteger(bytes());
        }
        case BIG_DECIMAL -> {
          admit(BigDecimal.class);
          need(4);
          int scale = graph.getInt();
          return new BigDecimal(new BigInteger(bytes()), scale);
        }
        case ENUM_MAP -> {
          Class<?> type = enumClass();
          admit(EnumMap.class);
          int n = count(2);
          Map<?, @Nullable Object> map = enumMap(type);
          for (int i = 0; i < n; i++) {
            Object k = enumConstant(type, string());
            put(map, k, value(depth + 1));
          }
          if (map.size() != n) {
            throw new IOException(ID + ": a map of " + n + " entries repeats a key");
          }
          return map;
        }
        default -> throw new IOException(ID + ": unknown tag " + tag);
      }
    }

    /** {@code n} pairs into {@code map}, which must then hold {@code n} keys. */
    private <M extends Map<@Nullable Object, @Nullable Object>> M entries(M map, int n, boolean nulls, int depth)
        throws IOException, ReflectiveOperationException {
      for (int i = 0; i < n; i++) {
        Object k = key(nulls, depth);
        map.put(k, value(depth + 1));
      }
      if (map.size() != n) {
        throw new IOException(ID + ": a map of " + n + " entries repeats a key");
      }
      return map;
    }

    /** A map key or set element: {@code null} (where {@code nulls}), a string, a box or an enum. */
    private @Nullable Object key(boolean nulls, int depth) throws IOException, ReflectiveOperationException {
      Object k = value(depth + 1);
      if (k == null ? !nulls : !isKey(k)) {
        throw new IOException(ID + ": a map key or set element is "
            + (k == null ? "null" : "a " + k.getClass().getName()));
      }
      return k;
    }

    /** {@code n} elements, checked as the collection they are for admits them. */
    private @Nullable Object[] elements(int n, boolean nulls, boolean keys, int depth)
        throws IOException, ReflectiveOperationException {
      @Nullable Object[] a = new @Nullable Object[n];
      for (int i = 0; i < n; i++) {
        Object e = keys ? key(nulls, depth) : value(depth + 1);
        if (e == null && !nulls) {
          throw new IOException(ID + ": a null element of a collection that admits none");
        }
        a[i] = e;
      }
      return a;
    }

    /**
     * Bounds the work of {@code Set.of} and {@code Map.ofEntries} on {@code n} keys: their tables
     * probe linearly from the hash code modulo twice the size, so keys crafted to collide (strings
     * with one hash code are easy to make) would cost a quadratic number of {@code equals}. The same
     * probing is counted here first; a legitimate set takes a few probes per key.
     */
    private static void probing(@Nullable Object[] keys, int n) throws DecodeLimitException {
      if (n <= 2) {
        return;
      }
      int length = 2 * n;
      @Nullable Object[] table = new @Nullable Object[length];
      long probes = 0;
      long budget = 64L * n + 4096;
      for (int i = 0; i < n; i++) {
        Object k = keys[i];
        int at = Math.floorMod(k == null ? 0 : k.hashCode(), length);
        for (Object there = table[at]; there != null && !there.equals(k); there = table[at]) {
          if (++probes > budget) {
            throw new DecodeLimitException(ID + ": the " + n + " keys of an immutable set or map collide beyond "
                + budget + " probes");
          }
          at = at + 1 == length ? 0 : at + 1;
        }
        table[at] = k;
      }
    }

    /** The nanoseconds of an instant or duration: below a second, as the writer's always are. */
    private static int nanos(int n) throws IOException {
      if (n < 0 || n >= NANOS_PER_SECOND) {
        throw new IOException(ID + ": " + n + " nanoseconds");
      }
      return n;
    }

    /** The bytes of a {@code BigInteger}, at least one as {@code toByteArray} writes. */
    private byte[] bytes() throws IOException {
      int n = count(1);
      if (n == 0) {
        throw new IOException(ID + ": a number of no bytes");
      }
      byte[] b = new byte[n];
      graph.get(b);
      return b;
    }

    private static <S extends Set<?>> S distinct(S set, int n) throws IOException {
      if (set.size() != n) {
        throw new IOException(ID + ": a set of " + n + " elements repeats one");
      }
      return set;
    }

    private static int capacity(int n) {
      return (int) Math.min(n * 4L / 3 + 1, 1 << 30);
    }

    private int which() throws IOException {
      int which = u8();
      if (which > WHICH_MAP) {
        throw new IOException(ID + ": collection kind " + which);
      }
      return which;
    }

    private Class<?> enumClass() throws IOException {
      FieldLayout l = classRef();
      if (l.kind != FieldLayout.Kind.ENUM) {
        throw new IOException(ID + ": " + l.type.getName() + " is not an enum");
      }
      return l.type;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EnumSet<?> noneOf(Class<?> type) {
      return EnumSet.noneOf((Class) type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<?, @Nullable Object> enumMap(Class<?> type) {
      return new EnumMap(type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void add(Set set, Object e) {
      set.add(e);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void put(Map map, Object k, @Nullable Object v) {
      map.put(k, v);
    }

    private Object done(Object v) {
      objects.add(v);
      return v;
    }

    private Object object(FieldLayout l, int depth) throws IOException, ReflectiveOperationException {
      if (l.kind == FieldLayout.Kind.RECORD) {
        @Nullable Object[] components = new @Nullable Object[l.accessors.length];
        for (int i = 0; i < components.length; i++) {
          components[i] = value(depth + 1);
        }
        return l.newRecord(components);
      }
      if (l.kind != FieldLayout.Kind.PLAIN) {
        throw new IOException(ID + ": " + l.type.getName() + " has no fields to read");
      }
      Object o = l.newPlain();
      for (java.lang.reflect.Field f : l.fields) {
        f.set(o, value(depth + 1));
      }
      return o;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
      return Enum.valueOf((Class) type, name);
    }

    private FieldLayout classRef() throws IOException {
      int i = varint();
      if (i < classes.size()) {
        return classes.get(i);
      }
      if (i != classes.size()) {
        throw new DecodeLimitException(ID + ": class " + i + " of " + classes.size() + " defined so far");
      }
      String name = string();
      int kind = u8();
      String descriptor = string();
      if (!AllowLists.admits(filter, name)) {
        throw new RejectedClassException(name);
      }
      Class<?> c = Shapes.load(name);
      if (c == null) {
        throw new ForeignPayloadException(SHAPE_CHANGED + name + " (missing)");
      }
      FieldLayout l = FieldLayout.of(c);
      if (l.unsupported != null || l.kind.ordinal() != kind || !l.descriptor.equals(descriptor)) {
        throw new ForeignPayloadException(SHAPE_CHANGED + name);
      }
      classes.add(l);
      return l;
    }

    private void admit(Class<?> c) throws RejectedClassException {
      if (!AllowLists.admits(filter, c.getName())) {
        throw new RejectedClassException(c.getName());
      }
    }

    private Object row(ElementType t) throws IOException {
      int n = varint();
      int placement = u8();
      if (placement == OUT_OF_BAND) {
        return block(varint(), t);
      }
      if (placement != INLINE) {
        throw new IOException(ID + ": array placement " + placement);
      }
      if ((long) n * t.size() > graph.remaining()) {
        throw new DecodeLimitException(ID + ": a " + t.primitive() + "[] claims " + n + " elements with "
            + graph.remaining() + " bytes left in the graph");
      }
      return RawArrayCodec.readElements(graph, t, n);
    }

    private Object block(int i, ElementType type) throws DecodeLimitException {
      if (i >= blocks.size()) {
        throw new DecodeLimitException(ID + ": the graph refers to out-of-band block " + i + " of " + blocks.size());
      }
      OutOfBand.Block b = blocks.get(i);
      if (b.type() != type || used[i]) {
        throw new DecodeLimitException(ID + ": out-of-band block " + i + " (" + b.type() + ") read as " + type
            + (used[i] ? " a second time" : ""));
      }
      used[i] = true;
      Map<Object, OutOfBand.Block> ph = placeholders;
      if (ph != null) {
        Object empty = Array.newInstance(type.primitive(), 0);
        ph.put(empty, b);
        return empty;
      }
      if (type == ElementType.DOUBLE && b.offset() % Double.BYTES == 0) {
        DoubleBuffer d = doubles;
        if (d == null) {
          d = payload.slice(0, payload.limit()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
          doubles = d;
        }
        double[] a = new double[b.length()];
        d.get((int) (b.offset() / Double.BYTES), a);
        return a;
      }
      ByteBuffer s = payload.slice((int) b.offset(), (int) b.bytes());
      try {
        return RawArrayCodec.readElements(s, type, b.length());
      } catch (IOException e) {
        throw new IllegalStateException(e); // only boolean elements are checked, and they are never out of band
      }
    }

    private String string() throws IOException {
      int n = varint();
      int coder = u8();
      if (coder > 1) {
        throw new IOException(ID + ": string coder " + coder);
      }
      long bytes = coder == 0 ? n : 2L * n;
      if (bytes > graph.remaining()) {
        throw new DecodeLimitException(ID + ": a string claims " + n + " chars with " + graph.remaining()
            + " bytes left in the graph");
      }
      if (coder == 0) {
        byte[] b = new byte[n];
        graph.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
      }
      char[] chars = new char[n];
      graph.asCharBuffer().get(chars);
      graph.position(graph.position() + 2 * n);
      return new String(chars);
    }

    /** A count of elements of at least {@code minBytes} bytes each, checked against the bytes left. */
    private int count(int minBytes) throws IOException {
      int n = varint();
      if ((long) n * minBytes > graph.remaining()) {
        throw new DecodeLimitException(ID + ": " + n + " elements claimed with " + graph.remaining()
            + " bytes left in the graph");
      }
      return n;
    }

    private void need(int n) throws IOException {
      if (graph.remaining() < n) {
        throw new IOException(ID + ": the graph ends inside a value");
      }
    }

    private int u8() throws IOException {
      need(1);
      return graph.get() & 0xff;
    }

    private int varint() throws IOException {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = u8();
        v |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (v < 0 || (shift == 28 && b > 0x07)) {
            throw new IOException(ID + ": a count out of range");
          }
          return v;
        }
      }
      throw new IOException(ID + ": a varint longer than 5 bytes");
    }
  }

  @Override
  public String toString() {
    return ID + " v" + VERSION;
  }
}
