package org.memocache.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/**
 * Turns results into entry payloads and back, for every tier alike: which codec stores a value,
 * which classes it may name (the allow-list, checked before storing so that nothing unreadable is
 * stored), the shapes of the classes it names, and how a payload is decoded (a big raw array
 * streamed block by block into its destination, never held twice in memory). A tier only stores
 * the bytes, their checksums and the header fields this class hands it.
 *
 * <p>Thread-safe.
 */
public final class EntryCodec {
  private static final String SHAPE_CHANGED = "was written for another definition of ";

  private final List<ValueCodec> codecs;
  private final Map<String, ValueCodec> byId = new HashMap<>();

  /** @param codecs the codecs in the order they are tried; the first with an id wins for decoding */
  public EntryCodec(List<ValueCodec> codecs) {
    this.codecs = List.copyOf(codecs);
    for (ValueCodec c : this.codecs) {
      byId.putIfAbsent(c.id(), c);
    }
  }

  /**
   * Whether payloads of codec {@code codecId} name classes, so that their headers record the shapes
   * of those classes (only the {@code kryo} codec's do).
   */
  public static boolean namesClasses(String codecId) {
    return codecId.equals(KryoCodec.ID);
  }

  /** How {@code value} would be encoded, or {@code null} when no codec can encode it. */
  public @Nullable Encoding encoding(@Nullable Object value) {
    for (ValueCodec c : codecs) {
      if (c.canEncode(value)) {
        return new Encoding(c, value);
      }
    }
    return null;
  }

  /** A value with the codec chosen for it: the header fields known before its bytes are written. */
  public static final class Encoding {
    private final ValueCodec codec;
    private final @Nullable Object value;

    Encoding(ValueCodec codec, @Nullable Object value) {
      this.codec = codec;
      this.value = value;
    }

    public String codecId() {
      return codec.id();
    }

    public int codecVersion() {
      return codec.version();
    }

    /** The value's class name, {@code ""} for {@code null}. */
    public String valueType() {
      return value == null ? "" : value.getClass().getName();
    }

    /**
     * Writes the payload to {@code out} (a {@link BulkOutput} lets raw arrays be converted straight
     * into its buffers) and returns the shapes of the classes it names, sorted by class name.
     *
     * @param readableBy when not {@code null}, the classes a reader will admit: a value naming any
     *     other class is refused before it is stored
     * @throws RejectedClassException naming the classes {@code readableBy} does not admit
     * @throws UnencodableValueException when the codec fails on this value
     * @throws IOException when {@code out} fails
     */
    public List<Shapes.Shape> writeTo(OutputStream out, @Nullable ClassFilter readableBy) throws IOException {
      try {
        if (codec instanceof KryoCodec kryo) {
          Set<Class<?>> written = new HashSet<>();
          kryo.encode(value, out, readableBy, written);
          return Shapes.list(written);
        }
        if (codec instanceof FieldsCodec fields) {
          // Its payloads describe each class's fields themselves: no shapes in the header.
          fields.encode(value, out, readableBy);
          return List.of();
        }
        codec.encode(value, out);
        return List.of();
      } catch (RejectedClassException | UnencodableValueException e) {
        throw e;
      } catch (IOException e) {
        // The built-in codecs prefix what they find wrong with a value by their id; anything else is
        // the output's own failure (disk full, connection lost) and is reported as such.
        String m = e.getMessage();
        if (m != null && isBuiltIn(codec) && m.startsWith(codec.id() + ":")) {
          throw new UnencodableValueException(m, e);
        }
        throw e;
      }
    }
  }

  private static boolean isBuiltIn(ValueCodec codec) {
    return codec instanceof KryoCodec || codec instanceof RawArrayCodec || codec instanceof ScalarCodec
        || codec instanceof FieldsCodec;
  }

  /** A stored payload with what its header says about it, as a tier reads it. */
  public interface StoredPayload {
    String codecId();

    int codecVersion();

