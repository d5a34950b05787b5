package org.memocache.internal.key;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.FileContent;
import org.memocache.MemoKeyException;
import org.memocache.MethodId;
import org.memocache.annotations.internal.KeyType;
import org.memocache.annotations.internal.KeyTypeRules;
import org.memocache.internal.codec.OwnFields;
import org.memocache.internal.codec.SerialForm;
import org.memocache.spi.KeyEncoder;
import org.memocache.spi.KeySink;

/**
 * Turns a call (method, receiver state, arguments) into its 128-bit key: a canonical, type-tagged
 * byte stream fed to XXH3-128. One instance per thread is reused ({@link #acquire}), so hashing
 * small arguments allocates nothing but the final key.
 *
 * <p>Rules, in order: a registered {@link KeyEncoder}; {@code null}; boxes and {@code String};
 * enums (class + name); {@code Class}; {@code BigInteger}/{@code BigDecimal} (unscaled value +
 * scale); {@code UUID}; {@code java.time} values (class + ISO text); {@code Optional}s; primitive
 * arrays streamed in bulk (big ones as a tree of fixed 1 MiB chunks hashed in parallel); object
 * arrays and {@code List}s in order; {@code Set}s and {@code Map}s order-independently (sorted
 * element hashes), except sorted ones (their order, then their elements in it) and
 * {@code LinkedHashSet}s and {@code LinkedHashMap}s (in insertion order); {@code Path}/{@code File}
 * by (absolute path, size, mtime); {@link FileContent} by content; records and plain classes by
 * their fields (class name, then fields by name). Which rule applies to a class is decided by
 * {@link KeyTypeRules}, the same table the annotation processor checks at compile time; a directory
 * is hashed by what is under it, and an object whose own serialization writes state held in
 * transient fields by its serialized form. Lambdas, streams, iterators, I/O handles, threads and JDK
 * types without a rule are refused with a {@link MemoKeyException} naming the method, the parameter
 * and the path to the value.
 *
 * <p>Cycles and shared objects: an object met again while it is still being hashed (an ancestor on
 * the current path) is written as a back-reference, its distance up the path. The path is the same
 * whatever order a set or map is iterated in, so a back-reference inside an element hashes the same
 * in every order, and two separately built graphs of the same shape give the same key. An object
 * met again elsewhere (shared, not an ancestor) is hashed again in full, as a copy would be, so
 * sharing never changes a key; that re-hashing is bounded ({@link #MAX_REVISITS}) so that a small
 * graph sharing heavily at every level (exponentially many paths) is refused quickly.
 */
public final class KeyHasher implements KeySink {

  /** Version of these rules; hashed into every key so a change of rules is a miss, never a clash. */
  public static final int ENCODING_VERSION = 2;

  /**
   * How many objects may be hashed again, over one key, because they were met before through
   * another path. Generous for ordinary sharing (a singleton referred to from thousands of
   * elements), small enough that a graph doubling its paths at every level is refused in well
   * under a second.
   */
  static final int MAX_REVISITS = 1 << 21;

  /** Objects remembered as met, per key: enough for any graph small enough to share heavily. */
  private static final int MAX_REMEMBERED = 1 << 14;

  private static final int MAX_DEPTH = 256;
  /** Files and directories under a directory passed as a {@code Path}, at most. */
  static final int MAX_TREE_ENTRIES = 100_000;
  /** Marks a path element that is the map key at the same index of {@code pathKeys}. */
  private static final String MAP_KEY = new String("{key}");
  private static final Class<?> NATURAL_ORDER = Comparator.naturalOrder().getClass();
  private static final Class<?> REVERSE_ORDER = Comparator.reverseOrder().getClass();
  private static final Class<?> CASE_INSENSITIVE_ORDER = String.CASE_INSENSITIVE_ORDER.getClass();
  /** The class of {@code Collections.reverseOrder(cmp)} for a comparator other than the natural or reverse order. */
  private static final Class<?> REVERSAL = Collections.reverseOrder(String.CASE_INSENSITIVE_ORDER).getClass();
  private static final ThreadLocal<KeyHasher> LOCAL = ThreadLocal.withInitial(KeyHasher::new);

