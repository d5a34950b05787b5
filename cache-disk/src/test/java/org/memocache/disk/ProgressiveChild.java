package org.memocache.disk;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;
import org.memocache.partial.Progress;

/**
 * The progressive computation of the tests: 10 chunks of 3 doubles, each "computed" in
 * {@code chunkMillis}, each computation leaving a marker file {@code <chunk>-<pid>-<uuid>} so that
 * tests count exactly which chunks were computed by which process.
 */
final class ProgressiveChild {
  private ProgressiveChild() {}

  static final int CHUNKS = 10;

  static double[] chunk(int i) {
    return new double[] {i, i * 0.5, Math.sqrt(i)};
  }

  static double[] expected() {
    double[] all = new double[CHUNKS * 3];
    for (int i = 0; i < CHUNKS; i++) {
      System.arraycopy(chunk(i), 0, all, 3 * i, 3);
    }
    return all;
  }

  static double[] sweep(Memo memo, Path markers, long chunkMillis, @Nullable PrintStream out) {
    return memo.progressive("sweep", (Progress<Integer, double[]> p) -> {
      if (out != null) {
        out.println("starting at " + p.chunkCount() + (p.resumed() ? " resumed" : ""));
      }
      for (int i = p.chunkCount(); i < CHUNKS; i++) {
        try {
          Files.createFile(markers.resolve(i + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
          Thread.sleep(chunkMillis);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        p.append(chunk(i), i + 1);
        if (out != null) {
          out.println("chunk " + i);
        }
      }
      double[] all = new double[CHUNKS * 3];
      List<double[]> chunks = p.chunks();
      for (int i = 0; i < CHUNKS; i++) {
        System.arraycopy(chunks.get(i), 0, all, 3 * i, 3);
      }
      return all;
    }, CHUNKS, 7L);
  }

  /** Chunk indices computed, per marker file, by process {@code pid} (all processes when -1). */
  static List<Integer> computed(Path markers, long pid) throws IOException {
    List<Integer> out = new ArrayList<>();
    try (var s = Files.list(markers)) {
      s.map(p -> p.getFileName().toString().split("-"))
          .filter(parts -> pid < 0 || Long.parseLong(parts[1]) == pid)
          .map(parts -> Integer.parseInt(parts[0]))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  static void run(PrintStream out, Path dir, Path markers, long chunkMillis) {
    try (Memo memo = Memo.builder().directory(dir).build()) {
      double[] r = sweep(memo, markers, chunkMillis, out);
      out.println("done " + java.util.Arrays.stream(r).sum());
    }
  }
}
