package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;
import org.memocache.disk.internal.DiskStore;
import org.memocache.internal.codec.Codecs;
import org.memocache.spi.Tier;
import org.memocache.testing.Child;
import org.memocache.testing.LogCapture;

/**
 * Which cache roots are trusted: another user's root, or one others can write in without the sticky
 * bit, is refused (the default Memo then keeps results in memory; an explicit directory fails); a
 * root that is the user's own link is used, resolved once, so both spellings share one lock table.
 * Ownership cases need a second user: made with {@code useradd} when the tests run as root.
 */
class UnsafeRootsTest {
  private static final String OTHER = "memocache-test";
  private static UserPrincipal other;

  @BeforeAll
  static void otherUser() throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      return;
    }
    if (run("id", "-u", OTHER) != 0) {
      run("useradd", "-M", "-r", "-s", "/usr/sbin/nologin", OTHER);
    }
    try {
      other = Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OTHER);
    } catch (IOException e) {
      other = null;
    }
  }

  private static int run(String... cmd) throws Exception {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static void assumeOtherUser() {
    assumeTrue(other != null, "needs root to create and chown to a second user (" + OTHER + "); skipped");
  }

  private static void chown(Path p, UserPrincipal u) throws IOException {
    Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(u);
  }

  private static String me() {
    return System.getProperty("user.name");
  }

  private static Path made(Path dir, String mode) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    return dir;
  }

  private static String refusal(Path dir, String what) {
    return "cannot use cache directory " + dir + ": " + what
        + ", who could forge its results or plant links in it; use a directory that only you can write to (chmod 700)";
  }

  @Test
  void anotherUsersRoot_isRefused_explicitDirectoryFailsWithTheReason(TestInfo info) throws Exception {
    assumeOtherUser();
    Path dir = made(TestDirs.forTest(info).resolve("cache"), "rwx------");
    chown(dir, other);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Memo.builder().directory(dir).build());
    assertEquals("MemoCache: " + refusal(dir, "owner " + OTHER + ", mode 0700: owned by another user").replace(
        "cannot use cache directory", "cannot use the cache directory"), e.getMessage());
    assertEquals(List.of(), Files.list(dir).toList(), "nothing was created in it");
  }

  @Test
  void worldWritableRootWithoutStickyBit_isRefused_withStickyBitIsUsed(TestInfo info) throws Exception {
    Path base = TestDirs.forTest(info);
    Path open = made(base.resolve("open"), "rwxrwxrwx");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DiskTier.open(TestDirs.config(open), Codecs.builtIns(), Duration.ZERO));
    assertEquals(refusal(open, "owner " + me() + ", mode 0777: writable by other users without the sticky bit"),
        e.getMessage());
    Path group = made(base.resolve("group"), "rwxrwx---");
    Files.setAttribute(group, "unix:mode", 02770);
    e = assertThrows(IllegalStateException.class,
        () -> DiskTier.open(TestDirs.config(group), Codecs.builtIns(), Duration.ZERO));
    assertEquals(refusal(group, "owner " + me() + ", mode 2770: writable by other users without the sticky bit"),
        e.getMessage(), "a shared-group root is not supported");
    Path sticky = made(base.resolve("sticky"), "rwxrwxrwx");
    Files.setAttribute(sticky, "unix:mode", 01777);
    try (DiskTier tier = DiskTier.open(TestDirs.config(sticky), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(TestKeys.put(tier, TestKeys.key(1), "v", TestKeys.meta("k")));
    }
  }

  @Test
  void aTopLevelFolderOfAnotherUser_isRefused(TestInfo info) throws Exception {
    assumeOtherUser();
    Path dir = TestDirs.forTest(info).resolve("cache");
    DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO).close();
    chown(dir.resolve("entries"), other);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DiskTier.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO));
    assertEquals(refusal(dir, "its entries/ has owner " + OTHER + ", mode 0700: owned by another user"),
        e.getMessage());
  }

  @Test
  void aMethodFolderOfAnotherUser_isForeign_itsForgedEntryIsNeverRead(TestInfo info) throws Exception {
    assumeOtherUser();
    Path dir = TestDirs.forTest(info).resolve("cache");
    try (DiskStore store = DiskStore.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(TestKeys.put(store, TestKeys.key(1), "FORGED-VALUE", TestKeys.meta("k")));
    }
    Path m = dir.resolve("entries").resolve(TestKeys.key(1).method().idHex());
    chown(m, other);
    try (LogCapture log = new LogCapture();
        DiskStore store = DiskStore.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(TestKeys.get(store, TestKeys.key(1), TestKeys.FILTER).isEmpty(), "planted by another user: a miss");
      assertFalse(TestKeys.put(store, TestKeys.key(1), "real", TestKeys.meta("k")), "nothing is written into it");
      assertTrue(store.entries(null).isEmpty(), "nor listed");
      assertEquals(List.of("MemoCache: " + m + " is a directory of another user (" + OTHER + ") where the cache"
          + " expects one of its own; it is left alone (never opened, written through or deleted)"),
          log.messages(java.util.logging.Level.WARNING));
    }
  }

  @Test
  void defaultMemo_onAnotherUsersRoot_keepsResultsInMemory_afterOneWarning(TestInfo info) throws Exception {
    assumeOtherUser();
    Path base = TestDirs.forTest(info);
    Path dir = made(base.resolve("cache"), "rwxrwxrwx");
    chown(dir, other);
    Path log = base.resolve("child.log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DefaultMemoMain.class.getName());
    pb.environment().put("MEMOCACHE_DIR", dir.toString());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
    List<String> lines = Files.readAllLines(log);
    assertEquals(0, p.exitValue(), lines.toString());
    assertTrue(lines.contains("tiers [] values 42 42 computed 1"), lines.toString());
    List<String> warnings = lines.stream().filter(l -> l.startsWith("WARNING:")).toList();
    assertEquals(List.of("WARNING: MemoCache: " + refusal(dir, "owner " + OTHER + ", mode 0777: owned by another user")
        .replace("cannot use cache directory", "cannot use the cache directory") + "; memoizing in memory only for this"
        + " run"), warnings);
    assertEquals(List.of(), Files.list(dir).toList(), "nothing was created in it");
  }

  /** Builds the default Memo (the directory comes from {@code MEMOCACHE_DIR}) and makes two calls. */
  public static final class DefaultMemoMain {
    public static void main(String[] args) {
      AtomicInteger computed = new AtomicInteger();
      try (Memo memo = Memo.builder().build()) {
        Object a = memo.call("answer", () -> computed.incrementAndGet() * 0 + 42, 1);
        Object b = memo.call("answer", () -> computed.incrementAndGet() * 0 + 42, 1);
        System.out.println("tiers " + memo.tiers().stream().filter(t -> !t.name().equals("memory")).toList()
            + " values " + a + " " + b + " computed " + computed.get());
      }
    }
  }

  @Test
  void rootThatIsTheUsersOwnLink_isUsedAtItsRealPath(TestInfo info) throws Exception {
    Path base = TestDirs.forTest(info);
    Path real = base.resolve("disk2/cache");
    Path link = base.resolve("home-cache");
    Files.createDirectories(real.getParent());
    Files.createSymbolicLink(link, real);
    try (DiskTier tier = DiskTier.open(TestDirs.config(link), Codecs.builtIns(), Duration.ZERO)) {
      assertEquals(real.toRealPath(), tier.directory());
      assertTrue(TestKeys.put(tier, TestKeys.key(1), "v", TestKeys.meta("k")));
    }
    assertTrue(Files.isRegularFile(real.resolve("MEMOCACHE")));
    assertTrue(Files.isSymbolicLink(link));
  }

  @Test
  void rootThatIsAnotherUsersLink_isRefused(TestInfo info) throws Exception {
    assumeOtherUser();
    Path base = TestDirs.forTest(info);
    Path real = made(base.resolve("mine"), "rwx------");
    Path link = base.resolve("link");
    Files.createSymbolicLink(link, real);
    chown(link, other);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DiskTier.open(TestDirs.config(link), Codecs.builtIns(), Duration.ZERO));
    assertEquals("cannot use cache directory " + link + ": it is a symbolic link owned by " + OTHER + ", not by "
        + me() + ": another user could point it anywhere", e.getMessage());
  }

  @Tag("slow") // a child JVM and a 3 s wait for a lock it must not get
  @Test
  void twoSpellingsOfOneRoot_shareTheLockTable(TestInfo info) throws Exception {
    Path base = TestDirs.forTest(info);
    Path real = base.resolve("cache");
    Path link = base.resolve("alias");
    Files.createDirectories(base);
    DiskTier.open(TestDirs.config(real), Codecs.builtIns(), Duration.ZERO).close();
    Files.createSymbolicLink(link, real);
    try (DiskStore one = DiskStore.open(TestDirs.config(real), Codecs.builtIns(), Duration.ZERO);
        DiskStore two = DiskStore.open(TestDirs.config(link), Codecs.builtIns(), Duration.ZERO)) {
      Tier.KeyLock held = one.lock(TestKeys.key(1), "held", Duration.ZERO).orElseThrow();
      try {
        assertTrue(two.lock(TestKeys.key(1), "again", Duration.ZERO).isEmpty(), "busy through the other spelling");
        two.maintain(); // tries every lock file nobody in this JVM holds
        try (Child child = Child.start(ChildMain.class, base.resolve("child.log"), "hold-lock", real.toString(), "1", "0")) {
          assertThrows(AssertionError.class, () -> child.await("locked", 3000),
              "the OS lock is still held: another process cannot take it");
          held.close();
          child.await("locked", 30_000);
          assertEquals(0, child.waitFor(30_000));
        }
      } finally {
        held.close();
      }
    }
  }

  @Test
  void twoSpellingsOfOneRoot_twoThreadsComputeAKeyOnce(TestInfo info) throws Exception {
    Path base = TestDirs.forTest(info);
    Path real = base.resolve("cache");
    Path link = base.resolve("alias");
    Files.createDirectories(base);
    DiskTier.open(TestDirs.config(real), Codecs.builtIns(), Duration.ZERO).close();
    Files.createSymbolicLink(link, real);
    AtomicInteger computed = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Memo a = Memo.builder().directory(real).build(); Memo b = Memo.builder().directory(link).build()) {
      List<Future<Object>> results = new ArrayList<>();
      for (Memo m : List.of(a, b)) {
        results.add(pool.submit(() -> {
          go.await();
          return m.call("slow", () -> {
            computed.incrementAndGet();
            try {
              Thread.sleep(300);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return "r";
          }, 7);
        }));
      }
      go.countDown();
      for (Future<Object> f : results) {
        assertEquals("r", f.get(60, TimeUnit.SECONDS));
      }
      assertEquals(1, computed.get(), "computed once through both spellings");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void indexFilesAreOwnerOnly(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    try (DiskStore store = DiskStore.open(TestDirs.config(dir), Codecs.builtIns(), Duration.ZERO)) {
      assertTrue(TestKeys.put(store, TestKeys.key(1), "v", TestKeys.meta("k")));
      assertTrue(store.maintain().ran());
    }
    List<Path> files;
    try (var s = Files.list(dir.resolve("index"))) {
      files = s.toList();
    }
    assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("index.db")), files.toString());
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    for (Path f : files) {
      assertEquals(ownerOnly, Files.getPosixFilePermissions(f), f.toString());
    }
  }
}
