package org.memocache.disk;

/**
 * Follows {@link CacheDirectory#verify}: a progress bar for a walk over many gigabytes. Called on
 * the verifying thread; keep it quick.
 */
public interface VerifyListener {

  /** Does nothing. */
  VerifyListener NONE = new VerifyListener() {};

  /** The walk found {@code files} files holding {@code bytes} bytes to verify. */
  default void started(long files, long bytes) {}

  /** Called about every 256 KiB: files finished and bytes verified so far. */
  default void progress(long filesDone, long bytesDone) {}

  /** A damaged (or unreadable) file was found. */
  default void damaged(VerifyReport.Damage damage) {}
}
