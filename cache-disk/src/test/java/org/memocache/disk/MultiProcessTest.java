package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.testing.Child;

/**
 * Eight JVMs share one cache directory and each asks for the same 20 keys, every computation taking
 * 200 ms and leaving a marker file: every key must be computed exactly once, and every process must
 * get every value right.
 */
@Tag("slow")
class MultiProcessTest {
  static final int PROCESSES = 8;
  static final int KEYS = 20;
  static final long WORK_MILLIS = 200;

  @Test
  void eightJvms_twentyKeys_exactlyOneComputationPerKey_tierLevel(TestInfo info) throws Exception {
    run(info, "compute");
  }

  @Test
  void eightJvms_twentyKeys_exactlyOneComputationPerKey_throughMemo(TestInfo info) throws Exception {
    run(info, "memo-compute");
  }

  private static void run(TestInfo info, String mode) throws Exception {
    Path base = TestDirs.forTest(info);
    Path dir = base.resolve("cache");
    Path markers = base.resolve("markers");
    Path go = base.resolve("go");
    Files.createDirectories(markers);
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < PROCESSES; i++) {
        children.add(Child.start(ChildMain.class, base.resolve("child-" + i + ".log"), mode, dir.toString(), markers.toString(),
            go.toString(), String.valueOf(KEYS), String.valueOf(WORK_MILLIS)));
      }
      for (Child c : children) {
        c.await("ready", 120_000);
      }
      Files.createFile(go);
      for (Child c : children) {
        c.await("done", 120_000);
        assertEquals(0, c.waitFor(60_000));
      }
    } finally {
      for (Child c : children) {
        c.close();
      }
    }
    Map<Integer, Integer> computations = new HashMap<>();
    try (Stream<Path> s = Files.list(markers)) {
      s.forEach(p -> computations.merge(Integer.parseInt(p.getFileName().toString().split("-")[0]), 1, Integer::sum));
    }
    for (int k = 0; k < KEYS; k++) {
      assertEquals(1, computations.getOrDefault(k, 0), "computations of key " + k + ": " + computations);
    }
    for (Child c : children) {
      int results = 0;
      for (String line : c.output()) {
        if (line.startsWith("result ")) {
          String[] p = line.split(" ", 3);
          int k = Integer.parseInt(p[1]);
          assertEquals(ChildMain.show(ChildMain.valueOf(k)), p[2], "value of key " + k + " in pid " + c.pid());
          results++;
        }
      }
      assertEquals(KEYS, results, "results of pid " + c.pid() + ": " + c.output());
    }
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), org.memocache.internal.codec.Codecs.builtIns(),
        java.time.Duration.ZERO)) {
      MaintenanceReport r = tier.maintain();
      assertEquals(KEYS, r.entries(), r.toString());
    }
    assertNoLeftovers(dir);
  }

  static void assertNoLeftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
      assertEquals(List.of(), s.toList(), "no tmp files");
    }
    try (Stream<Path> s = Files.walk(dir.resolve("locks"))) {
      List<Path> locks = s.filter(p -> p.toString().endsWith(".lock") && !p.getFileName().toString().equals("maintenance.lock"))
          .toList();
      assertTrue(locks.isEmpty(), "maintenance removed the released key locks: " + locks);
    }
  }
}
