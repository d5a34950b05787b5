package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memocache.CacheKey;
import org.memocache.disk.internal.EntryHeader;
import org.memocache.disk.internal.EntryReader;
import org.memocache.internal.codec.FieldsCodec;
import org.memocache.internal.codec.KryoCodec;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.Tier;
import org.memocache.spi.ValueCodec;
import org.memocache.testing.LogCapture;
import org.memocache.internal.codec.TierValues;

/**
 * Entries this process cannot use (written for another definition of a result class, by a codec or
 * codec version it lacks, or in another entry format) are counted misses that are never decoded and
 * never deleted.
 */
class ForeignEntryTest extends TierTestBase {
  private static final String PKG = "org.memocache.disk.shapes";

  /** Two versions of the result classes, and how each prints the value both build from (500.5, 1000.0). */
  static Stream<Arguments> versions() {
    return Stream.of(
        Arguments.of("record component renamed",
            "public record Summary(double mean, double max) {}",
            "public record Summary(double mean, double spread) {}",
            "new Summary(500.5, 1000.0)"),
        Arguments.of("record component type changed",
            "public record Summary(double mean, double max) {}",
            "public record Summary(double mean, float max) {}",
            "new Summary(500.5, 1000.0f)"),
        Arguments.of("plain class field renamed",
            "public class Summary { double mean; double max;"
                + " public Summary(double m, double x) { mean = m; max = x; }"
                + " public String toString() { return \"mean=\" + mean + \" max=\" + max; } }",
            "public class Summary { double mean; double spread;"
                + " public Summary(double m, double x) { mean = m; spread = x; }"
                + " public String toString() { return \"mean=\" + mean + \" spread=\" + spread; } }",
            "new Summary(500.5, 1000.0)"),
        Arguments.of("field added to a superclass",
            "public class Summary extends Base { double mean;"
                + " public Summary(double m, double x) { mean = m; max = x; }"
                + " public String toString() { return \"mean=\" + mean + \" max=\" + max; } }"
                + " class Base { double max; }",
            "public class Summary extends Base { double mean;"
                + " public Summary(double m, double x) { mean = m; max = x; }"
                + " public String toString() { return \"mean=\" + mean + \" max=\" + max; } }"
                + " class Base { int unit; double max; }",
            "new Summary(500.5, 1000.0)"),
        Arguments.of("nested record (written without its class name) changed",
            "public record Summary(Stats stats) {} record Stats(double mean, double max) {}",
            "public record Summary(Stats stats) {} record Stats(double mean, double spread) {}",
            "new Summary(new Stats(500.5, 1000.0))"),
        Arguments.of("element in a list changed",
            "public record Summary(java.util.List<Object> parts) {} record Part(double mean, double max) {}",
            "public record Summary(java.util.List<Object> parts) {} record Part(double mean, double spread) {}",
            "new Summary(java.util.List.of(new Part(500.5, 1000.0)))"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void anotherDefinitionOfAResultClass_isAForeignMiss_neverDecoded_neverDeleted(String what, String v1, String v2,
      String make) throws Exception {
    ClassLoader a = compile("a", v1, make);
    ClassLoader b = compile("b", v2, make);
    Object fromA = make(a);
    Object fromB = make(b);
    CacheKey key = TestKeys.key(1);
    Path file = tier.store().entryFile(key);
    assertTrue(TestKeys.put(tier, key, fromA, TestKeys.meta("n=1000")));
    try (LogCapture log = new LogCapture()) {
      assertTrue(read(b, key).isEmpty(), what + ": version b must not decode a's entry");
      assertTrue(read(b, key).isEmpty(), what + ": still a miss");
      assertEquals(new Tier.Counters(0, 0, 0, 2), tier.counters());
      assertTrue(Files.exists(file), "a's entry is kept for a");
      List<String> warnings = log.messages(Level.WARNING);
      assertEquals(List.of("MemoCache: a stored result of simulate in " + dir + " was written for another definition"
          + " of " + PKG + "." + changedClass(what) + "; this program does not use it (a miss) and leaves it in place"),
          warnings);
    }
    assertEquals(fromA.toString(), read(a, key).orElseThrow().value().toString(), "a still reads its entry");
    // The programmatic API has no declared result type: b's store replaces a's entry under the same key.
    assertTrue(TestKeys.put(tier, key, fromB, TestKeys.meta("n=1000")));
    assertEquals(fromB.toString(), read(b, key).orElseThrow().value().toString());
    assertTrue(read(a, key).isEmpty());
    assertEquals(0, tier.counters().corrupt());
  }

  private static String changedClass(String what) {
    // Kryo writes a nested record without its class name: it is part of the shape of the class holding
    // it. The fields codec (bare records and plain classes) names the class whose fields changed.
    return what.startsWith("element") ? "Part" : what.startsWith("nested") ? "Stats" : "Summary";
  }

  @ParameterizedTest(name = "{0} classes")
  @ValueSource(ints = {1, 40})
  void bigValue_writtenBeforeItsHeader_isCheckedToo(int classes) throws Exception {
    // Over 1 MiB the payload is written before the header, which has room for a few shape records;
    // beyond them only the hash is stored and the reader checks it against the classes it decoded.
    // A LinkedList keeps the value with Kryo, whose entries record shapes.
    StringBuilder parts = new StringBuilder();
    StringBuilder make = new StringBuilder("new Big(new double[300_000], new java.util.LinkedList<>(java.util.List.of(");
    for (int i = 1; i < classes; i++) {
      parts.append(" record Part").append(i).append("(int value) {}");
      make.append(i > 1 ? ", " : "").append("new Part").append(i).append("(").append(i).append(")");
    }
    make.append(")), 1.0)");
    ClassLoader a = compile("a", "public record Big(double[] data, java.util.List<Object> parts, double max) {}" + parts,
        make.toString());
    ClassLoader b = compile("b", "public record Big(double[] data, java.util.List<Object> parts, double spread) {}"
        + parts, make.toString());
    CacheKey key = TestKeys.key(9);
    assertTrue(TestKeys.put(tier, key, make(a), TestKeys.meta("big")));
    EntryHeader h = EntryReader.readHeader(tier.store().entryFile(key));
    assertTrue(h.payloadLength() > 1 << 20);
    assertTrue(h.shapesHash() != 0);
    assertEquals(classes == 1 ? 1 : 0, h.shapes().size(), "the shape records fit the reserve only for a few classes");
    assertTrue(read(b, key).isEmpty(), "shapes " + h.shapes());
    assertEquals(new Tier.Counters(0, 0, 0, 1), tier.counters());
    assertEquals(1.0, a.loadClass(PKG + ".Big").getMethod("max").invoke(read(a, key).orElseThrow().value()));
  }

  @Test
  void viewsOfAnotherDefinition_areEmpty_neverTheOtherComponentsArray() throws Exception {
    // Components swapped: decoded positionally, b's x would be a's y. Both arrays are out of band.
    String make = "new Summary(new double[5000], new double[6000])";
    ClassLoader a = compile("a", "public record Summary(double[] x, double[] y) {}", make);
    ClassLoader b = compile("b", "public record Summary(double[] y, double[] x) {}", make);
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    try (org.memocache.Memo memo = org.memocache.Memo.builder().directory(dir).allowPackages(PKG).build();
        LogCapture log = new LogCapture()) {
      Object pair = make(a);
      memo.call("pair", () -> pair, 1);
      t.setContextClassLoader(a);
      assertEquals(5000, memo.method("pair").views(1).orElseThrow().doubles("x").size());
      t.setContextClassLoader(b);
      assertTrue(memo.method("pair").views(1).isEmpty(), "another definition: not viewable");
      assertEquals(List.of("MemoCache: the stored result pair(1) (" + memo.method("pair").keyOf(1).orElseThrow().hex() + ") was written"
          + " for another definition of " + PKG + ".Summary: it cannot be viewed"), log.messages(Level.WARNING));
    } finally {
      t.setContextClassLoader(before);
    }
  }

  @Test
  void sameDefinitionInAnotherLoader_isAHit() throws Exception {
    String v = "public record Summary(double mean, double max) {}";
    ClassLoader a = compile("a", v, "new Summary(500.5, 1000.0)");
    ClassLoader again = compile("again", v, "new Summary(500.5, 1000.0)");
    TestKeys.put(tier, TestKeys.key(1), make(a), TestKeys.meta("n"));
    Object back = read(again, TestKeys.key(1)).orElseThrow().value();
    assertEquals("Summary[mean=500.5, max=1000.0]", back.toString());
    assertEquals(again, back.getClass().getClassLoader(), "decoded into the reader's class");
  }

  @Test
  void entryOfACodecThisProcessLacks_orOfAnotherCodecVersion_isAMiss_andIsKept() {
    CacheKey key = TestKeys.key(7);
    Path file = tier.store().entryFile(key);
    try (DiskTier withCodec = DiskTier.open(TestDirs.config(dir), List.of(new Money(1)), Duration.ZERO)) {
      assertTrue(TestKeys.put(withCodec, key, new Cents(4200), TestKeys.meta("m")));
    }
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty(), "no money codec here");
    assertTrue(Files.exists(file));
    try (DiskTier newer = DiskTier.open(TestDirs.config(dir), List.of(new Money(2)), Duration.ZERO)) {
      assertTrue(TestKeys.get(newer, key, TestKeys.FILTER).isEmpty(), "money v2 does not read v1");
      assertEquals(new Tier.Counters(0, 0, 0, 1), newer.counters());
      newer.maintain();
    }
    assertTrue(Files.exists(file), "kept through reads and maintenance");
    assertEquals(new Tier.Counters(0, 0, 0, 1), tier.counters());
    try (DiskTier same = DiskTier.open(TestDirs.config(dir), List.of(new Money(1)), Duration.ZERO)) {
      assertEquals(new Cents(4200), TestKeys.get(same, key, TestKeys.FILTER).orElseThrow().value());
    }
  }

  @Test
  void intactPayloadTheCodecCannotDecode_isAMiss_andIsKept() throws Exception {
    CacheKey key = TestKeys.key(8);
    Path file = tier.store().entryFile(key);
    try (DiskTier withCodec = DiskTier.open(TestDirs.config(dir), List.of(new Money(1)), Duration.ZERO)) {
      assertTrue(TestKeys.put(withCodec, key, new Cents(4200), TestKeys.meta("m")));
    }
    ValueCodec failing = new Money(1) {
      @Override
      public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
        throw new IOException("Unable to resolve reference 3\nSerialization trace: ...");
      }
    };
    try (DiskTier other = DiskTier.open(TestDirs.config(dir), List.of(failing), Duration.ZERO);
        LogCapture log = new LogCapture()) {
      assertTrue(TestKeys.get(other, key, TestKeys.FILTER).isEmpty());
      assertEquals(new Tier.Counters(0, 0, 0, 1), other.counters());
      assertEquals(List.of("MemoCache: a stored result of simulate in " + dir + " cannot be decoded by this program"
          + " (IOException: Unable to resolve reference 3); this program does not use it (a miss) and leaves it in"
          + " place"), log.messages(Level.WARNING));
    }
    assertTrue(Files.exists(file));
  }

  @Test
  void entryOfAnotherFormatVersion_isAMiss_andIsKept() throws Exception {
    CacheKey key = TestKeys.key(3);
    TestKeys.put(tier, key, new double[] {1, 2, 3}, TestKeys.meta("n=3"));
    Path file = tier.store().entryFile(key);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int h = b.getInt(12);
    // Format 1: an older version's entry (its header checksum was XXH3-64, as in format 2).
    b.putShort(8, (short) 1);
    b.putLong(h - 8, com.dynatrace.hash4j.hashing.Hashing.xxh3_64().hashBytesToLong(bytes, 0, h - 8));
    Files.write(file, bytes);
    try (LogCapture log = new LogCapture()) {
      assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty());
      assertEquals(new Tier.Counters(0, 0, 0, 1), tier.counters());
      assertEquals(List.of("MemoCache: a stored result of simulate in " + dir + " was written in entry format "
          + 1 + "; this version reads format " + EntryHeader.FORMAT_VERSION
          + "; this program does not use it (a miss) and leaves it in place"), log.messages(Level.WARNING));
    }
    tier.maintain();
    assertEquals(0, tier.entries(null).size(), "not listed");
    try (CacheDirectory cd = CacheDirectory.open(dir)) {
      VerifyReport r = cd.verify(true, VerifyListener.NONE);
      assertEquals(List.of("unreadable by this version: it was written in entry format "
          + 1 + "; this version reads format " + EntryHeader.FORMAT_VERSION),
          r.damaged().stream().map(VerifyReport.Damage::problem).toList());
      assertEquals(List.of(false), r.damaged().stream().map(VerifyReport.Damage::deleted).toList());
    }
    assertTrue(Files.exists(file), "kept through reads, listing, maintenance and verify");
    assertEquals(0, tier.counters().corrupt());
    // A flipped version byte is damage, not another format: the header checksum tells them apart.
    bytes[8] ^= 4;
    Files.write(file, bytes);
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty());
    assertEquals(1, tier.counters().corrupt());
    assertTrue(Files.notExists(file));
  }

  @Test
  void entryOfANewerFormatVersion_withACrc32cHeader_isAMiss_andIsKept() throws Exception {
    CacheKey key = TestKeys.key(4);
    TestKeys.put(tier, key, new double[] {1, 2, 3}, TestKeys.meta("n=3"));
    Path file = tier.store().entryFile(key);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int h = b.getInt(12);
    b.putShort(8, (short) (EntryHeader.FORMAT_VERSION + 1));
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, h - 8);
    b.putLong(h - 8, crc.getValue());
    Files.write(file, bytes);
    assertTrue(TestKeys.get(tier, key, TestKeys.FILTER).isEmpty());
    assertEquals(new Tier.Counters(0, 0, 0, 1), tier.counters());
    assertTrue(Files.exists(file));
  }

  @Test
  void storedShapes_areInTheHeaderOfKryoEntries_andAbsentForJdkValuesAndFieldsEntries() throws Exception {
    ClassLoader a = compile("a", "public record Summary(double mean, double max) {}", "new Summary(1, 2)");
    TestKeys.put(tier, TestKeys.key(1), new LinkedList<>(List.of(make(a))), TestKeys.meta("a")); // Kryo's
    TestKeys.put(tier, TestKeys.key(2), Map.of("k", List.of(1.5)), TestKeys.meta("b"));
    TestKeys.put(tier, TestKeys.key(3), make(a), TestKeys.meta("c"));
    EntryHeader h1 = EntryReader.readHeader(tier.store().entryFile(TestKeys.key(1)));
    assertEquals(KryoCodec.ID, h1.codecId());
    assertEquals(List.of(PKG + ".Summary"), h1.shapes().stream().map(s -> s.className()).toList());
    EntryHeader h3 = EntryReader.readHeader(tier.store().entryFile(TestKeys.key(3)));
    assertEquals(FieldsCodec.ID, h3.codecId());
    assertEquals(List.of(), h3.shapes(), "the fields codec's payload describes its classes itself");
    EntryHeader h2 = EntryReader.readHeader(tier.store().entryFile(TestKeys.key(2)));
    assertEquals(List.of(), h2.shapes());
    assertEquals(0L, h2.shapesHash());
  }

  // ---- helpers ----

  private Optional<TierValues.Decoded> read(ClassLoader loader, CacheKey key) {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      return TestKeys.get(tier, key, TestKeys.FILTER);
    } finally {
      t.setContextClassLoader(before);
    }
  }

  private static Object make(ClassLoader loader) throws Exception {
    return loader.loadClass(PKG + ".Make").getMethod("make").invoke(null);
  }

  /** Compiles the classes of {@code source} and a {@code Make.make()} returning {@code make} into a loader of their own. */
  private ClassLoader compile(String name, String source, String make) throws IOException {
    Path src = dir.resolveSibling(dir.getFileName() + "-src-" + name);
    Path out = dir.resolveSibling(dir.getFileName() + "-classes-" + name);
    TestDirs.deleteRecursively(src);
    TestDirs.deleteRecursively(out);
    Files.createDirectories(src);
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
    Path summary = src.resolve(source.contains("record Big") ? "Big.java" : "Summary.java");
    Files.writeString(summary, "package " + PKG + ";\n" + source + "\n");
    Path maker = src.resolve("Make.java");
    Files.writeString(maker, "package " + PKG + ";\npublic class Make { public static Object make() { return " + make
        + "; } }\n");
    args.add(summary.toString());
    args.add(maker.toString());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, javac.run(null, null, err, args.toArray(String[]::new)), () -> "javac: " + err);
    return new URLClassLoader(new URL[] {out.toUri().toURL()}, ForeignEntryTest.class.getClassLoader());
  }

  record Cents(long value) {}

  /** A custom codec for {@link Cents}, in a given version. */
  static class Money implements ValueCodec {
    private final int version;

    Money(int version) {
      this.version = version;
    }

    @Override
    public int version() {
      return version;
    }

    @Override
    public String id() {
      return "money";
    }

    @Override
    public boolean canEncode(@Nullable Object value) {
      return value instanceof Cents;
    }

    @Override
    public void encode(@Nullable Object value, OutputStream out) throws IOException {
      long v = ((Cents) value).value();
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)));
      }
    }

    @Override
    public @Nullable Object decode(ByteBuffer payload, ClassFilter classes) throws IOException {
      return new Cents(payload.order(ByteOrder.LITTLE_ENDIAN).getLong());
    }
  }
}
