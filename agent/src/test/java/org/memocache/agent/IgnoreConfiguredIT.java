package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code ignore} key leaves a parameter out of the key without code, as {@code @Memoize.Ignore}
 * does: a method taking a logger lambda (which cannot be hashed, so every call computes with a
 * warning) is served from the disk tier in a second JVM once the logger is ignored, set by agent
 * option or by the configuration file.
 */
class IgnoreConfiguredIT {
  static final String JAVA = Jvm.javas().findFirst().orElseThrow();

  static final Map<String, String> APP = Map.of("app/Job.java", """
      package app;
      import java.util.function.Consumer;
      import org.memocache.annotations.Memoize;
      public class Job {
        @Memoize static long run(int n, Consumer<String> logger) {
          logger.accept("COMPUTE run " + n);
          return n * 7L;
        }
        public static void main(String[] args) {
          System.out.println("run " + run(6, System.err::println));
        }
      }
      """);

  @Test
  void withoutIgnore_everyCallComputes_andTheWarningNamesTheKey() throws Exception {
    Path dir = Jvm.testDir("IgnoreConfiguredIT-none");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP, "-g", "-parameters");
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(JAVA, List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off")),
          List.of(classes), "app.Job");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("run 42"), r.lines());
      assertEquals(1, r.errLines("COMPUTE run 6"), r::toString);
      assertEquals(1, r.warnings("not memoizing this call of app.Job#run", "@Memoize.Ignore",
          "; without code: the agent option or configuration key ignore=app.Job#run:logger"), r::toString);
    }
  }

  @Test
  void agentOption_byName_secondRunIsAHit() throws Exception {
    Path dir = Jvm.testDir("IgnoreConfiguredIT-option");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP, "-g", "-parameters");
    List<String> agent = List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off,ignore=app.Job#run:logger"));
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(JAVA, agent, List.of(classes), "app.Job");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("run 42"), r.lines());
      assertEquals(run == 0 ? 1 : 0, r.errLines("COMPUTE run 6"), r::toString);
      assertEquals(0, r.warnings("MemoCache"), r::toString);
    }
  }

  @Test
  void configFile_byIndex_secondRunIsAHit_andAStraySelectorIsWarnedAboutOnce() throws Exception {
    Path dir = Jvm.testDir("IgnoreConfiguredIT-file");
    // Without -parameters: the class has no parameter names, so the index selects the logger.
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP, "-g");
    Path config = Files.writeString(dir.resolve("memocache.conf"),
        "ignore = app.Job#run:1; app.Job#run:logger; app.Job#walk:0\n");
    List<String> agent = List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off,config=" + config));
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(JAVA, agent, List.of(classes), "app.Job");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("run 42"), r.lines());
      assertEquals(run == 0 ? 1 : 0, r.errLines("COMPUTE run 6"), r::toString);
      assertEquals(1, r.warnings("MemoCache: " + config + ":1 ignore=app.Job#run:1; app.Job#run:logger; app.Job#walk:0"
          + " names no parameter 'logger' of app.Job#run (by index, from 0, when the class was compiled without"
          + " -parameters); leaving nothing out for 'app.Job#run:logger'"), r::toString);
      assertEquals(1, r.warnings("names no method walk of app.Job; leaving nothing out for 'app.Job#walk:0'"),
          r::toString);
      assertEquals(2, r.warnings("MemoCache"), r::toString);
    }
  }
}