  /** The shared type table (also used by the annotation processor), decided once per class. */
  private static final ClassValue<KeyType> KINDS = new ClassValue<>() {
    @Override
    protected KeyType computeValue(Class<?> type) {
      return KeyTypeRules.classify(type);
    }
  };

  private final HashStream128 root = Hashing.xxh3_128().hashStream();
  private final List<HashStream128> spares = new ArrayList<>();
  /** Objects being hashed (ancestors of the current value), each with its position on the path. */
  private IdentityHashMap<Object, Integer> onPath = new IdentityHashMap<>();
  /** Objects hashed before in this key (up to {@link #MAX_REMEMBERED}), to notice re-visits. */
  private IdentityHashMap<Object, Boolean> met = new IdentityHashMap<>();
  /** The outermost object being hashed again, or {@code null}. */
  private @Nullable Object revisiting;
  private int revisits;
  private final String[] path = new String[MAX_DEPTH + 2];
  /** Map keys on the path, turned into text only for an error message (their toString may be costly). */
  private final @Nullable Object[] pathKeys = new Object[MAX_DEPTH + 2];
  private boolean keptKeys;
  private final byte[] buffer = new byte[ArrayHashing.INLINE_BYTES];
  private HashStream128 out = root;
  private int depth;
  private int spareDepth;
  private boolean inUse;
  private KeyEncoders encoders = KeyEncoders.NONE;
  private String method = "";
  private long @Nullable [] parts;
  private int partCount;

  private KeyHasher() {}

  /**
   * The calling thread's hasher, reset for a new key of {@code method}. A nested use on the same
   * thread (a user {@link KeyEncoder} that itself computes a key) gets a fresh instance.
   */
  public static KeyHasher acquire(MethodId method, KeyEncoders encoders) {
    return acquire(method, 0L, encoders);
  }

  /**
   * As {@link #acquire(MethodId, KeyEncoders)}, with the {@code org.memocache.internal.codec.Shapes}
   * shape of the method's declared result type as part of its identity (0: none, the key is then
   * the same as without it): two program versions whose result classes differ keep separate results.
   */
  public static KeyHasher acquire(MethodId method, long resultShape, KeyEncoders encoders) {
    KeyHasher h = LOCAL.get();
    if (h.inUse) {
      h = new KeyHasher();
    }
    h.inUse = true;
    h.encoders = encoders;
    h.method = method.toString();
    h.out = h.root;
    h.root.reset();
    h.depth = 0;
    h.spareDepth = 0;
    h.forget();
    h.parts = null;
    h.partCount = 0;
    h.root.putInt(ENCODING_VERSION);
    h.root.putString(method.name()).putString(method.descriptor()).putInt(method.version())
        .putLong(method.codeFingerprint());
    if (resultShape != 0L) {
      h.root.putByte(Tag.RESULT_SHAPE).putLong(resultShape);
    }
    return h;
  }

  /**
   * From now on, records after each part (receiver, argument, ignored argument) the digest of the
   * key so far into {@code into}, two longs per part, for as many parts as it has room for:
   * comparing two such records of one call finds the first part whose state differs, and the
   * digest after the last part is the key. Costs one finalization of the hash per part (tens of
   * nanoseconds, nothing next to hashing a big argument, but a share of a small key's hit), so only
   * for calls that need it.
   */
  public KeyHasher recordParts(long[] into) {
    parts = into;
    partCount = 0;
    return this;
  }

  /** How many parts {@link #recordParts} recorded, also after a failure (the failing part's index). */
  public int partsRecorded() {
    return partCount;
  }

  private void endPart() {
    long[] p = parts;
    if (p != null && 2 * partCount + 1 < p.length) {
      // XXH3's get() leaves the stream as it was (KeyHasherTest pins it): no copy of its state.
      HashValue128 v = root.get();
      p[2 * partCount] = v.getMostSignificantBits();
      p[2 * partCount + 1] = v.getLeastSignificantBits();
      partCount++;
    }
  }

  /** Adds the state of the receiver {@code self} of an instance method. */
  public KeyHasher receiver(Object self) {
    path[0] = "receiver (" + self.getClass().getName() + ")";
    out.putByte(Tag.RECEIVER);
    value(self, 1);
    endPart();
    return this;
  }

