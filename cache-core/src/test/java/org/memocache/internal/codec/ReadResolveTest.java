package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memocache.spi.ClassFilter;

/** Decoded results get a class's {@code readResolve()} replacement, so singletons stay singletons. */
class ReadResolveTest {
  private static final ClassFilter ALL = c -> true;
  private final KryoCodec codec = new KryoCodec();

  /** A well-known instance a library compares with {@code ==}. */
  static final class Alphabet {
    static final Alphabet DNA = new Alphabet("ACGT");

    final String letters;

    private Alphabet(String letters) {
      this.letters = letters;
    }

    private Object readResolve() {
      return letters.equals(DNA.letters) ? DNA : this;
    }
  }

  static class Resolving {
    static final Resolving ONE = new Special();

    protected Object readResolve() {
      return ONE;
    }
  }

  /** Inherits a protected readResolve. */
  static final class Special extends Resolving {}

  /** No readResolve: decoded as a copy. */
  static final class Plain {
    static final Plain INSTANCE = new Plain();
  }

  static final class Sequence {
    Alphabet alphabet;
    List<Object> parts;
    Plain plain;
  }

  private Object roundTrip(Object v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(v, out);
    return codec.decode(ByteBuffer.wrap(out.toByteArray()), ALL);
  }

  @Test
  void readResolve_returnsTheSingleton_everywhereItIsReferenced() throws IOException {
    Sequence s = new Sequence();
    s.alphabet = Alphabet.DNA;
    s.parts = new java.util.ArrayList<>(List.of(Alphabet.DNA, "x", Alphabet.DNA, Resolving.ONE));
    s.plain = Plain.INSTANCE;
    Sequence back = (Sequence) roundTrip(s);
    assertSame(Alphabet.DNA, back.alphabet);
    assertSame(Alphabet.DNA, back.parts.get(0), "a later reference to it");
    assertSame(Alphabet.DNA, back.parts.get(2));
    assertSame(Resolving.ONE, back.parts.get(3), "inherited readResolve");
    assertNotSame(Plain.INSTANCE, back.plain, "no readResolve: a copy");
    assertSame(Alphabet.DNA, roundTrip(Alphabet.DNA), "as the whole result");
  }

  @Test
  void readResolve_mayKeepTheCopy() throws IOException {
    Alphabet rna = (Alphabet) roundTrip(newAlphabet("ACGU"));
    assertEquals("ACGU", rna.letters);
  }

  private static Alphabet newAlphabet(String letters) {
    return new Alphabet(letters);
  }
}
