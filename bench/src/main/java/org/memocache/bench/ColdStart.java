package org.memocache.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;

/**
 * What a fresh JVM pays before its first hit: every figure is measured in a new child process, the
 * way each second run of a user's job starts.
 *
 * <ul>
 *   <li>{@code open}: {@code Memo.builder().build()} on the configured default directory
 *       ({@code -Dmemocache.dir}), settings parsing included;</li>
 *   <li>{@code hit double}, {@code hit double[100]}: the first disk hits after open;</li>
 *   <li>{@code classes}: classes the JVM loaded for open and the two hits ({@code -verbose:class},
 *       counted between markers), and how many of them are MapDB, Kryo, Caffeine or Byte Buddy;</li>
 *   <li>{@code hash 32 MB cold}: in a fresh JVM, a first {@code keyOf} of a {@code double[100]}
 *       (the key machinery's own start-up), then of a {@code double[4_000_000]}, and the best of 20
 *       once warm, beside a {@code System.arraycopy} of the same array.</li>
 * </ul>
 *
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.memocache.bench.ColdStart [--runs 5] [-- jvm flags...]
 * </pre>
 *
 * Flags after {@code --} go to every child (e.g. {@code -Xint}). {@code --cds} also measures the
 * hit child with an AppCDS archive that a training run of the same child wrote
 * ({@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}); {@code --aot} with a JDK 25
 * AOT cache ({@code -XX:AOTCacheOutput}, then {@code -XX:AOTCache}; run this class on JDK 25).
 */