  /** Adds argument {@code index}; {@code name} is used only in error messages. */
  public KeyHasher argument(int index, String name, @Nullable Object value) {
    path[0] = "parameter " + index + " (" + name + ")";
    out.putByte(Tag.ARGUMENTS).putInt(index);
    value(value, 1);
    endPart();
    return this;
  }

  /** Adds argument {@code index} hashed by file content ({@code Path} or {@code File} values). */
  public KeyHasher argumentByContent(int index, String name, @Nullable Object value) {
    if (value instanceof Path p) {
      return argument(index, name, FileContent.of(p));
    }
    if (value instanceof File f) {
      return argument(index, name, FileContent.of(f.toPath()));
    }
    return argument(index, name, value);
  }

  /** Marks argument {@code index} as left out of the key (so positions stay distinct). */
  public KeyHasher ignored(int index) {
    out.putByte(Tag.IGNORED).putInt(index);
    endPart();
    return this;
  }

  /** Finishes the key and releases this hasher for the thread's next key. */
  public CacheKey finish(MethodId id) {
    HashValue128 v = root.get();
    release();
    return new CacheKey(id, v.getMostSignificantBits(), v.getLeastSignificantBits());
  }

  /** Releases this hasher after a failure. */
  public void release() {
    inUse = false;
    forget();
    encoders = KeyEncoders.NONE;
    parts = null;
  }

  // ---- KeySink, for user KeyEncoders ----

  @Override
  public KeySink putBoolean(boolean v) {
    out.putByte(Tag.BOOLEAN).putBoolean(v);
    return this;
  }

  @Override
  public KeySink putInt(int v) {
    out.putByte(Tag.INT).putInt(v);
    return this;
  }

  @Override
  public KeySink putLong(long v) {
    out.putByte(Tag.LONG).putLong(v);
    return this;
  }

  @Override
  public KeySink putDouble(double v) {
    out.putByte(Tag.DOUBLE).putLong(canonicalBits(v));
    return this;
  }

  @Override
  public KeySink putString(CharSequence v) {
    out.putByte(Tag.STRING).putInt(v.length()).putChars(v);
    return this;
  }

  @Override
  public KeySink putBytes(byte[] v) {
    out.putByte(Tag.BYTES).putInt(v.length).putBytes(v);
    return this;
  }

  @Override
  public KeySink putValue(@Nullable Object v) {
    value(v, depth + 1);
    return this;
  }

  // ---- the rules ----

  private static long canonicalBits(double v) {
    // doubleToLongBits folds every NaN into one and keeps -0.0 apart from 0.0.
    return Double.doubleToLongBits(v);
  }

