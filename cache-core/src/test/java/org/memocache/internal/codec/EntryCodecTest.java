package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memocache.EntryInfo;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ClassShape;
import org.memocache.spi.DamagedEntryException;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.UnstorableValueException;

/**
 * The encoding and decoding every tier shares, on payloads held in memory: no tier, no file.
 */
class EntryCodecTest {
  record Point(int x, String label) {}

  private static final ClassFilter CLASSES = AllowLists.forMethod(null, List.of("org.memocache.internal.codec"));
  private static final Tier.Metadata META = new Tier.Metadata("p", Instant.EPOCH, Duration.ZERO);
  private final EntryCodec codec = new EntryCodec(Codecs.builtIns());

  /** A payload as a tier would hand it back: the header fields and the bytes, in blocks of {@code block}. */
  private static class Held implements StoredEntry {
    final String codecId;
    final int codecVersion;
    final List<ClassShape> shapes;
    final byte[] bytes;
    final boolean inMemory;
    boolean wholeAsked;
    int blocks;

    Held(String codecId, int codecVersion, List<ClassShape> shapes, byte[] bytes, boolean inMemory) {
      this.codecId = codecId;
      this.codecVersion = codecVersion;
      this.shapes = shapes;
      this.bytes = bytes;
      this.inMemory = inMemory;
    }

    @Override
    public EntryInfo info() {
      return new EntryInfo("m", "00", "", bytes.length, Instant.EPOCH, Duration.ZERO, 0, Instant.EPOCH, codecId, "held");
    }

    @Override
    public void reject(Rejection kind, String reason) {
      throw new AssertionError("the codec never rejects: " + kind + " " + reason);
    }

    @Override
    public void close() {}

    @Override
    public String codecId() {
      return codecId;
    }

    @Override
    public int codecVersion() {
      return codecVersion;
    }

    @Override
    public List<ClassShape> shapes() {
      return shapes;
    }

    @Override
    public long shapesHash() {
      return Shapes.hash(shapes);
    }

    @Override
    public String valueType() {
      return "?";
    }

    @Override
    public long length() {
      return bytes.length;
    }

    @Override
    public boolean inMemory() {
      return inMemory;
    }

    @Override
    public ByteBuffer payload() {
      wholeAsked = true;
      return ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void stream(ChunkSink sink) throws IOException {
      int block = 64 * 1024;
      for (int off = 0; off < bytes.length; off += block) {
        blocks++;
        sink.accept(ByteBuffer.wrap(bytes, off, Math.min(block, bytes.length - off)).slice()
            .order(ByteOrder.LITTLE_ENDIAN));
      }
    }
  }

  private Held write(Object value, boolean inMemory) throws IOException {
    EncodedEntry e = codec.encode(value, META, CLASSES);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ClassShape> shapes = e.writePayload(out);
    return new Held(e.codecId(), e.codecVersion(), shapes, out.toByteArray(), inMemory);
  }

  @Test
  void recordInALinkedList_isStoredByKryo_withTheShapesOfItsClasses() throws IOException {
    assertEquals(FieldsCodec.ID, codec.encode(new Point(3, "p"), META, CLASSES).codecId(), "a bare record: fields");
    List<Point> p = new LinkedList<>(List.of(new Point(3, "p")));
    EncodedEntry e = codec.encode(p, META, CLASSES);
    assertEquals(KryoCodec.ID, e.codecId());
    assertEquals(KryoCodec.VERSION, e.codecVersion());
    assertEquals(p.getClass().getName(), e.valueType());
    assertTrue(EntryCodec.namesClasses(e.codecId()));
    Held held = write(p, true);
    assertTrue(held.shapes.stream().anyMatch(s -> s.className().equals(Point.class.getName())), held.shapes.toString());
    assertEquals(p, codec.decode(held, CLASSES));
  }

  @Test
  void bigRawArray_isStreamedBlockByBlock_neverReadWhole() throws IOException {
    double[] a = new double[300_000];
    for (int i = 0; i < a.length; i++) {
      a[i] = i * 0.25;
    }
    Held held = write(a, false);
    assertEquals(RawArrayCodec.ID, held.codecId);
    assertFalse(EntryCodec.namesClasses(held.codecId));
    assertArrayEquals(a, (double[]) codec.decode(held, CLASSES));
    assertFalse(held.wholeAsked, "the payload is never asked for whole");
    assertEquals((held.bytes.length + 65535) / 65536, held.blocks);
  }

  @Test
  void otherCodecVersion_isForeign() throws IOException {
    Held held = write(new LinkedList<>(List.of(new Point(1, "a"))), true);
    Held older = new Held(held.codecId, KryoCodec.VERSION - 1, held.shapes, held.bytes, true);
    ForeignPayloadException e = assertThrows(ForeignPayloadException.class, () -> codec.decode(older, CLASSES));
    assertEquals("was written by codec kryo v" + (KryoCodec.VERSION - 1) + "; this process has v" + KryoCodec.VERSION,
        e.getMessage());
    Held unknown = new Held("money", 1, List.of(), held.bytes, true);
    assertEquals("was written by codec money v1, which this process does not have",
        assertThrows(ForeignPayloadException.class, () -> codec.decode(unknown, CLASSES)).getMessage());
  }

