package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.build.EntryPoint;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.inline.MethodNameTransformer;
import org.junit.jupiter.api.Test;

/**
 * A class woven at build time and then run under the agent is not advised a second time: the agent
 * sees the {@code @Woven} marker and leaves it alone, and each call still runs its body at most once.
 */
class BuildWovenUnderAgentIT {

  @Test
  void agentLeavesBuildWovenClassesAlone() throws Exception {
    Path dir = Jvm.testDir("BuildWovenUnderAgentIT");
    List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
    Path classes = Jvm.compile(dir.resolve("classes"), cp, Map.of("bw/Main.java", """
        package bw;
        import org.memocache.annotations.Memoize;
        public class Main {
          @Memoize static int twice(int x) { System.err.println("COMPUTE twice " + x); return 2 * x; }
          public static void main(String[] args) { System.out.println(twice(21) + " " + twice(21)); }
        }
        """));
    Path woven = Files.createDirectories(dir.resolve("woven"));
    Plugin.Engine.Default.of(EntryPoint.Default.REBASE, ClassFileVersion.JAVA_V17, MethodNameTransformer.Suffixing.withRandomSuffix())
        .with(ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()))
        .apply(new Plugin.Engine.Source.ForFolder(classes.toFile()), new Plugin.Engine.Target.ForFolder(woven.toFile()),
            List.of(new Plugin.Factory.Simple(new MemoizePlugin())));

    String java = Jvm.javas().findFirst().orElseThrow();
    Jvm.Result r = Jvm.run(java, List.of(Jvm.agent("dir=" + dir.resolve("cache") + ",verbose,weavecache=off")),
        List.of(woven), "bw.Main");
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(List.of("42 42"), r.lines());
    assertEquals(1, r.errLines("COMPUTE twice 21"), r::toString);
    assertEquals(1, r.errLines("bw.Main was woven at build time; leaving it as is"), r::toString);
    assertEquals(0, r.errLines("memoizing bw.Main#twice"), r::toString);
    // The build-woven code used the agent's Memo (dir=), not the default one.
    assertEquals(1, r.errLines("opened Memo[" + dir.resolve("cache") + "]"), r::toString);
  }
}
