package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code key-encoders} key registers a {@code KeyEncoder} by class name, as
 * {@code Memo.builder().keyEncoder(...)} does in code: an argument that cannot be hashed (it holds a
 * java.util.Random) is hashed by the encoder, set by agent option or system property, and a second JVM hits; a
 * class that is no encoder stops the job at start-up with one message naming the key, its source and the class.
 */
class KeyEncodersConfiguredIT {
  static final String JAVA = Jvm.javas().findFirst().orElseThrow();

  static final Map<String, String> APP = Map.of("app/Money.java", """
      package app;
      public class Money {
        final long cents;
        final java.util.Random rng = new java.util.Random(1);
        public Money(long cents) { this.cents = cents; }
      }
      """, "app/MoneyEncoder.java", """
      package app;
      import org.memocache.spi.KeyEncoder;
      import org.memocache.spi.KeySink;
      public class MoneyEncoder implements KeyEncoder<Money> {
        @Override public void encode(Money m, KeySink sink) { sink.putLong(m.cents); }
      }
      """, "app/Job.java", """
      package app;
      import org.memocache.annotations.Memoize;
      public class Job {
        @Memoize static long tax(Money m) { System.err.println("COMPUTE tax " + m.cents); return m.cents / 5; }
        public static void main(String[] args) {
          System.out.println("tax " + tax(new Money(500)) + " " + tax(new Money(500)));
        }
      }
      """);

  /** Money, the encoded type, has the job's one memoized method; Plain calls it. */
  static final Map<String, String> FIRST = Map.of("app/Money.java", """
      package app;
      import org.memocache.annotations.Memoize;
      public class Money {
        final long cents;
        final java.util.Random rng = new java.util.Random(1);
        public Money(long cents) { this.cents = cents; }
        @Memoize public static long tax(Money m) { System.err.println("COMPUTE tax " + m.cents); return m.cents / 5; }
      }
      """, "app/MoneyEncoder.java", APP.get("app/MoneyEncoder.java"), "app/Plain.java", """
      package app;
      public class Plain {
        public static void main(String[] args) {
          System.out.println("tax " + Money.tax(new Money(500)) + " " + Money.tax(new Money(500)));
        }
      }
      """);

  @Test
  void withoutEncoder_everyCallComputes_andTheWarningNamesTheKey() throws Exception {
    Path dir = Jvm.testDir("KeyEncodersConfiguredIT-none");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    Jvm.Result r = Jvm.run(JAVA, List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off")),
        List.of(classes), "app.Job");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(List.of("tax 100 100"), r.lines());
    assertEquals(2, r.errLines("COMPUTE tax 500"), r::toString);
    assertEquals(1, r.warnings("not memoizing this call of app.Job#tax", "register a KeyEncoder",
        "without code the agent option or configuration key key-encoders=java.util.Random=<encoder class>"),
        r::toString);
  }

  @Test
  void agentOption_secondRunIsAHit() throws Exception {
    Path dir = Jvm.testDir("KeyEncodersConfiguredIT-option");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    List<String> agent = List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off,"
        + "key-encoders=app.Money=app.MoneyEncoder"));
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(JAVA, agent, List.of(classes), "app.Job");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("tax 100 100"), r.lines());
      assertEquals(run == 0 ? 1 : 0, r.errLines("COMPUTE tax 500"), r::toString);
      assertEquals(0, r.warnings("MemoCache"), r::toString);
    }
  }

  @Test
  void systemProperty_secondRunIsAHit() throws Exception {
    Path dir = Jvm.testDir("KeyEncodersConfiguredIT-property");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    List<String> jvmArgs = List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off"),
        "-Dmemocache.key-encoders=app.Money=app.MoneyEncoder");
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(JAVA, jvmArgs, List.of(classes), "app.Job");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("tax 100 100"), r.lines());
      assertEquals(run == 0 ? 1 : 0, r.errLines("COMPUTE tax 500"), r::toString);
      assertEquals(0, r.warnings("MemoCache"), r::toString);
    }
  }

  @Test
  void notAnEncoder_stopsTheJobAtStartUp_namingTheKeyItsSourceAndTheClass() throws Exception {
    Path dir = Jvm.testDir("KeyEncodersConfiguredIT-bad");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    Jvm.Result r = Jvm.run(JAVA, List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off"),
        "-Dmemocache.key-encoders=app.Money=app.Money"), List.of(classes), "app.Job");
    assertEquals(MemoAgent.BAD_OPTION_EXIT, r.exitCode(), r::toString);
    assertEquals("", r.out(), "the job must not run: " + r);
    assertEquals(1, r.errLines("MemoCache: system property memocache.key-encoders=app.Money=app.Money: app.Money is"
        + " not a org.memocache.spi.KeyEncoder"), r::toString);
    assertEquals(2, r.err().lines().count(), "the log record (two lines) and nothing else: " + r);
  }

  /**
   * The encoded type is itself the first class with memoized code the job loads: the agent builds
   * its Memo just before that class is defined, and must not load it a second time then.
   */
  @Test
  void encodedTypeIsTheFirstMemoizedClass_isWoven_andTheSecondRunIsAHit() throws Exception {
    Path dir = Jvm.testDir("KeyEncodersConfiguredIT-first");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), FIRST);
    for (String java : Jvm.javas().toList()) {
      Path cache = dir.resolve("cache-" + java.hashCode());
      assertRunsTwice(java, List.of(classes), cache, "app.Plain");
    }
  }

  /**
   * As {@link #encodedTypeIsTheFirstMemoizedClass_isWoven_andTheSecondRunIsAHit}, with the job's
   * classes in a class loader of its own (as a fat jar's launcher makes): the agent cannot see them
   * at start-up, and builds its Memo later.
   */
  @Test
  void encodedTypeIsTheFirstMemoizedClass_inTheJobsOwnClassLoader() throws Exception {
    Path dir = Jvm.testDir("KeyEncodersConfiguredIT-loader");
    Path app = Jvm.compile(dir.resolve("app"), List.of(Jvm.agentJar()), FIRST);
    Path launcher = Jvm.compile(dir.resolve("launcher"), List.of(), Map.of("boot/Launcher.java", """
        package boot;
        import java.net.URL;
        import java.net.URLClassLoader;
        import java.nio.file.Path;
        public class Launcher {
          public static void main(String[] args) throws Exception {
            URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()},
                ClassLoader.getSystemClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            loader.loadClass("app.Plain").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
          }
        }
        """));
    assertRunsTwice(JAVA, List.of(launcher), dir.resolve("cache"), "boot.Launcher", app.toString());
  }

  private static void assertRunsTwice(String java, List<Path> classPath, Path cache, String main, String... args)
      throws Exception {
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(java, List.of(Jvm.agent("dir=" + cache + ",key-encoders=app.Money=app.MoneyEncoder")),
          classPath, main, args);
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("tax 100 100"), r.lines());
      assertEquals(run == 0 ? 1 : 0, r.errLines("COMPUTE tax 500"), r::toString);
      assertEquals(0, r.errLines("MemoCache"), r::toString);
    }
  }
}
