package org.memocache.agent.internal.cli;

import java.io.Console;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.memocache.disk.CacheDirectory;
import org.memocache.disk.VerifyListener;
import org.memocache.disk.VerifyReport;
import org.memocache.internal.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memocache verify [--delete] [dir]}: reads every entry and progress file through, checking
 * every checksum. Exits 1 when anything is damaged (even when it was deleted: the damage happened,
 * and a script should hear about it).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Checks every checksum of every entry; reports damaged files, optionally deletes them.",
        "Exit code 1 when any file is damaged."})
public final class VerifyCommand extends CacheCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "the cache directory (default: $MEMOCACHE_DIR or ~/.cache/memocache)")
  @Nullable Path dir;

  @Option(names = "--delete", description = "delete the damaged files")
  boolean delete;

  @Option(names = "--json", description = "one JSON object, for scripts")
  boolean json;

  @Option(names = "--progress", negatable = true, description = "a progress bar on stderr (default: when stderr is a terminal)")
  @Nullable Boolean progress;

  /**
   * Whether someone is watching: a console whose streams are terminals. Keeps the bar out of pipes
   * and CI logs. On Java 22+ {@code System.console()} is non-null even when redirected, so there
   * {@code Console.isTerminal()} (looked up reflectively: the baseline is 17) decides.
   */
  static boolean interactive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // before Java 22 a console exists only when stdin and stdout are terminals
    }
  }

  @Override
  @Nullable Path dirArgument() {
    return dir;
  }

  @Override
  int run(CacheDirectory d) {
    boolean bar = progress != null ? progress : !json && interactive();
    ProgressBar pb = bar ? new ProgressBar(err()) : null;
    VerifyReport r = d.verify(delete, pb == null ? VerifyListener.NONE : pb);
    if (pb != null) {
      pb.clear();
    }
    if (json) {
      Json j = new Json().beginObject().field("directory", d.root().toString()).field("ok", r.ok())
          .field("files", r.files()).field("bytes", r.bytes()).field("seconds", r.took()).name("damaged").beginArray();
      for (VerifyReport.Damage x : r.damaged()) {
        j.beginObject().field("file", x.file().toString()).field("key", x.key()).field("method", x.method())
            .field("problem", x.problem()).field("deleted", x.deleted()).endObject();
      }
      out().println(j.endArray().endObject());
    } else {
      if (!r.ok()) {
        Table t = new Table("KEY", "METHOD", "PROBLEM", "DELETED", "FILE");
        for (VerifyReport.Damage x : r.damaged()) {
          t.row(x.key().isEmpty() ? "-" : x.key().substring(0, Math.min(12, x.key().length())),
              x.method().isEmpty() ? "-" : x.method(), x.problem(), x.deleted() ? "yes" : "no", x.file());
        }
        t.print(out());
      }
      out().println(r.files() + " files, " + Sizes.human(r.bytes()) + " verified in " + Sizes.human(r.took()) + ": "
          + (r.ok() ? "all good" : r.damaged().size() + " damaged" + (delete ? ", "
          + r.damaged().stream().filter(VerifyReport.Damage::deleted).count() + " deleted" : " (--delete removes them)")));
    }
    out().flush();
    return r.ok() ? OK : DAMAGED;
  }
}
