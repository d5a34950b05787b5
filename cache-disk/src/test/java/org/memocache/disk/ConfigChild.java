package org.memocache.disk;

import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.memocache.Memo;
import org.memocache.MemoConfig;
import org.memocache.MemoStats;
import org.thirdparty.linear.Matrix;

/**
 * What the child JVMs of {@link ConfigurationTest} run: the default Memo, configured only from
 * outside (properties, environment, files), prints its configuration and what its calls did.
 */
public final class ConfigChild {
  private ConfigChild() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    Memo memo;
    try {
      memo = args.length > 0 && args[0].equals("explicit") ? Memo.builder().directory(Path.of(args[1])).build()
          : Memo.defaultMemo();
    } catch (RuntimeException e) {
      out.println("failed: " + e.getMessage());
      return;
    }
    MemoConfig c = memo.config();
    out.println("dir=" + c.directory());
    out.println("memory=" + c.maximumMemoryBytes());
    out.println("disk=" + c.maximumDiskBytes());
    out.println("disk-entries=" + c.maximumDiskEntries());
    out.println("expire=" + c.expireAfter());
    out.println("lock-timeout=" + c.lockTimeout());
    out.println("durable=" + c.durable());
    out.println("fingerprint=" + c.codeFingerprint());
    out.println("allow=" + String.join(";", c.allowedPackages()));

    // A third-party-like result: stored (and decoded by a second JVM) only when allow admits it.
    AtomicInteger computed = new AtomicInteger();
    Matrix m = memo.call("matrix", () -> {
      computed.incrementAndGet();
      return new Matrix(2, new double[] {1, 2, 3, 4});
    }, 7);
    out.println("matrix " + m + " computed=" + computed.get());

    // 32 KiB: kept in memory unless the memory bound is smaller.
    MemoStats before = memo.stats();
    for (int i = 0; i < 2; i++) {
      memo.call("big", () -> new double[4096], 1);
    }
    MemoStats after = memo.stats();
    out.println("big memoryHits=" + (after.memoryHits() - before.memoryHits())
        + " tierHits=" + (after.tierHits() - before.tierHits()));
    memo.close();
  }
}
