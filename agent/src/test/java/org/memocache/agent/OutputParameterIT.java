package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An existing job naming to the agent a method that writes its result into an argument (as EJML's
 * {@code CommonOps_DDRM.invert(a, inv)} does), and a method whose returned array the caller
 * changes: every run prints what the plain run prints.
 */
class OutputParameterIT {

  static final Map<String, String> JOB = Map.of(
      "job/Mat.java", """
          package job;
          public class Mat {
            public final double[] data;
            public Mat(double... data) { this.data = data; }
          }
          """,
      "job/Lin.java", """
          package job;
          public class Lin {
            public static boolean invert(Mat a, Mat inv) {
              System.err.println("COMPUTE invert");
              for (int i = 0; i < a.data.length; i++) inv.data[i] = 1 / a.data[i];
              return true;
            }
            public static double[] vec(int n) {
              System.err.println("COMPUTE vec");
              double[] v = new double[n];
              for (int i = 0; i < n; i++) v[i] = i + 1;
              return v;
            }
          }
          """,
      "job/Main.java", """
          package job;
          import java.util.Arrays;
          public class Main {
            public static void main(String[] args) {
              Mat a = new Mat(4, 2);
              for (int i = 0; i < 2; i++) {
                Mat inv = new Mat(0, 0);
                Lin.invert(a, inv);
                System.out.println("inv=" + Arrays.toString(inv.data));
              }
              double[] v = Lin.vec(3);
              v[0] = 42;
              System.out.println("vec=" + Arrays.toString(Lin.vec(3)));
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void everyRunPrintsWhatThePlainRunPrints(String java) throws Exception {
    Path dir = Jvm.testDir("OutputParameterIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(), JOB);
    List<String> agent = List.of(Jvm.agent("methods=job.Lin#invert;job.Lin#vec,dir=" + dir.resolve("cache")
        + ",weavecache=off"));

    Jvm.Result plain = Jvm.run(java, List.of(), List.of(classes), "job.Main");
    Jvm.Result first = Jvm.run(java, agent, List.of(classes), "job.Main");
    Jvm.Result second = Jvm.run(java, agent, List.of(classes), "job.Main");

    assertEquals(List.of("inv=[0.25, 0.5]", "inv=[0.25, 0.5]", "vec=[1.0, 2.0, 3.0]"), plain.lines());
    assertEquals(plain.lines(), first.lines(), first::toString);
    assertEquals(plain.lines(), second.lines(), second::toString);
    // invert computes on every call; vec once per run (memory), then from disk.
    assertEquals(2, first.errLines("COMPUTE invert"), first::toString);
    assertEquals(2, second.errLines("COMPUTE invert"), second::toString);
    assertEquals(1, first.errLines("COMPUTE vec"), first::toString);
    assertEquals(0, second.errLines("COMPUTE vec"), second::toString);
    assertEquals(1, first.warnings("MemoCache: not memoizing job.Lin#invert(Mat, Mat) any more: its parameter 1 (",
        ") changed while it ran"), first::toString);
    assertEquals(1, first.warnings("MemoCache"), first::toString);
    assertEquals(1, second.warnings("MemoCache: not memoizing job.Lin#invert(Mat, Mat): an earlier run found that its"
        + " parameter 1 (", ") changes while it runs (recorded in "), second::toString);
    assertEquals(1, second.warnings("MemoCache"), second::toString);
  }
}
