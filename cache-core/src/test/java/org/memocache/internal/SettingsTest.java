package org.memocache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.internal.Settings.Key;

/** Parsing, sources and precedence of the configuration, in-process (child JVMs: cache-disk ConfigurationTest). */
class SettingsTest {
  @TempDir
  Path dir;

  @Test
  void everyKey_parsesFromEverySource() throws Exception {
    Map<String, String> bare = Map.of("dir", "/data/cache", "memory", "512m", "disk", "2g", "disk-entries", "10_000",
        "expire", "P30D", "lock-timeout", "90s", "durable", "true", "fingerprint", "FALSE", "allow", "com.acme; org.lib");
    Path file = dir.resolve("file.properties");
    Files.writeString(file, String.join("\n", bare.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
    Path cp = Files.createDirectories(dir.resolve("cp"));
    Files.writeString(cp.resolve("memocache.properties"), Files.readString(file));
    List<Settings> fromEach = List.of(
        Settings.load(bare, Map.of(), Map.of(), null),
        Settings.load(Map.of(), prefixed(bare), Map.of(), null),
        Settings.load(Map.of(), Map.of(), env(bare), null),
        Settings.load(Map.of(), Map.of(), Map.of("MEMOCACHE_CONFIG", file.toString()), null),
        Settings.load(Map.of(), Map.of(), Map.of(), new URLClassLoader(new URL[] {cp.toUri().toURL()}, null)));
    for (Settings s : fromEach) {
      assertEquals(Path.of("/data/cache"), s.directory(), s::toString);
      assertEquals(512L << 20, s.number(Key.MEMORY));
      assertEquals(2L << 30, s.number(Key.DISK));
      assertEquals(10_000L, s.number(Key.DISK_ENTRIES));
      assertEquals(Duration.ofDays(30), s.duration(Key.EXPIRE));
      assertEquals(Duration.ofSeconds(90), s.duration(Key.LOCK_TIMEOUT));
      assertEquals(true, s.bool(Key.DURABLE));
      assertEquals(false, s.bool(Key.FINGERPRINT));
      assertEquals(List.of("com.acme", "org.lib"), s.allow());
    }
    assertEquals("agent option memory=512m", fromEach.get(0).get(Key.MEMORY).origin());
    assertEquals("system property memocache.memory=512m", fromEach.get(1).get(Key.MEMORY).origin());
    assertEquals("environment variable MEMOCACHE_MEMORY=512m", fromEach.get(2).get(Key.MEMORY).origin());
    assertTrue(fromEach.get(3).get(Key.MEMORY).origin().matches(java.util.regex.Pattern.quote(file.toString())
        + ":\\d memory=512m"), fromEach.get(3).get(Key.MEMORY).origin());
  }

  @Test
  void precedence_agentThenPropertyThenEnvironmentThenConfigFileThenClassPath() throws Exception {
    Path cp = Files.createDirectories(dir.resolve("cp"));
    Files.writeString(cp.resolve("memocache.properties"), "memory=1k\ndisk=1g\nexpire=1d\nlock-timeout=1s\ndurable=true\n"
        + "allow=from.classpath\n");
    Path file = Files.writeString(dir.resolve("c.properties"), "memory=2k\ndisk=2g\nexpire=2d\nlock-timeout=2s\nallow=from.file\n");
    Settings s = Settings.load(Map.of("memory", "5k", "allow", "from.agent"),
        Map.of("memocache.memory", "4k", "memocache.disk", "4g", "memocache.allow", "from.property"),
        Map.of("MEMOCACHE_MEMORY", "3k", "MEMOCACHE_DISK", "3g", "MEMOCACHE_EXPIRE", "3d", "MEMOCACHE_CONFIG", file.toString()),
        new URLClassLoader(new URL[] {cp.toUri().toURL()}, null));
    assertEquals(5L << 10, s.number(Key.MEMORY));
    assertEquals(4L << 30, s.number(Key.DISK));
    assertEquals(Duration.ofDays(3), s.duration(Key.EXPIRE));
    assertEquals(Duration.ofSeconds(2), s.duration(Key.LOCK_TIMEOUT));
    assertEquals(true, s.bool(Key.DURABLE));
    assertNull(s.bool(Key.FINGERPRINT));
    assertEquals(List.of("from.agent", "from.property", "from.file", "from.classpath"), s.allow(), "allow adds up");
  }

  @Test
  void frameworkSource_belowEnvironmentAboveFiles_onItsThreadOnly() throws Exception {
    Path file = Files.writeString(dir.resolve("c.properties"), "memory=1k\ndisk=1g\nexpire=1d\nallow=from.file\n");
    Map<String, String> spring = Map.of("memory", "2k", "disk", "2g", "allow", "from.spring",
        "config", file.toString());
    Settings s = Settings.withFrameworkSource(spring, k -> "Spring property memocache." + k,
        () -> Settings.load(Map.of(), Map.of(), Map.of("MEMOCACHE_MEMORY", "3k"), null));
    assertEquals(3L << 10, s.number(Key.MEMORY));
    assertEquals(2L << 30, s.number(Key.DISK));
    assertEquals(Duration.ofDays(1), s.duration(Key.EXPIRE), "the config file the framework source names");
    assertEquals("Spring property memocache.disk=2g", s.get(Key.DISK).origin());
    assertEquals(List.of("from.spring", "from.file"), s.allow());
    assertNull(Settings.load(Map.of(), Map.of(), Map.of(), null).number(Key.DISK), "not after the call");
    assertMessage("MemoCache: Spring property memocache.lockTimeout=soon: not a duration such as 30s, 10m, 12h, 30d"
        + " or PT10M", () -> Settings.withFrameworkSource(Map.of("lock-timeout", "soon"),
        k -> "Spring property memocache.lockTimeout", () -> Settings.load(Map.of(), Map.of(), Map.of(), null)));
  }

  @Test
  void configKey_agentThenPropertyThenEnvironment() throws Exception {
    Path a = Files.writeString(dir.resolve("a.properties"), "memory=1k\n");
    Path p = Files.writeString(dir.resolve("p.properties"), "memory=2k\n");
    Path e = Files.writeString(dir.resolve("e.properties"), "memory=3k\n");
    assertEquals(1L << 10, Settings.load(Map.of("config", a.toString()), Map.of("memocache.config", p.toString()),
        Map.of("MEMOCACHE_CONFIG", e.toString()), null).number(Key.MEMORY));
    assertEquals(2L << 10, Settings.load(Map.of(), Map.of("memocache.config", p.toString()),
        Map.of("MEMOCACHE_CONFIG", e.toString()), null).number(Key.MEMORY));
  }

  @Test
  void badValues_nameKeySourceAndValue() throws Exception {
    assertMessage("MemoCache: system property memocache.disk=0: must be positive",
        () -> Settings.load(Map.of(), Map.of("memocache.disk", "0"), Map.of(), null));
    assertMessage("MemoCache: environment variable MEMOCACHE_DISK_ENTRIES=many: not a whole number",
        () -> Settings.load(Map.of(), Map.of(), Map.of("MEMOCACHE_DISK_ENTRIES", "many"), null));
    assertMessage("MemoCache: agent option expire=PT0S: must be positive",
        () -> Settings.load(Map.of("expire", "PT0S"), Map.of(), Map.of(), null));
    assertMessage("MemoCache: system property memocache.allow=com..acme: 'com..acme' is not a package or class name"
        + " such as com.acme.model", () -> Settings.load(Map.of(), Map.of("memocache.allow", "com..acme"), Map.of(), null));
    assertMessage("MemoCache: system property memocache.dir=: a value is required",
        () -> Settings.load(Map.of(), Map.of("memocache.dir", " "), Map.of(), null));
    Path file = Files.writeString(dir.resolve("bad.properties"), "# comment\n\nmemory = 1g\n"
        + "fingerprint : off\n");
    assertMessage("MemoCache: " + file + ":4 fingerprint=off: not true or false",
        () -> Settings.load(Map.of(), Map.of(), Map.of("MEMOCACHE_CONFIG", file.toString()), null));
    Path missing = dir.resolve("missing.properties");
    assertMessage("MemoCache: cannot read the configuration file " + missing + " (environment variable MEMOCACHE_CONFIG="
        + missing + "): " + missing + ": no such file or directory",
        () -> Settings.load(Map.of(), Map.of(), Map.of("MEMOCACHE_CONFIG", missing.toString()), null));
    Path nested = Files.writeString(dir.resolve("nested.properties"), "config=/other\n");
    assertMessage("MemoCache: " + nested + ":1: a configuration file cannot name another one (config=/other)",
        () -> Settings.load(Map.of(), Map.of(), Map.of("MEMOCACHE_CONFIG", nested.toString()), null));
  }

  @Test
  void durations_shortFormsAndIso() {
    assertEquals(Duration.ofMillis(500), Settings.duration("500ms"));
    assertEquals(Duration.ofMinutes(10), Settings.duration("10m"));
    assertEquals(Duration.ofHours(12), Settings.duration("12h"));
    assertEquals(Duration.ofDays(14), Settings.duration("2w"));
    assertEquals(Duration.ofMinutes(90), Settings.duration("PT1H30M"));
    assertThrows(IllegalArgumentException.class, () -> Settings.duration("-PT1S"));
  }

  @Test
  void homeDirectory_isExpanded() {
    assertEquals(Path.of(System.getProperty("user.home"), "cache"), Settings.parse(Key.DIR, "~/cache"));
  }

  @Test
  void unknownKeys_suggestTheClosest() {
    assertEquals("; did you mean memocache.memory?", Settings.suggestion("memroy", true));
    assertEquals("; did you mean 'lock-timeout'?", Settings.suggestion("locktimeout", false));
    assertEquals("; did you mean 'dir'?", Settings.suggestion("DIR", false));
    assertEquals("; the keys are dir, memory, disk, disk-entries, expire, lock-timeout, durable, fingerprint, allow,"
        + " key-encoders, codecs, ignore, shared, blobs, shared-bytes, shared-entries, config", Settings.suggestion("compress", false));
  }

  @Test
  void ignore_namesParametersByNameOrIndex_andAddsUpOverSources() {
    Settings s = Settings.load(Map.of("ignore", "com.acme.Job#run:logger; com.acme.Job#fit:1"),
        Map.of("memocache.ignore", "com.acme.Other$Inner#go:2"), Map.of(), null);
    assertEquals(List.of("com.acme.Job#run:logger", "com.acme.Job#fit:1", "com.acme.Other$Inner#go:2"),
        s.ignored().stream().map(Settings.Ignored::selector).toList());
    Settings.Ignored byName = s.ignored().get(0);
    assertEquals("agent option ignore=com.acme.Job#run:logger; com.acme.Job#fit:1", byName.origin());
    assertTrue(byName.names(3, "logger"));
    assertTrue(!byName.names(3, null) && !byName.names(3, "log"));
    Settings.Ignored byIndex = s.ignored().get(1);
    assertTrue(byIndex.names(1, null) && byIndex.names(1, "x") && !byIndex.names(0, null));

    assertMessage("MemoCache: system property memocache.ignore=com.acme.Job.run: 'com.acme.Job.run' is not a"
        + " parameter such as com.acme.Job#run:logger (by name) or com.acme.Job#run:1 (by index, from 0)",
        () -> Settings.load(Map.of(), Map.of("memocache.ignore", "com.acme.Job.run"), Map.of(), null));
  }

  @Test
  void keyEncoders_parseAsPairs_andBadClassesAreNamedWithTheirSource() {
    Settings s = Settings.load(Map.of(), Map.of("memocache.key-encoders",
        "java.lang.StringBuilder=" + SbEncoder.class.getName() + "; java.util.Locale=java.lang.Object"), Map.of(), null);
    Settings.Setting set = s.get(Key.KEY_ENCODERS);
    assertEquals(Map.of("java.lang.StringBuilder", SbEncoder.class.getName(), "java.util.Locale", "java.lang.Object"),
        set.value());
    ClassLoader loader = getClass().getClassLoader();
    assertEquals(StringBuilder.class, Settings.loadClass(set, "java.lang.StringBuilder", loader));
    assertTrue(Settings.instance(set, SbEncoder.class.getName(), org.memocache.spi.KeyEncoder.class, loader)
        instanceof SbEncoder);
    String origin = "MemoCache: system property memocache.key-encoders=java.lang.StringBuilder="
        + SbEncoder.class.getName() + "; java.util.Locale=java.lang.Object: ";
    assertMessage(origin + "java.lang.Object is not a org.memocache.spi.KeyEncoder",
        () -> Settings.instance(set, "java.lang.Object", org.memocache.spi.KeyEncoder.class, loader));
    assertMessage(origin + "class com.acme.Missing not found", () -> Settings.loadClass(set, "com.acme.Missing", loader));
    assertMessage(origin + NoDefault.class.getName() + " needs a public no-arg constructor (and a public, concrete"
        + " class)", () -> Settings.instance(set, NoDefault.class.getName(), org.memocache.spi.KeyEncoder.class, loader));
    assertMessage("MemoCache: agent option key-encoders=com.acme.Money: 'com.acme.Money' is not a pair of class"
        + " names such as com.acme.Money=com.acme.MoneyEncoder",
        () -> Settings.load(Map.of("key-encoders", "com.acme.Money"), Map.of(), Map.of(), null));
  }

  public static final class SbEncoder implements org.memocache.spi.KeyEncoder<StringBuilder> {
    @Override
    public void encode(StringBuilder value, org.memocache.spi.KeySink sink) {
      sink.putString(value);
    }
  }

  public static final class NoDefault implements org.memocache.spi.KeyEncoder<StringBuilder> {
    public NoDefault(int unused) {}

    @Override
    public void encode(StringBuilder value, org.memocache.spi.KeySink sink) {
      sink.putString(value);
    }
  }

  @Test
  void codecs_parseAsClassNames_andCheckClassesNamesWhatIsWrong() {
    String good = GoodCodec.class.getName();
    Settings s = Settings.load(Map.of("codecs", good + ", com.acme.OnlyInAFatJar; " + good), Map.of(), Map.of(), null);
    Settings.Setting set = s.get(Key.CODECS);
    assertEquals(List.of(good, "com.acme.OnlyInAFatJar"), Settings.classNames(set));
    ClassLoader loader = getClass().getClassLoader();
    s.checkClasses(loader); // a class this loader cannot find is left for the Memo's build
    String origin = "MemoCache: agent option codecs=";
    assertMessage(origin + "java.lang.String: java.lang.String is not a org.memocache.spi.ValueCodec",
        () -> Settings.load(Map.of("codecs", "java.lang.String"), Map.of(), Map.of(), null).checkClasses(loader));
    String noCtor = NoCtorCodec.class.getName();
    assertMessage(origin + noCtor + ": " + noCtor + " needs a public no-arg constructor (and a public, concrete class)",
        () -> Settings.load(Map.of("codecs", noCtor), Map.of(), Map.of(), null).checkClasses(loader));
    String hidden = HiddenCodec.class.getName();
    assertMessage(origin + hidden + ": " + hidden + " needs a public no-arg constructor (and a public, concrete class)",
        () -> Settings.load(Map.of("codecs", hidden), Map.of(), Map.of(), null).checkClasses(loader));
    assertMessage("MemoCache: system property memocache.key-encoders=java.lang.StringBuilder=java.lang.Object:"
        + " java.lang.Object is not a org.memocache.spi.KeyEncoder", () -> Settings.load(Map.of(),
        Map.of("memocache.key-encoders", "java.lang.StringBuilder=java.lang.Object"), Map.of(), null).checkClasses(loader));
    assertMessage("MemoCache: environment variable MEMOCACHE_CODECS=com.acme.: 'com.acme.' is not a class name such as"
        + " com.acme.MatrixCodec", () -> Settings.load(Map.of(), Map.of(), Map.of("MEMOCACHE_CODECS", "com.acme."), null));
    assertTrue(Settings.instance(set, good, org.memocache.spi.ValueCodec.class, loader) instanceof GoodCodec);
  }

  /** A codec that stores nothing (only its class matters here). */
  public static class GoodCodec implements org.memocache.spi.ValueCodec {
    @Override
    public String id() {
      return "good";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean canEncode(Object value) {
      return false;
    }

    @Override
    public void encode(Object value, java.io.OutputStream out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object decode(java.nio.ByteBuffer payload, org.memocache.spi.ClassFilter classes) throws java.io.IOException {
      throw new java.io.IOException("not this codec's bytes");
    }
  }

  public static final class NoCtorCodec extends GoodCodec {
    public NoCtorCodec(int unused) {}
  }

  static final class HiddenCodec extends GoodCodec {}

  @Test
  void theGuideListsEveryKey() throws Exception {
    String guide = Files.readString(Path.of("..", "docs", "guide.md"));
    for (Key k : Key.values()) {
      String row = "| `" + k.key() + "` | `" + k.property() + "` | `" + k.env() + "` | `" + k.key() + "=` |";
      assertTrue(guide.contains(row), "docs/guide.md has the row " + row);
    }
  }

  private static Map<String, String> prefixed(Map<String, String> bare) {
    return bare.entrySet().stream().collect(java.util.stream.Collectors.toMap(e -> "memocache." + e.getKey(),
        Map.Entry::getValue));
  }

  private static Map<String, String> env(Map<String, String> bare) {
    return Arrays.stream(Key.values()).filter(k -> bare.containsKey(k.key()))
        .collect(java.util.stream.Collectors.toMap(Key::env, k -> bare.get(k.key())));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
  }
}