  @Test
  void fieldsEntries_areStampedWithTheLowestVersionThatReadsThem_andBothVersionsAreRead() throws IOException {
    Held v1 = write(new Point(1, "a"), true);
    assertEquals(FieldsCodec.ID, v1.codecId);
    assertEquals(1, v1.codecVersion, "nothing of version 2 in it: an older reader reads it too");
    assertEquals(new Point(1, "a"), codec.decode(v1, CLASSES));
    Held v2 = write(List.of(new Point(1, "a")), true);
    assertEquals(FieldsCodec.ID, v2.codecId);
    assertEquals(2, v2.codecVersion);
    assertEquals(List.of(new Point(1, "a")), codec.decode(v2, CLASSES));
    Held v3 = new Held(FieldsCodec.ID, FieldsCodec.VERSION + 1, List.of(), v2.bytes, true);
    assertEquals("was written by codec fields v3; this process has v2",
        assertThrows(ForeignPayloadException.class, () -> codec.decode(v3, CLASSES)).getMessage());
  }

  @Test
  void versionTwoEntry_isForeignToAVersionOneReader_neverDamaged() throws IOException {
    EntryCodec older = new EntryCodec(List.of(new RawArrayCodec(), new ScalarCodec(), new FieldsV1Codec(), Codecs.kryo()));
    Held v2 = write(Map.of("k", List.of(1.5)), true);
    assertEquals(2, v2.codecVersion);
    assertEquals("was written by codec fields v2; this process has v1",
        assertThrows(ForeignPayloadException.class, () -> older.decode(v2, CLASSES)).getMessage());
    assertEquals(new Point(2, "b"), older.decode(write(new Point(2, "b"), true), CLASSES), "version 1: read");
  }

  @Test
  void changedShape_isForeign_beforeDecoding() throws IOException {
    Held held = write(new LinkedList<>(List.of(new Point(1, "a"))), true);
    List<ClassShape> other = held.shapes.stream()
        .map(s -> s.className().equals(Point.class.getName()) ? new ClassShape(s.className(), s.hash() + 1) : s)
        .toList();
    Held changed = new Held(held.codecId, held.codecVersion, other, held.bytes, true);
    ForeignPayloadException e = assertThrows(ForeignPayloadException.class, () -> codec.decode(changed, CLASSES));
    assertTrue(e.getMessage().startsWith("was written for another definition of "), e.getMessage());
    assertFalse(changed.wholeAsked, "not decoded");
  }

  @Test
  void intactBytesTheCodecRejects_areForeign_damageIsPassedOn() throws IOException {
    Held garbage = new Held(ScalarCodec.ID, new ScalarCodec().version(), List.of(), new byte[] {99, 1}, true);
    ForeignPayloadException f = assertThrows(ForeignPayloadException.class, () -> codec.decode(garbage, CLASSES));
    assertTrue(f.getMessage().startsWith("cannot be decoded by this program (IOException: scalar: "), f.getMessage());
    DamagedEntryException damage = new DamagedEntryException("block 3 of 9 does not match its checksum");
    Held damaged = new Held(RawArrayCodec.ID, new RawArrayCodec().version(), List.of(), new byte[0], false) {
      @Override
      public void stream(ChunkSink sink) throws IOException {
        throw damage;
      }
    };
    assertSame(damage, assertThrows(DamagedEntryException.class, () -> codec.decode(damaged, CLASSES)));
  }

  @Test
  void failingOutput_isTheOutputsFault_notTheValues() {
    IOException full = new IOException("No space left on device");
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw full;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw full;
      }
    };
    IOException e = assertThrows(IOException.class, () -> codec.encode(new long[1000], META, CLASSES).writePayload(out));
    assertSame(full, e);
  }

  @Test
  void valueTheCodecCannotWrite_isUnstorable() {
    Object[] deep = new Object[1];
    Object[] cur = deep;
    for (int i = 0; i < 200_000; i++) {
      Object[] next = new Object[1];
      cur[0] = next;
      cur = next;
    }
    UnstorableValueException e = assertThrows(UnstorableValueException.class,
        () -> codec.encode(deep, META, null).writePayload(OutputStream.nullOutputStream()));
    assertTrue(e.getMessage().startsWith("kryo: cannot encode [Ljava.lang.Object;"), e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void noCodec_forAValueNoneCanEncode() {
    EntryCodec rawOnly = new EntryCodec(List.of(new RawArrayCodec()));
    assertEquals(null, rawOnly.encode("text", META, null));
    assertEquals(RawArrayCodec.ID, rawOnly.encode(new int[1], META, null).codecId());
  }
}
