package org.memocache.agent.internal.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.memocache.MethodStats;
import org.memocache.disk.CacheDirectory;
import org.memocache.internal.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memocache stats [dir]}: per method, entries, bytes, hits and the computation they saved. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Per method: entries, bytes, hits, hit rate, compute time and time saved (hits x compute time, less what the hits took).")
public final class StatsCommand extends CacheCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "the cache directory (default: $MEMOCACHE_DIR or ~/.cache/memocache)")
  @Nullable Path dir;

  @Option(names = "--json", description = "one JSON object, for scripts")
  boolean json;

  @Override
  @Nullable Path dirArgument() {
    return dir;
  }

  @Override
  int run(CacheDirectory d) {
    List<MethodStats> methods = d.methods().stream()
        .sorted(Comparator.comparing(MethodStats::bytes).reversed()).toList();
    long entries = methods.stream().mapToLong(MethodStats::entries).sum();
    long bytes = methods.stream().mapToLong(MethodStats::bytes).sum();
    long hits = methods.stream().mapToLong(MethodStats::hits).sum();
    Duration saved = methods.stream().map(MethodStats::timeSaved).reduce(Duration.ZERO, Duration::plus);
    if (json) {
      Json j = new Json().beginObject().field("directory", d.root().toString()).field("entries", entries)
          .field("bytes", bytes).field("hits", hits).field("timeSavedSeconds", saved).name("methods").beginArray();
      for (MethodStats m : methods) {
        j.beginObject().field("method", m.method().name()).field("descriptor", m.method().descriptor())
            .field("version", m.method().version())
            .field("fingerprint", String.format("%016x", m.method().codeFingerprint()))
            .field("entries", m.entries()).field("bytes", m.bytes()).field("hits", m.hits())
            .name("hitRate").number(m.hitRate()).field("computeSeconds", m.computeTime())
            .field("timeSavedSeconds", m.timeSaved()).field("oldest", m.oldest()).field("newest", m.newest())
            .field("lastAccess", m.lastAccess()).endObject();
      }
      out().println(j.endArray().endObject());
      out().flush();
      return OK;
    }
    Table t = new Table("METHOD", ">VERSION", ">ENTRIES", ">SIZE", ">HITS", ">HIT RATE", ">COMPUTE", ">SAVED");
    for (MethodStats m : methods) {
      t.row(m.method().name() + m.method().descriptor(), m.method().version(), m.entries(), Sizes.human(m.bytes()),
          m.hits(), String.format("%.0f%%", 100 * m.hitRate()), Sizes.human(m.computeTime()),
          Sizes.human(m.timeSaved()));
    }
    if (!t.isEmpty()) {
      t.print(out());
    }
    out().println(methods.size() + " methods, " + entries + " entries, " + Sizes.human(bytes) + ", " + hits
        + " hits, saved " + Sizes.human(saved) + " of computation");
    out().flush();
    return OK;
  }
}
