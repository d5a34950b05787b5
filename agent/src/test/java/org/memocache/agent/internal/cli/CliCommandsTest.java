package org.memocache.agent.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.EntryInfo;
import org.memocache.Memo;
import org.memocache.agent.Cli;
import org.memocache.disk.CacheDirectory;
import org.memocache.testing.HashBomb;
import picocli.CommandLine;

/** Every subcommand run in-process through picocli on a real cache directory filled through {@link Memo}. */
class CliCommandsTest {
  @TempDir Path dir;

  private String out;
  private String err;

  @BeforeEach
  void fill() {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      for (int n = 1; n <= 3; n++) {
        int size = n * 1000;
        memo.call("simulate", () -> sleepThen(new double[size]), size);
      }
      memo.call("label", () -> "a small string", "x");
    }
    // fresh Memos read it from disk, twice: hits the disk tier counts (a memory hit it never sees)
    for (int i = 0; i < 2; i++) {
      try (Memo memo = Memo.builder().directory(dir).build()) {
        memo.call("simulate", () -> new double[3000], 3000);
      }
    }
  }

  private static double[] sleepThen(double[] v) {
    try {
      Thread.sleep(5); // a compute time that is not zero, so time saved is not zero
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 0.5;
    }
    return v;
  }

  private int run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = Cli.commandLine();
    cl.setOut(new PrintWriter(o));
    cl.setErr(new PrintWriter(e));
    int code = cl.execute(args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  private String key(String method, String args) {
    try (CacheDirectory d = CacheDirectory.open(dir)) {
      return d.entries(method).stream().filter(e -> e.argsSummary().contains(args)).map(EntryInfo::key)
          .findFirst().orElseThrow();
    }
  }

  @Test
  void lsTablesEveryEntry() {
    assertEquals(0, run("ls", dir.toString()), err);
    List<String> lines = out.lines().toList();
    assertTrue(lines.get(0).matches("KEY\\s+METHOD\\s+ARGUMENTS\\s+SIZE\\s+AGE\\s+COMPUTE\\s+HITS\\s+LAST USE"), lines.get(0));
    assertEquals(4, lines.stream().filter(l -> l.matches("[0-9a-f]{12}\\s+(simulate|label)\\s.*")).count(), out);
    assertTrue(lines.get(lines.size() - 1).startsWith("4 entries, "), out);
    assertTrue(lines.get(lines.size() - 1).contains("2 methods"), out);
  }

  @Test
  void lsJsonHasFieldsAndFilters() {
    assertEquals(0, run("ls", "--json", "-m", "simulate", dir.toString()), err);
    assertTrue(out.startsWith("{\"directory\":"), out);
    assertTrue(out.contains("\"entryCount\":3"), out);
    assertEquals(3, count(out, "\"method\":\"simulate\""));
    assertEquals(0, count(out, "\"method\":\"label\""));
    assertTrue(out.contains("\"key\":\"" + key("simulate", "3000") + "\""), out);
    assertTrue(out.contains("\"hits\":2"), out);
  }

  @Test
  void showPreviewsArraysAndStrings() {
    String k = key("simulate", "2000");
    assertEquals(0, run("show", k.substring(0, 10), dir.toString()), err);
    assertTrue(out.contains("key        " + k), out);
    assertTrue(out.contains("preview    double[2000] [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, …]"), out);

    assertEquals(0, run("show", "--json", key("label", "x"), dir.toString()), err);
    assertTrue(out.contains("\"preview\":\"String a small string\""), out);
    assertTrue(out.contains("\"valueType\":\"java.lang.String\""), out);
  }

  /** A result type of the application. */
  record Fit(double slope) {}

  @Test
  void showDescribesAnApplicationRecord_withoutLoadingIt(@TempDir Path other) {
    try (Memo memo = Memo.builder().directory(other).build()) {
      memo.call("fit", () -> new Fit(2.0), 7);
    }
    String k;
    try (CacheDirectory d = CacheDirectory.open(other)) {
      k = d.entries("fit").get(0).key();
    }
    // The library's warning about a class it does not admit (System.Logger, here java.util.logging)
    // would repeat what the preview says.
    List<String> logged = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("org.memocache");
    logger.addHandler(handler);
    try {
      assertEquals(0, run("show", k, other.toString()), err);
    } finally {
      logger.removeHandler(handler);
    }
    assertTrue(out.contains("key        " + k), out);
    assertTrue(out.contains("preview    (not loaded: a " + Fit.class.getName() + " is not a JDK value type, or the"
        + " entry is damaged or gone)"), out);
    assertEquals(List.of(), logged);
  }

  @Test
  void showOfAHashBomb_returnsWithinSeconds() {
    // Sets nested 100 deep sharing their elements: a small entry whose hashCode visits 2^100 sets.
    java.util.Set<Object> root = HashBomb.sets(100);
    // Shared: a copy for the memory tier would rebuild every nested set, hashing it exponentially.
    try (Memo memo = Memo.builder().directory(dir).shareResults("bomb").build()) {
      memo.call("bomb", () -> root, 1);
    }
    String k = key("bomb", "1");
    int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
        () -> run("show", k, dir.toString()));
    assertEquals(0, code, err);
    assertTrue(out.contains("(not loaded"), out);
  }

  @Test
  void showRefusesUnknownAndAmbiguousPrefixes() {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      for (int i = 0; i < 13; i++) {
        int n = i;
        memo.call("more", () -> "v" + n, n); // 17 entries: two share a first hex digit, and one digit is unused
      }
    }
    List<String> keys;
    try (CacheDirectory d = CacheDirectory.open(dir)) {
      keys = d.entries().stream().map(EntryInfo::key).toList();
    }
    assertEquals(17, keys.size());
    String unused = "0123456789abcdef".chars().mapToObj(c -> String.valueOf((char) c))
        .filter(p -> keys.stream().noneMatch(k -> k.startsWith(p))).findFirst().orElseThrow();
    String shared = "0123456789abcdef".chars().mapToObj(c -> String.valueOf((char) c))
        .filter(p -> keys.stream().filter(k -> k.startsWith(p)).count() >= 2).findFirst().orElseThrow();

    assertEquals(2, run("show", unused, dir.toString()));
    assertTrue(err.contains("no entry with a key starting with '" + unused + "'"), err);
    assertEquals(2, run("show", shared, dir.toString()));
    assertTrue(err.contains("'" + shared + "' matches "), err);
    assertTrue(out.isEmpty(), out);
    assertEquals(2, run("show", "xyz", dir.toString()));
    assertTrue(err.contains("1 to 32 hex digits, not 'xyz'"), err);
  }

  @Test
  void statsPerMethod() {
    assertEquals(0, run("stats", dir.toString()), err);
    String sim = out.lines().filter(l -> l.startsWith("simulate")).findFirst().orElseThrow(() -> new AssertionError(out));
    assertTrue(sim.matches("simulate\\s+\\d+\\s+3\\s+.*\\s+2\\s+40%.*"), sim);
    assertTrue(out.contains("2 methods, 4 entries"), out);

    assertEquals(0, run("stats", "--json", dir.toString()), err);
    assertTrue(out.contains("\"entries\":4"), out);
    assertTrue(out.contains("\"hits\":2"), out);
    Matcher m = Pattern.compile("\"method\":\"simulate\".*?\"timeSavedSeconds\":([0-9.E-]+)").matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Double.parseDouble(m.group(1)) > 0, out);
  }

  @Test
  void verifyFindsAFlippedByteAndDeletesIt() throws Exception {
    assertEquals(0, run("verify", dir.toString()), err);
    assertTrue(out.contains("all good"), out);

    String k = key("simulate", "3000");
    Path file;
    try (CacheDirectory d = CacheDirectory.open(dir)) {
      file = d.details(k).orElseThrow().file();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = ch.size() - 100; // inside the payload: the header would fail differently
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
      ch.write(b, at);
    }
    assertEquals(1, run("verify", "--json", dir.toString()), err);
    assertTrue(out.contains("\"ok\":false"), out);
    assertTrue(out.contains("\"key\":\"" + k + "\""), out);
    assertTrue(out.contains("\"deleted\":false"), out);
    assertTrue(Files.exists(file));

    assertEquals(1, run("verify", "--delete", "--progress", dir.toString()), err);
    assertTrue(err.contains("files, ") && err.contains("%"), "the progress bar, forced: " + err);
    assertTrue(err.contains("damaged: " + file), err);
    assertTrue(out.contains("1 damaged, 1 deleted"), out);
    assertFalse(Files.exists(file));
    assertEquals(0, run("verify", dir.toString()), err);
  }

  @Test
  void pruneDryRunThenForReal() {
    assertEquals(0, run("prune", "--max-entries", "1", "--dry-run", "--json", dir.toString()), err);
    assertTrue(out.contains("\"dryRun\":true"), out);
    assertTrue(out.contains("\"remainingEntries\":1"), out);
    assertEquals(3, count(out, "\"key\":"), out);
    assertEquals(0, run("ls", "--json", dir.toString()));
    assertTrue(out.contains("\"entryCount\":4"), out);

    assertEquals(0, run("prune", "--max-bytes", "1G", "--older-than", "30d", dir.toString()), err);
    assertTrue(out.contains("removed 0 entries"), out);
    assertEquals(0, run("prune", "--max-entries", "1", dir.toString()), err);
    assertTrue(out.contains("removed 3 entries"), out);
    assertEquals(0, run("ls", "--json", dir.toString()));
    assertTrue(out.contains("\"entryCount\":1"), out);
  }

  @Test
  void pruneNeedsARuleAndNamesBadValues() {
    assertEquals(2, run("prune", dir.toString()));
    assertTrue(err.contains("give at least one of --max-bytes"), err);
    assertEquals(2, run("prune", "--older-than", "soon", dir.toString()));
    assertTrue(err.contains("--older-than takes an age such as 30d, 12h, 90m or P30D, not 'soon'"), err);
  }

  @Test
  void clearOneMethodOrAll() {
    assertEquals(2, run("clear", dir.toString()), "clear without --method or --all is a usage error");
    assertEquals(0, run("clear", "--method", "label", dir.toString()), err);
    assertTrue(out.contains("deleted 1 entries of label"), out);
    assertEquals(0, run("ls", "--json", dir.toString()));
    assertTrue(out.contains("\"entryCount\":3"), out);
    assertEquals(0, run("clear", "--all", dir.toString()), err);
    assertTrue(out.contains("deleted 3 entries"), out);
    assertEquals(0, run("ls", "--json", dir.toString()));
    assertTrue(out.contains("\"entryCount\":0"), out);
  }

  @Test
  void reportIsOneSelfContainedPage() throws Exception {
    Path html = dir.resolveSibling(dir.getFileName() + "-report.html");
    try {
      assertEquals(0, run("report", "-o", html.toString(), dir.toString()), err);
      String page = Files.readString(html);
      assertTrue(page.startsWith("<!DOCTYPE html>"));
      assertTrue(page.contains("<svg class=\"chart\" id=\"size\""), "size per method chart");
      assertTrue(page.contains("<svg class=\"chart\" id=\"saved\""), "time saved per method chart");
      assertTrue(page.contains("<svg class=\"chart\" id=\"timeline\""), "time saved over time chart");
      String sizeChart = page.substring(page.indexOf("id=\"size\""), page.indexOf("</svg>", page.indexOf("id=\"size\"")));
      assertEquals(2, count(sizeChart, "<rect "), "one size bar per method");
      assertTrue(sizeChart.contains(">simulate</text>") && sizeChart.contains(">label</text>"), sizeChart);
      assertTrue(page.contains("Biggest entries"));
      assertEquals(2 + 4, count(page, "<tr><td><code>"), "2 method rows and 4 biggest-entry rows");
      assertFalse(page.toLowerCase().contains("http"), "no external URL");
      assertFalse(page.toLowerCase().contains("<script"), "no script");
      assertFalse(page.contains("src="), "no external resource");
    } finally {
      Files.deleteIfExists(html);
    }
  }

  @Test
  void notACacheDirectoryIsAUsageError() throws Exception {
    Path plain = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-plain"));
    try {
      for (String cmd : List.of("ls", "stats", "verify", "report")) {
        assertEquals(2, run(cmd, plain.toString()), cmd);
        assertTrue(err.contains(plain.toString()) && err.contains("not a MemoCache directory"), cmd + ": " + err);
        assertTrue(out.isEmpty(), out);
      }
      assertEquals(2, run("ls", plain.resolve("missing").toString()));
    } finally {
      Files.delete(plain);
    }
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
