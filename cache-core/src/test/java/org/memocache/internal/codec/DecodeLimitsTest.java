package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memocache.spi.ClassFilter;
import org.memocache.testing.HashBomb;

/**
 * Hostile Kryo payloads, built with the codec's own writer and then tampered with: each is refused
 * with a {@link DecodeLimitException} quickly and without allocating what it claims.
 */
class DecodeLimitsTest {
  private static final ClassFilter JDK_ONLY = AllowLists.forMethod(null, List.of());
  private static final long CLAIM = 1L << 28;
  private final KryoCodec codec = new KryoCodec();

  private byte[] encode(Object v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(v, out);
    return out.toByteArray();
  }

  @Test
  void hashBomb_isRefusedWithinSeconds() throws IOException {
    byte[] bomb = encode(HashBomb.sets(100));
    assertTrue(bomb.length < 4096, "small payload: " + bomb.length);
    DecodeLimitException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(DecodeLimitException.class, () -> codec.decode(ByteBuffer.wrap(bomb), JDK_ONLY)));
    assertTrue(e.getMessage().contains("hashing"), e.getMessage());
  }

  @Test
  void sharedSetsWithinTheBudget_stillDecode() throws IOException {
    // 2^12 paths: well within the budget. (The original's buckets are stale, as sets were mutated
    // after insertion, so only the decoded shape is compared.)
    Set<?> back = (Set<?>) codec.decode(ByteBuffer.wrap(encode(HashBomb.sets(12))), JDK_ONLY);
    assertEquals(2, back.size());
  }

  /**
   * Encodes values of 3 and 4 elements, finds the length (the first byte where they differ) and
   * replaces it with a claim of 2^28 elements written by Kryo's own {@code Output}.
   */
  private byte[] claiming(IntFunction<Object> valueOfSize, boolean flagVarInt) throws IOException {
    byte[] three = encode(valueOfSize.apply(3));
    byte[] four = encode(valueOfSize.apply(4));
    int at = 0;
    while (three[at] == four[at]) {
      at++;
    }
    Output o = new Output(16);
    if (flagVarInt) {
      o.writeVarIntFlag((three[at] & 0x80) != 0, (int) CLAIM + 1, true);
    } else {
      o.writeVarInt((int) CLAIM + 1, true);
    }
    byte[] length = o.toBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(three, 0, at);
    out.write(length);
    out.write(three, at + 1, three.length - at - 1);
    return out.toByteArray();
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ArrayList", "HashSet", "HashMap", "long[]", "double[]", "boolean[]", "String[]",
      "Object[]", "String", "StringBuilder"})
  void hugeClaimedLength_isRefusedWithoutAllocatingIt(String shape) throws IOException {
    IntFunction<Object> value = switch (shape) {
      case "ArrayList" -> n -> new ArrayList<>(java.util.Collections.nCopies(n, 7L));
      case "HashSet" -> n -> { Set<Object> s = new HashSet<>(); for (int i = 0; i < n; i++) s.add(i); return s; };
      case "HashMap" -> n -> { Map<Object, Object> m = new HashMap<>(); for (int i = 0; i < n; i++) m.put(i, i); return m; };
      case "long[]" -> n -> new long[n];
      case "double[]" -> n -> new double[n];
      case "boolean[]" -> n -> new boolean[n];
      case "String[]" -> n -> new String[n];
      case "Object[]" -> n -> new Object[n];
      case "String" -> n -> "é".repeat(n);
      case "StringBuilder" -> n -> new StringBuilder("é".repeat(n));
      default -> throw new IllegalArgumentException(shape);
    };
    boolean flag = shape.equals("ArrayList") || shape.equals("HashSet") || shape.startsWith("String") && !shape.endsWith("[]");
    byte[] hostile = claiming(value, flag);
    assertTrue(hostile.length < 256, shape + ": " + hostile.length + " bytes");
    codec.decode(ByteBuffer.wrap(encode(value.apply(1))), JDK_ONLY); // warm up: classes, pooled Kryo
    long before = allocatedBytes();
    assertThrows(DecodeLimitException.class, () -> codec.decode(ByteBuffer.wrap(hostile), JDK_ONLY));
    long allocated = allocatedBytes() - before;
    assertTrue(allocated < 16 << 20, shape + ": allocated " + allocated + " bytes");
  }

  @Test
  void ordinaryValues_andHashedCollectionsOfRecords_roundTrip() throws IOException {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    for (int i = 0; i < 20_000; i++) {
      m.put("k" + i, List.of(i, i + 1));
    }
    assertEquals(m, codec.decode(ByteBuffer.wrap(encode(m)), JDK_ONLY));
    Set<List<Set<Integer>>> nested = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      nested.add(List.of(Set.of(i), Set.of(i + 1, i + 2)));
    }
    assertEquals(nested, codec.decode(ByteBuffer.wrap(encode(nested)), JDK_ONLY));
    long[] big = new long[1 << 20];
    big[7] = 7;
    assertArrayEquals(big, (long[]) codec.decode(ByteBuffer.allocateDirect(encode(big).length).put(encode(big)).flip(),
        JDK_ONLY));
  }
}
