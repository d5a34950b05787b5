package org.memocache.bench.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the figures were measured on, printed at the top of every results file. */
public final class Machine {
  private Machine() {}

  /** Lines describing the machine, JDK, file system of {@code work} and the peers' versions. */
  public static List<String> describe(Path work, String classPath) {
    List<String> l = new ArrayList<>();
    l.add("cpu: " + Runtime.getRuntime().availableProcessors() + " cores, " + firstMatch(Path.of("/proc/cpuinfo"),
        "model name\\s*:\\s*(.*)"));
    l.add("memory: " + memTotalGiB() + " GiB");
    l.add("jdk: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.home") + ")");
    l.add("os: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
        + firstMatch(Path.of("/etc/os-release"), "PRETTY_NAME=\"?([^\"]*)\"?"));
    l.add("work directory: " + work.toAbsolutePath() + " on " + fileSystem(work));
    l.add("transparent huge pages: " + transparentHugePages());
    l.add("load average at start: " + loadAverage());
    l.add("java peers: " + jarVersions(classPath, "caffeine", "ehcache", "mapdb", "kryo", "hash4j"));
    return l;
  }

  /** The kernel's transparent huge page mode ({@code always}, {@code madvise}, {@code never}), or why unknown. */
  public static String transparentHugePages() {
    try {
      String s = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).trim();
      Matcher m = Pattern.compile("\\[(\\w+)\\]").matcher(s);
      return m.find() ? m.group(1) : s;
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** The 1/5/15-minute load averages: how busy the shared machine was. */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String memTotalGiB() {
    String kb = firstMatch(Path.of("/proc/meminfo"), "MemTotal:\\s*(\\d+) kB");
    try {
      return String.format(Locale.ROOT, "%.1f", Long.parseLong(kb) / 1024.0 / 1024.0);
    } catch (NumberFormatException e) {
      return "unknown";
    }
  }

  /** {@code df -T} of the directory: device, type, size. */
  static String fileSystem(Path dir) {
    try {
      Process p = new ProcessBuilder("df", "-T", "-h", dir.toString()).redirectErrorStream(true).start();
      List<String> lines = Proc.readLines(p);
      p.waitFor(10, TimeUnit.SECONDS);
      if (lines.size() >= 2) {
        String[] f = lines.get(1).trim().split("\\s+");
        return f[1] + " (" + f[0] + ", " + f[2] + " total, " + f[4] + " free)";
      }
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "unknown";
  }

  private static String jarVersions(String classPath, String... artifacts) {
    List<String> found = new ArrayList<>();
    for (String a : artifacts) {
      Matcher m = Pattern.compile("/" + a + "-([0-9][^/]*?)\\.jar").matcher(classPath);
      found.add(a + " " + (m.find() ? m.group(1) : "?"));
    }
    return String.join(", ", found);
  }

  private static String firstMatch(Path file, String regex) {
    try {
      Pattern p = Pattern.compile(regex);
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        Matcher m = p.matcher(line);
        if (m.find()) {
          return m.group(1).trim();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }
}
