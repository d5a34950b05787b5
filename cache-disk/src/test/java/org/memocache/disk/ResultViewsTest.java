package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.CorruptResultException;
import org.memocache.Memo;
import org.memocache.MemoizedMethod;
import org.memocache.disk.OutOfBandDiskTest.Dataset;
import org.memocache.disk.OutOfBandDiskTest.Matrix;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.view.DoubleView;
import org.memocache.view.IntView;
import org.memocache.view.ResultViews;

/** Views by path of the arrays inside stored object graphs. */
class ResultViewsTest {
  private static final int N = 100_000;
  private Path dir;
  private Memo memo;

  /** A result nesting arrays every way a path reaches. */
  public record Model(String name, Matrix left, List<double[]> layers, Map<String, int[]> counts, double[][] rows,
      double[] small, double[] none) {}

  @BeforeEach
  void open(TestInfo info) {
    dir = TestDirs.forTest(info);
    memo = Memo.builder().directory(dir).build();
  }

  @AfterEach
  void close() {
    memo.close();
  }

  private static double[] ramp(int n, double from) {
    return OutOfBandDiskTest.ramp(n, from);
  }

  private Model model() {
    Map<String, int[]> counts = new LinkedHashMap<>();
    int[] ints = new int[N];
    Arrays.setAll(ints, i -> i * 3);
    counts.put("alpha", ints);
    counts.put("beta", new int[] {7, 8});
    return new Model("m", Matrix.of(2, ramp(N, 1)), List.of(ramp(10, 2), ramp(N, 3)), counts,
        new double[][] {ramp(N, 4), ramp(5, 5), null}, ramp(100, 6), null);
  }

  @Test
  void recordOfTwoArrays_viewsByName_mapTheStoredArrays() {
    Dataset d = new Dataset(ramp(N, 0), ramp(N * 2, -1));
    memo.call("dataset", () -> d, 1);
    ResultViews r = memo.method("dataset").views(1).orElseThrow();
    DoubleView x = r.doubles("x");
    DoubleView y = r.doubles("y");
    assertEquals(N, x.size());
    assertEquals(d.x()[12_345], x.get(12_345));
    assertArrayEquals(d.y(), y.toArray());
    assertEquals(List.of("x", "y"), r.paths());
    assertEquals("DoubleView[dataset(1).x, double[" + N + "], " + r.info().key() + "]", x.toString());
    assertTrue(memo.method("dataset").views(2).isEmpty(), "not stored: empty");
  }

  @Test
  void nestedFieldsListElementsMapKeysAndRows_areViewable() {
    Model m = model();
    memo.call("model", () -> m, 1);
    ResultViews r = memo.method("model").views(1).orElseThrow();
    assertArrayEquals(m.left().data(), r.doubles("left.data").toArray());
    assertArrayEquals(m.layers().get(1), r.doubles("layers[1]").toArray());
    assertArrayEquals(m.layers().get(0), r.doubles("layers[0]").toArray(), "small: stored inline, copied");
    IntView alpha = r.view("counts.alpha").ints();
    assertEquals(3 * (N - 1), alpha.get(N - 1));
    assertArrayEquals(new int[] {7, 8}, r.view("counts.beta").ints().toArray());
    assertArrayEquals(m.rows()[0], r.doubles("rows[0]").toArray());
    assertArrayEquals(m.rows()[1], r.doubles("rows[1]").toArray());
    assertArrayEquals(m.small(), r.doubles("small").toArray());
    assertEquals(List.of("left.data", "layers[1]", "counts.alpha", "rows[0]"), r.paths());
  }

