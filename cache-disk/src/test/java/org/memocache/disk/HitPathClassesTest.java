package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.Memo;

/**
 * What a fresh JVM loads to open the default {@code Memo} and serve a first disk hit of a
 * {@code double[]}, a {@code double} or a record of arrays (no Kryo for any): not the index (MapDB),
 * not Kryo's serializers, not the process identity, not the record method bootstrap, not the
 * maintainer and the partial-result store; nor, for a mutable object computed and then asked for
 * again, Kryo to copy it. Each of these cost milliseconds to tens of milliseconds
 * of a one-shot job's start-up; the child JVM's class-load log shows when one comes back.
 */
class HitPathClassesTest {
  private static final String MARK = "@@mark ";

  /** A result record of arrays, the common scientific result shape. */
  public record Dataset(double[] x, double[] y) {}

  /** Immutable collections of records and an enum-keyed map of arrays, as {@code List.of} and {@code Map.of} make them. */
  public record Survey(List<Point> points, Map<Phase, double[]> byPhase) {}

  public record Point(double x, double y) {}

  public enum Phase { SOLID, LIQUID }

  /** A mutable object of a class of its own, as a library's matrix is: copied for callers, not rebuilt. */
  public static final class Grid {
    final double[][] cells;

    Grid(double[][] cells) {
      this.cells = cells;
    }
  }

  private static Survey survey() {
    return new Survey(List.of(new Point(1, 2), new Point(3, 4), new Point(5, 6)),
        Map.of(Phase.SOLID, new double[] {1, 2}, Phase.LIQUID, new double[50_000]));
  }

  public static void main(String[] args) {
    if (args[0].equals("store")) {
      try (Memo memo = Memo.builder().build()) {
        memo.call("hitpath.array", () -> new double[] {1, 2, 3}, 7);
        memo.call("hitpath.scalar", () -> 2.5, 7);
        memo.call("hitpath.record", () -> new Dataset(new double[] {1, 2}, new double[50_000]), 7);
        memo.call("hitpath.survey", HitPathClassesTest::survey, 7);
        memo.call("hitpath.grid", () -> new Grid(new double[][] {{1, 2}, {3, 4}}), 7);
      }
      return;
    }
    // Every other mode opens the default Memo and serves one value from disk, between marks.
    System.out.println(MARK + "open");
    Memo memo = Memo.builder().build();
    System.out.println(MARK + "opened");
    String shown = switch (args[0]) {
      case "grid-memory" -> {
        // Computed here (the memory tier keeps a copy), then a memory hit: a copy for this caller.
        Grid computed = memo.call("hitpath.grid.memory", () -> new Grid(new double[][] {{5, 6}, {7, 8}}), 7);
        Grid g = HitPathClassesTest.<Grid>fromDisk(memo, "hitpath.grid.memory");
        yield Arrays.deepToString(g.cells) + " own copy " + (g != computed && g.cells != computed.cells
            && g.cells[0] != computed.cells[0]) + ", memory hits " + memo.stats().memoryHits();
      }
      case "grid" -> {
        Grid g = fromDisk(memo, "hitpath.grid");
        yield Arrays.deepToString(g.cells);
      }
      case "survey" -> {
        Survey s = fromDisk(memo, "hitpath.survey");
        yield s.points() + " " + s.byPhase().get(Phase.LIQUID).length + " " + s.points().getClass().getName();
      }
      case "record" -> {
        Dataset d = fromDisk(memo, "hitpath.record");
        yield Arrays.toString(d.x()) + " " + d.y().length;
      }
      case "scalar" -> {
        double d = HitPathClassesTest.<Double>fromDisk(memo, "hitpath.scalar");
        yield String.valueOf(d);
      }
      default -> Arrays.toString(HitPathClassesTest.<double[]>fromDisk(memo, "hitpath.array"));
    };
    System.out.println(MARK + "hit " + shown);
    memo.close();
  }

