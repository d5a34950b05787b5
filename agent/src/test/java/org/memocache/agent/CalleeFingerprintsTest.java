package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.agent.internal.BuildClassFiles;
import org.memocache.agent.internal.ClassFiles;
import org.memocache.agent.internal.LoaderClassFiles;
import org.memocache.agent.internal.MethodFingerprints;

/**
 * What a method's fingerprint covers beyond its own body: callees in the same code source (private
 * and static helpers, other classes of the class directory, lambdas, instance methods, callbacks of
 * objects it creates), libraries by jar name and version, the bound; and what it does not (an
 * unrelated method). Every fingerprint is computed both as the agent does (through a class loader)
 * and as the build plugin does (through a class file locator and the class path), and the two must
 * agree.
 */
class CalleeFingerprintsTest {
  @TempDir
  Path dir;

  static final String JOB = """
      package p;
      import java.util.Arrays;
      import java.util.Comparator;
      import java.util.function.DoubleUnaryOperator;
      public class Job {
        private final double base = 1;
        public static double f(int n) {
          double s = 0;
          for (int i = 0; i < n; i++) s += gauss(i);
          return s + Other.scale(n);
        }
        private static double gauss(int i) { return Math.exp(-i * i / 8.0); }
        public static double viaLambda(double x) {
          DoubleUnaryOperator op = v -> v * 2;
          return op.applyAsDouble(x);
        }
        public double g(int n) { return twice(n) + base; }
        private double twice(int n) { return 2.0 * n; }
        public static int largest(Integer[] a) {
          Integer[] b = a.clone();
          Arrays.sort(b, new Comparator<Integer>() {
            @Override public int compare(Integer x, Integer y) { return y - x; }
          });
          return b[0];
        }
        public static double useLib(double x) { return lib.Lib.square(x); }
        public static int unrelated() { return 7; }
      }
      """;

  static final String OTHER = """
      package p;
      class Other { static double scale(int n) { return n * 0.5; } }
      """;

  static final String LIB = """
      package lib;
      public class Lib { public static double square(double x) { return x * x; } }
      """;

  /** A compiled version of the job, with the library jar it was run against. */
  private record Build(Path classes, List<Path> libs) {}

  private int builds;

  private Build build(String job, String other, String libJarName, String libVersion) throws IOException {
    Path root = dir.resolve("b" + builds++);
    Path libClasses = Jvm.compile(root.resolve("lib-classes"), List.of(), Map.of("lib/Lib.java", LIB));
    Path jar = jar(libClasses, root.resolve(libJarName), libVersion);
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("p/Job.java", job);
    sources.put("p/Other.java", other);
    return new Build(Jvm.compile(root.resolve("classes"), List.of(jar), sources), List.of(jar));
  }

  private Build build(String job) throws IOException {
    return build(job, OTHER, "lib-1.0.jar", "1.0");
  }

