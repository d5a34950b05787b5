package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.memocache.CacheKey;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;

/**
 * Entry files are written byte for byte as the released format 3 writer wrote them, for every codec
 * and both write paths (a small entry in one write, a big payload streamed): a directory shared with
 * processes of another MemoCache version keeps serving both. The expected SHA-256 digests were taken
 * from files written by that writer; a change here is a change of the on-disk format.
 */
class EntryBytesTest extends TierTestBase {

  /** A result class stored by the {@code kryo} codec. */
  record Sample(String label, int[] counts, List<String> tags) {}

  /** A Kryo result bigger than 1 MiB: its payload is written before its header, with reserved shape room. */
  record Series(String name, double[] values) {}

  private static double[] doubles(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5 + 1;
    }
    return a;
  }

  private static Map<String, @Nullable Object> values() {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("null", null);
    v.put("scalar", "h\u00e9llo");
    v.put("long", 42L);
    v.put("int[]", new int[] {1, 2, 3});
    v.put("double[][]", new double[][] {{1, 2}, {3, 4}, {5, 6}});
    v.put("record", new Sample("s", new int[] {7, 8}, List.of("a", "b")));
    v.put("list", new ArrayList<>(List.of(1, "two", 3.0)));
    v.put("big record", new Series("x", doubles(200_000)));
    v.put("16 MB double[]", doubles(2_000_000));
    return v;
  }

  private static final Map<String, String> EXPECTED = Map.ofEntries(
      Map.entry("null", "e3680fbee626d545829a89d6b9cb9332b4e4adff7e095a3c5e5a3f3a9aded430"),
      Map.entry("scalar", "7d935406bba7e6db68619716715d2d2541455f7ba52acc15592af999362e1901"),
      Map.entry("long", "75bfe3e23c560d77812e7b0ca76483fc42f15a7345994cf45764fe5a64554ca5"),
      Map.entry("int[]", "6b462f07e513461a61d770f0a3c3814c47c8bd931254180fa66b3fbaa8fe8d34"),
      Map.entry("double[][]", "b0688798408d4d45559b7fd0a3fdff9c7021fc77f269d2d34dcb9d1e7e57c8b5"),
      Map.entry("record", "6fde0e797ab3e65618045d631528ea6c3480e89ac5ec3ce1ea4a33943eb53215"),
      Map.entry("list", "b5189412c84defeb5eb790248e319704af4d1cdc6e445ace737a809f27c87807"),
      Map.entry("big record", "f8d548c849487701ba63b6bb0d49235b2ccb9904a456dcf52d9cd5c344705387"),
      Map.entry("16 MB double[]", "bfbaf8dd96d59b80a5d4be8f9c9514adf6bdfdd4f7271ce0edff6fd41fb7f8aa"));

  @Test
  void entryFiles_areWrittenAsFormat3WasWritten() throws Exception {
    Map<String, String> actual = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, @Nullable Object> e : values().entrySet()) {
      CacheKey key = TestKeys.key(i++);
      assertTrue(TestKeys.put(tier, key, e.getValue(), TestKeys.meta("case " + e.getKey())), e.getKey());
      EntryHeader h = EntryReader.readHeader(tier.store().entryFile(key));
      assertEquals(EntryHeader.FORMAT_VERSION, h.formatVersion());
      byte[] file = Files.readAllBytes(tier.store().entryFile(key));
      actual.put(e.getKey(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
    }
    assertEquals(EXPECTED, actual, "SHA-256 of the entry files");
  }
}