  private void value(@Nullable Object v, int level) {
    if (v == null) {
      out.putByte(Tag.NULL);
      return;
    }
    Class<?> c = v.getClass();
    if (c != String.class && c != Integer.class && c != Long.class && c != Double.class
        && !onPath.isEmpty()) {
      Integer at = onPath.get(v);
      if (at != null) {
        // A cycle: the distance up the path, independent of where the graph sits and of set order.
        out.putByte(Tag.BACK_REFERENCE).putInt(onPath.size() - at);
        return;
      }
    }
    if (level > MAX_DEPTH) {
      throw fail("is nested more than " + MAX_DEPTH + " levels deep");
    }
    int saved = depth;
    depth = level;
    try {
      dispatch(v);
    } finally {
      depth = saved;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void dispatch(Object v) {
    Class<?> type = v.getClass();
    KeyEncoder encoder = encoders.find(type);
    if (encoder != null) {
      enter(v);
      out.putByte(Tag.CUSTOM).putString(type.getName());
      encoder.encode(v, this);
      leave(v);
      return;
    }
    if (type == String.class) {
      String s = (String) v;
      out.putByte(Tag.STRING).putInt(s.length()).putChars(s);
      return;
    }
    if (type == Integer.class) {
      out.putByte(Tag.INT).putInt((Integer) v);
      return;
    }
    if (type == Long.class) {
      out.putByte(Tag.LONG).putLong((Long) v);
      return;
    }
    if (type == Double.class) {
      out.putByte(Tag.DOUBLE).putLong(canonicalBits((Double) v));
      return;
    }
    if (v instanceof FileContent fc) {
      fileContent(fc.path());
      return;
    }
    KeyType kind = KINDS.get(type);
    if (kind instanceof KeyType.Unhashable u) {
      // The reason is a sentence of its own ("a lambda ... cannot be hashed"): after "it is a <type>".
      throw fail("is a " + type.getName() + ", and " + u.reason());
    }
    if (!(kind instanceof KeyType.BuiltIn builtIn)) {
      // Walk (and FunctionLike: a named class implementing a functional interface; a lambda was
      // already refused as a hidden class).
      walk(v, type);
      return;
    }
    switch (builtIn.rule()) {
      case PRIMITIVE, BOX -> box(v);
      case STRING -> {
        String s = (String) v;
        out.putByte(Tag.STRING).putInt(s.length()).putChars(s);
      }
      case CHARS -> {
        CharSequence cs = (CharSequence) v;
        out.putByte(Tag.CHARS).putInt(cs.length()).putChars(cs);
      }
      case ENUM -> {
        Enum<?> e = (Enum<?>) v;
        out.putByte(Tag.ENUM).putString(e.getDeclaringClass().getName()).putString(e.name());
      }
      case CLASS -> out.putByte(Tag.CLASS).putString(((Class<?>) v).getName());
      case BIG_INTEGER -> out.putByte(Tag.BIG_INTEGER).putByteArray(((BigInteger) v).toByteArray());
      case BIG_DECIMAL -> {
        BigDecimal b = (BigDecimal) v;
        out.putByte(Tag.BIG_DECIMAL).putByteArray(b.unscaledValue().toByteArray()).putInt(b.scale());
      }
      case UUID -> out.putByte(Tag.UUID).putUUID((UUID) v);
      // java.time values are immutable and their toString is their canonical ISO-8601 form.
      case TIME -> out.putByte(Tag.TEMPORAL).putString(type.getName()).putString(v.toString());
      case STRING_FORM -> out.putByte(Tag.STRING_FORM).putString(type.getName()).putString(v.toString());
      case OPTIONAL -> optional(v);
      case RECORD -> walk(v, type);
      case LIST, COLLECTION -> {
        ordered((Collection<?>) v);
        ownFields(v, type);
      }
      case SET -> {
        enter(v);
        if (v instanceof SortedSet<?> sorted) {
          out.putByte(Tag.SORTED_SET);
          comparator(sorted.comparator());
          inOrder(sorted, false);
        } else if (v instanceof LinkedHashSet<?> linked) {
          out.putByte(Tag.ORDERED_SET);
          inOrder(linked, false);
        } else {
          out.putByte(Tag.SET);
          unordered((Collection<?>) v, false);
        }
        leave(v);
        ownFields(v, type);
      }
      case MAP -> {
        enter(v);
        if (v instanceof SortedMap<?, ?> sorted) {
          out.putByte(Tag.SORTED_MAP);
          comparator(sorted.comparator());
          inOrder(sorted.entrySet(), true);
        } else if (v instanceof LinkedHashMap<?, ?> linked) {
          out.putByte(Tag.ORDERED_MAP);
          inOrder(linked.entrySet(), true);
        } else if (v instanceof Properties p) {
          properties(p);
        } else {
          out.putByte(Tag.MAP);
          unordered(((Map<?, ?>) v).entrySet(), true);
        }
        leave(v);
        ownFields(v, type);
      }
      case MAP_ENTRY -> {
        Map.Entry<?, ?> e = (Map.Entry<?, ?>) v;
        enter(v);
        out.putByte(Tag.MAP_ENTRY);
        value(e.getKey(), depth + 1);
        value(e.getValue(), depth + 1);
        leave(v);
      }
      case PRIMITIVE_ARRAY, ARRAY -> array(v, type);
      case BUFFER -> buffer((Buffer) v);
      case PATH -> pathMetadata((Path) v);
      case FILE -> pathMetadata(((File) v).toPath());
    }
  }

  private void box(Object v) {
    if (v instanceof Float f) {
      out.putByte(Tag.FLOAT).putInt(Float.floatToIntBits(f));
    } else if (v instanceof Boolean b) {
      out.putByte(Tag.BOOLEAN).putBoolean(b);
    } else if (v instanceof Byte b) {
      out.putByte(Tag.BYTE).putByte(b);
    } else if (v instanceof Short s) {
      out.putByte(Tag.SHORT).putShort(s);
    } else if (v instanceof Character c) {
      out.putByte(Tag.CHAR).putChar(c);
    } else if (v instanceof Integer i) {
      out.putByte(Tag.INT).putInt(i);
    } else if (v instanceof Long l) {
      out.putByte(Tag.LONG).putLong(l);
    } else {
      out.putByte(Tag.DOUBLE).putLong(canonicalBits((Double) v));
    }
  }

  private void optional(Object v) {
    if (v instanceof Optional<?> o) {
      out.putByte(Tag.OPTIONAL);
      value(o.orElse(null), depth + 1);
    } else if (v instanceof OptionalInt o) {
      out.putByte(Tag.OPTIONAL).putBoolean(o.isPresent()).putInt(o.orElse(0));
    } else if (v instanceof OptionalLong o) {
      out.putByte(Tag.OPTIONAL).putBoolean(o.isPresent()).putLong(o.orElse(0));
    } else {
      OptionalDouble o = (OptionalDouble) v;
      out.putByte(Tag.OPTIONAL).putBoolean(o.isPresent()).putLong(canonicalBits(o.orElse(0)));
    }
  }

  private void ordered(Collection<?> c) {
    enter(c);
    out.putByte(Tag.LIST).putInt(c.size());
    int i = 0;
    for (Object e : c) {
      path[depth] = "[" + i++ + "]";
      value(e, depth + 1);
    }
    leave(c);
  }

  /** A java.nio buffer: its element type and its remaining elements (position to limit). */
  private void buffer(Buffer b) {
    // Heap, direct and read-only buffers of one element type hash alike.
    out.putByte(Tag.BUFFER).putChar(elementCode(b)).putInt(b.remaining());
    Buffer d = b.duplicate();
    if (d instanceof ByteBuffer bb) {
      while (bb.hasRemaining()) {
        int n = Math.min(buffer.length, bb.remaining());
        bb.get(buffer, 0, n);
        out.putBytes(buffer, 0, n);
      }
    } else if (d instanceof DoubleBuffer db) {
      while (db.hasRemaining()) {
        out.putLong(canonicalBits(db.get()));
      }
    } else if (d instanceof FloatBuffer fb) {
      while (fb.hasRemaining()) {
        out.putInt(Float.floatToIntBits(fb.get()));
      }
    } else if (d instanceof LongBuffer lb) {
      while (lb.hasRemaining()) {
        out.putLong(lb.get());
      }
    } else if (d instanceof IntBuffer ib) {
      while (ib.hasRemaining()) {
        out.putInt(ib.get());
      }
    } else if (d instanceof ShortBuffer sb) {
      while (sb.hasRemaining()) {
        out.putShort(sb.get());
      }
    } else if (d instanceof CharBuffer cb) {
      out.putChars(cb);
    } else {
      throw fail("is a " + b.getClass().getName() + ", a buffer with no key rule");
    }
  }

  private static char elementCode(Buffer b) {
    if (b instanceof ByteBuffer) {
      return 'B';
    } else if (b instanceof DoubleBuffer) {
      return 'D';
    } else if (b instanceof FloatBuffer) {
      return 'F';
    } else if (b instanceof LongBuffer) {
      return 'J';
    } else if (b instanceof IntBuffer) {
      return 'I';
    } else if (b instanceof ShortBuffer) {
      return 'S';
    }
    return 'C';
  }

  /** Records and plain classes: their fields. JDK classes have no stable field layout to walk. */
  private void walk(Object v, Class<?> type) {
    String name = type.getName();
    if (!type.isRecord() && (name.startsWith("java.") || name.startsWith("javax.")
        || name.startsWith("jdk.") || name.startsWith("sun.") || name.startsWith("com.sun."))) {
      throw fail("is a " + name + ", a JDK type with no key rule; convert it to a value"
          + " (String, number, record, collection) or register a KeyEncoder for it (Memo.builder().keyEncoder(...), or without code the"
          + " agent option or configuration key key-encoders=" + name + "=<encoder class>)");
    }
    if (SerialForm.writesTransientState(type)) {
      serialForm(v, type);
      return;
    }
    fields(v, type);
  }

  /**
   * An object whose state is in transient fields that its own serialization writes (Guava's
   * multimaps): its serialized form, which holds that state, where its fields would not.
   */
  private void serialForm(Object v, Class<?> type) {
    HashStream128 into = out;
    into.putByte(Tag.SERIAL_FORM).putString(type.getName());
    try {
      SerialForm.write(v, new OutputStream() {
        @Override
        public void write(int b) {
          into.putByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          into.putBytes(b, off, len);
        }
      });
    } catch (IOException | RuntimeException e) {
      throw fail("is a " + type.getName() + ", which keeps its state in transient fields, and its serialized form"
          + " cannot be written (" + e + "); register a KeyEncoder for it");
    }
  }

  private void array(Object v, Class<?> type) {
    Class<?> component = type.getComponentType();
    if (component.isPrimitive()) {
      out.putByte(Tag.PRIMITIVE_ARRAY);
      ArrayHashing.put(out, v, component, buffer);
      return;
    }
    enter(v);
    Object[] a = (Object[]) v;
    out.putByte(Tag.OBJECT_ARRAY).putString(component.getName()).putInt(a.length);
    for (int i = 0; i < a.length; i++) {
      path[depth] = "[" + i + "]";
      value(a[i], depth + 1);
    }
    leave(v);
  }

  /**
   * The fields a subclass of a JDK collection or map declares besides its elements (a polyline's
   * {@code closed} flag), after them: two such objects with the same elements and another flag
   * are two keys. Nothing for the JDK's own classes, so their keys are what they were.
   */
  private void ownFields(Object v, Class<?> type) {
    Field[] fields;
    try {
      fields = OwnFields.of(type);
    } catch (RuntimeException e) {
      throw fail("is a " + type.getName() + " whose own fields cannot be read (" + e.getMessage() + ")");
    }
    if (fields.length > 0) {
      fieldValues(v, Tag.OWN_FIELDS, type, fields);
    }
  }

  /**
   * {@code Properties}: its entries, then what {@code getProperty} answers for every name, which
   * includes its defaults (a {@code new Properties(defaults)} answers from them, and its entries
   * do not show them).
   */
  private void properties(Properties p) {
    out.putByte(Tag.PROPERTIES);
    unordered(p.entrySet(), true);
    Set<String> names = new TreeSet<>(p.stringPropertyNames());
    out.putInt(names.size());
    for (String name : names) {
      String value = p.getProperty(name);
      out.putString(name).putBoolean(value != null);
      if (value != null) {
        out.putString(value);
      }
    }
  }

  /**
   * A sorted or insertion-ordered set or map: its elements (or entries) in iteration order, which is
   * part of what it is (a method may take the first key, or lay out columns in that order).
   */
  private void inOrder(Collection<?> elements, boolean entries) {
    out.putInt(elements.size());
    int i = 0;
    for (Object e : elements) {
      if (entries) {
        entry((Map.Entry<?, ?>) e);
      } else {
        path[depth] = "[" + i++ + "]";
        value(e, depth + 1);
      }
    }
  }

  /** A map's entry: its key (which an error's path names by the key itself), then its value. */
  private void entry(Map.Entry<?, ?> entry) {
    path[depth] = MAP_KEY;
    pathKeys[depth] = entry.getKey();
    keptKeys = true;
    value(entry.getKey(), depth + 1);
    value(entry.getValue(), depth + 1);
  }

  /**
   * The order of a sorted set or map, which decides both its iteration order and which keys it
   * holds as one ({@code String.CASE_INSENSITIVE_ORDER} finds "a" under "A"): natural order, the
   * JDK's reverse and case-insensitive orders and reversals of an order by name, any other
   * comparator as a value (a named class by its fields; a lambda cannot be hashed, so neither can a
   * map sorted by one).
   */
  private void comparator(@Nullable Comparator<?> c) {
    out.putByte(Tag.COMPARATOR);
    // By class: these have no state, and a map decoded from the cache holds a new instance of one.
    Class<?> type = c == null ? null : c.getClass();
    if (c == null || type == NATURAL_ORDER) {
      out.putString("natural");
    } else if (type == REVERSE_ORDER) {
      out.putString("reverse");
    } else if (type == CASE_INSENSITIVE_ORDER) {
      out.putString("String.CASE_INSENSITIVE_ORDER");
    } else if (type == REVERSAL) {
      // Collections.reverseOrder(cmp) of another order; reversing it again gives cmp back.
      out.putString("reversed");
      comparator(c.reversed());
    } else {
      out.putString("value");
      path[depth] = ".comparator()";
      value(c, depth + 1);
    }
  }

  /**
   * Sets and maps: each element (or entry) is hashed on its own, and the sorted element hashes are
   * fed to the key, so iteration order never matters.
   */
  private void unordered(Collection<?> elements, boolean entries) {
    long[] hashes = new long[elements.size() * 2];
    HashStream128 saved = out;
    HashStream128 sub = spare();
    int i = 0;
    try {
      for (Object e : elements) {
        sub.reset();
        out = sub;
        if (entries) {
          entry((Map.Entry<?, ?>) e);
        } else {
          value(e, depth + 1);
        }
        HashValue128 h = sub.get();
        hashes[i++] = h.getMostSignificantBits();
        hashes[i++] = h.getLeastSignificantBits();
      }
    } finally {
      out = saved;
      spareDepth--;
    }
    long[][] pairs = new long[i / 2][];
    for (int k = 0; k < pairs.length; k++) {
      pairs[k] = new long[] {hashes[2 * k], hashes[2 * k + 1]};
    }
    Arrays.sort(pairs, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    out.putInt(pairs.length);
    for (long[] p : pairs) {
      out.putLong(p[0]).putLong(p[1]);
    }
  }

  private HashStream128 spare() {
    if (spareDepth == spares.size()) {
      spares.add(Hashing.xxh3_128().hashStream());
    }
    return spares.get(spareDepth++);
  }

  private void fields(Object v, Class<?> type) {
    FieldPlan plan = FieldPlan.of(type);
    if (plan.inaccessible != null) {
      throw fail("is a " + type.getName() + " and " + plan.inaccessible
          + "; register a KeyEncoder for it (Memo.builder().keyEncoder(...), or without code the agent option"
          + " or configuration key key-encoders=" + type.getName() + "=<encoder class>)");
    }
    fieldValues(v, type.isRecord() ? Tag.RECORD : Tag.OBJECT, type, plan.fields);
  }

  /** {@code tag}, the class's name and each field by name and value. */
  private void fieldValues(Object v, byte tag, Class<?> type, Field[] fields) {
    enter(v);
    out.putByte(tag).putString(type.getName()).putInt(fields.length);
    for (Field f : fields) {
      String name = f.getName();
      path[depth] = "." + name;
      out.putString(name);
      Object fv;
      try {
        fv = f.get(v);
      } catch (IllegalAccessException e) {
        throw fail("has a field " + name + " that cannot be read: " + e.getMessage());
      }
      value(fv, depth + 1);
    }
    leave(v);
  }

  private void pathMetadata(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(abs, BasicFileAttributes.class);
    } catch (IOException e) {
      out.putByte(Tag.PATH).putString(abs.toString()).putBoolean(false);
      return;
    }
    if (a.isDirectory()) {
      directoryTree(abs);
    } else {
      out.putByte(Tag.PATH).putString(abs.toString()).putBoolean(true).putLong(a.size())
          .putLong(a.lastModifiedTime().toMillis());
    }
  }

  /**
   * A directory by what is under it: each entry's name relative to it, and for each file (a link is
   * followed to what it names) its size and modification time. The directory's own modification
   * time changes only when an entry is added, removed or renamed, not when a file is written in
   * place, which would leave a method reading the files served what they held before.
   */
  private void directoryTree(Path dir) {
    List<TreeEntry> entries = new ArrayList<>();
    Path root;
    try {
      // A directory named through a link (a data directory linked into place) is walked where it is:
      // a walk does not enter a link it starts at, and would see nothing under it.
      root = dir.toRealPath();
      // The listing hands each entry's attributes over: a file is read once, a link followed once.
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
          if (!d.equals(root)) {
            add(d, a);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
          add(f, a);
          return FileVisitResult.CONTINUE;
        }

        private void add(Path e, BasicFileAttributes a) {
          if (entries.size() == MAX_TREE_ENTRIES) {
            throw fail("is the directory " + dir + ", which holds more than " + MAX_TREE_ENTRIES + " files and"
                + " directories: pass the paths the method reads, or a value naming the data's version; mark the"
                + " parameter @Memoize.Ignore if it does not change the result");
          }
          entries.add(TreeEntry.of(e, a));
        }
      });
    } catch (IOException e) {
      throw fail("is the directory " + dir + ", which cannot be listed: " + e.getMessage());
    }
    entries.sort(Comparator.comparing(TreeEntry::path));
    out.putByte(Tag.DIRECTORY).putString(dir.toString()).putInt(entries.size());
    for (TreeEntry e : entries) {
      out.putString(root.relativize(e.path()).toString()).putByte(e.kind());
      if (e.kind() == 'f') {
        out.putLong(e.size()).putLong(e.modified());
      }
    }
  }

