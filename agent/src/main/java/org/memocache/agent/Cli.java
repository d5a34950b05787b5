package org.memocache.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of {@code memocache-agent.jar}: {@code java -jar memocache-agent.jar --help}.
 * Inspecting and maintaining a cache directory ({@code ls}, {@code show}, {@code stats},
 * {@code verify}, {@code prune}, {@code report}) are subcommands of this one.
 */
@Command(name = "memocache", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
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
    System.exit(new CommandLine(new Cli()).execute(args));
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