public final class ColdStart {
  private static final String MARK = "@@mark ";
  private static final String VALUE = "@@value ";
  private static final int HASH_LENGTH = 4_000_000;

  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].startsWith("child-")) {
      child(args);
      return;
    }
    int runs = 5;
    String cds = null;
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--cds") || args[i].equals("--aot")) {
        cds = args[i];
      } else if (args[i].equals("--")) {
        flags.addAll(Arrays.asList(args).subList(i + 1, args.length));
        break;
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: [--runs N] [--cds | --aot] [-- jvm flags]");
      }
    }
    Path dir = Files.createTempDirectory("memocache-coldstart");
    try {
      run(runs, cds, flags, dir);
    } finally {
      deleteTree(dir);
    }
  }

  private static void run(int runs, @Nullable String cds, List<String> flags, Path dir) throws Exception {
    System.out.println("ColdStart: " + runs + " fresh JVMs per figure; java " + System.getProperty("java.version")
        + (flags.isEmpty() ? "" : "; child flags " + String.join(" ", flags)));
    Child prep = child(flags, dir, "child-store");
    if (prep.exit != 0) {
      throw new IllegalStateException("the storing child failed (exit " + prep.exit + "):\n" + prep.err);
    }
    List<String> cdsFlags = new ArrayList<>(flags);
    String label = "--aot".equals(cds) ? "AOT cache" : "AppCDS";
    if (cds != null) {
      // A training run writes the archive of every class it loaded (class path of jars only):
      // AppCDS from JDK 13, the AOT cache (classes loaded and linked, method profiles) from JDK 25.
      boolean aot = cds.equals("--aot");
      Path archive = dir.resolve(aot ? "coldstart.aot" : "coldstart.jsa");
      List<String> training = new ArrayList<>(flags);
      training.add((aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive);
      Child t = child(training, dir, "child-hit");
      if (t.exit != 0 || !Files.exists(archive)) {
        throw new IllegalStateException("the AppCDS training run failed (exit " + t.exit + "):\n" + t.err);
      }
      cdsFlags.add((aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
      System.out.println(label + ": " + Files.size(archive) / (1 << 20) + " MiB, " + archive);
    }
    Map<String, double[]> samples = new LinkedHashMap<>();
    for (int r = 0; r < runs; r++) {
      if (cds != null) {
        Child c = child(cdsFlags, dir, "child-hit");
        if (c.exit != 0) {
          throw new IllegalStateException("the " + label + " child failed (exit " + c.exit + "):\n" + c.err);
        }
        add(samples, label + ": process wall (start, open, 2 hits, exit)", c.wallMs);
        add(samples, label + ": open", c.values.get("open"));
        add(samples, label + ": first hit: double", c.values.get("hit-double"));
        add(samples, label + ": first hit: double[100]", c.values.get("hit-array"));
      }
      List<String> hitFlags = new ArrayList<>(flags);
      hitFlags.add("-verbose:class");
      Child hit = child(hitFlags, dir, "child-hit");
      if (hit.exit != 0) {
        throw new IllegalStateException("the hit child failed (exit " + hit.exit + "):\n" + hit.err);
      }
      // The class-load log makes the timed part slower; times come from a child without it.
      Child timed = child(flags, dir, "child-hit");
      add(samples, "process wall (start, open, 2 hits, exit)", timed.wallMs);
      add(samples, "open: Memo.builder().build()", timed.values.get("open"));
      add(samples, "first hit: double", timed.values.get("hit-double"));
      add(samples, "first hit: double[100]", timed.values.get("hit-array"));
      add(samples, "classes loaded before main", hit.classesBefore("main"));
      add(samples, "classes loaded by open", hit.classesBetween("open", "opened"));
      add(samples, "classes loaded by first hit (double)", hit.classesBetween("opened", "hit-double"));
      add(samples, "classes loaded by first hit (double[100])", hit.classesBetween("hit-double", "hit-array"));
      for (String lib : List.of("org.mapdb", "com.esotericsoftware", "com.github.benmanes.caffeine", "net.bytebuddy")) {
        add(samples, "  of them " + lib + ".*", hit.classesMatching("open", "hit-array", lib));
      }
      Child hash = child(flags, dir, "child-hash");
      if (hash.exit != 0) {
        throw new IllegalStateException("the hash child failed (exit " + hash.exit + "):\n" + hash.err);
      }
      add(samples, "first keyOf of a double[100] (ms)", hash.values.get("hash-small"));
      add(samples, "hash 32 MB cold: next keyOf (ms)", hash.values.get("hash-cold"));
      add(samples, "hash 32 MB cold (GB/s)", 32.0 / hash.values.get("hash-cold"));
      add(samples, "hash 32 MB warm, best of 20 (GB/s)", 32.0 / hash.values.get("hash-warm"));
      add(samples, "arraycopy 32 MB warm, best of 20 (GB/s)", 32.0 / hash.values.get("copy-warm"));
      add(samples, "hash warm / arraycopy warm", hash.values.get("copy-warm") / hash.values.get("hash-warm"));
    }
    for (Map.Entry<String, double[]> e : samples.entrySet()) {
      System.out.println(Measure.summarize(e.getKey(), e.getValue(), "").format());
    }
  }

  private static void add(Map<String, double[]> samples, String name, double v) {
    samples.merge(name, new double[] {v}, (a, b) -> {
      double[] c = Arrays.copyOf(a, a.length + 1);
      c[a.length] = b[0];
      return c;
    });
  }

  // ---- children ----

  private record Child(int exit, double wallMs, List<String> lines, Map<String, Double> values, String err) {
    int index(String mark) {
      int i = lines.indexOf(MARK + mark);
      if (i < 0) {
        throw new IllegalStateException("no mark " + mark + " in the child's output");
      }
      return i;
    }

    double classesBefore(String mark) {
      return lines.subList(0, index(mark)).stream().filter(ColdStart::isClassLoad).count();
    }

    double classesBetween(String from, String to) {
      return lines.subList(index(from), index(to)).stream().filter(ColdStart::isClassLoad).count();
    }

    double classesMatching(String from, String to, String prefix) {
      return lines.subList(index(from), index(to)).stream()
          .filter(l -> isClassLoad(l) && l.contains(" " + prefix)).count();
    }
  }

  private static boolean isClassLoad(String line) {
    return line.startsWith("[") && line.contains("class,load");
  }

  private static @Nullable String classPath;

  /** The class path of the children: this one, with each directory packed into a jar (AppCDS takes jars only). */
  private static synchronized String classPath() throws IOException {
    if (classPath == null) {
      List<String> parts = new ArrayList<>();
      for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path path = Path.of(p);
        parts.add(Files.isDirectory(path) ? jar(path).toString() : p);
      }
      classPath = String.join(java.io.File.pathSeparator, parts);
    }
    return classPath;
  }

  private static Path jar(Path dir) throws IOException {
    Path jar = Files.createTempFile("coldstart-classes", ".jar");
    jar.toFile().deleteOnExit();
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static Child child(List<String> flags, Path dir, String mode) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(flags);
    cmd.add("-Dmemocache.dir=" + dir);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(ColdStart.class.getName());
    cmd.add(mode);
    Path err = Files.createTempFile("coldstart", ".err");
    try {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      List<String> lines = new ArrayList<>();
      Map<String, Double> values = new LinkedHashMap<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = in.readLine()) != null; ) {
          lines.add(l);
          if (l.startsWith(VALUE)) {
            String[] kv = l.substring(VALUE.length()).split(" ");
            values.put(kv[0], Double.parseDouble(kv[1]));
          }
        }
      }
      int exit = p.waitFor();
      double wall = (System.nanoTime() - t0) / 1e6;
      return new Child(exit, wall, lines, values, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static void child(String[] args) throws Exception {
    switch (args[0]) {
      case "child-store" -> {
        try (Memo memo = Memo.builder().build()) {
          memo.call("coldstart.double", () -> 42.5, 1);
          memo.call("coldstart.array", () -> ramp(100), 1);
        }
      }
      case "child-hit" -> childHit();
      case "child-hash" -> childHash();
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** Anonymous classes rather than lambdas: the child measures MemoCache, not the first lambda's bootstrap. */
  private static void childHit() {
    System.out.println(MARK + "main");
    System.out.println(MARK + "open");
    long t0 = System.nanoTime();
    Memo memo = Memo.builder().build();
    long t1 = System.nanoTime();
    System.out.println(MARK + "opened");
    long t2 = System.nanoTime();
    Double d = memo.call("coldstart.double", new Supplier<Double>() {
      @Override
      public Double get() {
        throw new IllegalStateException("coldstart.double was not a disk hit");
      }
    }, 1);
    long t3 = System.nanoTime();
    System.out.println(MARK + "hit-double");
    long t4 = System.nanoTime();
    double[] a = memo.call("coldstart.array", new Supplier<double[]>() {
      @Override
      public double[] get() {
        throw new IllegalStateException("coldstart.array was not a disk hit");
      }
    }, 1);
    long t5 = System.nanoTime();
    System.out.println(MARK + "hit-array");
    if (d != 42.5 || !Arrays.equals(a, ramp(100))) {
      throw new IllegalStateException("wrong values served: " + d + ", " + Arrays.toString(a));
    }
    value("open", t1 - t0);
    value("hit-double", t3 - t2);
    value("hit-array", t5 - t4);
    memo.close();
  }

  private static void childHash() {
    double[] x = ramp(HASH_LENGTH);
    try (Memo memo = Memo.builder().memoryOnly().build()) {
      long s0 = System.nanoTime();
      memo.method("coldstart.fit").keyOf((Object) new double[100]).orElseThrow();
      value("hash-small", System.nanoTime() - s0);
      long t0 = System.nanoTime();
      Object k = memo.method("coldstart.fit").keyOf((Object) x).orElseThrow();
      value("hash-cold", System.nanoTime() - t0);
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        long s = System.nanoTime();
        Object k2 = memo.method("coldstart.fit").keyOf((Object) x).orElseThrow();
        best = Math.min(best, System.nanoTime() - s);
        if (!k2.equals(k)) {
          throw new IllegalStateException("keys differ between calls: " + k + ", " + k2);
        }
      }
      value("hash-warm", best);
      double[] y = new double[HASH_LENGTH];
      long bestCopy = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        long s = System.nanoTime();
        System.arraycopy(x, 0, y, 0, x.length);
        bestCopy = Math.min(bestCopy, System.nanoTime() - s);
      }
      Measure.blackhole = y;
      value("copy-warm", bestCopy);
    }
  }

  private static void value(String name, long nanos) {
    System.out.println(VALUE + name + " " + String.format(Locale.ROOT, "%.4f", nanos / 1e6));
  }

  private static double[] ramp(int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * 0.5;
    }
    return a;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
