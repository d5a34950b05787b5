package org.memocache.agent.internal.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.memocache.disk.CacheDirectory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memocache clear (--method NAME | --all) [dir]}: deletes a method's entries, or all of
 * them. Clearing everything takes an explicit {@code --all}: a bare {@code clear} that empties
 * a shared cache of a week's computations would be too easy a mistake.
 */
@Command(name = "clear", mixinStandardHelpOptions = true,
    description = "Deletes every entry of one method (--method NAME), or of all methods (--all), and their recorded progress.")
public final class ClearCommand extends CacheCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "the cache directory (default: $MEMOCACHE_DIR or ~/.cache/memocache)")
  @Nullable Path dir;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what = new What();

  static final class What {
    @Option(names = {"-m", "--method"}, paramLabel = "NAME", description = "the method whose entries to delete")
    @Nullable String method;

    @Option(names = "--all", description = "delete every entry")
    boolean all;
  }

  @Override
  @Nullable Path dirArgument() {
    return dir;
  }

  @Override
  int run(CacheDirectory d) {
    long n = d.clear(what.all ? null : what.method);
    out().println("deleted " + n + " entries" + (what.all ? "" : " of " + what.method) + " from " + d.root());
    out().flush();
    return OK;
  }
}
