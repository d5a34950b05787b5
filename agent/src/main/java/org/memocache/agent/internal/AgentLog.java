package org.memocache.agent.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The agent's log ({@code System.Logger} "org.memocache.agent"): warnings once per topic, so a
 * class loader loading a thousand classes it cannot weave says so once; and what was woven, at INFO
 * with the {@code verbose} option and at DEBUG without it.
 */
public final class AgentLog {
  private static final Logger LOG = System.getLogger("org.memocache.agent");
  private static final int MAX_TOPICS = 10_000;
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  private final boolean verbose;

  public AgentLog(boolean verbose) {
    this.verbose = verbose;
  }

  /** Whether the {@code verbose} option is on. */
  public boolean verbose() {
    return verbose;
  }

  /** Logs a warning the first time {@code topic} is seen. */
  public void warnOnce(String topic, Supplier<String> message) {
    if (SEEN.size() < MAX_TOPICS && SEEN.add(topic)) {
      LOG.log(Level.WARNING, message.get());
    }
  }

  /** Logs a warning with its cause the first time {@code topic} is seen. */
  public void warnOnce(String topic, Supplier<String> message, Throwable cause) {
    if (SEEN.size() < MAX_TOPICS && SEEN.add(topic)) {
      LOG.log(Level.WARNING, message.get(), cause);
    }
  }

  /**
   * Prints a warning from a shutdown hook, straight to stderr in the log's "WARNING: " form:
   * java.util.logging closes its handlers in a shutdown hook of its own, which may run first and
   * would swallow a logged record.
   */
  public void warnAtExit(String message) {
    System.err.println("WARNING: " + message);
    System.err.flush();
  }

  /** What the agent did: INFO when verbose, DEBUG otherwise. */
  public void info(Supplier<String> message) {
    Level level = verbose ? Level.INFO : Level.DEBUG;
    if (LOG.isLoggable(level)) {
      LOG.log(level, message.get());
    }
  }

  /** A configuration or start-up failure. */
  public static void error(String message) {
    LOG.log(Level.ERROR, message);
  }
}
