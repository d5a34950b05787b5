package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.build.BuildLogger;
import net.bytebuddy.build.EntryPoint;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.build.Plugin.Factory.UsingReflection.ArgumentResolver;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.inline.MethodNameTransformer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.Memo;
import org.memocache.MemoRuntime;
import org.memocache.agent.internal.LoaderClassFiles;
import org.memocache.agent.internal.MethodFingerprints;

/**
 * {@link CalleeFingerprintIT}'s edits woven by the build plugin, made as byte-buddy-maven-plugin
 * makes it (with the class folder and class path), in-process: each version
 * is loaded by its own class loader, on one cache directory, so only the woven fingerprints keep
 * their results apart.
 */
class MemoizePluginCalleeTest {
  @TempDir
  static Path dir;

  /** The job, counting its computations in a list instead of printing them. */
  static String counting(String job) {
    String printing = "static void computed(String what) { System.err.println(\"COMPUTE \" + what); }";
    assertNotEquals(-1, job.indexOf(printing));
    return job.replace(printing, "public static final java.util.List<String> log = new java.util.ArrayList<>();\n"
        + "  static void computed(String what) { log.add(what); }");
  }

  /** A version compiled, and loaded both as compiled and as woven. */
  private record Version(Class<?> plain, Class<?> woven) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.memocache.agent.CalleeFingerprintIT#edits")
  void editedCalleeComputes_firstVersionStillHits(String name, String job, String helper, String libJar,
      String recomputed) throws Exception {
    // A cache directory: the memory tier keys a method's simple arguments by its loaded class, so
    // another loader's copy of the class is served from disk, by identity and key alone.
    try (Memo memo = Memo.builder().directory(dir.resolve("cache-" + name)).build()) {
      MemoRuntime.install(memo);
      Version v1 = version(name + "-v1", CalleeFingerprintIT.JOB, CalleeFingerprintIT.HELPER, "lib-1.0.jar");
      Version v2 = version(name + "-v2", job, helper, libJar);

      List<Object> first = results(v1.woven);
      assertEquals(List.of("f", "other", "lambda", "g", "lib"), log(v1.woven));
      List<Object> second = results(v2.woven);
      assertEquals(results(v2.plain), second, "the second version returns what it returns unwoven");
      assertEquals(recomputed.isEmpty() ? List.of() : List.of(recomputed), log(v2.woven));
      if (!name.equals("library-version") && !name.equals("unrelated")) {
        assertNotEquals(first, second, "the edit changes a result");
      }
      Version again = version(name + "-v1-again", CalleeFingerprintIT.JOB, CalleeFingerprintIT.HELPER, "lib-1.0.jar");
      assertEquals(first, results(again.woven));
      assertEquals(List.of(), log(again.woven), "the first version's results are still there");
    } finally {
      MemoRuntime.install(Memo.builder().memoryOnly().build());
    }
  }

  @Test
  void weavingInPlace_fingerprintsCalleesAsTheAgentDoes() throws Exception {
    // Each class's memoized method calls the other's: whichever is woven first, the other's walk
    // reaches a class already rewritten in the folder.
    Map<String, String> sources = Map.of(
        "cyc/A.java", """
            package cyc;
            import org.memocache.annotations.Memoize;
            public class A {
              @Memoize public static int f(int x) { return B.h(x) + 1; }
              @Memoize public static int g(int x) { return x * 3; }
            }
            """,
        "cyc/B.java", """
            package cyc;
            import org.memocache.annotations.Memoize;
            public class B {
              @Memoize public static int h(int x) { return x * 2; }
              @Memoize public static int k(int x) { return A.g(x) - 1; }
            }
            """);
    List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
    Path classes = Jvm.compile(dir.resolve("in-place/classes"), cp, sources);
    Path unwoven = Jvm.compile(dir.resolve("in-place/unwoven"), cp, sources);
    Plugin.Factory factory = new Plugin.Factory.UsingReflection(MemoizePlugin.class).with(
        ArgumentResolver.ForType.of(File.class, classes.toFile()),
        ArgumentResolver.ForType.of(File[].class, new File[] {classes.toFile()}),
        ArgumentResolver.ForType.of(BuildLogger.class, BuildLogger.NoOp.INSTANCE));
    Plugin.Engine.Summary summary = Plugin.Engine.Default.of(EntryPoint.Default.REBASE, ClassFileVersion.JAVA_V17,
            MethodNameTransformer.Suffixing.withRandomSuffix())
        .with(ClassFileLocator.ForClassLoader.of(MemoizePluginCalleeTest.class.getClassLoader()))
        .withoutErrorHandlers()
        .apply(new Plugin.Engine.Source.ForFolder(classes.toFile()), new Plugin.Engine.Target.ForFolder(classes.toFile()),
            List.of(factory));
    assertEquals(2, summary.getTransformed().size());
    try (URLClassLoader agentView = new URLClassLoader(new URL[] {unwoven.toUri().toURL()}, null)) {
      for (String[] m : List.of(new String[] {"cyc/A", "f(I)I"}, new String[] {"cyc/B", "k(I)I"})) {
        byte[] original = Files.readAllBytes(unwoven.resolve(m[0] + ".class"));
        long agent = new MethodFingerprints(new LoaderClassFiles(agentView, m[0], null), m[0], original).of(m[1]);
        assertEquals(agent, wovenFingerprint(Files.readAllBytes(classes.resolve(m[0] + ".class")), m[1]),
            m[0] + "#" + m[1]);
      }
    }
  }

