package org.memocache.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.bench.Floor;

/**
 * The second-run workload's pieces, in real child JVMs where processes matter: the values and their
 * checks, {@link FreshChild} storing and then serving without computing, and {@link Floor} reading
 * what it wrote and refusing a flipped byte.
 */
class FreshChildTest {
  private static final long BIG = 8L << 20; // the "big" case, kept small here

  @Test
  void everyCaseChecksItsOwnValue() {
    for (String c : FreshValues.CASES) {
      assertTrue(FreshValues.check(c, BIG, FreshValues.compute(c, BIG)), c);
    }
  }

  @Test
  void checksRefuseOtherValues() {
    double[] array = (double[]) FreshValues.compute("array", BIG);
    array[0] = -1;
    assertFalse(FreshValues.check("array", BIG, array));
    assertFalse(FreshValues.check("array", BIG, new double[FreshValues.N - 1]));
    FreshValues.Dataset d = (FreshValues.Dataset) FreshValues.compute("dataset", BIG);
    d.y()[17] += 1e-9;
    assertFalse(FreshValues.check("dataset", BIG, d));
    Array2DRowRealMatrix m = (Array2DRowRealMatrix) FreshValues.compute("matrix", BIG);
    m.setEntry(7, 0, 0);
    assertFalse(FreshValues.check("matrix", BIG, m));
    assertFalse(FreshValues.check("double", BIG, Math.PI));
    @SuppressWarnings("unchecked")
    List<FreshValues.Point> list = new ArrayList<>((List<FreshValues.Point>) FreshValues.compute("list", BIG));
    list.set(97, new FreshValues.Point(97, 0, 0));
    assertFalse(FreshValues.check("list", BIG, list));
    @SuppressWarnings("unchecked")
    Map<String, double[]> map = new LinkedHashMap<>((Map<String, double[]>) FreshValues.compute("map", BIG));
    map.remove("series-03");
    assertFalse(FreshValues.check("map", BIG, map));
    assertFalse(FreshValues.check("big", BIG, FreshValues.compute("big", 2 * BIG)));
  }

  @Test
  void aFreshJvmIsServedWhatAnEarlierOneStored(@TempDir Path dir) throws Exception {
    for (String c : List.of("dataset", "matrix", "list")) {
      Path cache = dir.resolve(c);
      Run prepare = java(FreshChild.class, "prepare", c, cache.toString(), "" + BIG);
      assertEquals(List.of("INFO computed=1 wrong=0"), prepare.lines, c);
      Run hit = java(FreshChild.class, "hit", c, cache.toString(), "" + BIG);
      assertEquals("INFO computed=0 wrong=0", hit.lines.get(hit.lines.size() - 1), c + ": " + hit.lines);
      for (String metric : List.of("first-call", "open", "first-get")) {
        assertTrue(hit.lines.stream().anyMatch(l -> l.matches("SAMPLES " + metric + " ms \\d+\\.\\d{6}")),
            c + " " + metric + ": " + hit.lines);
      }
      ChildOutput parsed = ChildOutput.parse(hit.lines, hit.exit, 0, "");
      assertTrue(parsed.ok());
      assertEquals(parsed.samples().get("first-call")[0],
          parsed.samples().get("open")[0] + parsed.samples().get("first-get")[0], 0.01, c);
    }
    Run recompute = java(FreshChild.class, "recompute", "double", dir.resolve("none").toString(), "" + BIG);
    assertEquals("INFO computed=0 wrong=0", recompute.lines.get(1), recompute.lines.toString());
  }

  @Test
  void floorReadsWhatItWroteAndRefusesAFlippedByte(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("floor.bin");
    assertEquals(0, java(Floor.class, "write", file.toString(), "3", "1000").exit);
    Run read = java(Floor.class, "read", file.toString(), "3", "1000");
    assertEquals(0, read.exit, read.lines.toString());
    assertEquals(List.of("map", "crc32c", "allocate", "copy", "first-call"),
        read.lines.stream().map(l -> l.split(" ")[1]).toList());
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(12_345);
      int b = f.read();
      f.seek(12_345);
      f.write(b ^ 0x10);
    }
    Run damaged = java(Floor.class, "read", file.toString(), "3", "1000");
    assertNotEquals(0, damaged.exit);
    assertTrue(damaged.err.contains(file + ": CRC32C mismatch"), damaged.err);
  }

  private record Run(int exit, List<String> lines, String err) {}

  private static Run java(Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out: " + cmd);
    return new Run(p.exitValue(), out.lines().toList(), err);
  }
}
