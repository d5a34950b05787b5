package org.memocache.internal.codec;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.memocache.CacheKey;
import org.memocache.EntryInfo;
import org.memocache.internal.Warnings;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.DamagedEntryException;
import org.memocache.spi.EncodedEntry;
import org.memocache.spi.StoredEntry;
import org.memocache.spi.Tier;
import org.memocache.spi.UnstorableValueException;
import org.memocache.spi.ValueCodec;

/**
 * Values in and out of tiers, on the engine's side of the {@link Tier} SPI: encodes a value once for
 * every tier it is stored in, decodes what a tier returns, and tells the tier which entries it could
 * not use ({@link StoredEntry#reject}). What is wrong with a <em>value</em> (no codec, a class not
 * admitted, a codec failing on it) is said here, once per method and cause; what is wrong with the
 * <em>storage</em> is said by the tier.
 *
 * <p>Thread-safe.
 */
public final class TierValues {
  private final EntryCodec codec;
  private final String where;

  /**
   * @param codecs the codecs in the order they are tried
   * @param where where the values are stored, for messages and per-place warnings (the cache
   *     directory)
   */
  public TierValues(List<ValueCodec> codecs, String where) {
    this.codec = new EntryCodec(codecs);
    this.where = where;
  }

  /** The codec choice, admission and decoding behind this. */
  public EntryCodec codec() {
    return codec;
  }

  /**
   * A decoded hit.
   *
   * @param value the value, possibly {@code null}; the caller's own (decoded afresh)
   * @param info the entry's metadata
   */
  public record Decoded(@Nullable Object value, EntryInfo info) {}

  /**
   * {@code value} encoded for storing, or {@code null} when no codec can store it (said once per
   * class). A value naming a class {@code readableBy} does not admit fails when it is written
   * ({@link #put}).
   */
  public @Nullable EncodedEntry encode(String method, @Nullable Object value, Tier.Metadata metadata,
      ClassFilter readableBy) {
    EncodedEntry e = codec.encode(value, metadata, readableBy);
    if (e == null) {
      String type = value == null ? "null" : value.getClass().getName();
      Warnings.once("no-codec:" + type, () -> "MemoCache: no codec can store a " + type + " (result of " + method
          + "); register a ValueCodec with Memo.builder().codec(...) to store it in " + where);
    }
    return e;
  }

  /**
   * Stores {@code entry} in {@code tier}. A value that cannot be stored is said once per method and
   * cause; a storage failure was said by the tier.
   *
   * @return whether it was stored
   * @throws RuntimeException what the tier threw other than {@link UnstorableValueException}
   */
  public boolean put(Tier tier, CacheKey key, EncodedEntry entry) {
    try {
      return tier.put(key, entry);
    } catch (UnstorableValueException e) {
      unstorable(key.method().name(), entry, e);
      return false;
    }
  }

  private void unstorable(String method, EncodedEntry entry, UnstorableValueException e) {
    if (e.getCause() instanceof RejectedClassException r) {
      AllowLists.warnNotStorable(method, r.classNames(), where);
      return;
    }
    String type = entry.valueType().isEmpty() ? "null" : entry.valueType();
    Throwable cause = e.getCause() == null ? e : e.getCause();
    Warnings.once("unstorable:" + method + ":" + type + ":" + cause.getClass().getName(), () -> "MemoCache: cannot"
        + " store a " + type + " (result of " + method + ") in " + where + ": " + e.getMessage(), cause);
  }

  /**
   * Decodes {@code entry} for the method named {@code method}, admitting {@code classes}. When it
   * cannot, the tier is told why ({@link StoredEntry#reject}: it deletes damage and keeps foreign
   * entries, counts and warns) and the result is empty; when the tier could not read its storage,
   * it has said so and the result is empty. The caller closes the entry.
   */
  public Optional<Decoded> decode(String method, StoredEntry entry, ClassFilter classes) {
    try {
      return Optional.of(new Decoded(codec.decode(entry, classes), entry.info()));
    } catch (DamagedEntryException e) {
      entry.reject(StoredEntry.Rejection.DAMAGED, String.valueOf(e.getMessage()));
    } catch (ForeignPayloadException e) {
      entry.reject(StoredEntry.Rejection.FOREIGN, String.valueOf(e.getMessage()));
    } catch (RejectedClassException e) {
      // The entry is fine; this reader's allow-list is narrower than the writer's. Said here, with
      // how to admit the classes; the tier only counts it.
      AllowLists.warnRejected(method, AllowLists.refusedClasses(e, entry.shapes(), classes), where);
      entry.reject(StoredEntry.Rejection.FOREIGN, "");
    } catch (DecodeLimitException e) {
      // Valid checksums, impossible contents: crafted rather than damaged. A miss, kept.
      entry.reject(StoredEntry.Rejection.FOREIGN, "exceeds the decoding limits (" + e.getMessage()
          + "); its checksums are valid, so it was written that way, not damaged");
    } catch (IOException e) {
      // The tier's storage failed while the payload was read: the tier has said why (the Tier contract).
    }
    return Optional.empty();
  }

  /**
   * Reads and decodes the entry of {@code key} in {@code tier} ({@link #decode}), closing it.
   *
   * @return the decoded hit, or empty on a miss
   */
  public Optional<Decoded> get(Tier tier, CacheKey key, ClassFilter classes) {
    Optional<StoredEntry> stored = tier.get(key);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try (StoredEntry e = stored.get()) {
      return decode(key.method().name(), e, classes);
    }
  }

  @Override
  public String toString() {
    return "TierValues[" + where + ", " + codec + "]";
  }
}
