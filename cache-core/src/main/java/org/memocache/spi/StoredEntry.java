package org.memocache.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.memocache.EntryInfo;

/**
 * An entry as a tier read it, as {@link Tier#get} returns it: the fields stored with an
 * {@link EncodedEntry}, and a payload verified against the tier's checksums as it is read. The
 * engine decodes it, or tells the tier why it could not ({@link #reject}), then closes it.
 *
 * <p>Not thread-safe: one caller reads it. It may read the payload more than once (a hit copied into
 * the tiers above is decoded, then streamed to them): a tier re-reads it, or keeps what it read.
 */
public interface StoredEntry extends AutoCloseable {
  /** The entry's metadata, as listings show it. */
  EntryInfo info();

  /** The id of the codec that wrote the payload. */
  String codecId();

  /** The version of that codec. */
  int codecVersion();

  /** The stored value's class name, {@code ""} for {@code null}. */
  String valueType();

  /**
   * The shapes stored with the entry, sorted by class name: empty when the payload names no class,
   * or when it names too many for the tier to record (then {@link #shapesHash()} still holds).
   */
  List<ClassShape> shapes();

  /**
   * The hash over all the shapes the writer named (as the engine computes it from
   * {@link EncodedEntry#writePayload}'s result), {@code 0} when none.
   */
  long shapesHash();

  /** The payload's length in bytes. */
  long length();

  /** Whether the payload is in memory already: then {@link #payload()} costs no read. */
  boolean inMemory();

  /**
   * The whole payload, every block verified: a read-only, little-endian buffer from its first byte
   * to its last.
   *
   * @throws DamagedEntryException when a block does not match its checksum
   * @throws IOException when the storage cannot be read: the tier says why (once per kind of
   *     problem) before it throws, and the engine treats the entry as a miss
   */
  ByteBuffer payload() throws IOException;

  /**
   * Hands the payload to {@code sink} in order, in verified blocks (a multiple of 8 bytes each but
   * the last), each verified just before it is handed over: a big payload is read without being
   * held in memory. The buffers are valid only during the call.
   *
   * @throws DamagedEntryException when a block does not match its checksum, before its bytes reach
   *     the sink
   * @throws IOException when the storage cannot be read (the tier says why, as for
   *     {@link #payload()}), or what the sink threw, unchanged
   */
  void stream(ChunkSink sink) throws IOException;

  /**
   * Tells the tier that the engine cannot use this entry. {@link Rejection#DAMAGED}: a checksum or
   * structure check failed; the tier deletes the entry (unless it was replaced meanwhile) and counts
   * it in {@link Tier.Counters#corrupt()}. {@link Rejection#FOREIGN}: the entry is intact but written
   * by a codec (or codec version) this process lacks, for another definition of a class it names,
   * or it names a class this reader does not admit; the tier leaves it in place and counts it in
   * {@link Tier.Counters#foreign()}. Either way the tier warns once per kind and method with
   * {@code reason}, which completes "a stored result of m ..."; an empty {@code reason} means the
   * engine has already said why, and the tier only counts.
   */
  void reject(Rejection kind, String reason);

  /** Releases file handles and buffers; without a {@link #reject}, the read counts as a hit. */
  @Override
  void close();

  /** Why the engine could not use an entry. */
  enum Rejection {
    /** A checksum or structural check failed: deleted. */
    DAMAGED,
    /** Intact, but not usable by this process: kept. */
    FOREIGN
  }

  /** Receives a payload block by block. */
  @FunctionalInterface
  interface ChunkSink {
    void accept(ByteBuffer chunk) throws IOException;
  }
}
