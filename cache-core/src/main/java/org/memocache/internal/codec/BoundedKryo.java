package org.memocache.internal.codec;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/**
 * A Kryo that keeps a decode within {@link DecodeLimits}: Kryo's serializers that read a length and
 * then allocate (collections, maps, object and primitive arrays) check the length against the bytes
 * left first, nesting is bounded by Kryo's {@code maxDepth}, and the hashing work of rebuilding hash
 * sets and maps is counted before it is done.
 *
 * <p>Hashing work: a {@code HashSet} whose elements are sets sharing their own elements (a few
 * hundred bytes with references) has a {@code hashCode} exponential in its depth, and adding it to
 * another set computes it. Each object read gets a size: 1 plus the sizes of the objects read
 * inside it, a shared object counting its full size wherever it is referenced, which is what a
 * structural {@code hashCode} visits. An object read as part of a hash-based set or map, or of an
 * object whose constructor sees its parts before {@link #reference} (records, immutable
 * collections), charges its size to the budget before it is added.
 */
final class BoundedKryo extends Kryo {
  /** Sizes saturate here, well beyond any budget, so that they never overflow. */
  private static final long SATURATED = Long.MAX_VALUE / 4;

  private final SizedReferences references;
  private long budget = -1;
  private long work;
  /** The stack of objects being read: the innermost at {@code top}. */
  private int top = -1;
  /**
   * The object, once created by this read (then {@link #reference} was called), or {@code null}:
   * not created yet, or a reference to an object read before.
   */
  private @Nullable Object[] objects = new @Nullable Object[64];
  /** Its reference id, or -1. */
  private int[] ids = new int[64];
  private long[] childSizes = new long[64];
  /** Whether its parts are charged to the budget: 0 not decided yet, 1 yes, 2 no. */
  private byte[] charged = new byte[64];

  BoundedKryo(ClassResolver classResolver) {
    this(classResolver, new SizedReferences());
  }

  private BoundedKryo(ClassResolver classResolver, SizedReferences references) {
    super(classResolver, references);
    this.references = references;
    setMaxDepth(DecodeLimits.MAX_DEPTH);
  }

  /**
   * Kryo's reference resolver, remembering the size of each object read (by reference id, so that
   * a reference to it costs no identity hash) and which id was last resolved.
   */
  static final class SizedReferences extends MapReferenceResolver {
    private long[] sizes = new long[256];
    int lastSet;
    int lastGot;

    @Override
    @SuppressWarnings("rawtypes")
    public int nextReadId(Class type) {
      int id = super.nextReadId(type);
      if (id >= sizes.length) {
        sizes = Arrays.copyOf(sizes, Math.max(id + 1, sizes.length * 2));
      }
      sizes[id] = 1; // until read: a reference from inside the object itself (a cycle)
      return id;
    }

    @Override
    public void setReadObject(int id, Object object) {
      super.setReadObject(id, object);
      lastSet = id;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object getReadObject(Class type, int id) {
      lastGot = id;
      return super.getReadObject(type, id);
    }

    /** The reference id handed out last. */
    int lastReadId() {
      return readObjects.size() - 1;
    }

    /** Makes later references to object {@code id}, {@code read}, resolve to {@code replacement}. */
    void replace(int id, Object read, Object replacement) {
      if (id >= 0 && id < readObjects.size() && readObjects.get(id) == read) {
        readObjects.set(id, replacement);
      }
    }

    long size(int id) {
      return id >= 0 && id < sizes.length ? sizes[id] : 1;
    }

    void size(int id, long size) {
      sizes[id] = size;
    }
  }

  /** Starts counting the decode of a payload of {@code payloadBytes} bytes. */
  void beginDecode(long payloadBytes) {
    budget = DecodeLimits.work(payloadBytes);
    work = 0;
    top = -1;
  }

  /** Stops counting and forgets the decoded objects. */
  void endDecode() {
    budget = -1;
    Arrays.fill(objects, null);
    top = -1;
  }

  // ---- length checks ----

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Serializer getDefaultSerializer(Class type) {
    Serializer s = super.getDefaultSerializer(type);
    Class<?> c = s.getClass();
    if (c == CollectionSerializer.class) {
      return WithOwnFields.wrap(type, new Collections());
    }
    if (c == MapSerializer.class) {
      return WithOwnFields.wrap(type, new Maps());
    }
    if (c == DefaultSerializers.PriorityQueueSerializer.class) {
      return new PriorityQueues();
    }
    if (c == DefaultSerializers.ArraysAsListSerializer.class) {
      return new ArraysAsLists();
    }
    if (c.getEnclosingClass() == DefaultArraySerializers.class) {
      return new LengthFirst(s);
    }
    if (s instanceof FieldSerializer && SerialForm.keepsStateInTransientFields(type)) {
      return new InMemoryOnly(type);
    }
    return ReadResolving.wrap(type, s, references);
  }

