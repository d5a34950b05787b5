package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Attached to a running JVM (agentmain), the agent weaves classes that were already loaded. */
class AttachIT {

  static final Map<String, String> APP = Map.of("att/Main.java", """
      package att;
      import com.sun.tools.attach.VirtualMachine;
      import org.memocache.annotations.Memoize;
      public class Main {
        @Memoize static long slow(int n) { System.err.println("COMPUTE slow " + n); return n * 3L; }
        public static void main(String[] args) throws Exception {
          System.out.println("before " + slow(5) + " " + slow(5));
          VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
          try {
            vm.loadAgent(args[0], args[1]);
          } finally {
            vm.detach();
          }
          System.err.println("ATTACHED");
          System.out.println("after " + slow(5) + " " + slow(5) + " " + slow(6));
        }
      }
      """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void loadedClassesAreWovenOnAttach(String java) throws Exception {
    Path dir = Jvm.testDir("AttachIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    Jvm.Result r = Jvm.run(java, List.of("-Djdk.attach.allowAttachSelf=true"), List.of(classes, Jvm.agentJar()),
        "att.Main", Jvm.agentJar().toString(), "dir=" + dir.resolve("cache") + ",weavecache=off");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(List.of("before 15 15", "after 15 15 18"), r.lines());
    String[] halves = r.err().split("ATTACHED", 2);
    assertEquals(2, halves[0].lines().filter(l -> l.equals("COMPUTE slow 5")).count(), r::toString);
    assertEquals(1, halves[1].lines().filter(l -> l.equals("COMPUTE slow 5")).count(), r::toString);
    assertEquals(1, halves[1].lines().filter(l -> l.equals("COMPUTE slow 6")).count(), r::toString);
  }
}
