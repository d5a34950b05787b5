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
import org.memocache.EntryInfo;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ClassShape;
import org.memocache.spi.DamagedEntryException;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.UnstorableValueException;
import org.memocache.spi.ValueCodec;

/**
 * Turns results into entry payloads and back, for every tier alike: which codec stores a value,
 * which classes it may name (the allow-list, checked before storing so that nothing unreadable is
 * stored), the shapes of the classes it names, and how a payload is decoded (a big raw array
 * streamed block by block into its destination, never held twice in memory). A tier only stores
 * the bytes, their checksums and the header fields this class hands it ({@link EncodedEntry},
 * {@link StoredEntry}).
 *
 * <p>Thread-safe.
 */
public final class EntryCodec {
  private static final String SHAPE_CHANGED = "was written for another definition of ";
  /** At most this many bytes are copied at once when an entry is carried over from another tier. */
  private static final int COPY_CHUNK = 64 * 1024;

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

  /**
   * {@code value} encoded as the first codec that can store it says, with {@code metadata}, or
   * {@code null} when no codec can store it. Its payload writer refuses a value naming a class that
   * {@code readableBy} does not admit (when not {@code null}): nothing is stored that could not be
   * read back.
   */
  public @Nullable EncodedEntry encode(@Nullable Object value, Tier.Metadata metadata,
      @Nullable ClassFilter readableBy) {
    for (ValueCodec c : codecs) {
      if (c instanceof FieldsCodec f) {
        // Stamped with the lowest version that reads it: older readers keep reading what they can.
        int version = f.versionFor(value);
        if (version != 0) {
          return new Encoded(c, version, value, metadata, readableBy);
        }
      } else if (c.canEncode(value)) {
        return new Encoded(c, c.version(), value, metadata, readableBy);
      }
    }
    return null;
  }

  /**
   * An entry of another tier, to be stored as it is: the payload streamed block by block as it is
   * verified, the shapes carried over, nothing decoded and encoded again. Returns {@code null} when
   * the entry cannot be carried over whole: its writer named more classes than it recorded, and the
   * hash over them all cannot be stored again from the recorded ones.
   */
  public static @Nullable EncodedEntry copyOf(StoredEntry stored) {
    if (Shapes.hash(stored.shapes()) != stored.shapesHash()) {
      return null;
    }
    EntryInfo info = stored.info();
    Tier.Metadata metadata = new Tier.Metadata(info.argsSummary(), info.created(), info.computeTime());
    return new Copied(stored, metadata);
  }

  /** A value with the codec chosen for it. */
  private static final class Encoded implements EncodedEntry {
    private final ValueCodec codec;
    private final int version;
    private final @Nullable Object value;
    private final Tier.Metadata metadata;
    private final @Nullable ClassFilter readableBy;

    Encoded(ValueCodec codec, int version, @Nullable Object value, Tier.Metadata metadata,
        @Nullable ClassFilter readableBy) {
      this.codec = codec;
      this.version = version;
      this.value = value;
      this.metadata = metadata;
      this.readableBy = readableBy;
    }

    @Override
    public String codecId() {
      return codec.id();
    }

    @Override
    public int codecVersion() {
      return version;
    }

    @Override
    public String valueType() {
      return value == null ? "" : value.getClass().getName();
    }

    @Override
    public Tier.Metadata metadata() {
      return metadata;
    }

    @Override
    public long knownLength() {
      if (codec instanceof RawArrayCodec && value != null) {
        RawArrayLayout l = RawArrayCodec.layoutOf(value);
        return l.dataOffset() + l.dataLength();
      }
      return -1;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A {@link BulkOutput} lets raw arrays be converted straight into its buffers.
     *
     * @throws UnstorableValueException with the {@link RejectedClassException} naming the classes
     *     not admitted as its cause, or naming the codec that failed on the value
     */
    @Override
    public List<ClassShape> writePayload(OutputStream out) throws IOException {
      try {
        if (codec instanceof KryoCodec kryo) {
          Set<Class<?>> written = new HashSet<>();
          kryo.encode(value, out, readableBy, written);
          return Shapes.list(written);
        }
        if (codec instanceof FieldsCodec fields) {
          // Its payloads describe each class's fields themselves: no shapes in the header.
          fields.encode(value, out, readableBy, version);
          return List.of();
        }
        codec.encode(value, out);
        return List.of();
      } catch (RejectedClassException e) {
        throw new UnstorableValueException(String.valueOf(e.getMessage()), e);
      } catch (IOException e) {
        // The built-in codecs prefix what they find wrong with a value by their id; anything else is
        // the output's own failure (disk full, connection lost) and is reported as such.
        String m = e.getMessage();
        if (m != null && isBuiltIn(codec) && m.startsWith(codec.id() + ":")) {
          throw new UnstorableValueException(m, e);
        }
        throw e;
      }
    }

    @Override
    public String toString() {
      return "EncodedEntry[" + codec.id() + " v" + version + ", " + valueType() + "]";
    }
  }