  /**
   * The value of {@code name}, which must be cached (on disk, or in memory): an anonymous class
   * rather than a lambda, whose linking would add its own classes to what the hit loads.
   */
  private static <T> T fromDisk(Memo memo, String name) {
    return memo.call(name, new Supplier<T>() {
      @Override
      public T get() {
        throw new IllegalStateException(name + " was not served from disk");
      }
    }, 7);
  }

  /**
   * Stores every value, serves {@code mode}'s from disk in a fresh JVM, checks it printed
   * {@code served}, and returns the classes loaded between open and the hit.
   */
  private static List<String> classesOfFirstHit(Path tmp, String mode, String served)
      throws IOException, InterruptedException {
    Path dir = tmp.resolve("cache");
    run(dir, "store");
    List<String> lines = run(dir, mode);
    assertTrue(lines.contains(MARK + "hit " + served), "served " + lines.stream().filter(l -> l.startsWith(MARK)).toList());
    assertTrue(loadedBetween(lines, "open", "opened").size() > 100, "the class-load log was not parsed");
    return loadedBetween(lines, "opened", "hit");
  }

  private static List<String> run(Path dir, String mode) throws IOException, InterruptedException {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load:stdout:tid,tags", "-Dmemocache.dir=" + dir, "-cp", System.getProperty("java.class.path"),
        HitPathClassesTest.class.getName(), mode);
    Path err = dir.resolveSibling(mode + ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), mode + " child failed: " + Files.readString(err));
    return out.lines().toList();
  }

  private static List<String> loadedBetween(List<String> lines, String from, String to) {
    return loadedBetween(lines, from, to, "");
  }

  /**
   * The classes loaded between two marks by the thread whose log lines start with {@code thread}
   * ({@code "[<tid>]"}), or by any thread for {@code ""}.
   */
  private static List<String> loadedBetween(List<String> lines, String from, String to, String thread) {
    int start = -1;
    List<String> classes = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (isMark(l, from)) {
        start = i;
      } else if (isMark(l, to)) {
        assertTrue(start >= 0, "mark " + from + " missing: " + lines);
        return classes;
      } else if (start >= 0 && l.startsWith(thread + "[") && l.contains("class,load")) {
        String[] parts = l.split(" ");
        classes.add(parts[1]);
      }
    }
    throw new AssertionError("mark " + to + " missing: " + lines);
  }

  /** {@code "[<tid>]"} of the child's main thread: the one that loaded this class. */
  private static String mainThread(List<String> lines) {
    for (String l : lines) {
      if (l.contains("[class,load] " + HitPathClassesTest.class.getName() + " ")) {
        return l.substring(0, l.indexOf(']') + 1);
      }
    }
    throw new AssertionError("the child's main thread is not in the class-load log");
  }

  private static boolean isMark(String line, String mark) {
    return line.equals(MARK + mark) || line.startsWith(MARK + mark + " ");
  }

  private static List<String> matching(List<String> classes, String prefix) {
    return classes.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  @Test
  void openAndFirstArrayHit_loadNeitherTheIndexNorKryoSerializers(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("cache");
    run(dir, "store");
    List<String> lines = run(dir, "hit");
    assertTrue(lines.contains(MARK + "hit [1.0, 2.0, 3.0]"), "served " + lines.stream().filter(l -> l.startsWith(MARK)).toList());

    List<String> open = loadedBetween(lines, "open", "opened");
    List<String> hit = loadedBetween(lines, "opened", "hit");
    List<String> both = new ArrayList<>(open);
    both.addAll(hit);
    assertTrue(open.size() > 100, "the class-load log was not parsed: " + open.size() + " classes");
    assertEquals(List.of(), matching(both, "org.mapdb."), "MapDB is for maintenance only");
    assertEquals(List.of(), matching(both, "org.memocache.disk.internal.Index"), "the index is for maintenance only");
    assertEquals(List.of(), matching(both, "com.esotericsoftware."),
        "the codec list names no Kryo type, and a raw array hit needs no Kryo class");
    // The warm-up thread reads it during open, for the journal this process writes when it closes.
    String main = mainThread(lines);
    List<String> onMain = new ArrayList<>(loadedBetween(lines, "open", "opened", main));
    onMain.addAll(loadedBetween(lines, "opened", "hit", main));
    assertEquals(List.of(), matching(onMain, "org.memocache.disk.internal.ProcessIdentity"),
        "the process identity is for writers and journals, not for the thread that opens and reads");
    assertEquals(List.of(), matching(both, "java.lang.runtime.ObjectMethods"),
        "keys compared with generated record methods bootstrap ObjectMethods");
    assertEquals(List.of(), matching(both, "java.util.concurrent.ScheduledThreadPoolExecutor"),
        "a reader needs neither the journal's flusher nor the locks' heartbeat thread");
    for (String upkeep : List.of("Maintainer", "Sweeper", "Evictor", "Pruner", "JournalFolder", "PartialStore")) {
      assertEquals(List.of(), matching(both, "org.memocache.disk.internal." + upkeep),
          "maintenance and partial results are made when first needed, not to open and read");
    }
  }

  @Test
  void firstHitOfARecordOfArrays_loadsNoKryoClass(@TempDir Path tmp) throws Exception {
    List<String> hit = classesOfFirstHit(tmp, "record", "[1.0, 2.0] 50000");
    assertEquals(List.of(), matching(hit, "com.esotericsoftware."), "a record of arrays is stored without Kryo");
    assertEquals(List.of(), matching(hit, "org.objenesis."), "a record is built through its constructor");
    assertTrue(hit.contains("org.memocache.internal.codec.FieldsCodec$Reader"), "decoded by the fields codec: " + hit);
  }

  @Test
  void firstHitOfImmutableCollectionsOfRecords_loadsNoKryoClass(@TempDir Path tmp) throws Exception {
    Survey s = survey();
    List<String> hit = classesOfFirstHit(tmp, "survey", s.points() + " 50000 " + s.points().getClass().getName());
    assertEquals(List.of(), matching(hit, "com.esotericsoftware."), "List.of and Map.of of records and arrays: no Kryo");
    assertEquals(List.of(), matching(hit, "org.objenesis."), "records are built through their constructors");
    assertTrue(hit.contains("org.memocache.internal.codec.FieldsCodec$Reader"), "decoded by the fields codec: " + hit);
  }

  @Test
  void firstHitOfAMutableObject_loadsNoKryoClass_toCopyItForTheCaller(@TempDir Path tmp) throws Exception {
    List<String> hit = classesOfFirstHit(tmp, "grid", "[[1.0, 2.0], [3.0, 4.0]]");
    assertEquals(List.of(), matching(hit, "com.esotericsoftware."),
        "decoded by the fields codec, and copied field by field for the caller");
    assertTrue(hit.contains("org.memocache.internal.codec.FieldsCopier"), "copied field by field: " + hit);
  }

  @Test
  void memoryHitOfAMutableObject_loadsNoKryoClass_toCopyItForTheCallerOrTheMemoryTier(@TempDir Path tmp)
      throws Exception {
    List<String> hit = classesOfFirstHit(tmp, "grid-memory", "[[5.0, 6.0], [7.0, 8.0]] own copy true, memory hits 1");
    assertEquals(List.of(), matching(hit, "com.esotericsoftware."),
        "copied field by field when computed (the memory tier's copy) and on the memory hit (the caller's)");
    assertTrue(hit.contains("org.memocache.internal.codec.FieldsCopier"), "copied field by field: " + hit);
  }

  @Test
  void firstScalarHit_loadsNoKryoClass(@TempDir Path tmp) throws Exception {
    List<String> hit = classesOfFirstHit(tmp, "scalar", "2.5");
    assertEquals(List.of(), matching(hit, "com.esotericsoftware."), "a boxed double is stored without Kryo");
  }
}
