package org.memocache.agent.internal.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.memocache.disk.CacheDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memocache report [-o file.html] [dir]}: one self-contained HTML page about the cache. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Writes a self-contained HTML report: size and time saved per method, by day, biggest entries.",
        "One file with inline CSS and SVG: no scripts, no network."})
public final class ReportCommand extends CacheCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "the cache directory (default: $MEMOCACHE_DIR or ~/.cache/memocache)")
  @Nullable Path dir;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the HTML file (default: memocache-report.html)")
  Path output = Path.of("memocache-report.html");

  @Override
  @Nullable Path dirArgument() {
    return dir;
  }

  @Override
  int run(CacheDirectory d) throws Exception {
    String html = HtmlReport.render(d.root().toString(), d.methods(), d.entries(), Instant.now());
    Path out = output.toAbsolutePath();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.writeString(tmp, html, StandardCharsets.UTF_8);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    out().println("wrote " + out + " (" + html.length() / 1024 + " KiB)");
    out().flush();
    return OK;
  }
}
