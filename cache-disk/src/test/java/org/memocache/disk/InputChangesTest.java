package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;
import org.memocache.MethodId;

/** A method caught changing its arguments in one process is not memoized by the next one. */
class InputChangesTest {

  /** Child JVM: calls {@code fillOut} {@code args[1]} times, printing how often it computed. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    int[] computed = new int[1];
    try (Memo memo = Memo.builder().directory(Path.of(args[0])).build()) {
      for (int i = 0; i < Integer.parseInt(args[1]); i++) {
        double[] in = {1, 2};
        double[] target = new double[2];
        memo.call("fillOut", () -> {
          computed[0]++;
          target[0] = in[0] * 2;
          target[1] = in[1] * 2;
          return target.length;
        }, in, target);
        if (target[1] != 4) {
          throw new AssertionError("the output parameter was not filled: a hit skipped the method");
        }
      }
      out.println("computed=" + computed[0] + " unmemoized=" + memo.stats().unmemoizedCalls() + " entries="
          + memo.method("fillOut").entries().size());
    }
  }

  private record Run(String stdout, List<String> warnings) {}

  private static Run child(Path dir, int calls) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), InputChangesTest.class.getName(), dir.toString(),
        Integer.toString(calls)));
    Process p = new ProcessBuilder(cmd).start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), stderr);
    List<String> warnings = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      if (line.startsWith("WARNING: ")) {
        warnings.add(line.substring("WARNING: ".length()));
      }
    }
    return new Run(stdout, warnings);
  }

  @Test
  void verdictOfOneProcess_makesTheNextComputeWithoutStoring(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info);
    Run first = child(dir, 2);
    assertEquals("computed=2 unmemoized=1 entries=0", first.stdout());
    assertEquals(List.of("MemoCache: not memoizing fillOut any more: its parameter 1 (arg1) changed while it ran"
        + " (the method writes into it, or another thread did), and a cached result would skip that change; it"
        + " is computed on every call"), first.warnings());

    Path verdict = dir.resolve("entries").resolve(MethodId.of("fillOut", 0).idHex()).resolve("CHANGES_INPUT");
    assertTrue(Files.isRegularFile(verdict), "verdict file " + verdict);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(verdict)));
    assertTrue(Files.readString(verdict).startsWith("changes=parameter 1 (arg1)\n"), Files.readString(verdict));

    Run second = child(dir, 3);
    assertEquals("computed=3 unmemoized=3 entries=0", second.stdout());
    assertEquals(List.of("MemoCache: not memoizing fillOut: an earlier run found that its parameter 1 (arg1)"
        + " changes while it runs (recorded in " + dir.toAbsolutePath().normalize() + "); it is computed on every"
        + " call"), second.warnings());
  }
}