  /** An entry of another tier, carried over byte for byte. */
  private static final class Copied implements EncodedEntry {
    private final StoredEntry stored;
    private final Tier.Metadata metadata;

    Copied(StoredEntry stored, Tier.Metadata metadata) {
      this.stored = stored;
      this.metadata = metadata;
    }

    @Override
    public String codecId() {
      return stored.codecId();
    }

    @Override
    public int codecVersion() {
      return stored.codecVersion();
    }

    @Override
    public String valueType() {
      return stored.valueType();
    }

    @Override
    public Tier.Metadata metadata() {
      return metadata;
    }

    @Override
    public long knownLength() {
      return stored.length();
    }

    @Override
    public List<ClassShape> writePayload(OutputStream out) throws IOException {
      if (stored.inMemory()) {
        write(stored.payload(), out, null);
      } else {
        byte[][] scratch = {null};
        stored.stream(chunk -> write(chunk, out, scratch));
      }
      return stored.shapes();
    }

    private static void write(ByteBuffer chunk, OutputStream out, byte @Nullable [][] scratch) throws IOException {
      ByteBuffer b = chunk.duplicate();
      if (out instanceof BulkOutput bulk) {
        while (b.hasRemaining()) {
          ByteBuffer room = bulk.room(Math.min(b.remaining(), COPY_CHUNK));
          int n = Math.min(room.remaining(), b.remaining());
          room.put(b.slice(b.position(), n));
          b.position(b.position() + n);
        }
        return;
      }
      if (b.hasArray()) {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        return;
      }
      byte[] buf = scratch == null || scratch[0] == null ? new byte[Math.min(b.remaining(), COPY_CHUNK)] : scratch[0];
      if (scratch != null) {
        scratch[0] = buf;
      }
      while (b.hasRemaining()) {
        int n = Math.min(buf.length, b.remaining());
        b.get(buf, 0, n);
        out.write(buf, 0, n);
      }
    }

    @Override
    public String toString() {
      return "EncodedEntry[copy of " + stored.info().tier() + " " + stored.codecId() + " v" + stored.codecVersion()
          + ", " + stored.length() + " bytes]";
    }
  }

  private static boolean isBuiltIn(ValueCodec codec) {
    return codec instanceof KryoCodec || codec instanceof RawArrayCodec || codec instanceof ScalarCodec
        || codec instanceof FieldsCodec;
  }

  /**
   * Verifies and decodes a stored payload. Before decoding, the shapes of the classes the entry
   * names are compared with the live classes: a value is never decoded into another definition of
   * its class.
   *
   * @throws DamagedEntryException when a checksum fails (from {@code stored})
   * @throws ForeignPayloadException when the codec is unknown here (or in another version), a class
   *     has another shape, or the codec cannot decode the intact payload
   * @throws RejectedClassException when the value names a class {@code classes} does not admit
   * @throws DecodeLimitException when the value exceeds the decoding limits (valid, not damaged)
   * @throws IOException when {@code stored} cannot be read
   */
  public @Nullable Object decode(StoredEntry stored, ClassFilter classes) throws IOException {
    ValueCodec codec = byId.get(stored.codecId());
    if (codec == null || !reads(codec, stored.codecVersion())) {
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
    } catch (DamagedEntryException | RejectedClassException | ForeignPayloadException | DecodeLimitException e) {
      throw e;
    } catch (IOException | RuntimeException | InternalError e) {
      // Every checksum matched: written by a program this one differs from, not damage.
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new ForeignPayloadException("cannot be decoded by this program (" + e.getClass().getSimpleName() + ": "
          + why + ")", e);
    }
  }

  /**
   * Whether {@code codec} decodes payloads stamped with {@code version}: its own version, and for the
   * {@code fields} codec every earlier one too. Any other version is foreign: a miss, kept for the
   * program that wrote it.
   */
  public static boolean reads(ValueCodec codec, int version) {
    return codec instanceof FieldsCodec ? FieldsCodec.reads(version) : codec.version() == version;
  }

  @Override
  public String toString() {
    return "EntryCodec" + codecs;
  }
}
