package org.memocache.agent.internal.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.memocache.EntryInfo;
import org.memocache.disk.CacheDirectory;
import org.memocache.internal.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memocache ls [dir]}: every entry, grouped by method, with size, age and hits. */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = "Lists the entries of a cache directory: key, method, arguments, size, age, compute time, hits.")
public final class LsCommand extends CacheCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "the cache directory (default: $MEMOCACHE_DIR or ~/.cache/memocache)")
  @Nullable Path dir;

  @Option(names = {"-m", "--method"}, paramLabel = "NAME", description = "only this method's entries")
  @Nullable String method;

  @Option(names = "--json", description = "one JSON object, for scripts")
  boolean json;

  @Override
  @Nullable Path dirArgument() {
    return dir;
  }

  @Override
  int run(CacheDirectory d) {
    List<EntryInfo> entries = (method == null ? d.entries() : d.entries(method)).stream()
        .sorted(Comparator.comparing(EntryInfo::method).thenComparing(EntryInfo::created)).toList();
    long bytes = entries.stream().mapToLong(EntryInfo::sizeBytes).sum();
    if (json) {
      Json j = new Json().beginObject().field("directory", d.root().toString()).field("entryCount", entries.size())
          .field("bytes", bytes).name("entries").beginArray();
      for (EntryInfo e : entries) {
        entry(j, e);
      }
      out().println(j.endArray().endObject());
      out().flush();
      return OK;
    }
    Instant now = Instant.now();
    Table t = new Table("KEY", "METHOD", "ARGUMENTS", ">SIZE", ">AGE", ">COMPUTE", ">HITS", ">LAST USE");
    for (EntryInfo e : entries) {
      t.row(e.key().substring(0, 12), e.method(), e.argsSummary(), Sizes.human(e.sizeBytes()),
          Ages.since(e.created(), now), Sizes.human(e.computeTime()), e.hits(), Ages.since(e.lastAccess(), now));
    }
    if (!t.isEmpty()) {
      t.print(out());
    }
    long methods = entries.stream().map(EntryInfo::method).distinct().count();
    out().println(entries.size() + " entries, " + Sizes.human(bytes) + ", " + methods
        + (methods == 1 ? " method" : " methods") + " in " + d.root());
    out().flush();
    return OK;
  }

  /** One entry as a JSON object: shared by {@code ls}, {@code show} and {@code prune}. */
  static Json entry(Json j, EntryInfo e) {
    return j.beginObject().field("key", e.key()).field("method", e.method()).field("arguments", e.argsSummary())
        .field("bytes", e.sizeBytes()).field("created", e.created()).field("computeSeconds", e.computeTime())
        .field("hits", e.hits()).field("lastAccess", e.lastAccess()).field("codec", e.codec()).endObject();
  }
}
