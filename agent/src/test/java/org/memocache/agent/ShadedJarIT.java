package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one jar: everything third-party relocated under {@code org.memocache.shaded}, the agent
 * manifest, the command line, and a host job that carries its own (older) Caffeine and Kryo.
 */
class ShadedJarIT {

  @Test
  void everyClassIsOursOrRelocated() throws Exception {
    List<String> foreign = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = new JarFile(Jvm.agentJar().toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        if (e.getName().endsWith(".class")) {
          classes++;
          if (!e.getName().startsWith("org/memocache/")) {
            foreign.add(e.getName());
          }
        }
      }
      assertEquals(List.of(), foreign.subList(0, Math.min(20, foreign.size())), "classes outside org/memocache/");
      for (String own : List.of("org/memocache/MemoRuntime.class", "org/memocache/Memo.class",
          "org/memocache/annotations/Memoize.class", "org/memocache/disk/DiskTier.class",
          "org/memocache/agent/MemoAgent.class",
          "org/memocache/shaded/net/bytebuddy/asm/Advice.class",
          "org/memocache/shaded/com/github/benmanes/caffeine/cache/Caffeine.class",
          "org/memocache/shaded/com/esotericsoftware/kryo/Kryo.class",
          "org/memocache/shaded/com/dynatrace/hash4j/hashing/Hashing.class",
          "org/memocache/shaded/org/mapdb/DBMaker.class",
          "org/memocache/shaded/picocli/CommandLine.class")) {
        assertNotNull(jar.getEntry(own), own);
      }
      assertTrue(classes > 1000, "classes: " + classes);
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals("org.memocache.agent.MemoAgent", main.getValue("Premain-Class"));
      assertEquals("org.memocache.agent.MemoAgent", main.getValue("Agent-Class"));
      assertEquals("true", main.getValue("Can-Retransform-Classes"));
      assertEquals("org.memocache.agent.Cli", main.getValue("Main-Class"));
      // Service files are renamed with their relocated interfaces (JDK ones, such as the annotation
      // processor's, keep their names), and every implementation they name is ours or relocated.
      for (JarEntry e : Collections.list(jar.entries())) {
        if (e.getName().startsWith("META-INF/services/") && !e.isDirectory()) {
          String service = e.getName().substring("META-INF/services/".length());
          assertTrue(service.startsWith("org.memocache.") || service.startsWith("javax."), e.getName());
          String body = new String(jar.getInputStream(e).readAllBytes());
          body.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .forEach(l -> assertTrue(l.startsWith("org.memocache."), e.getName() + ": " + l));
        }
      }
    }
  }

  static final Map<String, String> HOST = Map.of(
      "host/Work.java", """
          package host;
          public class Work {
            public static long square(int n) { System.err.println("COMPUTE square " + n); return (long) n * n; }
          }
          """,
      "host/Main.java", """
          package host;
          import com.esotericsoftware.kryo.Kryo;
          import com.esotericsoftware.kryo.io.Input;
          import com.esotericsoftware.kryo.io.Output;
          import com.github.benmanes.caffeine.cache.Cache;
          import com.github.benmanes.caffeine.cache.Caffeine;
          import java.nio.file.Path;
          public class Main {
            public static void main(String[] args) throws Exception {
              Cache<String, Integer> cache = Caffeine.newBuilder().maximumSize(10).recordStats().build();
              cache.put("k", 41);
              Kryo kryo = new Kryo();
              Output out = new Output(64);
              kryo.writeObject(out, "hello");
              String back = kryo.readObject(new Input(out.toBytes()), String.class);
              System.out.println("caffeine from " + jar(Caffeine.class) + " value " + cache.getIfPresent("k"));
              System.out.println("kryo from " + jar(Kryo.class) + " read " + back);
              System.out.println("square " + Work.square(12) + " " + Work.square(12));
            }
            static String jar(Class<?> c) throws Exception {
              return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void hostJobKeepsItsOwnCaffeineAndKryo(String java) throws Exception {
    Path dir = Jvm.testDir("ShadedJarIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path libs = Path.of(System.getProperty("memocache.host.libs", "target/host-libs")).toAbsolutePath();
    List<Path> hostLibs;
    try (Stream<Path> s = Files.list(libs)) {
      hostLibs = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
    assertEquals(5, hostLibs.size(), () -> "host libraries in " + libs + ": " + hostLibs);
    Path classes = Jvm.compile(dir.resolve("classes"), hostLibs, HOST);
    List<Path> cp = new ArrayList<>(hostLibs);
    cp.add(0, classes);
    List<String> agent = List.of(Jvm.agent("methods=host.Work#square,dir=" + dir.resolve("cache")
        + ",weavecache=" + dir.resolve("woven")));

    Jvm.Result first = Jvm.run(java, agent, cp, "host.Main");
    Jvm.Result second = Jvm.run(java, agent, cp, "host.Main");

    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(List.of("caffeine from caffeine-2.9.3.jar value 41", "kryo from kryo-4.0.3.jar read hello",
        "square 144 144"), first.lines());
    assertEquals(first.out(), second.out());
    assertEquals(1, first.errLines("COMPUTE square"), first::toString);
    assertEquals(0, second.errLines("COMPUTE square"), second::toString);
    assertEquals(0, first.warnings("MemoCache") + second.warnings("MemoCache"), second::toString);
  }

  @Test
  void commandLinePrintsVersionAndHelp() throws Exception {
    String java = Jvm.javas().findFirst().orElseThrow();
    Jvm.Result version = Jvm.run(java, List.of(), List.of(Jvm.agentJar()), "org.memocache.agent.Cli", "--version");
    assertEquals(0, version.exitCode(), version::toString);
    assertTrue(version.out().startsWith("MemoCache 0.1.0-SNAPSHOT"), version::toString);
    Jvm.Result help = Jvm.run(java, List.of("-jar", Jvm.agentJar().toString(), "--help"), List.of(), "");
    assertEquals(0, help.exitCode(), help::toString);
    assertTrue(help.out().contains("Usage: memocache"), help::toString);
    assertTrue(help.out().contains("methods="), help::toString);
  }

  @Test
  void badOptionStopsStartUpNamingKeyAndValue() throws Exception {
    String java = Jvm.javas().findFirst().orElseThrow();
    Path dir = Jvm.testDir("ShadedJarIT-bad-option");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(), Map.of("m/Main.java",
        "package m; public class Main { public static void main(String[] a) { System.out.println(\"ran\"); } }"));
    Jvm.Result r = Jvm.run(java, List.of(Jvm.agent("memory=lots")), List.of(classes), "m.Main");
    assertNotEquals(0, r.exitCode(), r::toString);
    assertTrue(!r.out().contains("ran"), "the job must not run with a bad option: " + r);
    assertTrue(r.err().contains("MemoCache: agent option memory=lots: not a size such as 512m, 2g or 4096"), r::toString);
  }
}
