package org.memocache.bench.torture;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.memocache.CachedResult;
import org.memocache.Memo;

/**
 * One torture JVM, run until it is killed: a {@code writer} memoizes random keys through
 * {@link Memo#call} (computing and publishing the missing ones, reading the rest), a {@code reader}
 * only looks keys up. Every value served is judged; a wrong or torn one is written to the report file
 * at once (one unbuffered write, so it survives the kill that follows), and counters are written
 * every half second.
 *
 * <p>Usage: {@code TortureWorker writer|reader <cacheDir> <keys> <reportFile> <seed> <memoryBytes>}.
 */
public final class TortureWorker {
  private TortureWorker() {}

  /** Runs until killed. */
  public static void main(String[] args) throws IOException {
    String role = args[0];
    Path dir = Path.of(args[1]);
    int keys = Integer.parseInt(args[2]);
    SplittableRandom rnd = new SplittableRandom(Long.parseLong(args[4]));
    try (FileOutputStream report = new FileOutputStream(args[3], true);
         Memo memo = Memo.builder().directory(dir).maximumMemoryBytes(Long.parseLong(args[5]))
             .lockTimeout(Duration.ofSeconds(30)).build()) {
      line(report, "START " + role + " pid=" + ProcessHandle.current().pid());
      long checked = 0;
      long computed = 0;
      long lastStats = System.nanoTime();
      boolean writer = role.equals("writer");
      while (true) {
        long k = rnd.nextInt(keys);
        Object served;
        boolean present;
        if (writer) {
          long[] c = {0};
          served = memo.call("torture", () -> {
            c[0]++;
            return Expected.value(k);
          }, k);
          computed += c[0];
          present = true;
        } else {
          Optional<CachedResult<Object>> hit = memo.method("torture").lookup(k);
          present = hit.isPresent();
          served = hit.map(CachedResult::value).orElse(null);
        }
        if (present) {
          Expected.Verdict v = Expected.judge(k, served);
          if (v != Expected.Verdict.OK) {
            line(report, v + " key=" + k + " role=" + role + " served=" + describe(served));
          }
          checked++;
        }
        if (System.nanoTime() - lastStats > 500_000_000L) {
          lastStats = System.nanoTime();
          line(report, "STATS checked=" + checked + " computed=" + computed
              + " storeFailures=" + memo.stats().storeFailures());
        }
      }
    }
  }

  private static String describe(Object v) {
    if (v instanceof double[] d) {
      return "double[" + d.length + "]" + (d.length > 0 ? " first=" + d[0] + " last=" + d[d.length - 1] : "");
    }
    return String.valueOf(v);
  }

  private static void line(FileOutputStream out, String s) throws IOException {
    out.write((s + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
