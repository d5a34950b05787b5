package org.memocache.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/**
 * Stores the common shapes of scientific results without Kryo: records and plain classes whose
 * fields hold boxed primitives, strings, enums, primitive arrays (one- and two-dimensional), object
 * arrays, {@code ArrayList}s, {@code HashMap}s and {@code LinkedHashMap}s (keys {@code null},
 * strings or boxes) of such values, and nested instances of such classes; see {@link FieldLayout}
 * for the classes it writes field by field. A fresh JVM's first Kryo instance, and Kryo's first
 * serializer of each class, cost it tens of milliseconds of class loading and reflection; here a
 * class costs one reflective look at its fields.
 *
 * <p>Any other value is left to {@code kryo}: {@link #canEncode} walks the whole value first and
 * declines it when a class, a map key or a cycle is beyond this codec, or objects nest more than
 * {@value #MAX_DEPTH} deep. A value reached twice (a shared array, record or string) is written once
 * and referred to after, so sharing round-trips; cycles are left to Kryo.
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
 * row     := n, (INLINE, n elements little-endian | OUT_OF_BAND, block index)
 * class   := index (of the classes defined so far) | the next index, string name, u8 kind, string descriptor
 * string  := n, u8 coder (0: n Latin-1 bytes, 1: n UTF-16 chars)
 * </pre>
 *
 * Counts, indices and ids are unsigned varints. Every string, array, object and collection read
 * gets the next id once complete, in the order the writer finished them.
 *
 * <p>Decoding trusts nothing: each class name is checked against the caller's {@link ClassFilter}
 * before the class is looked up, and its descriptor against the live class's before any instance is
 * created (a class whose fields changed is a {@link ForeignPayloadException}); every count is checked
 * against the bytes left before anything is allocated for it, as {@link DecodeLimits} describes.
 * Map keys must be strings or boxes, whose hash codes cost at most their bytes.
 */
public final class FieldsCodec implements ValueCodec {

  /** The codec id stored in entries. */
  public static final String ID = "fields";

  /** The version of the layout described above. */
  public static final int VERSION = 1;

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
    if (value == null) {
      return false;
    }
    Class<?> c = value.getClass();
    boolean root = c == ArrayList.class || c == HashMap.class || c == LinkedHashMap.class
        || (c.isArray() && !c.getComponentType().isPrimitive() && !primitiveRows(c))
        || (!c.isArray() && !c.isEnum() && !FieldLayout.isScalar(c) && FieldLayout.of(c).unsupported == null);
    if (!root) {
      return false;
    }
    try {
      new Writer(null).value(value, 0);
      return true;
    } catch (Unsupported | ReflectiveOperationException | RuntimeException e) {
      return false;
    }
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
      } else if (c == ArrayList.class) {
        checkName(c.getName());
        List<?> list = (List<?>) v;
        int n = list.size();
        u8(LIST);
        varint(n);
        for (int i = 0; i < n; i++) {
          value(list.get(i), depth + 1);
        }
      } else if (c == HashMap.class || c == LinkedHashMap.class) {
        checkName(c.getName());
        Map<?, ?> map = (Map<?, ?>) v;
        u8(c == HashMap.class ? HASH_MAP : LINKED_HASH_MAP);
        varint(map.size());
        int n = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          Object k = e.getKey();
          if (k != null && !FieldLayout.isScalar(k.getClass())) {
            throw new Unsupported("a map key is a " + k.getClass().getName());
          }
          value(k, depth + 1);
          value(e.getValue(), depth + 1);
          n++;
        }
        if (n != map.size()) {
          throw new IllegalStateException("the map changed while it was written");
        }
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
          int capacity = (int) Math.min(n * 4L / 3 + 1, 1 << 30);
          Map<@Nullable Object, @Nullable Object> map = tag == HASH_MAP ? new HashMap<>(capacity)
              : new LinkedHashMap<>(capacity);
          for (int i = 0; i < n; i++) {
            Object k = value(depth + 1);
            if (k != null && !FieldLayout.isScalar(k.getClass())) {
              throw new IOException(ID + ": a map key is a " + k.getClass().getName());
            }
            map.put(k, value(depth + 1));
          }
          if (map.size() != n) {
            throw new IOException(ID + ": a map of " + n + " entries has " + map.size() + " distinct keys");
          }
          return done(map);
        }
        default -> throw new IOException(ID + ": unknown tag " + tag);
      }
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
