package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.build.EntryPoint;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.inline.MethodNameTransformer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The configuration keys as agent options, and the same keys reaching code woven at build time
 * (no agent: system properties, environment, files), in child JVMs running the shaded jar: the
 * effect of each key, agent options over properties over environment, a bad value stopping the
 * agent, and a default directory that cannot be used degrading to memory with one warning line.
 */
class ConfigurationIT {
  static final Map<String, String> LIBRARY = Map.of("lib/Matrix.java", """
      package lib;
      public class Matrix {
        public int n;
        public Matrix(int n) { this.n = n; }
        @Override public String toString() { return "Matrix(" + n + ")"; }
      }
      """, "lib/Shape.java", """
      package lib;
      public interface Shape {
        static Shape circle(double r) { return new lib.impl.Circle(r); }
      }
      """, "lib/impl/Circle.java", """
      package lib.impl;
      public class Circle implements lib.Shape {
        public double r;
        public Circle(double r) { this.r = r; }
        @Override public String toString() { return "Circle(" + r + ")"; }
      }
      """);

  static final Map<String, String> SOURCES = Map.of("app/Main.java", """
      package app;
      import org.memocache.MemoConfig;
      import org.memocache.MemoRuntime;
      import org.memocache.annotations.Memoize;
      public class Main {
        static int computed;
        /** Declared Object, from another code source: lib.Matrix is admitted only by the allow setting. */
        @Memoize static Object matrix(int n) { computed++; return new lib.Matrix(n); }
        /** Declared Object, of another package in the method's own code source: admitted. */
        @Memoize static Object point(int x) { computed++; return new other.Point(x); }
        /** Declared by the library, returned of another package of that library: admitted. */
        @Memoize static lib.Shape shape(double r) { computed++; return lib.Shape.circle(r); }
        public static void main(String[] args) {
          Object a = matrix(2);
          Object b = matrix(2);
          System.out.println("matrix " + a + " " + b + " computed=" + computed);
          MemoConfig c;
          try {
            c = MemoRuntime.memo().config();
          } catch (IllegalArgumentException e) {
            System.out.println("no Memo: " + e.getMessage());
            return;
          }
          System.out.println("dir=" + c.directory() + " memory=" + c.maximumMemoryBytes() + " disk=" + c.maximumDiskBytes()
              + " disk-entries=" + c.maximumDiskEntries() + " expire=" + c.expireAfter() + " lock-timeout=" + c.lockTimeout()
              + " durable=" + c.durable() + " fingerprint=" + c.codeFingerprint() + " allow=" + c.allowedPackages());
          if (args.length > 0) {
            computed = 0;
            System.out.println(point(3) + " " + shape(1.5) + " computed=" + computed);
          }
        }
      }
      """, "other/Point.java", """
      package other;
      public class Point {
        public int x;
        public Point(int x) { this.x = x; }
        @Override public String toString() { return "Point(" + x + ")"; }
      }
      """);

  static Path dir;
  static Path lib;
  static Path classes;
  static Path woven;
  static String java;

  @BeforeAll
  static void compileAndWeave() throws Exception {
    dir = Jvm.testDir("ConfigurationIT");
    List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
    lib = Jvm.compile(dir.resolve("lib"), cp, LIBRARY);
    classes = Jvm.compile(dir.resolve("classes"), Stream.concat(cp.stream(), Stream.of(lib)).toList(),
        SOURCES);
    woven = Files.createDirectories(dir.resolve("woven"));
    Plugin.Engine.Default.of(EntryPoint.Default.REBASE, ClassFileVersion.JAVA_V17, MethodNameTransformer.Suffixing.withRandomSuffix())
        .with(new ClassFileLocator.Compound(ClassFileLocator.ForClassLoader.of(ConfigurationIT.class.getClassLoader()),
            new ClassFileLocator.ForFolder(lib.toFile())))
        .apply(new Plugin.Engine.Source.ForFolder(classes.toFile()), new Plugin.Engine.Target.ForFolder(woven.toFile()),
            List.of(new Plugin.Factory.Simple(new MemoizePlugin())));
    java = Jvm.javas().findFirst().orElseThrow();
  }

