package org.memocache.agent;

import java.lang.System.Logger.Level;
import java.lang.instrument.Instrumentation;
import java.security.CodeSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;
import org.memocache.MemoRuntime;
import org.memocache.agent.internal.AgentInstaller;
import org.memocache.agent.internal.AgentLog;
import org.memocache.internal.Settings;

/**
 * The Java agent: memoizes {@code @Memoize} methods, and the methods named by the {@code methods=}
 * option, of every class the job loads, without recompiling anything.
 *
 * <pre>
 * java -javaagent:memocache-agent.jar=methods=com.acme.Fit#fit,dir=/data/cache -jar job.jar
 * </pre>
 *
 * <p>See {@link AgentOptions} for the options. A bad option stops the JVM at start-up, before the
 * job runs, with a one-line message naming it and exit code {@value #BAD_OPTION_EXIT} (when attached
 * to a running JVM, the attach fails instead and that JVM runs on); a cache directory that cannot be opened only degrades the cache to memory (with a
 * warning), and the job runs either way.
 */
public final class MemoAgent {
  private static final System.Logger LOG = System.getLogger("org.memocache.agent");
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static final AtomicBoolean MEMO_INSTALLED = new AtomicBoolean();
  private static final AtomicBoolean CHECKING = new AtomicBoolean();
  private static final AtomicBoolean MEMO_WANTED = new AtomicBoolean();

  /** The exit code of a JVM started with a bad agent option. */
  public static final int BAD_OPTION_EXIT = 2;

  private MemoAgent() {}

  /** Entry point of {@code -javaagent}. */
  public static void premain(@Nullable String agentArgs, Instrumentation instrumentation) {
    install(agentArgs, instrumentation, false);
  }

  /** Entry point when attached to a running JVM; classes already loaded are woven too. */
  public static void agentmain(@Nullable String agentArgs, Instrumentation instrumentation) {
    install(agentArgs, instrumentation, true);
  }

  private static void install(@Nullable String agentArgs, Instrumentation instrumentation, boolean attached) {
    long start = System.nanoTime();
    AgentOptions options;
    try {
      options = AgentOptions.parse(agentArgs);
      Settings.useAgentOptions(options.settings());
    } catch (IllegalArgumentException e) {
      AgentLog.error(e.getMessage());
      if (attached) {
        throw e;
      }
      // An exception out of premain makes the JVM abort with a crash report; the message is all
      // there is to say.
      System.exit(BAD_OPTION_EXIT);
      return;
    }
    if (attached) {
      IllegalArgumentException bad = configuredClassProblem();
      if (bad != null) {
        throw bad;
      }
    }
    if (!INSTALLED.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, "MemoCache agent is already installed in this JVM; ignoring the second"
          + " installation (options: " + options + ")");
      return;
    }
    AgentInstaller.install(options, instrumentation, location(), name -> installMemo(options, name), attached);
    if (!attached) {
      // After the transformer is in place, so that a configured class with memoized methods is
      // woven; the Memo waits until they are all loaded (see installMemo).
      CHECKING.set(true);
      IllegalArgumentException bad;
      try {
        bad = configuredClassProblem();
      } finally {
        CHECKING.set(false);
      }
      if (bad != null) {
        System.exit(BAD_OPTION_EXIT);
        return;
      }
      if (MEMO_WANTED.get()) {
        installMemo(options, null);
      }
    }
    if (options.verbose()) {
      LOG.log(Level.INFO, "MemoCache agent installed in " + (System.nanoTime() - start) / 1_000_000
          + " ms" + (options.toString().isEmpty() ? "" : " with options " + options));
    }
  }

  /**
   * Loads the classes named by the {@code key-encoders} and {@code codecs} keys that the job's class
   * path holds, so that a bad one stops the job at start-up like a bad option, and none is loaded for
   * the first time while the class that makes this agent build its Memo is being defined (loading a
   * class while it is being defined fails its definition). Logs the one message when one is bad.
   */
  private static @Nullable IllegalArgumentException configuredClassProblem() {
    try {
      Settings.load().checkClasses(ClassLoader.getSystemClassLoader());
      return null;
    } catch (IllegalArgumentException e) {
      AgentLog.error(e.getMessage());
      return e;
    }
  }

  /**
   * Builds and installs the Memo, once, before the first class with memoized code runs (woven by
   * the agent or at build time): a job that never loads one never opens the cache.
   *
   * @param definedClass the class about to be defined, whose definition this runs within
   */
  private static void installMemo(AgentOptions options, @Nullable String definedClass) {
    if (MEMO_INSTALLED.get()) {
      return;
    }
    if (CHECKING.get()) {
      // A configured class being loaded by configuredClassProblem: building the Memo now would load
      // that very class again while it is being defined.
      MEMO_WANTED.set(true);
      return;
    }
    if (definedClass != null && namedInConfiguration(definedClass)) {
      // The same, for a configured class only a loader of the job sees (not checked at start-up):
      // the Memo is built for the next class, or by the first call of memoized code.
      return;
    }
    synchronized (MEMO_INSTALLED) {
      if (MEMO_INSTALLED.get()) {
        return;
      }
      long start = System.nanoTime();
      // The default Memo reads the agent's options through the configuration, like every other
      // source; a directory that cannot be used leaves it memory-only, with one warning.
      Memo memo;
      try {
        memo = Memo.defaultMemo();
      } catch (IllegalArgumentException e) {
        // A value checked only when the Memo is built (a key-encoders class that is missing or of
        // the wrong type): woven code reports it with one line when it first runs, and computes.
        MEMO_INSTALLED.set(true);
        return;
      }
      MemoRuntime.install(memo);
      Runtime.getRuntime().addShutdownHook(new Thread(memo::close, "memocache-agent-shutdown"));
      MEMO_INSTALLED.set(true);
      if (options.verbose()) {
        LOG.log(Level.INFO, "MemoCache agent: opened " + memo + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
      }
    }
  }

  private static boolean namedInConfiguration(String binaryName) {
    try {
      return Settings.load().namesClass(binaryName);
    } catch (IllegalArgumentException e) {
      return false; // the Memo's build reports it
    }
  }

  private static @Nullable String location() {
    CodeSource source = MemoAgent.class.getProtectionDomain().getCodeSource();
    return source == null || source.getLocation() == null ? null : source.getLocation().toExternalForm();
  }
}