  @Test
  void wrongPaths_sayWhatIsThere() {
    memo.call("model", this::model, 1);
    ResultViews r = memo.method("model").views(1).orElseThrow();
    String matrix = Matrix.class.getName();
    String model = Model.class.getName();
    assertEquals("'left.dta' of model(1): 'left' is a " + matrix + ", which has no field 'dta'; its fields: rows, data",
        assertThrows(IllegalArgumentException.class, () -> r.view("left.dta")).getMessage());
    assertEquals("'x' of model(1): the result is a " + model + ", which has no component 'x'; its components: name,"
        + " left, layers, counts, rows, small, none",
        assertThrows(IllegalArgumentException.class, () -> r.view("x")).getMessage());
    assertEquals("'rows' of model(1) is a double[][]: view one row at a time, such as 'rows[0]'",
        assertThrows(IllegalArgumentException.class, () -> r.view("rows")).getMessage());
    assertEquals("'rows[3]' of model(1): index 3 is out of bounds for 'rows' of 3 elements",
        assertThrows(IllegalArgumentException.class, () -> r.view("rows[3]")).getMessage());
    assertEquals("'rows[2]' of model(1) is null",
        assertThrows(IllegalArgumentException.class, () -> r.view("rows[2]")).getMessage());
    assertEquals("'none.data' of model(1): 'none' is null",
        assertThrows(IllegalArgumentException.class, () -> r.view("none.data")).getMessage());
    assertEquals("'counts.gamma' of model(1): 'counts' is a java.util.LinkedHashMap without the key 'gamma'; its"
        + " keys: alpha, beta", assertThrows(IllegalArgumentException.class, () -> r.view("counts.gamma")).getMessage());
    assertEquals("'name' of model(1) is a java.lang.String, not a primitive array",
        assertThrows(IllegalArgumentException.class, () -> r.view("name")).getMessage());
    assertEquals("'left..data' is not a path: names separated by '.', each optionally followed by [index]",
        assertThrows(IllegalArgumentException.class, () -> r.view("left..data")).getMessage());
    IllegalStateException wrongType = assertThrows(IllegalStateException.class, () -> r.doubles("counts.alpha"));
    assertTrue(wrongType.getMessage().contains("int[" + N + "]"), wrongType.getMessage());
  }

  @Test
  void damagedBlock_isFoundByTheViewTouchingIt_only() throws Exception {
    Dataset d = new Dataset(ramp(N, 0), ramp(N, 1));
    memo.call("dataset", () -> d, 1);
    DiskTier tier = (DiskTier) memo.tiers().get(0);
    Path file = tier.store().entryFile(memo.method("dataset").keyOf(1).orElseThrow());
    EntryHeader h = EntryReader.readHeader(file);
    long[] y = OutOfBandDiskTest.block(file, 1);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = h.payloadOffset() + y[0] + 8 * (N / 2); // a block of y alone
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
    ResultViews r = memo.method("dataset").views(1).orElseThrow();
    assertArrayEquals(d.x(), r.doubles("x").toArray(), "x's blocks are intact");
    DoubleView yv = r.doubles("y");
    assertEquals(d.y()[N - 1], yv.get(N - 1), "a block of y far from the damage");
    assertThrows(CorruptResultException.class, () -> yv.get(N / 2));
    assertEquals(d.y()[10], yv.get(10), "y's other blocks still read");
    assertFalse(Files.exists(file), "damaged entry deleted");
    assertEquals(1, tier.counters().corrupt());
  }

  @Test
  void entryOfThePreviousKryoVersion_isNotViewable() {
    try (Memo old = Memo.builder().directory(dir).codec(new OutOfBandDiskTest.KryoV1()).build()) {
      old.call("dataset", () -> new Dataset(ramp(N, 0), ramp(N, 1)), 1);
    }
    MemoizedMethod m = memo.method("dataset");
    assertTrue(m.views(1).isEmpty());
    assertTrue(m.lookup(1).isEmpty());
  }

  @Test
  void primitiveArrayResult_isTheEmptyPath() {
    double[] a = ramp(N, 0);
    memo.call("array", () -> a, 1);
    ResultViews r = memo.method("array").views(1).orElseThrow();
    assertArrayEquals(a, r.doubles("").toArray());
    assertEquals(List.of(""), r.paths());
  }
}
