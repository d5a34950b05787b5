package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.Tier;
import org.memocache.testing.Child;
import org.memocache.internal.codec.TierValues;

/**
 * A child JVM writes entries of random sizes (up to 64 MiB) in a loop and is killed with
 * {@code destroyForcibly()} at a random moment, round after round. After each round every entry on
 * disk must read back correct (no torn entry is ever served, none is even found damaged), every entry
 * published in an earlier round must still be there, and maintenance must leave no orphan tmp file
 * and no stale lock file. {@code -Dmemocache.torture.rounds=N} runs longer ({@code bench/kill-rounds.sh}).
 */
@Tag("slow")
class KillTortureTest {
  static final int KEYS = 16;

  @Test
  void killMinus9_roundAfterRound_neverATornEntry(TestInfo info) throws Exception {
    int rounds = Integer.getInteger("memocache.torture.rounds", 30);
    long seed = Long.getLong("memocache.torture.seed", 20260101L);
    Path base = TestDirs.forTest(info);
    Path dir = base.resolve("cache");
    Random rnd = new Random(seed);
    Set<Integer> published = new TreeSet<>();
    Map<Integer, Long> expected = new HashMap<>();
    int killedWhileWriting = 0;
    try (DiskTier tier = DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      for (int round = 0; round < rounds; round++) {
        List<String> out;
        try (Child child = Child.start(ChildMain.class, base.resolve("child.log"), "write-loop", dir.toString(),
            String.valueOf(seed + round), String.valueOf(KEYS))) {
          child.await("ready", 120_000);
          Thread.sleep(20 + rnd.nextInt(700));
          child.kill();
          out = child.output();
        }
        for (String line : out) {
          if (line.startsWith("published ")) {
            published.add(Integer.parseInt(line.substring(10)));
          }
        }
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
          if (s.findAny().isPresent()) {
            killedWhileWriting++;
          }
        }
        String where = "round " + round + " (seed " + seed + ")";
        for (int k = 0; k < KEYS; k++) {
          Path file = tier.store().entryFile(TestKeys.key(k));
          if (!Files.exists(file)) {
            assertTrue(!published.contains(k), where + ": key " + k + " was published earlier and is gone");
            continue;
          }
          Optional<TierValues.Decoded> hit = TestKeys.get(tier, TestKeys.key(k), TestKeys.FILTER);
          assertTrue(hit.isPresent(), where + ": entry of key " + k + " on disk but not readable");
          long want = expected.computeIfAbsent(k, kk -> Torture.fingerprint(Torture.value(kk)));
          assertEquals(want, Torture.fingerprint(hit.get().value()), where + ": wrong value for key " + k);
        }
        assertEquals(0, tier.counters().corrupt(), where + ": a damaged entry was found");
        MaintenanceReport report = tier.maintain();
        assertTrue(report.ran(), where);
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
          assertEquals(List.of(), s.toList(), where + ": orphan tmp files after maintenance");
        }
        try (Stream<Path> s = Files.walk(dir.resolve("locks"))) {
          List<Path> locks = s.filter(p -> p.toString().endsWith(".lock")
              && !p.getFileName().toString().equals("maintenance.lock")).toList();
          assertEquals(List.of(), locks, where + ": stale lock files after maintenance");
        }
        try (Stream<Path> s = Files.list(dir.resolve("index"))) {
          List<Path> journals = s.filter(p -> p.getFileName().toString().startsWith("journal-")
              && !p.getFileName().toString().contains(ProcessHandle.current().pid() + "-")).toList();
          assertEquals(List.of(), journals, where + ": journals of dead processes after maintenance");
        }
        long onDisk;
        try (Stream<Path> s = Files.walk(dir.resolve("entries"))) {
          onDisk = s.filter(p -> p.toString().endsWith(".memo")).count();
        }
        assertEquals(onDisk, report.entries(), where + ": index and entry files disagree");
      }
    }
    assertTrue(published.size() >= KEYS / 2, "the children published something: " + published);
    System.out.println("torture: " + rounds + " rounds, " + published.size() + " keys published, killed mid-write "
        + killedWhileWriting + " times");
  }
}
