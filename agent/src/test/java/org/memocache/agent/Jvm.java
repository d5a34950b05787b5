package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.memocache.testing.ChildJvm;

/**
 * Child JVMs for the integration tests: compiles Java sources with {@code javax.tools}, packs jars,
 * and runs programs with or without the built {@code memocache-agent.jar}, on this JDK and on the
 * JDK 25 that {@code MEMOCACHE_JDK25} names.
 */
final class Jvm {
  private Jvm() {}

  /** The shaded agent jar built by this module's package phase. */
  static Path agentJar() {
    Path jar = Path.of(System.getProperty("memocache.agent.jar", "target/memocache-agent.jar")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "run after package: " + jar + " is missing");
    return jar;
  }

  /**
   * The {@code java} launchers to test on: this JVM's, and the JDK 25 that {@code MEMOCACHE_JDK25}
   * names (passed on as {@code memocache.java25.home}) when there is one.
   */
  static Stream<String> javas() {
    List<String> javas = new ArrayList<>();
    javas.add(ChildJvm.java());
    String home = System.getProperty("memocache.java25.home", "");
    if (!home.isBlank()) {
      Path j25 = Path.of(home, "bin", "java");
      assertTrue(Files.isExecutable(j25), "MEMOCACHE_JDK25 names no JDK: " + j25 + " is missing");
      javas.add(j25.toString());
    }
    return javas.stream();
  }

  /** A fresh directory named after the test, under target/it. */
  static Path testDir(String name) {
    Path dir = Path.of(System.getProperty("memocache.test.dir", "target/it")).toAbsolutePath().resolve(name);
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compiles {@code sources} (file name → text) into {@code out}, against {@code classPath}. */
  static Path compile(Path out, List<Path> classPath, Map<String, String> sources) throws IOException {
    return compile(out, classPath, sources, "-g");
  }

  /** As {@link #compile(Path, List, Map)}, with these javac options ({@code -g:none}, {@code -proc:none}). */
  static Path compile(Path out, List<Path> classPath, Map<String, String> sources, String... options) throws IOException {
    Path src = Files.createDirectories(out.resolveSibling(out.getFileName() + "-src"));
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
    args.addAll(List.of(options));
    if (!classPath.isEmpty()) {
      args.add("-cp");
      args.add(String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()));
    }
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path f = src.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      args.add(f.toString());
    }
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int rc = javac.run(null, null, err, args.toArray(String[]::new));
    assertEquals(0, rc, () -> "javac failed: " + err);
    return out;
  }

  /** Packs the class files under {@code classes} into {@code jar}. */
  static Path jar(Path classes, Path jar) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        jos.write(Files.readAllBytes(f));
        jos.closeEntry();
      }
    }
    return jar;
  }

  /** The outcome of a child JVM. */
  record Result(int exitCode, String out, String err) {
    /** Lines of stdout. */
    List<String> lines() {
      return out.lines().toList();
    }

    /** How many lines of stderr contain {@code text}. */
    long errLines(String text) {
      return err.lines().filter(l -> l.contains(text)).count();
    }

    /** How many log records at WARNING mention all of {@code texts}. */
    long warnings(String... texts) {
      return err.lines().filter(l -> l.startsWith("WARNING:"))
          .filter(l -> Arrays.stream(texts).allMatch(l::contains)).count();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /**
   * Runs {@code mainClass} on {@code java} with {@code jvmArgs} (such as the -javaagent flag) and
   * the class path (both omitted when empty: {@code -jar} in {@code jvmArgs}); fails the test when
   * it does not end within two minutes.
   */
  static Result run(String java, List<String> jvmArgs, List<Path> classPath, String mainClass, String... args)
      throws IOException, InterruptedException {
    return run(java, jvmArgs, classPath, Map.of(), mainClass, args);
  }

  /** As {@link #run(String, List, List, String, String...)}, with these environment variables set. */
  static Result run(String java, List<String> jvmArgs, List<Path> classPath, Map<String, String> env, String mainClass,
      String... args) throws IOException, InterruptedException {
    return runIn(null, java, jvmArgs, classPath, env, mainClass, args);
  }

  /** As {@link #run(String, List, List, Map, String, String...)}, in {@code workDir} (this JVM's when null). */
  static Result runIn(Path workDir, String java, List<String> jvmArgs, List<Path> classPath, Map<String, String> env,
      String mainClass, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Duser.language=en"); // JUL prints level names localized
    cmd.add("-Duser.country=US");
    cmd.addAll(jvmArgs);
    if (!classPath.isEmpty()) {
      cmd.add("-cp");
      cmd.add(String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList()));
    }
    if (!mainClass.isEmpty()) {
      cmd.add(mainClass);
    }
    cmd.addAll(List.of(args));
    ChildJvm.Result r = ChildJvm.run(cmd, workDir, env, Duration.ofMinutes(2));
    return new Result(r.exitCode(), r.stdout(), r.stderr());
  }

  /** {@code -javaagent:<jar>=<options>}. */
  static String agent(String options) {
    return "-javaagent:" + agentJar() + (options.isEmpty() ? "" : "=" + options);
  }
}
