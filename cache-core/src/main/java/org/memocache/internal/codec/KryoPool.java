package org.memocache.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.EnumNameSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * {@link KryoCodec}'s Kryo instances, pooled (a call borrows one, so the codec is safe for any number
 * of threads), and the work done with them. Kept apart from the codec so that the codec list, which
 * every {@code Memo} holds, names no Kryo type: verifying a class loads the classes its methods
 * assign to one another, and a JVM whose results are all raw arrays, scalars or {@code fields} values
 * then loads no Kryo class at all.
 */
final class KryoPool {

  static {
    KryoUnsafe.avoid();
  }

  private final Pool<Slot> pool = new Pool<>(true, false, 32) {
    @Override
    protected Slot create() {
      return new Slot();
    }
  };

  /** A pooled Kryo with its resolver and output buffer. */
  private static final class Slot {
    final FilteringClassResolver resolver = new FilteringClassResolver();
    final BoundedKryo kryo = new BoundedKryo(resolver);
    final Output output = new Output(64 * 1024, -1);
    final OutOfBand outOfBand = new OutOfBand();

    Slot() {
      configure(kryo);
      outOfBand.register(kryo);
    }
  }

  /**
   * Configures {@code kryo} as the codec's, but for primitive arrays (which {@link OutOfBand}
   * registers per pooled Kryo): also used by {@link Shapes} to ask which serializer a class gets.
   */
  static Kryo configure(Kryo kryo) {
    kryo.setRegistrationRequired(false);
    kryo.setReferences(true);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    kryo.addDefaultSerializer(Enum.class, EnumNameSerializer.class);
    UnmodifiableSerializer.register(kryo);
    JdkSerializers.register(kryo);
    return kryo;
  }

  /** See {@link KryoCodec#encode(Object, OutputStream, ClassFilter, Set)}. */
  void encode(@Nullable Object value, OutputStream out, @Nullable ClassFilter readableBy,
      @Nullable Set<Class<?>> written) throws IOException {
    Slot s = pool.obtain();
    try {
      s.resolver.filters(null, readableBy);
      s.resolver.collect(written);
      s.outOfBand.beginEncode();
      s.output.setOutputStream(out);
      s.kryo.writeClassAndObject(s.output, value);
      if (!s.resolver.refused().isEmpty()) {
        throw new RejectedClassException(s.resolver.refused());
      }
      s.output.flush();
      s.outOfBand.writeBlocks(out, s.output.total());
    } catch (RuntimeException | StackOverflowError e) {
      throw translate("encode " + (value == null ? "null" : value.getClass().getName()), e);
    } finally {
      release(s);
    }
  }


  /** The value of {@code payload}; see {@link KryoCodec#skeleton} for {@code placeholders}. */
  @Nullable Object decode(ByteBuffer payload, ClassFilter classes, @Nullable Set<Class<?>> read,
      @Nullable Map<Object, OutOfBand.Block> placeholders) throws IOException {
    Slot s = pool.obtain();
    try {
      s.resolver.filters(classes, null);
      s.resolver.collect(read);
      OutOfBand.Table table = OutOfBand.read(payload);
      int graph = (int) table.graphLength();
      Input input;
      int end;
      if (payload.hasArray()) {
        int off = payload.arrayOffset() + payload.position();
        input = new BoundedInputs.OfArray(payload.array(), off, graph);
        end = off + graph;
      } else {
        input = new BoundedInputs.OfBuffer(payload.slice().limit(graph));
        end = graph;
      }
      s.outOfBand.beginDecode(payload.slice(), table, placeholders);
      s.kryo.beginDecode(graph);
      Object value = s.kryo.readClassAndObject(input);
      if (input.position() != end) {
        throw new IOException("kryo: " + (end - input.position()) + " bytes left after the value");
      }
      s.outOfBand.checkAllUsed();
      return value;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // A crafted entry may claim a huge array; checksums make that impossible for a damaged one.
      throw translate("decode", e);
    } finally {
      release(s);
    }
  }

  /** See {@link KryoCodec#copy}. */
  <T> @Nullable T copy(@Nullable T value) {
    Slot s = pool.obtain();
    try {
      return s.kryo.copy(value);
    } finally {
      release(s);
    }
  }

  private void release(Slot s) {
    s.kryo.endDecode();
    s.outOfBand.end();
    s.resolver.filters(null, null);
    s.resolver.collect(null);
    s.output.setOutputStream(null);
    s.kryo.reset();
    pool.free(s);
  }

  /** Unwraps a rejection from Kryo's exception chain; anything else becomes an IOException. */
  private static IOException translate(String what, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FilteringClassResolver.Rejected r) {
        return new RejectedClassException(r.className);
      }
      if (t instanceof SerialForm.NotStored n) {
        return what.equals("decode") ? new ForeignPayloadException("kryo: " + n.getMessage())
            : new IOException("kryo: cannot " + what + ": " + n.getMessage());
      }
      if (t instanceof DecodeLimits.Exceeded x) {
        return new DecodeLimitException("kryo: cannot " + what + ": " + x.getMessage());
      }
    }
    return new IOException("kryo: cannot " + what + ": " + e, e);
  }
}
