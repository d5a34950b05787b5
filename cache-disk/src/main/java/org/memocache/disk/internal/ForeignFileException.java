package org.memocache.disk.internal;

import java.io.IOException;

/**
 * Something the cache did not make sits where it expects its own file or directory: a symbolic
 * link, a FIFO, a device, a directory in place of a file. It is never opened, written through or
 * deleted; the operation needing it is a miss or a failed store. Not damage: nothing is deleted.
 */
final class ForeignFileException extends IOException {
  private static final long serialVersionUID = 1L;

  ForeignFileException(String message) {
    super(message);
  }
}
