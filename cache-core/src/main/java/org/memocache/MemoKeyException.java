package org.memocache;

/**
 * A call whose arguments (or receiver) cannot be turned into a cache key: a lambda, a stream, an
 * open I/O handle, a thread, a cyclic object graph. The message names the method, the parameter and
 * the path to the offending value, such as {@code com.acme.Fit#fit: parameter 1 (options):
 * options.listener is a lambda (com.acme.Fit$$Lambda/0x...)}.
 */
public final class MemoKeyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MemoKeyException(String message) {
    super(message);
  }

  public MemoKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
