package org.memocache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.memocache.bench.peers.ChildOutput;
import org.memocache.bench.peers.FreshChild;
import org.memocache.bench.peers.FreshValues;
import org.memocache.bench.peers.Machine;
import org.memocache.bench.peers.Proc;
import org.memocache.bench.peers.Report;

/**
 * MemoCache side by side with its peers, in one run, on one machine: joblib.Memory and diskcache's
 * {@code memoize} (Python), Caffeine, Ehcache 3 with a persistent disk tier and MapDB, plus the
 * physical references ({@code System.arraycopy}, {@code dd}, an empty JVM start). First, the second
 * run as users live it: the first call of a fresh process served from disk, against joblib, the
 * plain-Java {@link Floor} and recomputing, and the demo's whole runs.
 *
 * <p>Every figure is measured in a child process of its own ({@link org.memocache.bench.peers.ChildMain}
 * or {@code bench/peers/pypeers.py}), on a fresh directory, in rounds that interleave the systems so
 * that the shared machine's slow moments hit them all alike; each is reported as min/median/max and
 * as a ratio to its reference. Run it with {@code bash bench/run-all.sh [--quick]}.
 *
 * <p>Options: {@code --quick} (smaller sizes, fewer repeats: a couple of minutes), {@code --only
 * w1,w2} (run only these workloads), {@code --reps N} (fresh processes per figure of the
 * second-run and demo workloads; default 5, 3 with {@code --quick}), {@code --work DIR} (scratch directory; default
 * {@code bench/target/peer-work}), {@code --results DIR} (default {@code bench/results}),
 * {@code --keep} (leave the scratch directory), {@code --repo DIR} (the project root, to find the
 * agent jar, the samples and {@code pypeers.py}), {@code --pause SECONDS} (wait this long before each
 * child process, so that each finds the machine as a job's later run does rather than just after
 * another process: on a virtual machine whose host takes back freed memory, huge pages cost more
 * then; e.g. {@code --only second-run,demo --pause 8}).
 */
public final class PeerBench {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;

  /** Workload ids, in run order. */
  static final List<String> WORKLOADS = List.of("second-run", "demo", "start", "memory-hit", "memory-scale", "disk-hit-fresh",
      "miss-store", "hash", "bigio", "view", "sweep", "agent");

  private final boolean quick;
  private final int reps;
  private final Path work;
  private final Path repo;
  private final Proc proc;
  private final Report report = new Report();

  private PeerBench(boolean quick, int reps, Path work, Path repo, Proc proc) {
    this.quick = quick;
    this.reps = reps;
    this.work = work;
    this.repo = repo;
    this.proc = proc;
  }