  /** The fingerprint constant the advice passes to {@code MemoRuntime.enter} in {@code method}. */
  private static long wovenFingerprint(byte[] classFile, String method) {
    long[] found = {0L};
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        if (!(name + descriptor).equals(method)) {
          return null;
        }
        return new MethodVisitor(Opcodes.ASM9) {
          private long last;

          @Override
          public void visitLdcInsn(Object value) {
            if (value instanceof Long l) {
              last = l;
            }
          }

          @Override
          public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
            if (owner.equals("org/memocache/MemoRuntime") && n.equals("enter") && found[0] == 0L) {
              found[0] = last;
            }
          }
        };
      }
    }, 0);
    assertNotEquals(0L, found[0], "a woven call of MemoRuntime.enter in " + method);
    return found[0];
  }

  private static List<Object> results(Class<?> job) throws Exception {
    Object instance = job.getConstructor(int.class).newInstance(1);
    return List.of(call(job, "f", null, 20), call(job, "other", null, 10), call(job, "viaLambda", null, 3.0),
        call(job, "g", instance, 4), call(job, "useLib", null, 3.0));
  }

  private static Object call(Class<?> job, String name, Object target, Object arg) throws Exception {
    for (Method m : job.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        return m.invoke(target, arg);
      }
    }
    throw new AssertionError(name);
  }

  @SuppressWarnings("unchecked")
  private static List<String> log(Class<?> job) throws Exception {
    return (List<String>) job.getField("log").get(null);
  }

  private static Version version(String name, String job, String helper, String libJar) throws Exception {
    Path root = dir.resolve(name);
    Path lib = Jvm.jar(Jvm.compile(root.resolve("lib-classes"), List.of(), Map.of("lib/Lib.java", CalleeFingerprintIT.LIB)),
        Files.createDirectories(root).resolve(libJar));
    List<Path> cp = new ArrayList<>(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of).toList());
    cp.add(lib);
    Path classes = Jvm.compile(root.resolve("classes"), cp,
        Map.of("app/Job.java", counting(job), "app/Helper.java", helper));
    Path woven = Files.createDirectories(root.resolve("woven"));
    // As byte-buddy-maven-plugin instantiates it: the class folder and the class path by type.
    Plugin.Factory factory = new Plugin.Factory.UsingReflection(MemoizePlugin.class).with(
        ArgumentResolver.ForType.of(File.class, classes.toFile()),
        ArgumentResolver.ForType.of(File[].class, new File[] {classes.toFile(), lib.toFile()}),
        ArgumentResolver.ForType.of(BuildLogger.class, BuildLogger.NoOp.INSTANCE));
    try (ClassFileLocator libLocator = ClassFileLocator.ForJarFile.of(lib.toFile())) {
      Plugin.Engine.Summary summary = Plugin.Engine.Default.of(EntryPoint.Default.REBASE, ClassFileVersion.JAVA_V17,
              MethodNameTransformer.Suffixing.withRandomSuffix())
          .with(new ClassFileLocator.Compound(libLocator,
              ClassFileLocator.ForClassLoader.of(MemoizePluginCalleeTest.class.getClassLoader())))
          .withoutErrorHandlers()
          .apply(new Plugin.Engine.Source.ForFolder(classes.toFile()), new Plugin.Engine.Target.ForFolder(woven.toFile()),
              List.of(factory));
      assertEquals(List.of("app.Job"), summary.getTransformed().stream().map(TypeDescription::getName).toList());
    }
    ClassLoader parent = MemoizePluginCalleeTest.class.getClassLoader();
    Class<?> plain = Class.forName("app.Job", true,
        new URLClassLoader(new URL[] {classes.toUri().toURL(), lib.toUri().toURL()}, parent));
    Class<?> wovenJob = Class.forName("app.Job", true,
        new URLClassLoader(new URL[] {woven.toUri().toURL(), classes.toUri().toURL(), lib.toUri().toURL()}, parent));
    return new Version(plain, wovenJob);
  }
}
