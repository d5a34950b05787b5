package org.memocache.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
  /** Far more than a pipe holds (64 KiB on Linux) on each stream, stderr first. */
  static final int LINES = 20_000;

  /** Fills stderr before writing stdout, then exits with code 3. */
  public static final class Chatty {
    public static void main(String[] args) {
      String line = "x".repeat(60);
      for (int i = 0; i < LINES; i++) {
        System.err.println("err " + i + " " + line);
      }
      System.err.flush();
      for (int i = 0; i < LINES; i++) {
        System.out.println("out " + i + " " + line);
      }
      System.exit(3);
    }
  }

  /** Never ends on its own. */
  public static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("started");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void bothStreamsFull_areReadWhole_withoutBlocking() {
    // Reading stdout to its end before stderr blocks here: the child waits for stderr to drain.
    ChildJvm.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> ChildJvm.run(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1"), Chatty.class));
    assertEquals(3, r.exitCode());
    assertEquals(LINES, r.lines().size());
    assertEquals(LINES, r.stderr().lines().count());
    assertTrue(r.stdout().endsWith("out " + (LINES - 1) + " " + "x".repeat(60)), r.stdout().substring(r.stdout().length() - 80));
  }

  @Test
  void aChildPastItsTimeout_isKilled_andTheFailureShowsItsOutput() {
    List<String> cmd = List.of(ChildJvm.java(), "-cp", System.getProperty("java.class.path"), Sleeper.class.getName());
    AssertionError e = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(AssertionError.class, () -> ChildJvm.run(cmd, null, Map.of(), Duration.ofSeconds(3))));
    assertTrue(e.getMessage().startsWith("child JVM did not finish within 3 s and was killed: "), e.getMessage());
    assertTrue(e.getMessage().contains("--- stdout\nstarted"), e.getMessage());
  }
}
