package org.memocache.internal.codec;

import java.util.List;
import org.memocache.spi.ValueCodec;

/** The built-in value codecs, in the order they are tried after the user's own. */
public final class Codecs {
  private Codecs() {}

  private static final KryoCodec KRYO = new KryoCodec();
  private static final List<ValueCodec> BUILT_INS = List.of(new RawArrayCodec(), new ScalarCodec(), new FieldsCodec(),
      KRYO);

  /**
   * {@code raw-array} for primitive arrays (1-D and 2-D), {@code scalar} for {@code null}, boxed
   * primitives and strings, {@code fields} for records and plain classes of such values (and lists,
   * maps and arrays of them), then {@code kryo} for everything else.
   */
  public static List<ValueCodec> builtIns() {
    return BUILT_INS;
  }

  /** The built-in {@code kryo} codec. */
  public static KryoCodec kryo() {
    return KRYO;
  }
}