  @Test
  void agentOptions_everyKeyTakesEffect() throws Exception {
    Path cache = dir.resolve("agent-cache");
    String options = "dir=" + cache + ",memory=16k,disk=2g,disk-entries=1000,expire=30d,lock-timeout=45s,durable=true,"
        + "fingerprint=false,allow=lib,weavecache=off";
    Jvm.Result first = Jvm.run(java, List.of(Jvm.agent(options)), List.of(classes, lib), "app.Main");
    assertEquals(List.of("matrix Matrix(2) Matrix(2) computed=1", "dir=" + cache + " memory=16384 disk=2147483648"
        + " disk-entries=1000 expire=PT720H lock-timeout=PT45S durable=true fingerprint=false allow=[lib]"),
        first.lines(), first::toString);
    assertEquals(1, entries(cache), first::toString);
    Jvm.Result second = Jvm.run(java, List.of(Jvm.agent(options)), List.of(classes, lib), "app.Main");
    assertEquals("matrix Matrix(2) Matrix(2) computed=0", second.lines().get(0), "a second JVM hits: " + second);
  }

  @Test
  void agentOption_winsOverPropertyOverEnvironment() throws Exception {
    Map<String, String> env = Map.of("MEMOCACHE_MEMORY", "3k", "MEMOCACHE_DIR", dir.resolve("env-cache").toString());
    Jvm.Result agent = Jvm.run(java, List.of("-Dmemocache.memory=2k", Jvm.agent("memory=1k,weavecache=off")),
        List.of(classes, lib), env, "app.Main");
    assertTrue(agent.lines().get(1).startsWith("dir=" + dir.resolve("env-cache") + " memory=1024 "), agent::toString);
    Jvm.Result property = Jvm.run(java, List.of("-Dmemocache.memory=2k", Jvm.agent("weavecache=off")),
        List.of(classes, lib), env, "app.Main");
    assertTrue(property.lines().get(1).contains(" memory=2048 "), property::toString);
  }

  @Test
  void badConfiguration_stopsTheAgentNamingKeySourceAndValue() throws Exception {
    Jvm.Result r = Jvm.run(java, List.of("-Dmemocache.expire=forever", Jvm.agent("weavecache=off")), List.of(classes, lib),
        "app.Main");
    assertNotEquals(0, r.exitCode(), r::toString);
    assertEquals(1, r.errLines("SEVERE: MemoCache: system property memocache.expire=forever: not a duration such as 30s, 10m,"
        + " 12h, 30d or PT10M"), r::toString);
  }

  @Test
  void buildWoven_badConfiguration_computesNormallyWithOneWarning() throws Exception {
    Jvm.Result r = Jvm.run(java, List.of("-Dmemocache.memory=lots"), List.of(woven, lib, Jvm.agentJar()), "app.Main");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(List.of("matrix Matrix(2) Matrix(2) computed=2", "no Memo: MemoCache: system property"
        + " memocache.memory=lots: not a size such as 512m, 2g or 4096"), r.lines(), r::toString);
    assertEquals(List.of("WARNING: MemoCache: memoizing nothing in this JVM, every method is computed normally:"
        + " system property memocache.memory=lots: not a size such as 512m, 2g or 4096"),
        r.err().lines().filter(l -> l.startsWith("WARNING")).toList(), r::toString);
    assertEquals(2, r.err().lines().count(), "one log record, no stack trace: " + r);
  }

  @Test
  void buildWoven_readsPropertiesEnvironmentAndFiles() throws Exception {
    Path cache = dir.resolve("woven-cache");
    List<Path> cp = List.of(woven, lib, Jvm.agentJar());
    Jvm.Result first = Jvm.run(java, List.of("-Dmemocache.allow=lib"), cp, Map.of("MEMOCACHE_DIR", cache.toString()),
        "app.Main");
    assertEquals("matrix Matrix(2) Matrix(2) computed=1", first.lines().get(0), first::toString);
    assertTrue(first.lines().get(1).startsWith("dir=" + cache + " "), first::toString);
    assertEquals(1, entries(cache), first::toString);
    Path config = Files.writeString(dir.resolve("woven.properties"), "dir = " + cache + "\nallow = lib\n");
    Jvm.Result second = Jvm.run(java, List.of(), cp, Map.of("MEMOCACHE_CONFIG", config.toString()), "app.Main");
    assertEquals("matrix Matrix(2) Matrix(2) computed=0", second.lines().get(0), "a second JVM hits: " + second);
  }

