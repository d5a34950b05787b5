package org.memocache.view;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.memocache.CorruptResultException;
import org.memocache.EntryInfo;
import org.memocache.MemoizedMethod;
import org.memocache.internal.Warnings;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.codec.FieldsCodec;
import org.memocache.internal.codec.ForeignPayloadException;
import org.memocache.internal.codec.KryoCodec;
import org.memocache.internal.codec.RawArrayCodec;
import org.memocache.internal.codec.RawArrayLayout.ElementType;
import org.memocache.internal.codec.Shapes;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;

/**
 * Views of the primitive arrays inside a stored result, by path: {@link MemoizedMethod#views}. For a
 * result such as {@code record Dataset(double[] x, double[] y)}, a third-party matrix with a
 * {@code double[] data} field, or a {@code Map<String, double[]>}, each array becomes an
 * {@link ArrayView} without the result being loaded.
 *
 * <pre>{@code
 * ResultViews r = memo.method("load").views(path).orElseThrow();
 * DoubleView x = r.doubles("x");                 // maps x; reads nothing yet
 * double first = x.get(0);                       // verifies one 64 KiB block
 * ArrayView w = r.view("layers[2].weights");     // list element 2, then its field
 * }</pre>
 *
 * <p><b>Paths.</b> Field or record-component names separated by {@code .}, each optionally followed
 * by indices {@code [i]} into a {@code List} or an object array; on a {@code Map}, a name is a key
 * (compared with its {@code toString()}). The empty path is the result itself. A path that does not
 * lead to a primitive array throws {@link IllegalArgumentException} naming the path, the class it
 * reached and what that class has.
 *
 * <p><b>Cost.</b> Opening reads and verifies the stored object graph, not its arrays: arrays of
 * 16 KiB and more are stored apart from the graph, and their views map them in place and verify
 * each 64 KiB block the first time a read touches it, as {@link ArrayView} describes. Smaller
 * arrays are stored inside the graph: their views are copies in memory. A second definition of the
 * result's classes (a field renamed or retyped since the result was stored) makes the result
 * unviewable, as it makes it a miss.
 *
 * <p>Immutable and safe for concurrent use; views outlive it.
 */
