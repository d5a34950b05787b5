package org.memocache.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what MemoCache logs through {@code System.Logger} (backed by java.util.logging in tests). */
public final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger("org.memocache");
  private final List<LogRecord> records = new ArrayList<>();

  public LogCapture() {
    logger.addHandler(this);
    setLevel(Level.ALL);
    logger.setLevel(Level.ALL);
  }

  @Override
  public synchronized void publish(LogRecord r) {
    records.add(r);
  }

  /** Formatted messages at or above {@code level}. */
  public synchronized List<String> messages(Level level) {
    List<String> out = new ArrayList<>();
    for (LogRecord r : records) {
      if (r.getLevel().intValue() >= level.intValue()) {
        out.add(r.getMessage());
      }
    }
    return out;
  }

  /** How many records at or above {@code level} carry a stack trace. */
  public synchronized long withStackTrace(Level level) {
    return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue() && r.getThrown() != null).count();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(null);
  }
}
