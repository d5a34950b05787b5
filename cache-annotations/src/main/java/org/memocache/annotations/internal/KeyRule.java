package org.memocache.annotations.internal;

/**
 * The built-in ways a value becomes part of a cache key. The run-time key encoder implements each
 * rule (an exhaustive {@code switch} over this enum makes a new rule a compile error there, not a
 * silent field walk); the annotation processor uses them to accept parameter types. Every rule
 * writes a type tag first, so values of different rules never share bytes.
 */
public enum KeyRule {
  /** A primitive-typed parameter ({@code int}, {@code double}, ...): its value. */
  PRIMITIVE,
  /** A box ({@code Integer}, {@code Double}...): its value; {@code -0.0 != 0.0}, all NaNs equal. */
  BOX,
  /** {@code String}: its characters. */
  STRING,
  /**
   * {@code StringBuilder}, {@code StringBuffer}: their current characters (a field walk would also
   * read the unused tail of the backing array).
   */
  CHARS,
  /** An enum constant: its class and name (not its ordinal, which moves as constants are added). */
  ENUM,
  /** {@code Class}: its name. */
  CLASS,
  /** {@code BigInteger}: its two's-complement bytes. */
  BIG_INTEGER,
  /** {@code BigDecimal}: unscaled value and scale, so {@code 1.0} and {@code 1.00} differ. */
  BIG_DECIMAL,
  /** {@code UUID}: its 128 bits. */
  UUID,
  /** A {@code java.time} value such as {@code Instant}, {@code LocalDate}, {@code ZoneId}. */
  TIME,
  /**
   * JDK value types whose fields hold caches or handlers ({@code URI}, {@code URL}, {@code Locale},
   * {@code Charset}): their class and canonical string form.
   */
  STRING_FORM,
  /** {@code Optional} and its primitive variants: empty, or the contained value. */
  OPTIONAL,
  /** A record: its class and its components in declaration order. */
  RECORD,
  /** A {@code List}: its elements in order. */
  LIST,
  /** A {@code Set}: its elements, independent of iteration order. */
  SET,
  /** A {@code Map}: its entries, independent of iteration order. */
  MAP,
  /** A {@code Map.Entry}: key and value (a field walk would follow a hash map's bucket chain). */
  MAP_ENTRY,
  /** Any other {@code Collection} ({@code Deque}, {@code Queue}): elements in iteration order. */
  COLLECTION,
  /** An array of a primitive type: its raw contents, streamed without copying. */
  PRIMITIVE_ARRAY,
  /** An array of references: its elements in order. */
  ARRAY,
  /** A {@code java.nio} buffer: its element type and its remaining contents (position to limit). */
  BUFFER,
  /**
   * {@code java.nio.file.Path}: absolute path, size and modification time, or the file's content
   * with {@code @Memoize.ByContent}.
   */
  PATH,
  /** {@code java.io.File}: as {@link #PATH}. */
  FILE
}
