package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A result whose classes come from two packages of a library: the first run's one warning names
 * both, with the agent option to add; run with that option, the result is stored and a third run
 * hits. One run to learn the whole allow-list, not one per package.
 */
class AllowAllPackagesIT {
  static final String JAVA = Jvm.javas().findFirst().orElseThrow();

  @Test
  void oneWarningNamesBothPackages_andItsAgentOptionMakesTheNextRunStore() throws Exception {
    Path dir = Jvm.testDir("AllowAllPackagesIT");
    Path lib = Jvm.compile(dir.resolve("lib"), List.of(), Map.of("lib/core/Alignment.java", """
        package lib.core;
        public class Alignment {
          final Object score;
          public Alignment(Object score) { this.score = score; }
          @Override public String toString() { return "Alignment(" + score + ")"; }
        }
        """, "lib/score/Score.java", """
        package lib.score;
        public class Score {
          final int value;
          public Score(int value) { this.value = value; }
          @Override public String toString() { return "Score(" + value + ")"; }
        }
        """));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(lib), Map.of("app/Job.java", """
        package app;
        public class Job {
          static Object align(int n) { System.err.println("COMPUTE align " + n); return new lib.core.Alignment(new lib.score.Score(n)); }
          public static void main(String[] args) { System.out.println(align(3)); }
        }
        """));
    Path cache = dir.resolve("cache");
    String base = "methods=app.Job#align,weavecache=off,dir=" + cache;

    Jvm.Result first = Jvm.run(JAVA, List.of(Jvm.agent(base)), List.of(classes, lib), "app.Job");
    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(List.of("Alignment(Score(3))"), first.lines());
    assertEquals(List.of("WARNING: MemoCache: the result of app.Job#align contains lib.core.Alignment and"
        + " lib.score.Score, which its allow-list does not admit, so it would never be readable from " + cache
        + "; it is not stored there. Admit them: -Dmemocache.allow=lib.core,lib.score (or"
        + " MEMOCACHE_ALLOW=lib.core,lib.score, or allow=lib.core,lib.score in memocache.properties), the agent"
        + " option allow=lib.core;lib.score, or Memo.builder().allowPackages(\"lib.core\", \"lib.score\")"),
        first.err().lines().filter(l -> l.startsWith("WARNING")).toList(), first::toString);

    List<String> admitted = List.of(Jvm.agent(base + ",allow=lib.core;lib.score"));
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(JAVA, admitted, List.of(classes, lib), "app.Job");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("Alignment(Score(3))"), r.lines());
      assertEquals(run == 0 ? 1 : 0, r.errLines("COMPUTE align 3"), r::toString);
      assertEquals(0, r.errLines("MemoCache"), r::toString);
    }
  }
}