  @Test
  void buildWoven_withoutAllow_warnsOnceNamingEveryWayToAdmit() throws Exception {
    Path cache = dir.resolve("woven-unallowed");
    Jvm.Result r = Jvm.run(java, List.of(), List.of(woven, lib, Jvm.agentJar()), Map.of("MEMOCACHE_DIR", cache.toString()),
        "app.Main");
    assertEquals("matrix Matrix(2) Matrix(2) computed=1", r.lines().get(0), r::toString);
    assertEquals(List.of("WARNING: MemoCache: the result of app.Main#matrix contains lib.Matrix, which its allow-list"
        + " does not admit, so it would never be readable from " + cache + "; it is not stored there. Admit it:"
        + " -Dmemocache.allow=lib (or MEMOCACHE_ALLOW=lib, or allow=lib in memocache.properties), the agent option"
        + " allow=lib, or Memo.builder().allowPackages(\"lib\")"),
        r.err().lines().filter(l -> l.startsWith("WARNING")).toList(), r::toString);
  }

  @Test
  void unusableDefaultDirectory_oneWarningLine_noStackTrace() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    String warning = "WARNING: MemoCache: cannot use the cache directory " + file
        + ": exists and is not a directory; memoizing in memory only for this run";
    Jvm.Result wovenRun = Jvm.run(java, List.of(), List.of(woven, lib, Jvm.agentJar()), Map.of("MEMOCACHE_DIR", file.toString()),
        "app.Main");
    assertEquals("matrix Matrix(2) Matrix(2) computed=1", wovenRun.lines().get(0), "memoized in memory: " + wovenRun);
    assertEquals(List.of(warning), wovenRun.err().lines().filter(l -> l.startsWith("WARNING")).toList(), wovenRun::toString);
    assertEquals(2, wovenRun.err().lines().count(), "one log record, no stack trace: " + wovenRun);
    Jvm.Result agentRun = Jvm.run(java, List.of(Jvm.agent("dir=" + file + ",weavecache=off")), List.of(classes, lib), "app.Main");
    assertEquals("matrix Matrix(2) Matrix(2) computed=1", agentRun.lines().get(0), agentRun::toString);
    assertEquals(List.of(warning), agentRun.err().lines().filter(l -> l.startsWith("WARNING")).toList(), agentRun::toString);
    assertEquals(2, agentRun.err().lines().count(), "one log record, no stack trace: " + agentRun);
  }

  @Test
  void resultsOfTheMethodsCodeSourceAndOfTheDeclaringLibrary_areAdmittedWithoutAllow() throws Exception {
    Path cache = dir.resolve("code-sources");
    List<Path> cp = List.of(woven, lib, Jvm.agentJar());
    Map<String, String> env = Map.of("MEMOCACHE_DIR", cache.toString());
    Jvm.Result first = Jvm.run(java, List.of(), cp, env, "app.Main", "more");
    assertEquals("Point(3) Circle(1.5) computed=2", first.lines().get(2), first::toString);
    Jvm.Result second = Jvm.run(java, List.of(), cp, env, "app.Main", "more");
    assertEquals("Point(3) Circle(1.5) computed=0", second.lines().get(2), "a second JVM hits both: " + second);
    assertEquals(List.of(), second.err().lines().filter(l -> l.contains("other.Point") || l.contains("Circle")).toList(),
        second::toString);
    Path agentCache = dir.resolve("code-sources-agent");
    String options = "dir=" + agentCache + ",weavecache=off";
    Jvm.run(java, List.of(Jvm.agent(options)), List.of(classes, lib), "app.Main", "more");
    Jvm.Result agent = Jvm.run(java, List.of(Jvm.agent(options)), List.of(classes, lib), "app.Main", "more");
    assertEquals("Point(3) Circle(1.5) computed=0", agent.lines().get(2), "under the agent too: " + agent);
  }

  private static long entries(Path cache) throws Exception {
    try (Stream<Path> s = Files.walk(cache.resolve("entries"))) {
      return s.filter(f -> f.toString().endsWith(".memo")).count();
    }
  }
}
