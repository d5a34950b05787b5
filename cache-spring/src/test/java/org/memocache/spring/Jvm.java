package org.memocache.spring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM running a main class of the test class path; its output is collected as it runs. */
final class Jvm {
  private final Process process;
  private final List<String> out = Collections.synchronizedList(new ArrayList<>());
  private final StringBuffer err = new StringBuffer();

  private Jvm(Process process) {
    this.process = process;
    drain(process.getInputStream(), out::add);
    drain(process.getErrorStream(), l -> err.append(l).append('\n'));
  }

  static Jvm start(List<String> jvmArgs, Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return new Jvm(new ProcessBuilder(cmd).start());
  }

  /** Waits for the child to exit 0 and returns its stdout lines. */
  List<String> finish() throws InterruptedException {
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not finish; stderr:\n" + err);
    }
    // the drain threads may still be reading the last lines
    for (int i = 0; i < 200 && (out.isEmpty() || !out.get(out.size() - 1).equals("done")) && process.exitValue() == 0; i++) {
      Thread.sleep(10);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("child JVM exited " + process.exitValue() + "; stdout " + out + "; stderr:\n" + err);
    }
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  String stderr() {
    return err.toString();
  }

  private static void drain(java.io.InputStream in, java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          sink.accept(l);
        }
      } catch (IOException e) {
        // the child was killed
      }
    });
    t.setDaemon(true);
    t.start();
  }
}