  /**
   * A subclass of a JDK collection or map with fields of its own ({@link OwnFields}): its elements,
   * then each such field by name and value. A stored value whose names differ from the live class's
   * (a field added, removed or renamed since) is refused, as the field serializer's shapes refuse it.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class WithOwnFields extends Serializer<Object> {
    private final Serializer elements;
    private final Field[] fields;

    private WithOwnFields(Serializer elements, Field[] fields) {
      this.elements = elements;
      this.fields = fields;
    }

    static Serializer wrap(Class<?> type, Serializer elements) {
      Field[] fields = OwnFields.of(type);
      return fields.length == 0 ? elements : new WithOwnFields(elements, fields);
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
      elements.write(kryo, output, object);
      output.writeVarInt(fields.length, true);
      for (Field f : fields) {
        output.writeString(f.getName());
        kryo.writeClassAndObject(output, get(f, object));
      }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
      Object value = elements.read(kryo, input, type);
      int n = input.readVarInt(true);
      if (n != fields.length) {
        throw new KryoException(type.getName() + " was stored with " + n + " fields of its own, the live class has "
            + fields.length);
      }
      for (Field f : fields) {
        String name = input.readString();
        if (!f.getName().equals(name)) {
          throw new KryoException(type.getName() + " was stored with a field " + name + " where the live class has "
              + f.getName());
        }
        set(f, value, kryo.readClassAndObject(input));
      }
      return value;
    }

    @Override
    public Object copy(Kryo kryo, Object original) {
      Object copy = elements.copy(kryo, original);
      for (Field f : fields) {
        set(f, copy, kryo.copy(get(f, original)));
      }
      return copy;
    }

    private static @Nullable Object get(Field f, Object from) {
      try {
        return f.get(from);
      } catch (IllegalAccessException e) {
        throw new KryoException("cannot read " + f, e);
      }
    }

    private static void set(Field f, Object into, @Nullable Object value) {
      try {
        f.set(into, value);
      } catch (IllegalAccessException | IllegalArgumentException e) {
        throw new KryoException("cannot set " + f + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * A class that keeps its state in transient fields ({@link SerialForm}): copied through its
   * serialized form, never written or read field by field.
   */
  private static final class InMemoryOnly extends Serializer<Object> {
    private final Class<?> type;

    InMemoryOnly(Class<?> type) {
      this.type = type;
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
      throw new SerialForm.NotStored(type.getName() + " keeps its state in transient fields that its own Java"
          + " serialization writes, a format the disk tier does not read back: the result stays in memory; register a"
          + " ValueCodec for it to store it");
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<? extends Object> t) {
      throw new SerialForm.NotStored(type.getName() + " was stored field by field, without the state it keeps in"
          + " transient fields");
    }

    @Override
    public Object copy(Kryo kryo, Object original) {
      try {
        return SerialForm.copy(original);
      } catch (IOException e) {
        throw new KryoException("cannot copy " + type.getName() + " through its serialized form: " + e, e);
      }
    }
  }

