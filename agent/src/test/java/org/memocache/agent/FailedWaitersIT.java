package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Eight threads call a woven method whose body throws: one runs the body, the seven waiting for it
 * throw the same exception object without running the body; the failure is not cached.
 */
class FailedWaitersIT {

  static final Map<String, String> APP = Map.of(
      "app/Reader.java", """
          package app;
          import java.io.IOException;
          import java.util.concurrent.*;
          import java.util.concurrent.atomic.AtomicInteger;
          import org.memocache.annotations.Memoize;
          public class Reader {
            static final AtomicInteger runs = new AtomicInteger();
            static final CountDownLatch gate = new CountDownLatch(1);
            @Memoize static int parse(String path) throws IOException {
              runs.incrementAndGet();
              try { gate.await(30, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
              throw new IOException("unreadable " + path);
            }
            public static void main(String[] args) throws Exception {
              Throwable[] thrown = new Throwable[8];
              Thread[] threads = new Thread[thrown.length];
              for (int i = 0; i < threads.length; i++) {
                int n = i;
                threads[i] = new Thread(() -> {
                  try {
                    System.out.println("returned " + parse("/data/x"));
                  } catch (Throwable t) {
                    thrown[n] = t;
                  }
                });
                threads[i].start();
              }
              long deadline = System.nanoTime() + 20_000_000_000L;
              while (runs.get() < 1 || !java.util.Arrays.stream(threads).allMatch(t -> t.getState() == Thread.State.WAITING
                  || t.getState() == Thread.State.TIMED_WAITING)) {
                if (System.nanoTime() > deadline) throw new AssertionError("callers did not start waiting");
                Thread.sleep(10);
              }
              gate.countDown();
              for (Thread t : threads) t.join();
              long same = java.util.Arrays.stream(thrown).filter(t -> t == thrown[0]).count();
              System.out.println("runs " + runs.get());
              System.out.println("thrown " + thrown[0].getClass().getName() + " " + thrown[0].getMessage() + " same " + same);
              try {
                parse("/data/x");
              } catch (IOException e) {
                System.out.println("again " + e.getMessage() + " runs " + runs.get());
              }
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void waitersOfAThrowingWovenMethod_throwItsException_andOneBodyRuns(String java) throws Exception {
    Path dir = Jvm.testDir("FailedWaitersIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    List<String> agent = List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",weavecache=" + dir.resolve("woven")));

    Jvm.Result r = Jvm.run(java, agent, List.of(classes), "app.Reader");

    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(List.of("runs 1", "thrown java.io.IOException unreadable /data/x same 8", "again unreadable /data/x runs 2"),
        r.lines(), r::toString);
    assertEquals(0, r.warnings("MemoCache"), r::toString);
  }
}
