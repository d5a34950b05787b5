package org.memocache.disk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.memocache.testing.Child;

/** The stdout lines of child processes started directly (not through {@link Child}). */
final class ProcessLines {
  private ProcessLines() {}

  /** Adds each line {@code p} prints to {@code lines} (a synchronized list), on a daemon thread. */
  static void collect(Process p, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (IOException e) {
        // killed
      }
    });
    t.setDaemon(true);
    t.start();
  }

  /** The first line starting with {@code prefix}, waiting at most {@code millis}. */
  static String awaitLine(List<String> lines, String prefix, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      synchronized (lines) {
        for (String l : lines) {
          if (l.startsWith(prefix)) {
            return l;
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no line '" + prefix + "' within " + millis + " ms: " + lines);
  }
}
