package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Results that cannot be stored on disk (a class outside the allow-list; an object holding a
 * thread) are still returned on every call, with one clear warning naming the method and the class
 * (and, for the object holding a thread, one saying that memory hits share it, as it cannot be copied).
 */
class UnstorableIT {

  /** In a code source of its own (a library's), so neither the method's nor its declared type's. */
  static final Map<String, String> LIBRARY = Map.of(
      "other/Handle.java", """
          package other;
          public class Handle {
            public final String name;
            public Handle(String name) { this.name = name; }
            @Override public String toString() { return "Handle(" + name + ")"; }
          }
          """);

  static final Map<String, String> APP = Map.of(
      "app/Worker.java", """
          package app;
          public class Worker {
            public final Thread thread = new Thread(() -> {}, "worker");
            public final int id;
            public Worker(int id) { this.id = id; }
            @Override public String toString() { return "Worker(" + id + ")"; }
          }
          """,
      "app/Main.java", """
          package app;
          import org.memocache.annotations.Memoize;
          public class Main {
            @Memoize static Object open(String name) { System.err.println("COMPUTE open"); return new other.Handle(name); }
            @Memoize static Worker start(int id) { System.err.println("COMPUTE start"); return new Worker(id); }
            public static void main(String[] args) {
              for (int i = 0; i < 3; i++) System.out.println(open("db") + " " + start(4));
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void resultIsReturnedEveryTimeWithOneWarning(String java) throws Exception {
    Path dir = Jvm.testDir("UnstorableIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path lib = Jvm.compile(dir.resolve("lib"), List.of(), LIBRARY);
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar(), lib), APP);
    List<String> agent = List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=off"));

    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(java, agent, List.of(classes, lib), "app.Main");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("Handle(db) Worker(4)", "Handle(db) Worker(4)", "Handle(db) Worker(4)"), r.lines());
      // Computed once per run (memory serves the repeats), again in the next run (never on disk).
      assertEquals(1, r.errLines("COMPUTE open"), r::toString);
      assertEquals(1, r.errLines("COMPUTE start"), r::toString);
      assertEquals(1, r.warnings("app.Main#open", "other.Handle"), r::toString);
      assertEquals(1, r.warnings("cannot store a app.Worker (result of app.Main#start)"), r::toString);
      // A Worker holds a thread: it cannot be copied for each caller either, and memory shares it.
      assertEquals(1, r.warnings("MemoCache: a app.Worker returned by app.Main#start cannot be copied (Unable to"
          + " make field ", " java.lang.Thread.", "); memory hits hand every caller this same object, so callers"
          + " must not change it"), r::toString);
      assertEquals(3, r.warnings("MemoCache"), r::toString);
    }
  }
}
