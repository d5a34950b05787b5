package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code codecs} key adds {@code ValueCodec}s by class name, as {@code Memo.builder().codec(...)}
 * does in code: a job run with {@code -javaagent:...=methods=...,codecs=...} stores its results with
 * the codec (its entries carry the codec's id) and a second JVM decodes them with it; a class that is
 * no codec stops the job at start-up like a bad option.
 */
class CodecsConfiguredIT {
  static final String JAVA = Jvm.javas().findFirst().orElseThrow();

  static final Map<String, String> APP = Map.of("app/ReversingCodec.java", """
      package app;
      import java.io.IOException;
      import java.io.OutputStream;
      import java.nio.ByteBuffer;
      import java.nio.charset.StandardCharsets;
      import org.memocache.spi.ClassFilter;
      import org.memocache.spi.ValueCodec;
      /** Stores strings reversed: only this codec reads them back right. */
      public class ReversingCodec implements ValueCodec {
        @Override public String id() { return "reversing"; }
        @Override public int version() { return 1; }
        @Override public boolean canEncode(Object value) { return value instanceof String; }
        @Override public void encode(Object value, OutputStream out) throws IOException {
          out.write(new StringBuilder((String) value).reverse().toString().getBytes(StandardCharsets.UTF_8));
        }
        @Override public Object decode(ByteBuffer payload, ClassFilter classes) {
          byte[] b = new byte[payload.remaining()];
          payload.get(b);
          System.err.println("DECODE reversing");
          return new StringBuilder(new String(b, StandardCharsets.UTF_8)).reverse().toString();
        }
      }
      """, "app/Job.java", """
      package app;
      public class Job {
        static String greet(String name) { System.err.println("COMPUTE greet " + name); return "hello " + name; }
        public static void main(String[] args) { System.out.println(greet("ada")); }
      }
      """);

  @Test
  void agentOption_storesWithTheCodec_andTheSecondRunDecodesWithIt() throws Exception {
    Path dir = Jvm.testDir("CodecsConfiguredIT-option");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    Path cache = dir.resolve("cache");
    List<String> agent = List.of(Jvm.agent("methods=app.Job#greet,codecs=app.ReversingCodec,dir=" + cache
        + ",weavecache=off"));
    assertRunsTwice(agent, classes, cache);
  }

  @Test
  void configFile_storesWithTheCodec() throws Exception {
    Path dir = Jvm.testDir("CodecsConfiguredIT-file");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    Path cache = dir.resolve("cache");
    Path config = Files.writeString(dir.resolve("memocache.conf"), "methods = app.Job#greet\n"
        + "codecs = app.ReversingCodec\n" + "dir = " + cache + "\n");
    assertRunsTwice(List.of(Jvm.agent("weavecache=off,config=" + config)), classes, cache);
  }

  private static void assertRunsTwice(List<String> agent, Path classes, Path cache) throws Exception {
    for (int run = 0; run < 2; run++) {
      Jvm.Result r = Jvm.run(JAVA, agent, List.of(classes), "app.Job");
      assertEquals(0, r.exitCode(), r::toString);
      assertEquals(List.of("hello ada"), r.lines());
      assertEquals(run == 0 ? 1 : 0, r.errLines("COMPUTE greet ada"), r::toString);
      assertEquals(run == 0 ? 0 : 1, r.errLines("DECODE reversing"), r::toString);
      assertEquals(0, r.errLines("MemoCache"), r::toString);
    }
    Jvm.Result ls = Jvm.run(JAVA, List.of("-jar", Jvm.agentJar().toString()), List.of(), "", "ls", cache.toString(),
        "--json");
    assertEquals(0, ls.exitCode(), ls::toString);
    assertTrue(ls.out().contains("\"entryCount\":1"), ls::toString);
    assertTrue(ls.out().contains("\"codec\":\"reversing\""), ls::toString);
  }

  @Test
  void notACodec_stopsTheJobAtStartUp_namingTheKeyAndTheClass() throws Exception {
    Path dir = Jvm.testDir("CodecsConfiguredIT-bad");
    Path classes = Jvm.compile(dir.resolve("classes"), List.of(Jvm.agentJar()), APP);
    Jvm.Result r = Jvm.run(JAVA, List.of(Jvm.agent("methods=app.Job#greet,codecs=app.Job,dir=" + dir.resolve("cache"))),
        List.of(classes), "app.Job");
    assertEquals(MemoAgent.BAD_OPTION_EXIT, r.exitCode(), r::toString);
    assertEquals("", r.out(), "the job must not run: " + r);
    assertEquals(List.of("MemoCache: agent option codecs=app.Job: app.Job is not a org.memocache.spi.ValueCodec"),
        r.err().lines().filter(l -> l.contains("MemoCache")).map(l -> l.replaceFirst("^[A-Z]+: ", "")).toList(),
        r::toString);
    assertEquals(2, r.err().lines().count(), "the log record (two lines) and nothing else: " + r);
  }
}
