package org.memocache.agent.internal.cli;

import java.nio.file.Path;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.memocache.EntryInfo;
import org.memocache.disk.CacheDirectory;
import org.memocache.disk.Prune;
import org.memocache.disk.PruneReport;
import org.memocache.internal.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memocache prune [--max-bytes SIZE] [--max-entries N] [--older-than AGE] [--unused-for AGE]
 * [--dry-run] [dir]}: removes old entries, then the least recently used until the bounds hold. At
 * least one rule is required: a prune that removes nothing was almost surely a typo.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = {"Removes entries older than an age, then the least recently used until the bounds hold.",
        "Sizes: 500M, 10G, 1048576. Ages: 30d, 12h, 90m, 2w, P30D."})
public final class PruneCommand extends CacheCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "the cache directory (default: $MEMOCACHE_DIR or ~/.cache/memocache)")
  @Nullable Path dir;

  @Option(names = "--max-bytes", paramLabel = "SIZE", description = "keep at most this many bytes")
  @Nullable String maxBytes;

  @Option(names = "--max-entries", paramLabel = "N", description = "keep at most this many entries")
  @Nullable Long maxEntries;

  @Option(names = "--older-than", paramLabel = "AGE", description = "remove entries computed longer ago")
  @Nullable String olderThan;

  @Option(names = "--unused-for", paramLabel = "AGE", description = "remove entries not read for this long")
  @Nullable String unusedFor;

  @Option(names = "--partials-older-than", paramLabel = "AGE",
      description = "remove recorded progress of computations not updated for this long (never running ones)")
  @Nullable String partialsOlderThan;

  @Option(names = {"-n", "--dry-run"}, description = "only show what would be removed")
  boolean dryRun;

  @Option(names = "--json", description = "one JSON object, for scripts")
  boolean json;

  @Override
  @Nullable Path dirArgument() {
    return dir;
  }

  @Override
  int run(CacheDirectory d) {
    Prune rules = Prune.nothing().dryRun(dryRun);
    if (maxBytes != null) {
      rules = rules.maxBytes(Ages.bytes("--max-bytes", maxBytes));
    }
    if (maxEntries != null) {
      rules = rules.maxEntries(maxEntries);
    }
    if (olderThan != null) {
      rules = rules.olderThan(Ages.parse("--older-than", olderThan));
    }
    if (unusedFor != null) {
      rules = rules.unusedFor(Ages.parse("--unused-for", unusedFor));
    }
    if (partialsOlderThan != null) {
      rules = rules.partialsOlderThan(Ages.parse("--partials-older-than", partialsOlderThan));
    }
    if (rules.equals(Prune.nothing().dryRun(dryRun))) {
      err().println("memocache prune: give at least one of --max-bytes, --max-entries, --older-than, --unused-for,"
          + " --partials-older-than");
      err().flush();
      return USAGE;
    }
    PruneReport r = d.prune(rules);
    if (json) {
      Json j = new Json().beginObject().field("directory", d.root().toString()).field("dryRun", r.dryRun())
          .field("removedBytes", r.removedBytes()).field("remainingEntries", r.remainingEntries())
          .field("remainingBytes", r.remainingBytes()).field("removedPartials", r.removedPartials().size())
          .name("removed").beginArray();
      for (EntryInfo e : r.removed()) {
        LsCommand.entry(j, e);
      }
      out().println(j.endArray().endObject());
    } else {
      Instant now = Instant.now();
      Table t = new Table("KEY", "METHOD", "ARGUMENTS", ">SIZE", ">AGE", ">LAST USE");
      for (EntryInfo e : r.removed()) {
        t.row(e.key().substring(0, 12), e.method(), e.argsSummary(), Sizes.human(e.sizeBytes()),
            Ages.since(e.created(), now), Ages.since(e.lastAccess(), now));
      }
      if (!t.isEmpty()) {
        t.print(out());
      }
      out().println(r);
    }
    out().flush();
    return OK;
  }
}
