package org.memocache.disk.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.memocache.MethodId;
import org.memocache.internal.Warnings;
import org.memocache.spi.Tier;

/**
 * The disk tier's {@link Tier.Verdicts}: a method seen changing its arguments gets a small
 * {@code entries/<m>/CHANGES_INPUT} file (owner-only, written by tmp file and rename), which every
 * process reads before memoizing the method. Its directory is named by the full identity, so
 * another version or another bytecode of the method is judged anew.
 */
public final class InputChanges implements Tier.Verdicts {
  private final Layout layout;

  InputChanges(Layout layout) {
    this.layout = layout;
  }

  @Override
  public Optional<String> changedInput(MethodId method) {
    Path file = layout.changesFile(method);
    if (!SafeFiles.isRegularFile(file)) {
      // Nothing recorded; or something planted there that is not ours, which says nothing.
      return Optional.empty();
    }
    String what = Layout.readProperties(file).get("changes");
    // An unreadable or partial file still says the method was caught changing an input.
    return Optional.of(what == null || what.isBlank() ? "an argument" : what);
  }

  @Override
  public void recordChangedInput(MethodId method, String what) {
    try {
      layout.prepareMethodDir(method);
      String text = "changes=" + Layout.escape(what) + "\nrecorded=" + Instant.now() + "\npid="
          + ProcessHandle.current().pid() + "\n";
      layout.writeAtomically(layout.changesFile(method), text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      String why = e instanceof NoSuchFileException ? "the directory is gone" : e.toString();
      Warnings.once("disk-verdict:" + layout.root, () -> "MemoCache: cannot record in " + layout.root
          + " that " + method.name() + " changes its arguments (" + why + "); other processes will find out"
          + " themselves");
    }
  }
}