    /** The shapes recorded in the header (empty when none, or when they did not fit). */
    List<Shapes.Shape> shapes();

    /** {@link Shapes#hash} of all the shapes the writer named ({@link Shapes#NONE}: none). */
    long shapesHash();

    /** The stored value's class name, for messages. */
    String valueType();

    /** The payload's length in bytes. */
    long length();

    /** Whether the payload is already in memory: then {@link #payload()} costs no read. */
    boolean inMemory();

    /**
     * The whole payload, every block verified: a read-only, little-endian buffer from its first
     * byte to its last ({@link #decode} sets the order each codec reads in).
     *
     * @throws DamagedPayloadException when a block does not match its checksum
     */
    ByteBuffer payload() throws IOException;

    /**
     * Hands the payload to {@code sink} in verified blocks (a multiple of 8 bytes each but the last),
     * in order, each verified just before it is handed over; the buffers are valid only during the call.
     *
     * @throws DamagedPayloadException when a block does not match its checksum, before its bytes reach the sink
     */
    void stream(ChunkSink sink) throws IOException;
  }

  /** Receives a payload block by block. */
  public interface ChunkSink {
    void accept(ByteBuffer chunk) throws IOException;
  }

  /**
   * Verifies and decodes a stored payload. Before decoding, the shapes of the classes the entry
   * names are compared with the live classes: a value is never decoded into another definition of
   * its class.
   *
   * @throws DamagedPayloadException when a checksum fails (from {@code stored})
   * @throws ForeignPayloadException when the codec is unknown here (or in another version), a class
   *     has another shape, or the codec cannot decode the intact payload
   * @throws RejectedClassException when the value names a class {@code classes} does not admit
   * @throws DecodeLimitException when the value exceeds the decoding limits (valid, not damaged)
   * @throws IOException when {@code stored} cannot be read
   */
  public @Nullable Object decode(StoredPayload stored, ClassFilter classes) throws IOException {
    ValueCodec codec = byId.get(stored.codecId());
    if (codec == null || codec.version() != stored.codecVersion()) {
      throw new ForeignPayloadException("was written by codec " + stored.codecId() + " v" + stored.codecVersion()
          + (codec == null ? ", which this process does not have" : "; this process has v" + codec.version()));
    }
    String changed = Shapes.mismatch(stored.shapes(), classes);
    if (changed != null) {
      throw new ForeignPayloadException(SHAPE_CHANGED + changed);
    }
    try {
      if (codec instanceof KryoCodec kryo && stored.shapes().isEmpty() && stored.shapesHash() != Shapes.NONE) {
        // Too many classes for the header: check the classes the payload names once decoded.
        Set<Class<?>> read = new HashSet<>();
        Object value = kryo.decode(stored.payload(), classes, read);
        if (Shapes.hash(Shapes.list(read)) != stored.shapesHash()) {
          throw new ForeignPayloadException(SHAPE_CHANGED + "a class in its " + stored.valueType());
        }
        return value;
      }
      if (codec instanceof RawArrayCodec && !stored.inMemory()) {
        // Big arrays: each block verified and bulk-copied into the result while cache-hot; no
        // mapping, no copy of the payload on the heap.
        RawArrayCodec.StreamDecoder decoder = new RawArrayCodec.StreamDecoder(stored.length());
        stored.stream(decoder::accept);
        return decoder.result();
      }
      // Big-endian, Java's default and what DataOutputStream writes (ValueCodec#decode).
      return codec.decode(stored.payload().order(ByteOrder.BIG_ENDIAN), classes);
    } catch (DamagedPayloadException | RejectedClassException | ForeignPayloadException | DecodeLimitException e) {
      throw e;
    } catch (IOException | RuntimeException | InternalError e) {
      // Every checksum matched: written by a program this one differs from, not damage.
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new ForeignPayloadException("cannot be decoded by this program (" + e.getClass().getSimpleName() + ": "
          + why + ")", e);
    }
  }

  @Override
  public String toString() {
    return "EntryCodec" + codecs;
  }
}
