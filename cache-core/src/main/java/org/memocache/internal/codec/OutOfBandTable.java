package org.memocache.internal.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.memocache.internal.codec.RawArrayLayout.ElementType;

/**
 * Reads the table of out-of-band arrays at the end of a payload, in {@link OutOfBand}'s layout
 * (shared by {@link KryoCodec} and {@link FieldsCodec}). A class of its own so that reading a
 * {@code fields} payload loads nothing of Kryo: {@link OutOfBand} holds Kryo serializers.
 */
final class OutOfBandTable {
  private OutOfBandTable() {}

  private static final int ALIGN = 64;
  /** The largest array the JVM allocates. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /**
   * Reads and checks the trailer and table of a payload (position 0 at its start, limit its end).
   *
   * @throws DecodeLimitException when they do not describe the canonical layout within the payload
   */
  static OutOfBand.Table read(ByteBuffer payload, String codecId) throws DecodeLimitException {
    ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long length = b.remaining();
    int base = b.position();
    if (length < OutOfBand.TRAILER) {
      throw new DecodeLimitException(codecId + ": a payload of " + length + " bytes has no room for its trailer");
    }
    long graph = b.getLong(base + (int) length - OutOfBand.TRAILER);
    long n = b.getLong(base + (int) length - 8);
    long room = length - OutOfBand.TRAILER;
    if (graph < 0 || graph > room || n < 0 || n > (room - graph) / OutOfBand.ENTRY) {
      throw new DecodeLimitException(codecId + ": the trailer claims a graph of " + graph + " bytes and " + n
          + " out-of-band blocks in a payload of " + length + " bytes");
    }
    long tableOffset = room - n * OutOfBand.ENTRY;
    List<OutOfBand.Block> blocks = new ArrayList<>((int) n);
    long at = graph;
    for (int i = 0; i < n; i++) {
      int e = base + (int) (tableOffset + (long) i * OutOfBand.ENTRY);
      long offset = b.getLong(e);
      long elements = b.getLong(e + 8);
      int code = b.get(e + 16) & 0xff;
      ElementType type = null;
      for (ElementType t : ElementType.values()) {
        if (t.code() == code && t != ElementType.BOOLEAN) {
          type = t;
        }
      }
      long expected = align(at, ALIGN);
      if (type == null || offset != expected || elements < 0 || elements > MAX_ELEMENTS
          || elements * type.size() > tableOffset - offset) {
        throw new DecodeLimitException(codecId + ": out-of-band block " + i + " (type code " + code + ", " + elements
            + " elements at offset " + offset + ") does not fit the payload of " + length
            + " bytes where its layout puts it (offset " + expected + ", before the table at " + tableOffset + ")");
      }
      OutOfBand.Block block = new OutOfBand.Block(type, offset, (int) elements);
      blocks.add(block);
      at = offset + block.bytes();
    }
    long expectedTable = n == 0 ? graph : align(at, 8);
    if (expectedTable != tableOffset) {
      throw new DecodeLimitException(codecId + ": the out-of-band table is at " + tableOffset + ", its blocks end at "
          + at);
    }
    return new OutOfBand.Table(graph, tableOffset, List.copyOf(blocks));
  }

  private static long align(long n, int to) {
    return (n + to - 1) & -(long) to;
  }
}
