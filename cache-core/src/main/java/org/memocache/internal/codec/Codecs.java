package org.memocache.internal.codec;

import java.util.List;
import org.memocache.spi.ValueCodec;

/** The built-in value codecs, in the order they are tried after the user's own. */
public final class Codecs {
  private Codecs() {}

  private static final KryoCodec KRYO = new KryoCodec();
  private static final List<ValueCodec> BUILT_INS = List.of(new RawArrayCodec(), new ScalarCodec(), KRYO);

  /**
   * {@code raw-array} for primitive arrays (1-D and 2-D), {@code scalar} for {@code null}, boxed
   * primitives and strings, then {@code kryo} for everything else.
   */
  public static List<ValueCodec> builtIns() {
    return BUILT_INS;
  }

  /** The built-in {@code kryo} codec. */
  public static KryoCodec kryo() {
    return KRYO;
  }
}
