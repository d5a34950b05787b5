package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Every operation the disk tier's maintainer makes on its MapDB {@link Index}, run in a child JVM on
 * the shaded agent jar by {@code IndexFromShadedJarIT}: the jar ships only the Eclipse Collections,
 * Guava and Kotlin classes these operations load, so a class missing from it fails here.
 *
 * <p>{@code java -cp memocache-agent.jar:<test classes> org.memocache.disk.internal.IndexWorkout
 * <dir> <step>}, with the steps in this order: {@code fill} (create, enough entries for a B-tree
 * of several levels, look up present and absent keys, remove, iterate, journals and metadata,
 * commit, reopen), {@code crash} (commit, then more writes and a halt without closing), {@code
 * replay} (the open that replays the write-ahead log), {@code damaged} (garbage in place of the
 * file: the open fails, the files are deleted and the index is created afresh). Each step prints
 * one line that the test checks.
 */
public final class IndexWorkout {
  private static final int ENTRIES = 20_000;

  private IndexWorkout() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createDirectories(Path.of(args[0]));
    switch (args[1]) {
      case "fill" -> fill(dir);
      case "crash" -> crash(dir);
      case "replay" -> replay(dir);
      case "damaged" -> damaged(dir);
      default -> throw new IllegalArgumentException("no step " + args[1]);
    }
  }

  private static void fill(Path dir) throws IOException {
    Random random = new Random(1);
    byte[][] keys = new byte[ENTRIES][];
    try (Index index = Index.open(dir)) {
      boolean fresh = index.fresh();
      long scannedBefore = index.lastFullScan();
      for (int i = 0; i < ENTRIES; i++) {
        keys[i] = key(random);
        index.put(keys[i], record(i));
      }
      index.commit();
      int removed = 0;
      for (int i = 0; i < ENTRIES; i += 2) {
        removed += index.remove(keys[i]) ? 1 : 0;
      }
      boolean absentRemoved = index.remove(key(random));
      for (int i = 0; i < 50; i++) {
        index.journalOffset("journal-" + i, i * 100L);
      }
      index.forgetJournal("journal-7");
      index.lastFullScan(1234);
      index.put(keys[1], index.get(keys[1]).accessed(99, 2, 10));
      index.commit();
      int iterated = 0;
      for (Map.Entry<byte[], byte[]> e : index.entries()) {
        iterated += IndexRecord.decode(e.getValue()).size() % 2 == 1 ? 1 : 0;
      }
      int journals = 0;
      for (String name : index.journalNames()) {
        journals++;
      }
      System.out.println("fill fresh=" + fresh + " scannedBefore=" + scannedBefore + " removed=" + removed
          + " absentRemoved=" + absentRemoved + " absent=" + index.get(key(random)) + " size=" + index.size()
          + " iterated=" + iterated + " journals=" + journals + " offset=" + index.journalOffset("journal-5")
          + " missingOffset=" + index.journalOffset("journal-7") + " hits=" + index.get(keys[1]).hits());
    }
    try (Index index = Index.open(dir)) {
      System.out.println("reopen fresh=" + index.fresh() + " size=" + index.size() + " scanned=" + index.lastFullScan());
    }
  }

  private static void crash(Path dir) throws IOException {
    Random random = new Random(2);
    Index index = Index.open(dir);
    for (int i = 0; i < 1_000; i++) {
      index.put(key(random), record(i));
    }
    index.commit();
    for (int i = 0; i < 1_000; i++) {
      index.put(key(random), record(i));
    }
    System.out.println("crash size=" + index.size());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static void replay(Path dir) throws IOException {
    try (Index index = Index.open(dir)) {
      int n = 0;
      for (Map.Entry<byte[], byte[]> e : index.entries()) {
        n++;
      }
      System.out.println("replay fresh=" + index.fresh() + " size=" + index.size() + " iterated=" + n);
    }
  }

  private static void damaged(Path dir) throws IOException {
    Index.delete(dir);
    Files.write(dir.resolve(Index.FILE), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    String failure;
    try (Index index = Index.open(dir)) {
      failure = "none";
    } catch (IOException e) {
      failure = e.getMessage();
    }
    Index.delete(dir);
    try (Index index = Index.open(dir)) {
      System.out.println("damaged failure=" + failure + " then fresh=" + index.fresh() + " size=" + index.size());
    }
  }

  private static byte[] key(Random random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return key;
  }

  private static IndexRecord record(int i) {
    return new IndexRecord(i, 1_000L + i, 5_000L, 1_000L + i, 0, "kryo", "method" + i % 7, "args " + i, 0);
  }
}