  /**
   * An entry under a directory: {@code 'd'} a directory (or a link to one, listed, not entered),
   * {@code 'f'} a file (a link to one followed) with its size and modification time, {@code '-'} a
   * link to nothing.
   */
  private record TreeEntry(Path path, byte kind, long size, long modified) {
    static TreeEntry of(Path p, BasicFileAttributes listed) {
      BasicFileAttributes a = listed;
      if (a.isSymbolicLink()) {
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException gone) {
          return new TreeEntry(p, (byte) '-', 0, 0);
        }
      }
      return a.isDirectory() ? new TreeEntry(p, (byte) 'd', 0, 0)
          : new TreeEntry(p, (byte) 'f', a.size(), a.lastModifiedTime().toMillis());
    }
  }

  private void fileContent(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    out.putByte(Tag.FILE_CONTENT);
    try {
      if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(abs)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        out.putInt(files.size());
        for (Path f : files) {
          out.putString(abs.relativize(f).toString());
          streamFile(f);
        }
      } else {
        out.putInt(-1);
        streamFile(abs);
      }
    } catch (IOException e) {
      throw fail("is the file " + abs + ", whose content cannot be read: " + e);
    }
  }

  private void streamFile(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.putBytes(buffer, 0, n);
        total += n;
      }
      out.putLong(total);
    }
  }

  private void enter(Object v) {
    onPath.put(v, onPath.size());
    if (revisiting != null || met.containsKey(v)) {
      if (revisiting == null) {
        revisiting = v;
      }
      if (++revisits > MAX_REVISITS) {
        throw fail("shares objects too heavily to hash (more than " + MAX_REVISITS
            + " objects met again, last a " + v.getClass().getName() + "); break the sharing,"
            + " mark the field transient, or register a KeyEncoder");
      }
    } else if (met.size() < MAX_REMEMBERED) {
      met.put(v, Boolean.TRUE);
    }
  }

  private void leave(Object v) {
    onPath.remove(v);
    if (v == revisiting) {
      revisiting = null;
    }
  }

  /** Resets the per-key maps; a map grown by a big graph is dropped rather than cleared per key. */
  private void forget() {
    if (onPath.size() > 64) {
      onPath = new IdentityHashMap<>();
    } else {
      onPath.clear();
    }
    if (met.size() > 64) {
      met = new IdentityHashMap<>();
    } else if (!met.isEmpty()) {
      met.clear();
    }
    revisiting = null;
    revisits = 0;
    if (keptKeys) {
      Arrays.fill(pathKeys, null); // not to keep a caller's objects alive
      keptKeys = false;
    }
  }

  private static String describe(@Nullable Object key) {
    try {
      return String.valueOf(key);
    } catch (RuntimeException | StackOverflowError e) {
      // A key whose toString follows a cycle, or fails: its class names it well enough.
      return key == null ? "null" : key.getClass().getName();
    }
  }

  private MemoKeyException fail(String what) {
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < depth && i < path.length; i++) {
      if (path[i] == MAP_KEY) {
        where.append('{').append(describe(pathKeys[i])).append('}');
      } else if (path[i] != null) {
        where.append(path[i]);
      }
    }
    release();
    return new MemoKeyException(method + ": " + where + " cannot be part of a cache key: it " + what);
  }
}
