package org.memocache.internal.key;

/**
 * Type tags of the canonical key encoding. Every value is written as its tag followed by its data,
 * so values of different types never share bytes. Changing what an existing tag is followed by
 * changes {@link KeyHasher#ENCODING_VERSION}, which is hashed into every key: old entries become
 * misses, never collisions. A new tag for values that were written under another one before
 * (sorted and insertion-ordered sets and maps, directories) only makes their old entries misses: no old key
 * has the new tag where the new one does.
 */
final class Tag {
  private Tag() {}

  static final byte NULL = 0;
  static final byte BOOLEAN = 1;
  static final byte BYTE = 2;
  static final byte SHORT = 3;
  static final byte CHAR = 4;
  static final byte INT = 5;
  static final byte LONG = 6;
  static final byte FLOAT = 7;
  static final byte DOUBLE = 8;
  static final byte STRING = 9;
  static final byte ENUM = 10;
  static final byte CLASS = 11;
  static final byte BIG_INTEGER = 12;
  static final byte BIG_DECIMAL = 13;
  static final byte UUID = 14;
  static final byte TEMPORAL = 15;
  static final byte OPTIONAL = 16;
  static final byte RECORD = 17;
  static final byte LIST = 18;
  static final byte SET = 19;
  static final byte MAP = 20;
  static final byte OBJECT_ARRAY = 21;
  static final byte PRIMITIVE_ARRAY = 22;
  static final byte PATH = 23;
  static final byte FILE_CONTENT = 24;
  static final byte OBJECT = 25;
  static final byte CUSTOM = 26;
  static final byte RECEIVER = 27;
  static final byte ARGUMENTS = 28;
  static final byte BYTES = 29;
  static final byte IGNORED = 30;
  static final byte CHUNKED = 31;
  static final byte CHARS = 32;
  static final byte STRING_FORM = 33;
  static final byte MAP_ENTRY = 34;
  static final byte BUFFER = 35;
  /** An object on the current path met again (a cycle), followed by its distance up the path. */
  static final byte BACK_REFERENCE = 36;
  static final byte SORTED_SET = 37;
  static final byte SORTED_MAP = 38;
  /** A {@code LinkedHashSet}: its elements in insertion order. */
  static final byte ORDERED_SET = 39;
  /** A {@code LinkedHashMap}: its entries in iteration order. */
  static final byte ORDERED_MAP = 40;
  /** The order of a sorted set or map. */
  static final byte COMPARATOR = 41;
  /** A {@code Path} or {@code File} naming a directory: what is under it. */
  static final byte DIRECTORY = 42;
  /** An object keeping its state in transient fields: its Java serialized form. */
  static final byte SERIAL_FORM = 43;
  /** After a collection's or map's elements: the fields its class declares besides them. */
  static final byte OWN_FIELDS = 44;
  /** {@code Properties}: entries, then every name with what {@code getProperty} answers. */
  static final byte PROPERTIES = 45;
  /** The shape of the declared result type, part of a woven method's identity. */
  static final byte RESULT_SHAPE = 64;
}
