package org.memocache.internal.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;

/** The {@code fields} codec as an older MemoCache has it, reading and writing version 1 only (tests). */
public final class FieldsV1Codec implements ValueCodec {
  private final FieldsCodec fields = new FieldsCodec();

  @Override
  public String id() {
    return FieldsCodec.ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean canEncode(@Nullable Object value) {
    return fields.versionFor(value) == 1;
  }

  @Override
  public void encode(@Nullable Object value, OutputStream out) throws IOException {
    fields.encode(value, out, null, 1);
  }

  @Override
  public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
    return fields.decode(payload, classes);
  }
}
