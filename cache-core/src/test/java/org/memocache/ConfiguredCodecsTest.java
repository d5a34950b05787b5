package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.ValueCodec;
import org.memocache.testing.ChildJvm;

/**
 * The {@code codecs} configuration key: {@code Memo.builder().build()} instantiates the named
 * {@link ValueCodec} classes and fails with one message naming the key, its source and the class.
 */
class ConfiguredCodecsTest {
  private static final String GOOD = ConfiguredCodecsTest.Upper.class.getName();

  @Test
  void goodCodecs_build() throws Exception {
    ChildJvm.Result r = ChildJvm.run(List.of("-Dmemocache.codecs=" + GOOD + ";" + Lower.class.getName()), Build.class);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("built", r.stdout());
    assertEquals("", r.stderr());
  }

  @Test
  void twoCodecsWithOneId_failTheBuild_namingBoth() throws Exception {
    ChildJvm.Result r = ChildJvm.run(List.of("-Dmemocache.codecs=" + GOOD + "," + Twin.class.getName()), Build.class);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("IllegalArgumentException: MemoCache: system property memocache.codecs=" + GOOD + ","
        + Twin.class.getName() + ": " + Twin.class.getName() + " and " + GOOD + " have the same codec id 'upper'",
        r.stdout());
  }

  @Test
  void aThrowingConstructorOrAMissingClass_failTheBuild() throws Exception {
    ChildJvm.Result r = ChildJvm.run(List.of("-Dmemocache.codecs=" + Throwing.class.getName()), Build.class);
    assertEquals("IllegalArgumentException: MemoCache: system property memocache.codecs=" + Throwing.class.getName()
        + ": the constructor of " + Throwing.class.getName() + " threw java.lang.IllegalStateException: no licence",
        r.stdout());
    r = ChildJvm.run(List.of("-Dmemocache.codecs=com.acme.MatrixCodec"), Build.class);
    assertEquals("IllegalArgumentException: MemoCache: system property memocache.codecs=com.acme.MatrixCodec: class"
        + " com.acme.MatrixCodec not found", r.stdout());
  }

  /** Builds a Memo from the configuration; prints "built" or the failure. */
  public static final class Build {
    public static void main(String[] args) {
      try (Memo memo = Memo.builder().build()) {
        System.out.println("built");
      } catch (IllegalArgumentException e) {
        System.out.println("IllegalArgumentException: " + e.getMessage());
      }
    }
  }

  /** Stores strings upper-cased (only the class and the id matter here). */
  public static class Upper implements ValueCodec {
    @Override
    public String id() {
      return "upper";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean canEncode(Object value) {
      return value instanceof String;
    }

    @Override
    public void encode(Object value, OutputStream out) throws IOException {
      out.write(((String) value).toUpperCase().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public Object decode(ByteBuffer payload, ClassFilter classes) {
      byte[] b = new byte[payload.remaining()];
      payload.get(b);
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public static final class Lower extends Upper {
    @Override
    public String id() {
      return "lower";
    }
  }

  public static final class Twin extends Upper {}

  public static final class Throwing extends Upper {
    public Throwing() {
      throw new IllegalStateException("no licence");
    }
  }
}
