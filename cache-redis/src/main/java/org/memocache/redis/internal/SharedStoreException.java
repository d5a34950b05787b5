package org.memocache.redis.internal;

/**
 * A shared-store operation that failed or timed out: names the service, its {@code host:port} and the
 * operation, never a credential. Every remote call of this package reports its faults with this type.
 */
public final class SharedStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final String operation;

  /**
   * @param service {@code redis} or {@code s3}
   * @param endpoint {@code host:port}
   * @param operation the command and its key, e.g. {@code GET memocache:v:ab12}
   * @param reason what went wrong, e.g. {@code timed out after 500 ms}
   */
  public SharedStoreException(String service, String endpoint, String operation, String reason, Throwable cause) {
    super(service + " " + endpoint + ": " + operation + ": " + reason, cause);
    this.endpoint = endpoint;
    this.operation = operation;
  }

  /** The {@code host:port} that failed. */
  public String endpoint() {
    return endpoint;
  }

  /** The operation that failed, e.g. {@code GET memocache:v:ab12}. */
  public String operation() {
    return operation;
  }
}