  /** The fingerprint of {@code p.Job#method}, asserting that the agent's and the plugin's agree. */
  private static long fp(Build b, String method) throws IOException {
    byte[] own = Files.readAllBytes(b.classes.resolve("p/Job.class"));
    List<ClassFileLocator> locators = new ArrayList<>();
    locators.add(new ClassFileLocator.ForFolder(b.classes.toFile()));
    for (Path lib : b.libs) {
      locators.add(ClassFileLocator.ForJarFile.of(lib.toFile()));
    }
    long plugin;
    try (BuildClassFiles.ClassPath cp = new BuildClassFiles.ClassPath(b.classes.toFile(),
        b.libs.stream().map(Path::toFile).toList())) {
      plugin = new MethodFingerprints(new BuildClassFiles(new ClassFileLocator.Compound(locators), cp),
          "p/Job", own).of(method);
    }
    List<URL> urls = new ArrayList<>();
    urls.add(b.classes.toUri().toURL());
    for (Path lib : b.libs) {
      urls.add(lib.toUri().toURL());
    }
    long agent;
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      agent = new MethodFingerprints(new LoaderClassFiles(loader, "p/Job", null), "p/Job", own).of(method);
    }
    assertEquals(plugin, agent, "the agent and the build plugin compute the same fingerprint of " + method);
    assertNotEquals(0L, agent);
    return agent;
  }

  @Test
  void privateStaticHelper_isCovered_unrelatedMethodIsNot() throws Exception {
    Build base = build(JOB);
    Build helper = build(JOB.replace("/ 8.0", "/ 9.0"));
    Build unrelated = build(JOB.replace("return 7;", "return 8;"));
    assertNotEquals(fp(base, "f(I)D"), fp(helper, "f(I)D"));
    assertEquals(fp(base, "f(I)D"), fp(unrelated, "f(I)D"));
    assertNotEquals(fp(base, "unrelated()I"), fp(unrelated, "unrelated()I"));
    assertEquals(fp(base, "f(I)D"), fp(build(JOB), "f(I)D"), "a rebuild of the same code");
  }

  @Test
  void helperInAnotherClassOfTheDirectory_isCovered() throws Exception {
    Build base = build(JOB);
    Build edited = build(JOB, OTHER.replace("n * 0.5", "n * 0.25"), "lib-1.0.jar", "1.0");
    assertNotEquals(fp(base, "f(I)D"), fp(edited, "f(I)D"));
    assertEquals(fp(base, "viaLambda(D)D"), fp(edited, "viaLambda(D)D"));
  }

  @Test
  void lambdaBody_isCovered() throws Exception {
    assertNotEquals(fp(build(JOB), "viaLambda(D)D"), fp(build(JOB.replace("v * 2", "v * 3")), "viaLambda(D)D"));
  }

  @Test
  void privateInstanceMethod_isCovered() throws Exception {
    assertNotEquals(fp(build(JOB), "g(I)D"), fp(build(JOB.replace("2.0 * n", "3.0 * n")), "g(I)D"));
  }

  @Test
  void callbackOfAnObjectTheMethodCreates_isCovered() throws Exception {
    assertNotEquals(fp(build(JOB), "largest([Ljava/lang/Integer;)I"),
        fp(build(JOB.replace("return y - x;", "return x - y;")), "largest([Ljava/lang/Integer;)I"));
  }

  @Test
  void libraryIsIdentifiedByJarNameAndManifestVersion() throws Exception {
    Build v1 = build(JOB);
    long renamed = fp(build(JOB, OTHER, "lib-2.0.jar", "1.0"), "useLib(D)D");
    long reversioned = fp(build(JOB, OTHER, "lib-1.0.jar", "2.0"), "useLib(D)D");
    assertNotEquals(fp(v1, "useLib(D)D"), renamed);
    assertNotEquals(fp(v1, "useLib(D)D"), reversioned);
    assertEquals(fp(v1, "f(I)D"), fp(build(JOB, OTHER, "lib-2.0.jar", "2.0"), "f(I)D"),
        "a method that does not call the library keeps its fingerprint");
  }

  @Test
  void dependenciesAndTheirDigest_followTheCallees() throws Exception {
    Build base = build(JOB);
    Build edited = build(JOB, OTHER.replace("n * 0.5", "n * 0.25"), "lib-1.0.jar", "1.0");
    byte[] own = Files.readAllBytes(base.classes.resolve("p/Job.class"));
    try (URLClassLoader a = new URLClassLoader(new URL[] {base.classes.toUri().toURL()}, null);
        URLClassLoader b = new URLClassLoader(new URL[] {edited.classes.toUri().toURL()}, null)) {
      ClassFiles files = new LoaderClassFiles(a, "p/Job", null);
      MethodFingerprints fps = new MethodFingerprints(files, "p/Job", own);
      fps.of("f(I)D");
      assertEquals(List.of("p/Other"), List.copyOf(fps.dependencies()));
      long digest = MethodFingerprints.digest(files, fps.dependencies());
      assertEquals(digest, MethodFingerprints.digest(new LoaderClassFiles(a, "p/Job", null), fps.dependencies()));
      assertNotEquals(digest, MethodFingerprints.digest(new LoaderClassFiles(b, "p/Job", null), fps.dependencies()));
    }
  }

  @Test
  void pastTheBound_aCalleeCountsByItsClassFile() throws Exception {
    int n = MethodFingerprints.MAX_METHODS + 20;
    StringBuilder chain = new StringBuilder("package p;\npublic class Job {\n");
    for (int i = 0; i < n; i++) {
      chain.append("  static int m").append(i).append("(int x) { return ")
          .append(i + 1 < n ? "m" + (i + 1) + "(x + 1)" : "x").append("; }\n");
    }
    chain.append("  static int tail() { return 1; }\n}\n");
    String source = chain.toString();
    Build base = build(source);
    // The last link lies past the bound: walked no more, yet its edit changes the fingerprint.
    Build last = build(source.replace("static int m" + (n - 1) + "(int x) { return x; }",
        "static int m" + (n - 1) + "(int x) { return -x; }"));
    assertNotEquals(fp(base, "m0(I)I"), fp(last, "m0(I)I"));
    // So does any edit of that class, such as an unrelated method: the price of the bound.
    assertNotEquals(fp(base, "m0(I)I"), fp(build(source.replace("return 1;", "return 2;")), "m0(I)I"));
    assertTrue(fp(base, "tail()I") != 0L);
  }

  private static Path jar(Path classes, Path jar, String version) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, manifest)) {
      jos.putNextEntry(new JarEntry("lib/Lib.class"));
      jos.write(Files.readAllBytes(classes.resolve("lib/Lib.class")));
      jos.closeEntry();
    }
    return jar;
  }
}
