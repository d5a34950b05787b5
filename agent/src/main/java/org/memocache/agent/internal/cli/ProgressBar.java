package org.memocache.agent.internal.cli;

import java.io.PrintWriter;
import org.memocache.disk.VerifyListener;
import org.memocache.disk.VerifyReport;
import org.memocache.internal.Sizes;

/**
 * A one-line progress bar on a terminal's stderr for {@code verify}: redrawn with {@code \r} at
 * most every {@link #REDRAW_NANOS}, so that a walk over many small files does not spend its time
 * printing. Damaged files are printed on their own lines as they are found.
 */
final class ProgressBar implements VerifyListener {
  static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private long files;
  private long bytes;
  private long lastDraw;
  private boolean drawn;

  ProgressBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void started(long files, long bytes) {
    this.files = files;
    this.bytes = bytes;
  }

  @Override
  public void progress(long filesDone, long bytesDone) {
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    double f = bytes == 0 ? 1 : Math.min(1, (double) bytesDone / bytes);
    int full = (int) (f * WIDTH);
    err.print("\r[" + "#".repeat(full) + " ".repeat(WIDTH - full) + "] " + String.format("%3.0f%%", 100 * f) + "  "
        + filesDone + "/" + files + " files, " + Sizes.human(bytesDone) + " of " + Sizes.human(bytes) + "   ");
    err.flush();
  }

  @Override
  public void damaged(VerifyReport.Damage damage) {
    clear();
    err.println("damaged: " + damage);
    err.flush();
  }

  /** Erases the bar, so that what follows starts on a clean line. */
  void clear() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
      err.flush();
      drawn = false;
    }
  }
}