  /** Kryo's collection serializer, checking the claimed size before allocating for it. */
  @SuppressWarnings("rawtypes")
  private static final class Collections extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      DecodeLimits.claim(input, size, 1, type.getName());
      return super.create(kryo, input, type, size);
    }
  }

  @SuppressWarnings("rawtypes")
  private static final class Maps extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      DecodeLimits.claim(input, size, 2, type.getName());
      return super.create(kryo, input, type, size);
    }
  }

  private static final class PriorityQueues extends DefaultSerializers.PriorityQueueSerializer {
    @Override
    @SuppressWarnings("rawtypes")
    protected PriorityQueue create(Kryo kryo, Input input, Class<? extends PriorityQueue> type, int size) {
      DecodeLimits.claim(input, size, 1, type.getName());
      return super.create(kryo, input, type, size);
    }
  }

  private static final class ArraysAsLists extends DefaultSerializers.ArraysAsListSerializer {
    @Override
    @SuppressWarnings("rawtypes")
    protected List create(Kryo kryo, Input input, Class type, int size) {
      DecodeLimits.claim(input, size, 1, "Arrays.asList");
      return super.create(kryo, input, type, size);
    }
  }

  /**
   * One of Kryo's array serializers, which all start with the length plus one as a positive varint:
   * the length is peeked and checked (at least one byte per element) before the array is allocated.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class LengthFirst extends Serializer<Object> {
    private final Serializer delegate;

    LengthFirst(Serializer delegate) {
      super(delegate.getAcceptsNull(), delegate.isImmutable());
      this.delegate = delegate;
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
      delegate.write(kryo, output, object);
    }

    @Override
    public Object read(Kryo kryo, Input input, Class type) {
      int p = input.position();
      int n = input.readVarInt(true);
      input.setPosition(p);
      DecodeLimits.claim(input, n - 1L, 1, type.getName());
      return delegate.read(kryo, input, type);
    }

    @Override
    public Object copy(Kryo kryo, Object original) {
      return delegate.copy(kryo, original);
    }
  }

  // ---- hashing work ----

  @Override
  public Object readClassAndObject(Input input) {
    if (budget < 0) {
      return super.readClassAndObject(input);
    }
    enter();
    return exit(super.readClassAndObject(input));
  }

  @Override
  public <T> T readObject(Input input, Class<T> type) {
    if (budget < 0) {
      return super.readObject(input, type);
    }
    enter();
    return exit(super.readObject(input, type));
  }

  @Override
  @SuppressWarnings("rawtypes")
  public <T> T readObject(Input input, Class<T> type, Serializer serializer) {
    if (budget < 0) {
      return super.readObject(input, type, serializer);
    }
    enter();
    return exit(super.readObject(input, type, serializer));
  }

  @Override
  public <T> T readObjectOrNull(Input input, Class<T> type) {
    if (budget < 0) {
      return super.readObjectOrNull(input, type);
    }
    enter();
    return exit(super.readObjectOrNull(input, type));
  }

  @Override
  @SuppressWarnings("rawtypes")
  public <T> T readObjectOrNull(Input input, Class<T> type, Serializer serializer) {
    if (budget < 0) {
      return super.readObjectOrNull(input, type, serializer);
    }
    enter();
    return exit(super.readObjectOrNull(input, type, serializer));
  }

  /** Serializers call this once they created the object whose parts they read next. */
  @Override
  public void reference(Object object) {
    references.lastSet = -1;
    super.reference(object);
    if (budget >= 0 && top >= 0 && objects[top] == null && object != null) {
      objects[top] = object;
      ids[top] = references.lastSet;
    }
  }

  /** Whether adding a part to {@code container} computes the part's {@code hashCode}. */
  private static boolean hashesParts(Object container) {
    if (container instanceof Set) {
      return !(container instanceof SortedSet);
    }
    if (container instanceof Map) {
      return !(container instanceof SortedMap) && !(container instanceof IdentityHashMap)
          && !(container instanceof EnumMap);
    }
    return false;
  }

  private void enter() {
    top++;
    if (top == objects.length) {
      objects = Arrays.copyOf(objects, top * 2);
      ids = Arrays.copyOf(ids, top * 2);
      childSizes = Arrays.copyOf(childSizes, top * 2);
      charged = Arrays.copyOf(charged, top * 2);
    }
    ids[top] = -1;
    childSizes[top] = 0;
    charged[top] = 0;
  }

  /**
   * Whether the parts of the object at stack position {@code i} are charged: when it hashes them,
   * or when it does not exist yet (parts read before their container is constructed from them).
   * Decided on its first part bigger than a leaf, so that leaves cost no type check.
   */
  private boolean charges(int i) {
    Object container = objects[i];
    if (container == null) {
      return true;
    }
    if (charged[i] == 0) {
      charged[i] = hashesParts(container) ? (byte) 1 : (byte) 2;
    }
    return charged[i] == 1;
  }

  private <T> T exit(T object) {
    long size;
    if (objects[top] != null) {
      size = Math.min(SATURATED, 1 + childSizes[top]);
      if (ids[top] >= 0) {
        references.size(ids[top], size);
      }
      objects[top] = null;
    } else if (object != null) {
      size = references.size(references.lastGot); // a reference to an object read before
    } else {
      size = 1;
    }
    top--;
    if (top >= 0) {
      childSizes[top] = Math.min(SATURATED, childSizes[top] + size);
      if (size > 1 && charges(top)) {
        work = Math.min(SATURATED, work + size);
        if (work > budget) {
          throw new DecodeLimits.Exceeded("rebuilding it would visit more than " + budget
              + " objects for hashing (shared objects nested in hash-based sets or maps)");
        }
      }
    }
    return object;
  }
}
