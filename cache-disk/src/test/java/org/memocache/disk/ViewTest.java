package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memocache.CorruptResultException;
import org.memocache.Memo;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.view.ArrayView;
import org.memocache.view.BooleanView;
import org.memocache.view.ByteView;
import org.memocache.view.CharView;
import org.memocache.view.DoubleView;
import org.memocache.view.FloatView;
import org.memocache.view.IntView;
import org.memocache.view.LongView;
import org.memocache.view.ShortView;

/** Memory-mapped views of stored arrays: values, slices, rows, lazy per-block verification, lifetime. */
class ViewTest {
  private Path dir;
  private Memo memo;

  @BeforeEach
  void open(TestInfo info) {
    dir = TestDirs.forTest(info);
    memo = Memo.builder().directory(dir).build();
  }

  @AfterEach
  void close() {
    memo.close();
  }

  private static double[] ramp(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5 - 3;
    }
    return a;
  }

  private DiskTier tier() {
    return (DiskTier) memo.tiers().get(0);
  }

  @ParameterizedTest(name = "elements={0}")
  @ValueSource(ints = {0, 1, 1000, 300_000})
  void mapDoubles_valuesAndSlicesEqualTheStoredArray(int n) {
    double[] a = ramp(n);
    memo.call("ramp", () -> a, n);
    DoubleView v = memo.method("ramp").view(DoubleView.class, n).orElseThrow();
    assertEquals(n, v.size());
    assertEquals(1, v.rank());
    assertEquals(double.class, v.elementType());
    assertArrayEquals(a, v.toArray());
    for (int i = 0; i < n; i += Math.max(1, n / 997)) {
      assertEquals(a[i], v.get(i), "element " + i);
    }
    if (n >= 1000) {
      long from = n / 7;
      long to = n - n / 5;
      assertArrayEquals(Arrays.copyOfRange(a, (int) from, (int) to), v.slice(from, to).toArray());
      double[] dst = new double[(int) (to - from) + 3];
      v.copyTo(from, to, dst, 3);
      assertArrayEquals(Arrays.copyOfRange(a, (int) from, (int) to), Arrays.copyOfRange(dst, 3, dst.length));
      assertEquals(Arrays.stream(a).sum(), v.stream().sum(), 1e-6);
      assertEquals(a[(int) from + 5], v.slice(from, to).get(5));
      assertEquals(a[n - 1], v.get(0, n - 1), "a one-dimensional view is one row");
    }
    assertThrows(IndexOutOfBoundsException.class, () -> v.get(n));
    assertThrows(IndexOutOfBoundsException.class, () -> v.get(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> v.slice(0, n + 1L));
    assertTrue(v.info().sizeBytes() > 8L * n);
    assertEquals("raw-array", v.info().codec());
  }

  /** One value of each primitive type, one- and two-dimensional (rectangular, jagged, with null rows). */
  static Object sample(String type, int shape) {
    Class<?> c = switch (type) {
      case "boolean" -> boolean.class;
      case "byte" -> byte.class;
      case "short" -> short.class;
      case "char" -> char.class;
      case "int" -> int.class;
      case "long" -> long.class;
      case "float" -> float.class;
      default -> double.class;
    };
    Random rnd = new Random(type.hashCode() * 31L + shape);
    if (shape == 1) {
      return fill(Array.newInstance(c, 50_000), rnd);
    }
    int[] lengths = shape == 2 ? new int[] {700, 700, 700, 700} : new int[] {3, -1, 0, 40_000, 5, -1};
    Object rows = Array.newInstance(Array.newInstance(c, 0).getClass(), lengths.length);
    for (int r = 0; r < lengths.length; r++) {
      if (lengths[r] >= 0) {
        Array.set(rows, r, fill(Array.newInstance(c, lengths[r]), rnd));
      }
    }
    return rows;
  }

  private static Object fill(Object array, Random rnd) {
    for (int i = 0; i < Array.getLength(array); i++) {
      Object v = switch (array.getClass().getComponentType().getName()) {
        case "boolean" -> rnd.nextBoolean();
        case "byte" -> (byte) rnd.nextInt();
        case "short" -> (short) rnd.nextInt();
        case "char" -> (char) rnd.nextInt();
        case "int" -> rnd.nextInt();
        case "long" -> rnd.nextLong();
        case "float" -> rnd.nextFloat();
        default -> rnd.nextDouble();
      };
      Array.set(array, i, v);
    }
    return array;
  }

  /** The typed view's whole content and one row, as arrays, through its typed methods. */
  private static Object toArray(ArrayView v) {
    if (v instanceof DoubleView d) {
      return d.toArray();
    } else if (v instanceof FloatView f) {
      return f.toArray();
    } else if (v instanceof LongView l) {
      return l.toArray();
    } else if (v instanceof IntView i) {
      return i.toArray();
    } else if (v instanceof ShortView s) {
      return s.toArray();
    } else if (v instanceof CharView c) {
      return c.toArray();
    } else if (v instanceof ByteView b) {
      return b.toArray();
    }
    return ((BooleanView) v).toArray();
  }

  private static Object row(ArrayView v, int r) {
    if (v instanceof DoubleView d) {
      return d.row(r).toArray();
    } else if (v instanceof FloatView f) {
      return f.row(r).toArray();
    } else if (v instanceof LongView l) {
      return l.row(r).toArray();
    } else if (v instanceof IntView i) {
      return i.row(r).toArray();
    } else if (v instanceof ShortView s) {
      return s.row(r).toArray();
    } else if (v instanceof CharView c) {
      return c.row(r).toArray();
    } else if (v instanceof ByteView b) {
      return b.row(r).toArray();
    }
    return ((BooleanView) v).row(r).toArray();
  }

  private static Object element(ArrayView v, int r, int c) {
    if (v instanceof DoubleView d) {
      return d.get(r, c);
    } else if (v instanceof FloatView f) {
      return f.get(r, c);
    } else if (v instanceof LongView l) {
      return l.get(r, c);
    } else if (v instanceof IntView i) {
      return i.get(r, c);
    } else if (v instanceof ShortView s) {
      return s.get(r, c);
    } else if (v instanceof CharView ch) {
      return ch.get(r, c);
    } else if (v instanceof ByteView b) {
      return b.get(r, c);
    }
    return ((BooleanView) v).get(r, c);
  }

  /** Concatenates the non-null rows of a 2-D array, as a view's flat index runs. */
  private static Object flat(Object value) {
    if (!value.getClass().getComponentType().isArray()) {
      return value;
    }
    Class<?> c = value.getClass().getComponentType().getComponentType();
    int total = 0;
    for (int r = 0; r < Array.getLength(value); r++) {
      Object row = Array.get(value, r);
      total += row == null ? 0 : Array.getLength(row);
    }
    Object out = Array.newInstance(c, total);
    int at = 0;
    for (int r = 0; r < Array.getLength(value); r++) {
      Object row = Array.get(value, r);
      if (row != null) {
        System.arraycopy(row, 0, out, at, Array.getLength(row));
        at += Array.getLength(row);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"boolean", "byte", "short", "char", "int", "long", "float", "double"})
  void everyPrimitiveType_oneAndTwoDimensional_readsBackExactly(String type) {
    for (int shape = 1; shape <= 3; shape++) {
      Object value = sample(type, shape);
      int s = shape;
      memo.call("sample", () -> value, type, shape);
      ArrayView v = memo.method("sample").view(type, s).orElseThrow();
      assertEquals(type, v.elementType().getName());
      assertTrue(Arrays.deepEquals(new Object[] {flat(value)}, new Object[] {toArray(v)}), type + " shape " + shape);
      if (shape == 1) {
        assertEquals(1, v.rank());
        assertEquals(Array.getLength(value), v.size());
        continue;
      }
      assertEquals(2, v.rank());
      assertEquals(Array.getLength(value), v.rows());
      assertEquals(shape == 2 ? 700 : -1, v.columns());
      for (int r = 0; r < v.rows(); r++) {
        Object expected = Array.get(value, r);
        if (expected == null) {
          assertEquals(-1, v.rowLength(r));
          int row = r;
          assertThrows(NullPointerException.class, () -> row(v, row));
          continue;
        }
        assertEquals(Array.getLength(expected), v.rowLength(r));
        assertTrue(Arrays.deepEquals(new Object[] {expected}, new Object[] {row(v, r)}), type + " row " + r);
        if (Array.getLength(expected) > 2) {
          assertEquals(Array.get(expected, 2), element(v, r, 2), type + " [" + r + "][2]");
        }
      }
    }
  }

  @Test
  void flippedByte_inOneBlock_isDetectedBySlicesTouchingIt_andNotByOthers() throws Exception {
    int n = 1_000_000; // 8 MB: 123 blocks of 64 KiB
    double[] a = ramp(n);
    memo.call("big", () -> a, n);
    Path file = tier().store().entryFile(memo.method("big").keyOf(n).orElseThrow());
    EntryHeader h = EntryReader.readHeader(file);
    int bad = 50;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = h.payloadOffset() + (long) bad * h.blockSize() + 100;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
    // Opening verifies only the first block: the damage is not noticed yet.
    DoubleView v = memo.method("big").view(DoubleView.class, n).orElseThrow();
    int perBlock = h.blockSize() / 8;
    // Element i is at payload byte 64 + 8 i: block 50 holds elements from (50 * 65536 - 64) / 8.
    long firstOfBad = ((long) bad * h.blockSize() - 64) / 8;
    long lastOfBad = ((long) (bad + 1) * h.blockSize() - 64) / 8 - 1;
    assertArrayEquals(Arrays.copyOfRange(a, 0, 10 * perBlock), v.toArray(0, 10 * perBlock));
    assertArrayEquals(Arrays.copyOfRange(a, (int) lastOfBad + 1, (int) lastOfBad + 1 + perBlock),
        v.toArray(lastOfBad + 1, lastOfBad + 1 + perBlock), "the block right after the damaged one");
    assertEquals(a[(int) firstOfBad - 1], v.get(firstOfBad - 1), "the element right before it");

    CorruptResultException e = assertThrows(CorruptResultException.class, () -> v.toArray(firstOfBad - 5, firstOfBad + 5));
    assertEquals(bad, e.block());
    assertEquals(file.toString(), e.source());
    assertTrue(e.getMessage().contains("block 50 of 123") && e.getMessage().contains(file.toString()), e.getMessage());
    assertThrows(CorruptResultException.class, () -> v.get(lastOfBad), "every read touching it");
    assertThrows(CorruptResultException.class, () -> v.stream().sum());

    // Reads elsewhere still work, on this view and on slices of it.
    assertEquals(a[n - 1], v.get(n - 1));
    assertArrayEquals(Arrays.copyOfRange(a, 900_000, 900_100), v.slice(900_000, 900_100).toArray());
    // The damaged entry is gone, counted, and a miss: the next call computes it again.
    assertFalse(Files.exists(file));
    assertEquals(1, tier().counters().corrupt());
    assertTrue(memo.method("big").view(DoubleView.class, n).isEmpty());
  }

  @Test
  void view_staysValid_whenItsEntryIsInvalidatedOrReplaced() {
    int n = 200_000;
    double[] a = ramp(n);
    memo.call("v", () -> a, 1);
    DoubleView v = memo.method("v").view(DoubleView.class, 1).orElseThrow();
    assertEquals(a[0], v.get(0));
    assertTrue(memo.method("v").invalidate(1));
    assertTrue(memo.method("v").view(DoubleView.class, 1).isEmpty());
    double[] b = ramp(n);
    b[7] = 42;
    memo.call("v", () -> b, 1);
    assertArrayEquals(a, v.toArray(), "the view keeps the value it was opened on");
    assertEquals(42, memo.method("v").view(DoubleView.class, 1).orElseThrow().get(7));
  }

  @Test
  void manyThreads_readOneView_eachBlockRightEverywhere() throws Exception {
    int n = 2_000_000;
    double[] a = ramp(n);
    memo.call("shared", () -> a, n);
    DoubleView v = memo.method("shared").view(DoubleView.class, n).orElseThrow();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        long seed = t;
        fs.add(pool.submit(() -> {
          Random rnd = new Random(seed);
          int wrong = 0;
          for (int i = 0; i < 20_000; i++) {
            int k = rnd.nextInt(n);
            if (v.get(k) != a[k]) {
              wrong++;
            }
          }
          return wrong;
        }));
      }
      for (Future<Integer> f : fs) {
        assertEquals(0, f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void wrongType_isIllegal_andNamesWhatIsStored() {
    memo.call("ints", () -> new int[] {1, 2, 3}, 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> memo.method("ints").view(DoubleView.class, 1));
    assertEquals("ints(1) holds int[3], not the elements of a DoubleView", e.getMessage());
    assertArrayEquals(new int[] {1, 2, 3}, memo.method("ints").view(IntView.class, 1).orElseThrow().toArray());

    memo.call("text", () -> "not an array", 1);
    IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> memo.method("text").view(1));
    assertEquals("text(1) is not stored as a primitive array (codec scalar v1): only double[], int[][] and other"
        + " primitive arrays of one or two dimensions can be viewed; use lookup to load it, or MemoizedMethod.views for"
        + " the arrays inside it", k.getMessage());
    assertTrue(memo.method("nothing").view(1).isEmpty());
  }

  @Test
  void viewKey_opensByTheKeyTheListingShows() {
    double[] a = ramp(5000);
    memo.call("byKey", () -> a, "x");
    String hex = memo.method("byKey").entries().get(0).key();
    assertArrayEquals(a, memo.viewKey(hex).orElseThrow().doubles().toArray());
  }

  @Test
  void memoryOnlyMemo_cannotView() {
    try (Memo m = Memo.builder().memoryOnly().build()) {
      m.call("x", () -> new double[3], 1);
      assertThrows(IllegalStateException.class, () -> m.method("x").view(DoubleView.class, 1));
    }
  }
}
