package org.memocache.agent;

import org.memocache.agent.internal.cli.ClearCommand;
import org.memocache.agent.internal.cli.LsCommand;
import org.memocache.agent.internal.cli.PruneCommand;
import org.memocache.agent.internal.cli.ReportCommand;
import org.memocache.agent.internal.cli.ShowCommand;
import org.memocache.agent.internal.cli.StatsCommand;
import org.memocache.agent.internal.cli.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of {@code memocache-agent.jar}: {@code java -jar memocache-agent.jar --help}.
 * Inspecting and maintaining a cache directory ({@code ls}, {@code show}, {@code stats},
 * {@code verify}, {@code prune}, {@code report}) are subcommands of this one.
 */
@Command(name = "memocache", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    subcommands = {LsCommand.class, ShowCommand.class, StatsCommand.class, VerifyCommand.class, PruneCommand.class,
        ClearCommand.class, ReportCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:verify found damaged files", "2:bad arguments, or not a MemoCache directory",
        "3:reading or writing the directory failed"},
    description = {
        "MemoCache: a memoizing computation cache for the JVM.",
        "",
        "As an agent: java -javaagent:memocache-agent.jar=methods=com.acme.Fit#fit,dir=/data/cache -jar job.jar",
        "Agent options: methods=, dir=, config=, memory=, disk=, stateless=, allow=, fingerprint=, verbose,",
        "weavecache= (docs/agent.md)"})
public final class Cli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with every subcommand, as {@link #main} runs it (tests run it in-process). */
  public static CommandLine commandLine() {
    return new CommandLine(new Cli());
  }

  /** Without a subcommand: the usage. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"MemoCache " + (v == null ? "(development build)" : v),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