  /** Runs the benchmark; see the class Javadoc for options. */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean keep = false;
    int reps = -1;
    long pauseMillis = 0;
    Path repo = Path.of("").toAbsolutePath();
    Path work = null;
    Path results = null;
    Set<String> only = new HashSet<>(WORKLOADS);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--keep" -> keep = true;
        case "--reps" -> {
          reps = Integer.parseInt(args[++i]);
          if (reps < 1) {
            throw new IllegalArgumentException("--reps: at least 1, not " + reps);
          }
        }
        case "--pause" -> {
          pauseMillis = Math.round(Double.parseDouble(args[++i]) * 1000);
          if (pauseMillis < 0) {
            throw new IllegalArgumentException("--pause: seconds, at least 0, not " + args[i]);
          }
        }
        case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath();
        case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
        case "--results" -> results = Path.of(args[++i]).toAbsolutePath();
        case "--only" -> {
          only = new HashSet<>(Arrays.asList(args[++i].split(",")));
          for (String w : only) {
            if (!WORKLOADS.contains(w)) {
              throw new IllegalArgumentException("--only: unknown workload '" + w + "'; known: " + WORKLOADS);
            }
          }
        }
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: --quick, --keep,"
            + " --only w1,w2, --reps N, --pause SECONDS, --work DIR, --results DIR, --repo DIR");
      }
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    work = (work != null ? work : repo.resolve("bench/target/peer-work")).resolve(stamp);
    results = results != null ? results : repo.resolve("bench/results");
    Files.createDirectories(work);
    Proc proc = new Proc(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        System.getProperty("java.class.path"), findPython(), repo.resolve("bench/peers/pypeers.py"),
        work.resolve("logs"), pauseMillis);
    PeerBench bench = new PeerBench(quick, reps > 0 ? reps : quick ? 3 : 5, work, repo, proc);
    bench.run(only, stamp);
    String base = "peers-" + stamp + (quick ? "-quick" : "") + (pauseMillis > 0 ? "-pause" : "");
    bench.report.write(results.resolve(base + ".txt"), results.resolve(base + ".tsv"));
    System.out.println("\nresults: " + results.resolve(base + ".txt") + " and .tsv");
    if (!keep) {
      deleteTree(work);
    }
  }

  private void run(Set<String> only, String stamp) throws Exception {
    report.println("MemoCache peer benchmark, " + stamp + (quick ? " (--quick)" : ""));
    Machine.describe(work, proc.classPath()).forEach(l -> report.println("  " + l));
    report.println("  python: " + (proc.python() == null ? "none with numpy (Python peers skipped)" : proc.python()));
    if (proc.pauseMillis() > 0) {
      report.println(String.format(Locale.ROOT, "  pause before each child process: %.1f s", proc.pauseMillis() / 1e3));
    }
    long t0 = System.nanoTime();
    for (String w : WORKLOADS) {
      if (!only.contains(w)) {
        continue;
      }
      long tw = System.nanoTime();
      switch (w) {
        case "second-run" -> secondRun();
        case "demo" -> demo();
        case "start" -> start();
        case "memory-hit" -> memoryHit();
        case "memory-scale" -> memoryScale();
        case "disk-hit-fresh" -> diskHitFresh();
        case "miss-store" -> missStore();
        case "hash" -> hash();
        case "bigio" -> bigio();
        case "view" -> view();
        case "sweep" -> sweep();
        case "agent" -> agent();
        default -> throw new AssertionError(w);
      }
      report.table(w);
      ratios(w);
      report.println(String.format(Locale.ROOT, "(%s took %.0f s; load average now %s)", w,
          (System.nanoTime() - tw) / 1e9, Machine.loadAverage()));
    }
    report.println(String.format(Locale.ROOT, "%ntotal %.1f min; load average at end %s",
        (System.nanoTime() - t0) / 60e9, Machine.loadAverage()));
  }

  // ---- workloads ----

  // ---- the second run: first calls of fresh processes ----

  /** The JVM flag that lets the heap use transparent huge pages (the kernel's madvise mode is enough). */
  static final String THP = "-XX:+UseTransparentHugePages";

  /**
   * The first call of a fresh process, served from a directory an earlier process filled: MemoCache
   * (default flags and with {@link #THP}), joblib, the plain-Java {@link Floor} of the same payload
   * bytes, {@code dd} reading the floor's file, and recomputing the value without a cache. Rounds
   * interleave the systems; every process is new.
   */
  private void secondRun() throws IOException {
    long big = quick ? 256 * MIB : GIB;
    report.begin("second-run", "The second run: the first call of a fresh process, served from a directory filled"
        + " by an earlier one (ms)");
    report.println("  transparent huge pages: " + Machine.transparentHugePages() + "; " + reps
        + " fresh processes per figure; first-call = from the first line of main (Python: of the script) to the"
        + " value in hand");
    List<String> systems = List.of("floor", "floor +THP", "memocache", "memocache +THP", "joblib", "recompute",
        "recompute +THP", "dd read");
    Map<String, Map<String, List<ChildOutput>>> outs = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    for (String c : FreshValues.CASES) {
      Path base = Files.createDirectories(fresh("second-run", c));
      int[] shape = FreshValues.floorShape(c, big);
      check(c, "memocache", proc.run(freshJvm(false, FreshChild.class, "prepare", c, base.resolve("memocache"), big)),
          1, problems);
      check(c, "joblib", proc.py("second-run", "joblib", "prepare", c, base.resolve("joblib").toString(), "" + big),
          1, problems);
      ChildOutput w = proc.run(freshJvm(false, Floor.class, "write", base.resolve("floor.bin"), shape[0], shape[1]));
      if (w.exitCode() != 0) {
        problems.put(c + "/floor", w.problem());
      }
    }
    for (int r = 0; r < reps; r++) {
      for (String c : FreshValues.CASES) {
        Path base = fresh("second-run", c);
        int[] shape = FreshValues.floorShape(c, big);
        for (String s : systems) {
          if (problems.containsKey(c + "/" + s) || problems.containsKey(c + "/" + s.replace(" +THP", ""))) {
            continue;
          }
          boolean thp = s.endsWith("+THP");
          ChildOutput o = switch (s.replace(" +THP", "")) {
            case "floor" -> proc.run(freshJvm(thp, Floor.class, "read", base.resolve("floor.bin"), shape[0], shape[1]));
            case "memocache" -> proc.run(freshJvm(thp, FreshChild.class, "hit", c, base.resolve("memocache"), big));
            case "recompute" -> proc.run(freshJvm(thp, FreshChild.class, "recompute", c, base.resolve("none"), big));
            case "joblib" -> proc.py("second-run", "joblib", "hit", c, base.resolve("joblib").toString(), "" + big);
            case "dd read" -> proc.run(List.of("dd", "if=" + base.resolve("floor.bin"), "of=/dev/null", "bs=1M"));
            default -> throw new AssertionError(s);
          };
          if (check(c, s, o, 0, problems)) {
            outs.computeIfAbsent(c, k -> new HashMap<>()).computeIfAbsent(s, k -> new ArrayList<>()).add(o);
          }
        }
      }
    }
    for (String c : FreshValues.CASES) {
      String v = FreshValues.label(c, big);
      for (String s : systems) {
        String problem = problems.getOrDefault(c + "/" + s, problems.get(c + "/" + s.replace(" +THP", "")));
        List<ChildOutput> got = outs.getOrDefault(c, Map.of()).get(s);
        if (problem != null || got == null) {
          report.missing("second-run", v, s, "*", problem != null ? problem : "failed: no samples");
          continue;
        }
        Map<String, double[]> pooled = ChildOutput.pool(got);
        if (!s.equals("dd read")) {
          report.add("second-run", v, s, "first-call", "ms", pooled.get("first-call"), "");
        }
        report.add("second-run", v, s, "process wall", "ms", ChildOutput.walls(got),
            s.equals("joblib") ? "interpreter start included" : s.equals("dd read") ? "bs=1M to /dev/null" : "JVM start included");
        if (s.startsWith("memocache") || s.equals("joblib")) {
          report.add("second-run", v, s, "open", "ms", pooled.get("open"), s.equals("joblib") ? "import included" : "");
          report.add("second-run", v, s, "first-get", "ms", pooled.get("first-get"), "");
        }
        if (s.startsWith("floor") && c.equals("array")) {
          for (String phase : List.of("map", "crc32c", "allocate", "copy")) {
            report.add("second-run", v, s, phase, "ms", pooled.get(phase), "");
          }
        }
      }
    }
  }

  /**
   * Whether a child of the second-run workload did what it had to ({@code computed} values, none wrong);
   * records the problem of a system that did not, so its later rounds are skipped.
   */
  private boolean check(String c, String system, ChildOutput o, long computed, Map<String, String> problems) {
    if (!o.ok()) {
      problems.put(c + "/" + system, o.problem());
      return false;
    }
    if (system.equals("dd read") || system.startsWith("floor")) {
      return true;
    }
    long expected = system.startsWith("recompute") ? 0 : computed;
    if (o.infoLong("computed", -1) != expected || o.infoLong("wrong", 1) != 0) {
      String why = "failed: " + system + " computed " + o.info().get("computed") + " (expected " + expected
          + ") and saw " + o.info().get("wrong") + " wrong values";
      report.println("  WARNING " + c + ": " + why);
      problems.put(c + "/" + system, why);
      return false;
    }
    return true;
  }

  /** A fresh JVM running {@code main} of {@code mainClass}, with or without huge pages, default heap. */
  private List<String> freshJvm(boolean thp, Class<?> mainClass, Object... args) {
    List<String> cmd = new ArrayList<>(List.of(proc.java()));
    if (thp) {
      cmd.add(THP);
    }
    cmd.addAll(List.of("-cp", proc.classPath(), mainClass.getName()));
    for (Object a : args) {
      cmd.add(a.toString());
    }
    return cmd;
  }

  /**
   * {@code bash demo.sh} as a user lives it: the samples' {@code PipelineDemo} run twice on a new
   * directory (the first run computes and stores, the second is served from disk), against a run
   * that computes every step without a cache; whole-process wall times, default flags and with huge
   * pages.
   */
  private void demo() throws IOException {
    report.begin("demo", "The demo pipeline (PipelineDemo): whole-process wall time, run 1, run 2, no cache (ms)");
    Path classes = repo.resolve("samples/target/classes");
    Path cpFile = repo.resolve("samples/target/classpath.txt");
    if (!Files.isDirectory(classes) || !Files.isRegularFile(cpFile)) {
      report.missing("demo", "", "PipelineDemo", "*", "skipped: samples not built (mvn -B -DskipTests package)");
      return;
    }
    String cp = classes + java.io.File.pathSeparator + Files.readString(cpFile).trim();
    Map<String, List<double[]>> got = new HashMap<>();
    for (int r = 0; r < reps; r++) {
      for (boolean thp : new boolean[] {false, true}) {
        String system = thp ? "PipelineDemo +THP" : "PipelineDemo";
        Path dir = fresh("demo", (thp ? "thp-" : "default-") + r);
        List<String> flags = thp ? List.of(THP) : List.of();
        DemoRun run1 = demoRun(flags, cp, "-Dmemocache.dir=" + dir);
        DemoRun run2 = demoRun(flags, cp, "-Dmemocache.dir=" + dir);
        DemoRun plain = demoRun(flags, cp, "--plain");
        if (run1.exit != 0 || run2.exit != 0 || plain.exit != 0) {
          report.missing("demo", "", system, "*", "failed: PipelineDemo exited with " + run1.exit + "/" + run2.exit
              + "/" + plain.exit + "; see " + proc.logDir().resolve("children.err"));
          return;
        }
        if (run2.computed != 0) {
          report.println("  WARNING " + system + ": the second run computed " + run2.computed + " steps");
        }
        got.computeIfAbsent(system, k -> new ArrayList<>()).add(new double[] {run1.wallMillis, run2.wallMillis,
            plain.wallMillis});
      }
    }
    for (String system : List.of("PipelineDemo", "PipelineDemo +THP")) {
      List<double[]> g = got.get(system);
      report.add("demo", "", system, "run 1", "ms", g.stream().mapToDouble(a -> a[0]).toArray(),
          "new directory: computes and stores every step");
      report.add("demo", "", system, "run 2", "ms", g.stream().mapToDouble(a -> a[1]).toArray(),
          "new JVM, same directory: served from disk");
      report.add("demo", "", system, "no cache", "ms", g.stream().mapToDouble(a -> a[2]).toArray(),
          "PipelineDemo --plain: every step computed once, no MemoCache");
    }
  }

  private record DemoRun(int exit, double wallMillis, long computed) {}

  private DemoRun demoRun(List<String> flags, String cp, String option) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(proc.java()));
    cmd.addAll(flags);
    if (option.startsWith("-D")) {
      cmd.add(option);
    }
    cmd.addAll(List.of("-cp", cp, "org.memocache.samples.PipelineDemo"));
    if (!option.startsWith("-D")) {
      cmd.add(option);
    }
    int exit;
    long t0;
    List<String> lines;
    Process p = null;
    try {
      proc.pause();
      t0 = System.nanoTime();
      p = proc.start(cmd);
      lines = Proc.readLines(p);
      exit = p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (p != null) {
        p.destroyForcibly();
      }
      return new DemoRun(-1, 0, 0);
    }
    double wall = (System.nanoTime() - t0) / 1e6;
    long computed = lines.stream().filter(l -> l.matches("^\\d+\\s.*\\scomputed\\s.*")).count();
    return new DemoRun(exit, wall, computed);
  }

  private void start() {
    report.begin("start", "Physical reference: an empty process start");
    int reps = quick ? 3 : 7;
    List<ChildOutput> version = new ArrayList<>();
    List<ChildOutput> noop = new ArrayList<>();
    List<ChildOutput> py = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      version.add(proc.run(List.of(proc.java(), "-version")));
      noop.add(proc.jvm("64m", "noop", "-"));
      if (proc.python() != null) {
        py.add(proc.run(List.of(proc.python(), "-c", "pass")));
      }
    }
    report.add("start", "", "jvm", "java -version", "ms", ChildOutput.walls(version), "");
    report.add("start", "", "jvm", "trivial main", "ms", ChildOutput.walls(noop), "bench class path");
    if (proc.python() != null) {
      report.add("start", "", "python3", "python3 -c pass", "ms", ChildOutput.walls(py), "");
    } else {
      report.missing("start", "", "python3", "python3 -c pass", "skipped: no python3 with numpy");
    }
  }

  private void memoryHit() {
    report.begin("memory-hit", "Memory hit, two small arguments, warm process (ns per call)");
    int nkeys = 1000;
    int batches = quick ? 8 : 20;
    int perBatch = quick ? 100_000 : 200_000;
    for (String s : List.of("caffeine", "memocache", "ehcache", "mapdb")) {
      report.addAll("memory-hit", "", s, proc.jvm("1g", "memory-hit", s, "" + nkeys, "" + batches, "" + perBatch));
    }
    for (String t : List.of("joblib", "diskcache")) {
      Path dir = fresh("memory-hit", t);
      ChildOutput o = proc.py("memory-hit", t, dir.toString(), "" + (quick ? 5 : 10), "500", "" + nkeys);
      report.addAll("memory-hit", "", t, o);
      noteInfo(o);
    }
  }

  private void memoryScale() {
    report.begin("memory-scale", "Memory hit vs number of entries, random access (ns per call)");
    int batches = quick ? 5 : 10;
    int[] sizes = quick ? new int[] {1_000, 100_000} : new int[] {1_000, 10_000, 100_000, 1_000_000};
    for (int n : sizes) {
      for (String s : List.of("caffeine", "memocache")) {
        ChildOutput o = proc.jvm("4g", "memory-scale", s, "" + n, "" + batches, "1000000");
        report.addAll("memory-scale", "10^" + Math.round(Math.log10(n)), s, o);
        if (o.infoLong("recomputed", 0) != 0) {
          report.println("  note: " + s + " recomputed " + o.info().get("recomputed") + " of " + n + " entries");
        }
      }
    }
  }

  private void diskHitFresh() throws IOException {
    report.begin("disk-hit-fresh", "Disk hit of a small value in a fresh process");
    int nkeys = 2000;
    int reps = quick ? 3 : 7;
    int warm = quick ? 300 : 1000;
    List<String> systems = List.of("memocache", "ehcache", "mapdb", "joblib", "diskcache");
    Map<String, Path> dirs = new HashMap<>();
    Map<String, List<ChildOutput>> outs = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    for (String s : systems) {
      Path dir = fresh("disk-hit-fresh", s);
      dirs.put(s, dir);
      outs.put(s, new ArrayList<>());
      ChildOutput pop = python(s) ? proc.py("populate", s, dir.toString(), "" + nkeys)
          : proc.jvm("512m", "populate", s, dir.toString(), "" + nkeys);
      if (!pop.ok()) {
        problems.put(s, pop.problem());
      }
    }
    for (int r = 0; r < reps; r++) {
      for (String s : systems) {
        if (problems.containsKey(s)) {
          continue;
        }
        String first = "" + (r * 277 + 13) % nkeys;
        ChildOutput o = python(s) ? proc.py("fresh-hit", s, dirs.get(s).toString(), "" + nkeys, first, "" + warm)
            : proc.jvm("512m", "fresh-hit", s, dirs.get(s).toString(), "" + nkeys, first, "" + warm);
        if (!o.ok()) {
          problems.put(s, o.problem());
          continue;
        }
        if (o.infoLong("computed", 0) != 0 || o.infoLong("wrong", 0) != 0) {
          report.println("  WARNING " + s + ": a fresh process computed " + o.info().get("computed")
              + " values and saw " + o.info().get("wrong") + " wrong ones");
        }
        outs.get(s).add(o);
      }
    }
    for (String s : systems) {
      if (problems.containsKey(s)) {
        report.missing("disk-hit-fresh", "", s, "*", problems.get(s));
        continue;
      }
      ChildOutput.pool(outs.get(s)).forEach((m, v) ->
          report.add("disk-hit-fresh", "", s, m, outs.get(s).get(0).units().get(m), v, ""));
      report.add("disk-hit-fresh", "", s, "process wall", "ms", ChildOutput.walls(outs.get(s)),
          python(s) ? "interpreter start included" : "JVM start included");
    }
  }

  private void missStore() {
    report.begin("miss-store", "Miss + store of a small value (computation ~free), warm process");
    int rounds = quick ? 1 : 2; // each round is a child with 10 batches: 20 samples
    int batches = quick ? 5 : 10;
    int perBatch = quick ? 100 : 200;
    List<String> systems = List.of("memocache", "ehcache", "mapdb", "joblib", "diskcache");
    Map<String, List<ChildOutput>> outs = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    for (int r = 0; r < rounds; r++) {
      for (String s : systems) {
        if (problems.containsKey(s)) {
          continue;
        }
        Path dir = fresh("miss-store", s + "-" + r);
        ChildOutput o = python(s) ? proc.py("miss-store", s, dir.toString(), "" + batches, "" + perBatch)
            : proc.jvm("512m", "miss-store", s, dir.toString(), "" + batches, "" + perBatch);
        if (o.ok()) {
          outs.computeIfAbsent(s, k -> new ArrayList<>()).add(o);
        } else {
          problems.put(s, o.problem());
        }
      }
    }
    for (String s : systems) {
      if (problems.containsKey(s)) {
        report.missing("miss-store", "", s, "*", problems.get(s));
      } else {
        ChildOutput.pool(outs.get(s)).forEach((m, v) -> report.add("miss-store", "", s, m, "us/op", v, ""));
      }
    }
  }

  private void hash() {
    long size = quick ? 256 * MIB : GIB;
    String variant = human(size);
    report.begin("hash", "Hashing a " + variant + " double[] argument (GB/s, higher is better)");
    int reps = quick ? 3 : 5;
    ChildOutput j = proc.jvm(heapFor(size, 2), "hash", "memocache", "" + size, "" + reps);
    if (j.ok()) {
      report.add("hash", variant, "reference", "arraycopy", "GB/s", j.samples().get("arraycopy"), "System.arraycopy");
      report.add("hash", variant, "memocache", "Memo.keyOf", "GB/s", j.samples().get("Memo.keyOf"),
          "first call (cold JIT) included");
    } else {
      report.missing("hash", variant, "memocache", "*", j.problem());
    }
    ChildOutput p = proc.py("hash", "joblib", "" + size, "" + reps);
    if (p.ok()) {
      report.add("hash", variant, "reference", "numpy copy", "GB/s", p.samples().get("numpy-copy"), "np.copyto");
      report.add("hash", variant, "joblib", "joblib.hash", "GB/s", p.samples().get("joblib.hash"), "md5 of the buffer");
    } else {
      report.missing("hash", variant, "joblib", "*", p.problem());
    }
    report.missing("hash", variant, "diskcache", "*", "n/a: memoize pickles the arguments into its SQLite key;"
        + " it does not hash them");
    report.missing("hash", variant, "ehcache/mapdb", "*", "n/a: key-value stores, the caller builds the key");
  }

  /**
   * Stores and loads by value size, 1 KiB up to the big size, with {@code dd} writing the same
   * number of bytes into the same file system as the physical reference.
   */
  private void bigio() throws IOException {
    long big = quick ? 256 * MIB : GIB;
    long[] sizes = quick ? new long[] {KIB, MIB, big} : new long[] {KIB, 32 * KIB, MIB, 32 * MIB, 256 * MIB, big};
    int rounds = quick ? 1 : 3;
    String sizesCsv = String.join(",", Arrays.stream(sizes).mapToObj(Long::toString).toList());
    String repsCsv = String.join(",", Arrays.stream(sizes).mapToObj(s -> s <= MIB ? "5" : s < big ? "2" : "1").toList());
    report.begin("bigio", "Store and load by value size, up to a " + human(big) + " double[] (ms)");
    List<String> systems = List.of("memocache", "ehcache", "mapdb", "joblib", "diskcache");
    Map<String, List<ChildOutput>> outs = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    List<Double> dd = new ArrayList<>();
    List<Double> ddSmall = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      dd.add(ddMillis(big));
      ddSmall.add(ddMillis(32 * MIB));
      for (String s : systems) {
        if (problems.containsKey(s)) {
          continue;
        }
        Path dir = fresh("bigio", s + "-" + r);
        ChildOutput o = python(s) ? proc.py("bigio", s, dir.toString(), sizesCsv, repsCsv, "r" + r)
            : proc.jvm(heapFor(big, 4), "bigio", s, dir.toString(), sizesCsv, repsCsv, "r" + r);
        deleteTree(dir); // big files are few inodes: deleting them does not slow the next creations
        if (o.ok()) {
          outs.computeIfAbsent(s, k -> new ArrayList<>()).add(o);
          o.info().forEach((k, v) -> {
            if (k.startsWith("wrong@") && !v.equals("0")) {
              report.println("  WARNING " + s + ": " + v + " wrong or recomputed loads at " + k.substring(6) + " bytes");
            }
          });
        } else {
          problems.put(s, o.problem());
        }
      }
    }
    for (long size : sizes) {
      String v = human(size);
      if (size == big) {
        report.add("bigio", v, "reference", "dd write", "ms", unbox(dd), "dd bs=1M from /dev/zero, page cache");
      } else if (size == 32 * MIB) {
        report.add("bigio", v, "reference", "dd write", "ms", unbox(ddSmall), "dd bs=1M from /dev/zero, page cache");
      }
      for (String s : systems) {
        if (problems.containsKey(s)) {
          report.missing("bigio", v, s, "*", problems.get(s));
          continue;
        }
        Map<String, double[]> pooled = ChildOutput.pool(outs.get(s));
        String failure = ChildOutput.poolFailures(outs.get(s)).get("store@" + size);
        if (failure != null && !pooled.containsKey("store@" + size)) {
          report.missing("bigio", v, s, "store", "failed: " + shorten(failure));
          continue;
        }
        report.add("bigio", v, s, "store", "ms", pooled.get("store@" + size), "");
        report.add("bigio", v, s, "load", "ms", pooled.get("load@" + size), "");
      }
    }
  }

  private void view() {
    report.begin("view", "Opening a big result as a memory-mapped view");
    report.missing("view", human(quick ? 256 * MIB : GIB), "memocache", "open view", "measured by ViewBench"
        + " (bash bench/run-view.sh), against a plain mmap of the same file");
    report.missing("view", "", "joblib", "open view", "n/a here: joblib.load(mmap_mode='r') exists, but"
        + " Memory.cache only offers it for the whole function (mmap_mode)");
  }

  private void sweep() throws Exception {
    int n = quick ? 4 : 8;
    int k = quick ? 6 : 20;
    int rounds = quick ? 1 : 3;
    String variant = n + "x" + k;
    report.begin("sweep", n + " processes x " + k + " keys of 200 ms work, all walking the keys in the same order");
    List<String> systems = List.of("memocache", "joblib", "diskcache");
    Map<String, List<double[]>> got = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    for (int r = 0; r < rounds; r++) {
      for (String s : systems) {
        if (!problems.containsKey(s)) {
          sweepRound(s, n, k, r, got, problems);
        }
      }
    }
    for (String s : systems) {
      if (problems.containsKey(s)) {
        report.missing("sweep", variant, s, "*", problems.get(s));
        continue;
      }
      List<double[]> g = got.get(s);
      report.add("sweep", variant, s, "computations", "count", g.stream().mapToDouble(a -> a[0]).toArray(),
          "ideal " + k);
      report.add("sweep", variant, s, "keys computed >1x", "count", g.stream().mapToDouble(a -> a[1]).toArray(), "");
      report.add("sweep", variant, s, "wrong results", "count", g.stream().mapToDouble(a -> a[2]).toArray(), "");
      report.add("sweep", variant, s, "wall", "s", g.stream().mapToDouble(a -> a[3]).toArray(),
          "barrier release to last exit; ideal " + String.format(Locale.ROOT, "%.1f", k * 0.2));
    }
    report.missing("sweep", variant, "ehcache", "*", "n/a: a persistent Ehcache directory is locked by one process");
    report.missing("sweep", variant, "mapdb", "*", "n/a: a MapDB file is locked by one process");
  }

  private void sweepRound(String s, int n, int k, int round, Map<String, List<double[]>> got,
                          Map<String, String> problems) throws Exception {
    Path base = fresh("sweep", s + "-" + round);
    Path dir = base.resolve("cache");
    Path markers = Files.createDirectories(base.resolve("markers"));
    Path barrier = base.resolve("go");
    if (python(s) && proc.python() == null) {
      problems.put(s, "skipped: no python3 with numpy");
      return;
    }
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path ready = base.resolve("ready-" + i);
      List<String> cmd = python(s)
          ? proc.pyCommand("sweep-worker", s, dir.toString(), markers.toString(), "" + k, ready.toString(), barrier.toString())
          : proc.jvmCommand("256m", "sweep-worker", s, dir.toString(), markers.toString(), "" + k, ready.toString(),
              barrier.toString());
      ps.add(proc.start(cmd));
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      long ready;
      try (Stream<Path> l = Files.list(base)) {
        ready = l.filter(p -> p.getFileName().toString().startsWith("ready-")).count();
      }
      if (ready == n) {
        break;
      }
      boolean dead = ps.stream().anyMatch(p -> !p.isAlive());
      if (dead || System.nanoTime() > deadline) {
        List<String> lines = new ArrayList<>();
        for (Process p : ps) {
          if (p.isAlive()) {
            p.destroyForcibly();
          } else {
            lines.addAll(Proc.readLines(p)); // a SKIP line says why it stopped
          }
        }
        ChildOutput o = ChildOutput.parse(lines, -1, 0, "a worker died before the barrier; see "
            + proc.logDir().resolve("children.err"));
        problems.put(s, o.skip() != null ? "skipped: " + o.skip() : o.problem());
        return;
      }
      Thread.sleep(20);
    }
    long t0 = System.nanoTime();
    Files.createFile(barrier);
    long wrong = 0;
    for (Process p : ps) {
      List<String> lines = Proc.readLines(p);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        problems.put(s, "failed: a worker exited with " + (p.isAlive() ? "timeout" : p.exitValue()));
      }
      ChildOutput o = ChildOutput.parse(lines, 0, 0, "");
      wrong += o.infoLong("wrong", 0);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    Map<String, Integer> perKey = new HashMap<>();
    try (Stream<Path> l = Files.list(markers)) {
      l.forEach(p -> perKey.merge(p.getFileName().toString().split("\\.")[0], 1, Integer::sum));
    }
    int computations = perKey.values().stream().mapToInt(Integer::intValue).sum();
    long dup = perKey.values().stream().filter(c -> c > 1).count();
    long missingKeys = k - perKey.size();
    if (missingKeys != 0) {
      report.println("  WARNING " + s + ": " + missingKeys + " keys were never computed (served from a previous run?)");
    }
    got.computeIfAbsent(s, x -> new ArrayList<>()).add(new double[] {computations, dup, wrong, wall});
  }

  private void agent() {
    report.begin("agent", "Agent start-up: a trivial main with and without -javaagent");
    Path jar = repo.resolve("agent/target/memocache-agent.jar");
    if (!Files.isRegularFile(jar)) {
      report.missing("agent", "", "memocache-agent", "start", "skipped: agent/target/memocache-agent.jar not built (mvn -B -DskipTests package)");
      return;
    }
    int reps = quick ? 3 : 7;
    List<ChildOutput> with = new ArrayList<>();
    List<ChildOutput> without = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      without.add(proc.run(List.of(proc.java(), "-cp", proc.classPath(), "org.memocache.bench.peers.ChildMain", "noop")));
      with.add(proc.run(List.of(proc.java(), "-javaagent:" + jar + "=methods=org.memocache.bench.peers.Values#small",
          "-cp", proc.classPath(), "org.memocache.bench.peers.ChildMain", "noop")));
    }
    Optional<ChildOutput> bad = with.stream().filter(o -> o.exitCode() != 0).findFirst();
    if (bad.isPresent()) {
      report.missing("agent", "", "memocache-agent", "start", bad.get().problem());
      return;
    }
    report.add("agent", "", "jvm", "trivial main", "ms", ChildOutput.walls(without), "");
    report.add("agent", "", "memocache-agent", "trivial main + agent", "ms", ChildOutput.walls(with),
        "methods=org.memocache.bench.peers.Values#small");
  }

  // ---- ratios against the targets of docs/design.md, from the medians of this run ----

  private void ratios(String w) {
    switch (w) {
      case "second-run" -> {
        for (String c : FreshValues.CASES) {
          String v = FreshValues.label(c, quick ? 256 * MIB : GIB);
          report.ratio(v + ": memocache / floor", report.median(w, v, "memocache", "first-call"),
              report.median(w, v, "floor", "first-call"), "<= 1.2");
          report.ratio(v + ": memocache +THP / floor +THP", report.median(w, v, "memocache +THP", "first-call"),
              report.median(w, v, "floor +THP", "first-call"), "<= 1.2");
          report.ratio(v + ": memocache +THP / joblib", report.median(w, v, "memocache +THP", "first-call"),
              report.median(w, v, "joblib", "first-call"), "<= 1");
          report.ratio(v + ": memocache / joblib", report.median(w, v, "memocache", "first-call"),
              report.median(w, v, "joblib", "first-call"), "(moonshot <= 1)");
          report.ratio(v + ": memocache / joblib, process wall", report.median(w, v, "memocache", "process wall"),
              report.median(w, v, "joblib", "process wall"), "(context)");
          report.ratio(v + ": memocache / recompute", report.median(w, v, "memocache", "first-call"),
              report.median(w, v, "recompute", "first-call"), "(context)");
        }
      }
      case "demo" -> {
        for (String s : List.of("PipelineDemo", "PipelineDemo +THP")) {
          report.ratio(s + ": run 2 / run 1 (process wall)", report.median(w, "", s, "run 2"),
              report.median(w, "", s, "run 1"), "(context)");
          report.ratio(s + ": run 2 / no cache (process wall)", report.median(w, "", s, "run 2"),
              report.median(w, "", s, "no cache"), "(context)");
          report.ratio(s + ": run 1 / no cache (process wall)", report.median(w, "", s, "run 1"),
              report.median(w, "", s, "no cache"), "<= 1.05");
        }
      }
      case "memory-hit" -> report.ratio("memory hit: MemoCache / raw Caffeine (time)",
          report.median(w, "", "memocache", "hit"), report.median(w, "", "caffeine", "hit"), "<= 2");
      case "disk-hit-fresh" -> {
        report.ratio("fresh-process disk hit: joblib / MemoCache (first-hit time)",
            report.median(w, "", "joblib", "first-hit"), report.median(w, "", "memocache", "first-hit"), ">= 20");
        report.ratio("fresh-process disk hit: joblib / MemoCache (process wall)",
            report.median(w, "", "joblib", "process wall"), report.median(w, "", "memocache", "process wall"),
            "(context)");
        report.ratio("warm disk hit: joblib / MemoCache (time)",
            report.median(w, "", "joblib", "warm-disk-hit"), report.median(w, "", "memocache", "warm-disk-hit"),
            "(context)");
      }
      case "miss-store" -> report.ratio("miss+store: joblib / MemoCache (time)",
          report.median(w, "", "joblib", "miss+store"), report.median(w, "", "memocache", "miss+store"), ">= 10");
      case "hash" -> {
        String v = human(quick ? 256 * MIB : GIB);
        report.ratio("hash " + v + ": MemoCache / arraycopy (bandwidth)",
            report.median(w, v, "memocache", "Memo.keyOf"), report.median(w, v, "reference", "arraycopy"), ">= 0.5");
        report.ratio("hash " + v + ": MemoCache / joblib.hash (bandwidth)",
            report.median(w, v, "memocache", "Memo.keyOf"), report.median(w, v, "joblib", "joblib.hash"), "(context)");
      }
      case "bigio" -> {
        String v = human(quick ? 256 * MIB : GIB);
        report.ratio("store " + v + ": MemoCache / dd (bandwidth)",
            report.median(w, v, "reference", "dd write"), report.median(w, v, "memocache", "store"), ">= 0.5");
        report.ratio("store " + v + ": joblib / MemoCache (time)",
            report.median(w, v, "joblib", "store"), report.median(w, v, "memocache", "store"), "(context)");
        report.ratio("load " + v + ": joblib / MemoCache (time)",
            report.median(w, v, "joblib", "load"), report.median(w, v, "memocache", "load"), "(context)");
      }
      case "sweep" -> {
        String v = (quick ? 4 : 8) + "x" + (quick ? 6 : 20);
        report.ratio("sweep: MemoCache computations per key",
            report.median(w, v, "memocache", "computations").map(c -> c / (quick ? 6 : 20)), Optional.of(1.0), "== 1");
        report.ratio("sweep: joblib / MemoCache (computations)",
            report.median(w, v, "joblib", "computations"), report.median(w, v, "memocache", "computations"),
            "(context)");
      }
      case "agent" -> {
        Optional<Double> with = report.median(w, "", "memocache-agent", "trivial main + agent");
        Optional<Double> without = report.median(w, "", "jvm", "trivial main");
        if (with.isPresent() && without.isPresent()) {
          report.println(String.format(Locale.ROOT, "RATIO %-52s %8.1f   (target <= +300 ms)",
              "agent start-up: added ms", with.get() - without.get()));
        } else {
          report.ratio("agent start-up", with, without, "<= +300 ms");
        }
      }
      default -> { }
    }
  }

  // ---- helpers ----

  private static boolean python(String system) {
    return system.equals("joblib") || system.equals("diskcache");
  }

  private void noteInfo(ChildOutput o) {
    o.info().forEach((k, v) -> {
      if (k.equals("joblib") || k.equals("diskcache") || k.equals("numpy") || k.equals("python")) {
        report.println("  " + k + " " + v);
      }
    });
  }

  /** A fresh, not yet existing directory for one system's run of one workload. */
  private Path fresh(String workload, String name) {
    return work.resolve(workload).resolve(name);
  }

  /** Heap for a child handling {@code copies} arrays of {@code size} bytes, with room to spare. */
  private static String heapFor(long size, int copies) {
    return Math.max(1024, (copies * size + 768 * MIB) / MIB) + "m";
  }

  private double ddMillis(long size) throws IOException {
    Path out = work.resolve("dd.bin");
    ChildOutput o = proc.run(List.of("dd", "if=/dev/zero", "of=" + out, "bs=1M", "count=" + size / MIB));
    Files.deleteIfExists(out);
    return o.exitCode() == 0 ? o.wallMillis() : Double.NaN;
  }

  private static String shorten(String s) {
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  private static double[] unbox(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
  }

  static String human(long bytes) {
    if (bytes >= GIB && bytes % GIB == 0) {
      return bytes / GIB + " GiB";
    }
    if (bytes >= MIB && bytes % MIB == 0) {
      return bytes / MIB + " MiB";
    }
    if (bytes >= KIB && bytes % KIB == 0) {
      return bytes / KIB + " KiB";
    }
    return bytes + " B";
  }

  /** The first Python 3 that can import numpy (the Debian one first: that is where apt installs). */
  private static String findPython() {
    for (String p : List.of("/usr/bin/python3", "python3")) {
      try {
        Process pr = new ProcessBuilder(p, "-c", "import numpy").redirectErrorStream(true).start();
        Proc.readLines(pr);
        if (pr.waitFor(30, TimeUnit.SECONDS) && pr.exitValue() == 0) {
          return p;
        }
      } catch (IOException e) {
        // try the next one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
