package org.memocache.agent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeaveCacheTest {
  @TempDir
  Path root;

  private final AgentLog log = new AgentLog(false);
  private final byte[] original = {(byte) 0xCA, (byte) 0xFE, 1, 2, 3};
  private final WeaveRecord record = new WeaveRecord(new byte[] {(byte) 0xCA, (byte) 0xFE, 9, 9},
      List.of("fit(IJ)[D"), List.of("MemoCache agent: memoizing a.B#fit(int,long)"), List.of("topic", "message"),
      List.of("a/Helper", "lib/Lib"), 0x1234_5678_9abc_def0L);

  @Test
  void roundTrip() {
    WeaveCache cache = WeaveCache.open(root, "build-1", log);
    assertNotNull(cache);
    String key = cache.key("a/B", original, "fingerprint=true");
    assertNull(cache.get(key));
    cache.put(key, record);
    WeaveRecord back = cache.get(key);
    assertNotNull(back);
    assertArrayEquals(record.bytes(), back.bytes());
    assertEquals(record.defined(), back.defined());
    assertEquals(record.infos(), back.infos());
    assertEquals(record.warnings(), back.warnings());
    assertEquals(record.dependencies(), back.dependencies());
    assertEquals(record.dependencyDigest(), back.dependencyDigest());
    WeaveRecord unchanged = new WeaveRecord(null, List.of(), List.of(), List.of(), List.of(), 0L);
    cache.put("00", unchanged);
    assertNull(cache.get("00").bytes());
  }

  @Test
  void keyCoversBuildOptionsNameAndBytes() {
    WeaveCache a = WeaveCache.open(root, "build-1", log);
    WeaveCache b = WeaveCache.open(root, "build-2", log);
    String k = a.key("a/B", original, "fingerprint=true");
    assertNotEquals(k, b.key("a/B", original, "fingerprint=true"));
    assertNotEquals(k, a.key("a/B", original, "fingerprint=false"));
    assertNotEquals(k, a.key("a/C", original, "fingerprint=true"));
    assertNotEquals(k, a.key("a/B", new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2, 4}, "fingerprint=true"));
    assertNotEquals(a.directory(), b.directory(), "each build has its own directory");
  }

  @Test
  void damagedEntries_areMisses() throws Exception {
    WeaveCache cache = WeaveCache.open(root, "build-1", log);
    String key = cache.key("a/B", original, "");
    cache.put(key, record);
    Path file = cache.directory().resolve(key + ".woven");
    byte[] good = Files.readAllBytes(file);
    for (int i = 0; i < good.length; i += 7) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Files.write(file, bad);
      assertNull(cache.get(key), "bit flipped at " + i);
    }
    Files.write(file, java.util.Arrays.copyOf(good, good.length / 2));
    assertNull(cache.get(key), "truncated");
    Files.write(file, new byte[0]);
    assertNull(cache.get(key), "empty");
  }

  @Test
  void directoryOthersCanWrite_isRefused() throws Exception {
    Path shared = Files.createDirectory(root.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertNull(WeaveCache.open(shared, "build-1", log));
    Path mine = root.resolve("mine");
    assertNotNull(WeaveCache.open(mine, "build-1", log));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)));
  }

  @Test
  void containsFindsTheDescriptor() {
    byte[] data = "xxLorg/memocache/annotations/Memoize;yy".getBytes();
    assertEquals(true, LoadTimeWeaver.contains(data, "Lorg/memocache/annotations/Memoize;".getBytes()));
    assertEquals(false, LoadTimeWeaver.contains(data, "Lorg/memocache/agent/Woven;".getBytes()));
    assertEquals(false, LoadTimeWeaver.contains("Lorg/memo".getBytes(), "Lorg/memocache".getBytes()));
  }
}
