package org.memocache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.AbstractMap;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Kryo serializers for JDK value types that Kryo 5 has none for and whose fields its field
 * serializer cannot reach on Java 17 ({@code java.base} does not open {@code java.util}):
 * {@code UUID}, map entries, {@code EnumMap}, {@code MathContext} and the atomic numbers and
 * boolean (a counter in a result: without a copy, a caller's increment would reach later hits).
 */
final class JdkSerializers {
  private JdkSerializers() {}

  static void register(Kryo kryo) {
    kryo.addDefaultSerializer(UUID.class, new UuidSerializer());
    kryo.addDefaultSerializer(AbstractMap.SimpleImmutableEntry.class, new EntrySerializer(EntryKind.SIMPLE_IMMUTABLE));
    kryo.addDefaultSerializer(AbstractMap.SimpleEntry.class, new EntrySerializer(EntryKind.SIMPLE));
    kryo.addDefaultSerializer(Map.entry(0, 0).getClass(), new EntrySerializer(EntryKind.KEY_VALUE_HOLDER));
    kryo.addDefaultSerializer(EnumMap.class, new EnumMapSerializer());
    kryo.addDefaultSerializer(MathContext.class, new MathContextSerializer());
    kryo.addDefaultSerializer(AtomicInteger.class,
        new AtomicSerializer<>(AtomicInteger.class, AtomicInteger::get, v -> new AtomicInteger(Math.toIntExact(v))));
    kryo.addDefaultSerializer(AtomicLong.class, new AtomicSerializer<>(AtomicLong.class, AtomicLong::get, AtomicLong::new));
    kryo.addDefaultSerializer(AtomicBoolean.class,
        new AtomicSerializer<>(AtomicBoolean.class, a -> a.get() ? 1 : 0, v -> new AtomicBoolean(v != 0)));
  }

  /**
   * An atomic number or boolean as its value, read back as a new one; a subclass, which would read
   * back as the class itself, is refused.
   */
  private static final class AtomicSerializer<T> extends Serializer<T> {
    private final Class<T> type;
    private final ToLongFunction<T> value;
    private final LongFunction<T> create;

    AtomicSerializer(Class<T> type, ToLongFunction<T> value, LongFunction<T> create) {
      this.type = type;
      this.value = value;
      this.create = create;
    }

    @Override
    public void write(Kryo kryo, Output output, T a) {
      output.writeLong(value.applyAsLong(exactly(a)));
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> t) {
      return create.apply(input.readLong());
    }

    @Override
    public T copy(Kryo kryo, T original) {
      return create.apply(value.applyAsLong(exactly(original)));
    }

    private T exactly(T a) {
      if (a.getClass() != type) {
        throw new KryoException("a " + a.getClass().getName() + " is a subclass of " + type.getName()
            + ", which would read back as " + type.getSimpleName());
      }
      return a;
    }
  }

  private static final class UuidSerializer extends Serializer<UUID> {
    UuidSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, UUID u) {
      output.writeLong(u.getMostSignificantBits());
      output.writeLong(u.getLeastSignificantBits());
    }

    @Override
    public UUID read(Kryo kryo, Input input, Class<? extends UUID> type) {
      return new UUID(input.readLong(), input.readLong());
    }
  }

  private enum EntryKind { SIMPLE, SIMPLE_IMMUTABLE, KEY_VALUE_HOLDER }

  private static final class EntrySerializer extends Serializer<Map.Entry<?, ?>> {
    private final EntryKind kind;

    EntrySerializer(EntryKind kind) {
      this.kind = kind;
    }

    @Override
    public void write(Kryo kryo, Output output, Map.Entry<?, ?> e) {
      kryo.writeClassAndObject(output, e.getKey());
      kryo.writeClassAndObject(output, e.getValue());
    }

    @Override
    public Map.Entry<?, ?> read(Kryo kryo, Input input, Class<? extends Map.Entry<?, ?>> type) {
      Object k = kryo.readClassAndObject(input);
      Object v = kryo.readClassAndObject(input);
      return switch (kind) {
        case SIMPLE -> new AbstractMap.SimpleEntry<>(k, v);
        case SIMPLE_IMMUTABLE -> new AbstractMap.SimpleImmutableEntry<>(k, v);
        case KEY_VALUE_HOLDER -> {
          if (k == null || v == null) {
            throw new KryoException("Map.entry cannot hold null");
          }
          yield Map.entry(k, v);
        }
      };
    }
  }

  /** Writes the key enum class (from the first key), then the entries by name. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class EnumMapSerializer extends Serializer<EnumMap> {
    @Override
    public void write(Kryo kryo, Output output, EnumMap map) {
      if (map.isEmpty()) {
        throw new KryoException("an empty EnumMap cannot be stored: its key type is not accessible");
      }
      Enum first = (Enum) map.keySet().iterator().next();
      kryo.writeClass(output, first.getDeclaringClass());
      output.writeVarInt(map.size(), true);
      for (Object o : map.entrySet()) {
        Map.Entry e = (Map.Entry) o;
        output.writeString(((Enum) e.getKey()).name());
        kryo.writeClassAndObject(output, e.getValue());
      }
    }

    @Override
    public EnumMap read(Kryo kryo, Input input, Class<? extends EnumMap> type) {
      Registration r = kryo.readClass(input);
      Class<? extends Enum> keyType = r.getType();
      if (!keyType.isEnum()) {
        throw new KryoException("EnumMap key type " + keyType.getName() + " is not an enum");
      }
      EnumMap map = new EnumMap(keyType);
      kryo.reference(map);
      int n = input.readVarInt(true);
      for (int i = 0; i < n; i++) {
        Enum k = Enum.valueOf(keyType, input.readString());
        map.put(k, kryo.readClassAndObject(input));
      }
      return map;
    }
  }

  private static final class MathContextSerializer extends Serializer<MathContext> {
    MathContextSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, MathContext m) {
      output.writeVarInt(m.getPrecision(), true);
      output.writeString(m.getRoundingMode().name());
    }

    @Override
    public MathContext read(Kryo kryo, Input input, Class<? extends MathContext> type) {
      return new MathContext(input.readVarInt(true), RoundingMode.valueOf(input.readString()));
    }
  }
}
