package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A job run with the agent sees nothing on stderr but its own output: on JDK 25, neither Byte Buddy
 * (weaving) nor Kryo (storing and reading a record and a plain object back) reaches
 * {@code sun.misc.Unsafe}, whose first use prints deprecation warnings; and the properties the agent
 * uses for that do not leak into the job's own {@code kryo.unsafe} / {@code net.bytebuddy.safe}.
 */
class QuietStderrIT {

  static final Map<String, String> JOB = Map.of(
      "quiet/Main.java", """
          package quiet;
          import java.util.List;
          public class Main {
            public record Point(int x, double y, String label) {}
            public static final class Track {
              private final String name;
              private final long[] stamps;
              public Track(String name, long[] stamps) { this.name = name; this.stamps = stamps; }
              @Override public String toString() { return name + java.util.Arrays.toString(stamps); }
            }
            public static List<Point> points(int n) {
              System.err.println("COMPUTE points " + n);
              return List.of(new Point(n, n / 2.0, "p" + n), new Point(-n, 0.25, null));
            }
            public static Track track(String name) {
              System.err.println("COMPUTE track " + name);
              return new Track(name, new long[] {1, 2, 3});
            }
            public static void main(String[] args) {
              System.out.println(points(3) + " " + track("t"));
              System.out.println("kryo.unsafe=" + System.getProperty("kryo.unsafe")
                  + " net.bytebuddy.safe=" + System.getProperty("net.bytebuddy.safe"));
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void weavingStoringAndReadingBackPrintNothingOnStderr(String java) throws Exception {
    Path dir = Jvm.testDir("QuietStderrIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(), JOB);
    List<String> agent = List.of(Jvm.agent("methods=quiet.Main#points;quiet.Main#track,dir=" + dir.resolve("cache")
        + ",weavecache=" + dir.resolve("woven")));

    Jvm.Result first = Jvm.run(java, agent, List.of(classes), "quiet.Main");
    Jvm.Result second = Jvm.run(java, agent, List.of(classes), "quiet.Main");

    List<String> expected = List.of("[Point[x=3, y=1.5, label=p3], Point[x=-3, y=0.25, label=null]] t[1, 2, 3]",
        "kryo.unsafe=null net.bytebuddy.safe=null");
    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(0, second.exitCode(), second::toString);
    assertEquals(expected, first.lines(), first::toString);
    assertEquals(expected, second.lines(), second::toString);
    assertEquals(List.of("COMPUTE points 3", "COMPUTE track t"), first.err().lines().toList(), first::toString);
    // The second run decodes both results from disk: Kryo's read path, and no weaving (the weave cache).
    assertEquals(List.of(), second.err().lines().toList(), second::toString);
  }
}
