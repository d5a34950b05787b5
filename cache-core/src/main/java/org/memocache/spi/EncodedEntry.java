package org.memocache.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A value ready to be stored, as {@link Tier#put} receives it: the header fields known before the
 * payload, and the payload's writer. The engine chose the codec and checks, while the payload is
 * written, that every class it names could be read back; the tier stores the fields, the payload
 * and checksums of its own, and hands them back as a {@link StoredEntry}.
 *
 * <p>One instance may be handed to several tiers in turn (never concurrently).
 */
public interface EncodedEntry {
  /** The id of the codec that writes the payload. */
  String codecId();

  /** The version of that codec. */
  int codecVersion();

  /** The value's class name, {@code ""} for {@code null}: for listings and messages. */
  String valueType();

  /** What is stored next to the value. */
  Tier.Metadata metadata();

  /**
   * The payload's length in bytes when known before writing it (raw arrays, an entry copied from
   * another tier), else {@code -1}.
   */
  long knownLength();

  /**
   * Writes the payload to {@code out} and returns the shapes of the classes it names, sorted by
   * class name (empty when it names none). Call it at most once per {@link Tier#put}; a tier that
   * needs the bytes twice buffers them. The payload is produced as it is written (a big array is
   * converted block by block): it is never held in memory whole.
   *
   * @throws UnstorableValueException when the value cannot be stored (a class the allow-list does
   *     not admit, or its codec failed on it): the tier discards what it wrote, stores nothing and
   *     rethrows it; the engine warns and counts a store failure
   * @throws IOException when {@code out} fails: the tier's own storage problem, which it reports
   *     (once per kind) before {@link Tier#put} returns {@code false}
   */
  List<ClassShape> writePayload(OutputStream out) throws IOException;
}