public final class ResultViews {
  private static final Pattern STEP = Pattern.compile("([^.\\[\\]]*)((?:\\[\\d+\\])*)");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)\\]");
  private static final FieldsCodec FIELDS = new FieldsCodec();

  private final Tier.Mapped entry;
  private final @Nullable Object root;
  /** Arrays stored apart from the graph: the decoded placeholder (by identity) and where it is. */
  private final Map<Object, KryoCodec.ArrayBlock> blocks;
  private final @Nullable ArrayView whole;
  private final String describe;

  private ResultViews(Tier.Mapped entry, @Nullable Object root, Map<Object, KryoCodec.ArrayBlock> blocks,
      @Nullable ArrayView whole, String describe) {
    this.entry = entry;
    this.root = root;
    this.blocks = blocks;
    this.whole = whole;
    this.describe = describe;
  }

  /**
   * Opens the views of a mapped entry: verifies and decodes its graph, with its big arrays left in
   * place. Null when the entry cannot be used here (another codec version, another definition of
   * its classes, classes outside {@code classes}, contents beyond the decoding limits): a miss, as
   * for a lookup.
   *
   * @throws IllegalArgumentException when the entry was stored by another codec (a user's)
   * @throws CorruptResultException when the graph's blocks are damaged
   */
  public static @Nullable ResultViews open(Tier.Mapped entry, String describe, ClassFilter classes) {
    EntryInfo info = entry.info();
    if (info.codec().equals(RawArrayCodec.ID)) {
      return new ResultViews(entry, null, Map.of(), AbstractArrayView.open(entry, describe), describe);
    }
    if (info.codec().equals(FieldsCodec.ID)) {
      return openFields(entry, describe, classes);
    }
    if (!info.codec().equals(KryoCodec.ID)) {
      throw new IllegalArgumentException(describe + " is stored by codec " + info.codec() + ": only results stored"
          + " by the built-in codecs (kryo, fields, raw-array) can be viewed; use lookup to load it");
    }
    if (entry.codecVersion() != KryoCodec.VERSION) {
      return null;
    }
    ByteBuffer payload = entry.payload();
    try {
      KryoCodec.regions(payload, entry::verify);
      Set<Class<?>> read = new HashSet<>();
      KryoCodec.Skeleton s = Codecs.kryo().skeleton(payload, classes, read);
      if (Shapes.hash(Shapes.list(read)) != entry.shapesHash()) {
        Warnings.once("views-shape:" + info.method(), () -> "MemoCache: the stored result " + describe + " ("
            + info.key() + ") was written for another definition of a class in it: it cannot be viewed");
        return null;
      }
      return new ResultViews(entry, s.root(), s.arrays(), null, describe);
    } catch (IOException e) {
      Warnings.once("views-decode:" + info.method(), () -> "MemoCache: the stored result " + describe + " ("
          + info.key() + ") cannot be viewed by this program: " + e.getMessage());
      return null;
    }
  }

  /** As {@link #open}, for an entry of the {@code fields} codec: its graph names and checks its own classes. */
  private static @Nullable ResultViews openFields(Tier.Mapped entry, String describe, ClassFilter classes) {
    EntryInfo info = entry.info();
    if (!FieldsCodec.reads(entry.codecVersion())) {
      return null;
    }
    ByteBuffer payload = entry.payload();
    try {
      KryoCodec.regions(payload, entry::verify);
      KryoCodec.Skeleton s = FIELDS.skeleton(payload, classes);
      return new ResultViews(entry, s.root(), s.arrays(), null, describe);
    } catch (ForeignPayloadException e) {
      Warnings.once("views-shape:" + info.method(), () -> "MemoCache: the stored result " + describe + " ("
          + info.key() + ") " + e.getMessage() + ": it cannot be viewed");
      return null;
    } catch (IOException e) {
      Warnings.once("views-decode:" + info.method(), () -> "MemoCache: the stored result " + describe + " ("
          + info.key() + ") cannot be viewed by this program: " + e.getMessage());
      return null;
    }
  }

  /** The stored entry's metadata. */
  public EntryInfo info() {
    return entry.info();
  }

  /**
   * The view of the primitive array at {@code path}.
   *
   * @throws IllegalArgumentException when the path does not lead to a primitive array (it names a
   *     field the class does not have, an index out of bounds, a {@code null}, or another value)
   */
  public ArrayView view(String path) {
    Objects.requireNonNull(path, "path");
    String name = describe + (path.isEmpty() ? "" : path.startsWith("[") ? path : "." + path);
    if (whole != null) {
      if (!path.isEmpty()) {
        throw new IllegalArgumentException(describe + " is a primitive array: it has no " + quote(path)
            + "; view it with the empty path");
      }
      return whole;
    }
    Object o = resolve(path);
    KryoCodec.ArrayBlock b = blocks.get(o);
    if (b != null) {
      return AbstractArrayView.of(entry, entry.payload(), b.type(), b.offset(), b.length(),
          AbstractArrayView.Rows.single(b.length()), name);
    }
    if (o != null && o.getClass().isArray() && o.getClass().getComponentType().isPrimitive()) {
      ElementType t = RawArrayCodec.layoutOf(o).type();
      int n = java.lang.reflect.Array.getLength(o);
      ByteBuffer elements = bytes(o, t);
      return AbstractArrayView.of(new InMemory(entry, elements), elements, t, 0, n, AbstractArrayView.Rows.single(n),
          name);
    }
    if (o == null) {
      throw new IllegalArgumentException(quote(path) + " of " + describe + " is null");
    }
    Class<?> c = o.getClass();
    if (c.isArray() && c.getComponentType().isArray() && c.getComponentType().getComponentType().isPrimitive()) {
      throw new IllegalArgumentException(quote(path) + " of " + describe + " is a " + c.getTypeName()
          + ": view one row at a time, such as " + quote(path + "[0]"));
    }
    throw new IllegalArgumentException(quote(path) + " of " + describe + " is a " + c.getTypeName()
        + ", not a primitive array" + members(o));
  }

  /**
   * The view of the {@code double[]} at {@code path}.
   *
   * @throws IllegalArgumentException as {@link #view}
   * @throws IllegalStateException when the array there is not a {@code double[]}
   */
  public DoubleView doubles(String path) {
    return view(path).doubles();
  }

  /**
   * The paths of the arrays stored apart from the graph (16 KiB and more), one per array (the first
   * found, so an array referenced twice is listed once), in the order the result's fields, elements
   * and map entries are visited.
   */
  public List<String> paths() {
    if (whole != null) {
      return List.of("");
    }
    List<String> out = new ArrayList<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object[]> todo = new ArrayDeque<>();
    todo.push(new Object[] {root, ""});
    while (!todo.isEmpty() && out.size() < blocks.size()) {
      Object[] next = todo.pop();
      Object o = next[0];
      String at = (String) next[1];
      if (o == null || !seen.add(o)) {
        continue;
      }
      if (blocks.containsKey(o)) {
        out.add(at);
        continue;
      }
      List<Object[]> children = new ArrayList<>();
      Class<?> c = o.getClass();
      if (c.isArray()) {
        if (!c.getComponentType().isPrimitive()) {
          Object[] a = (Object[]) o;
          for (int i = 0; i < a.length; i++) {
            children.add(new Object[] {a[i], at + "[" + i + "]"});
          }
        }
      } else if (o instanceof List<?> l) {
        for (int i = 0; i < l.size(); i++) {
          children.add(new Object[] {l.get(i), at + "[" + i + "]"});
        }
      } else if (o instanceof Map<?, ?> m) {
        m.forEach((k, v) -> children.add(new Object[] {v, join(at, String.valueOf(k))}));
      } else if (!platform(c)) {
        for (Field f : fields(c)) {
          children.add(new Object[] {read(f, o, at), join(at, f.getName())});
        }
      }
      for (int i = children.size() - 1; i >= 0; i--) {
        todo.push(children.get(i));
      }
    }
    return List.copyOf(out);
  }

  // ---- walking ----

  private @Nullable Object resolve(String path) {
    Object o = root;
    if (path.isEmpty()) {
      return o;
    }
    String at = "";
    for (String token : path.split("\\.", -1)) {
      Matcher m = STEP.matcher(token);
      if (!m.matches() || (m.group(1).isEmpty() && (m.group(2).isEmpty() || !at.isEmpty()))) {
        throw new IllegalArgumentException(quote(path) + " is not a path: names separated by '.', each optionally"
            + " followed by [index]");
      }
      String name = m.group(1);
      if (!name.isEmpty()) {
        o = member(notNull(o, at, path), name, at, path);
        at = join(at, name);
      }
      Matcher i = INDEX.matcher(m.group(2));
      while (i.find()) {
        o = element(notNull(o, at, path), i.group(1), at, path);
        at = at + "[" + i.group(1) + "]";
      }
    }
    return o;
  }

  private Object notNull(@Nullable Object o, String at, String path) {
    if (o == null) {
      throw new IllegalArgumentException(quote(path) + " of " + describe + ": " + where(at) + " is null");
    }
    return o;
  }

  private @Nullable Object member(Object o, String name, String at, String path) {
    if (o instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (k.equals(name)) {
          return e.getValue();
        }
        keys.add(k);
      }
      throw new IllegalArgumentException(quote(path) + " of " + describe + ": " + where(at) + " is a "
          + o.getClass().getName() + " without the key " + quote(name) + "; its keys: " + list(keys));
    }
    Class<?> c = o.getClass();
    if (!c.isArray() && !platform(c)) {
      for (Field f : fields(c)) {
        if (f.getName().equals(name)) {
          return read(f, o, at);
        }
      }
    }
    throw new IllegalArgumentException(quote(path) + " of " + describe + ": " + where(at) + " is a "
        + c.getTypeName() + ", which has no " + (c.isRecord() ? "component " : "field ") + quote(name) + members(o));
  }

  private @Nullable Object element(Object o, String index, String at, String path) {
    int size = o instanceof List<?> l ? l.size() : o instanceof Object[] a ? a.length : -1;
    if (size < 0) {
      throw new IllegalArgumentException(quote(path) + " of " + describe + ": " + where(at) + " is a "
          + o.getClass().getTypeName() + ", not a List or an array of objects, so it has no [" + index + "]");
    }
    int i;
    try {
      i = Integer.parseInt(index);
    } catch (NumberFormatException e) {
      i = Integer.MAX_VALUE;
    }
    if (i >= size) {
      throw new IllegalArgumentException(quote(path) + " of " + describe + ": index " + index + " is out of bounds"
          + " for " + where(at) + " of " + size + " elements");
    }
    return o instanceof List<?> l ? l.get(i) : ((Object[]) o)[i];
  }

  /** Non-static fields, superclasses' first; a record's are its components. */
  private static List<Field> fields(Class<?> c) {
    List<Field> out = new ArrayList<>();
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        try {
          out.add(c.getDeclaredField(rc.getName()));
        } catch (NoSuchFieldException e) {
          // every component has its field
        }
      }
      return out;
    }
    Deque<Class<?>> chain = new ArrayDeque<>();
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      chain.push(k);
    }
    for (Class<?> k : chain) {
      for (Field f : k.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
          out.add(f);
        }
      }
    }
    return out;
  }

  private @Nullable Object read(Field f, Object o, String at) {
    try {
      f.setAccessible(true);
      return f.get(o);
    } catch (IllegalAccessException | InaccessibleObjectException | SecurityException e) {
      throw new IllegalArgumentException(describe + ": cannot read field " + f.getName() + " of " + where(at) + " ("
          + o.getClass().getName() + "): " + e.getMessage(), e);
    }
  }

  /** Platform classes other than lists and maps are not walked into: their fields are not the user's. */
  private static boolean platform(Class<?> c) {
    String n = c.getName();
    return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.");
  }

  private static String members(Object o) {
    Class<?> c = o.getClass();
    if (o instanceof Map<?, ?> m) {
      return "; its keys: " + list(m.keySet().stream().map(String::valueOf).collect(Collectors.toList()));
    }
    if (c.isArray() || platform(c)) {
      return "";
    }
    return "; its " + (c.isRecord() ? "components" : "fields") + ": "
        + list(fields(c).stream().map(Field::getName).collect(Collectors.toList()));
  }

  private static String list(List<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    String shown = names.stream().limit(20).collect(Collectors.joining(", "));
    return names.size() > 20 ? shown + ", ... (" + names.size() + ")" : shown;
  }

  private static String join(String at, String name) {
    return at.isEmpty() ? name : at + "." + name;
  }

  private static String where(String at) {
    return at.isEmpty() ? "the result" : quote(at);
  }

  private static String quote(String path) {
    return "'" + path + "'";
  }

  /** The elements of a small array stored inside the graph, little-endian as a stored one. */
  private static ByteBuffer bytes(Object array, ElementType t) {
    int n = java.lang.reflect.Array.getLength(array);
    ByteBuffer b = ByteBuffer.allocate(n * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    switch (t) {
      case DOUBLE -> b.asDoubleBuffer().put((double[]) array);
      case FLOAT -> b.asFloatBuffer().put((float[]) array);
      case LONG -> b.asLongBuffer().put((long[]) array);
      case INT -> b.asIntBuffer().put((int[]) array);
      case SHORT -> b.asShortBuffer().put((short[]) array);
      case CHAR -> b.asCharBuffer().put((char[]) array);
      case BYTE -> b.put((byte[]) array).flip();
      case BOOLEAN -> {
        for (boolean v : (boolean[]) array) {
          b.put(v ? (byte) 1 : (byte) 0);
        }
        b.flip();
      }
    }
    return b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A small array's elements, decoded from verified graph bytes: nothing left to verify. */
  private record InMemory(Tier.Mapped stored, ByteBuffer elements) implements Tier.Mapped {
    @Override
    public EntryInfo info() {
      return stored.info();
    }

    @Override
    public int codecVersion() {
      return stored.codecVersion();
    }

    @Override
    public ByteBuffer payload() {
      return elements.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public int blockSize() {
      return stored.blockSize();
    }

    @Override
    public void verify(long from, long to) {
      Objects.checkFromToIndex(from, to, elements.capacity());
    }
  }

  @Override
  public String toString() {
    return "ResultViews[" + describe + ", " + entry.info().key() + "]";
  }
}
