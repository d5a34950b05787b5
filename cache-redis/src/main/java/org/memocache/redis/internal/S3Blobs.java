package org.memocache.redis.internal;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Objects in one bucket of an S3-compatible store (AWS S3, MinIO, s3proxy), streamed both ways. Every
 * call has a timeout (connect, and each socket read or write: a stalled transfer fails, a long one
 * does not) and every fault becomes a {@link SharedStoreException} naming the operation and
 * {@code host:port}. Credentials come from the given provider and are never part of a message.
 */
public final class S3Blobs implements AutoCloseable {
  private final Supplier<S3Client> client;
  private final String bucket;
  private final String endpoint;
  private volatile @Nullable S3Client s3;
  private boolean closed;

  private S3Blobs(Supplier<S3Client> client, String bucket, String endpoint) {
    this.client = client;
    this.bucket = bucket;
    this.endpoint = endpoint;
  }

  /**
   * A client of {@code bucket}, set up by its first call: building the SDK's client costs a fresh
   * JVM a few hundred milliseconds, which a program that never needs the store should not pay.
   *
   * @param endpointOverride an S3-compatible server ({@code http://127.0.0.1:9000}); null for AWS
   * @param pathStyle {@code http://host/bucket/key} addressing, which most S3-compatible servers need
   * @param timeout connect timeout and the longest a transfer may stall
   */
  public static S3Blobs open(@Nullable URI endpointOverride, String region, String bucket, boolean pathStyle,
      AwsCredentialsProvider credentials, Duration timeout) {
    var builder = S3Client.builder()
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .forcePathStyle(pathStyle)
        // Values carry their own checksums; the SDK's trailing checksums are not understood by
        // every S3-compatible server.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
        // A retried upload would need the stream again; the caller decides what a failure means.
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    String endpoint;
    if (endpointOverride != null) {
      builder.endpointOverride(endpointOverride);
      int port = endpointOverride.getPort() >= 0 ? endpointOverride.getPort()
          : "https".equals(endpointOverride.getScheme()) ? 443 : 80;
      endpoint = endpointOverride.getHost() + ":" + port;
    } else {
      endpoint = "s3." + region + ".amazonaws.com:443";
    }
    return new S3Blobs(builder::build, bucket, endpoint);
  }

  /** {@code host:port} of the store. */
  public String endpoint() {
    return endpoint;
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** Uploads {@code length} bytes of {@code in} as {@code key}, streaming (one request, up to 5 GiB). */
  public void put(String key, InputStream in, long length) {
    call("PUT " + bucket + "/" + key, () -> s3().putObject(b -> b.bucket(bucket).key(key).contentLength(length),
        RequestBody.fromInputStream(in, length)));
  }

  /** The object {@code key} as a stream and its length; empty if absent. */
  public Optional<StoredBytes> get(String key, String writeId) {
    return call("GET " + bucket + "/" + key, () -> {
      try {
        ResponseInputStream<GetObjectResponse> r = s3().getObject(b -> b.bucket(bucket).key(key));
        return Optional.of(new StoredBytes(r, r.response().contentLength(), writeId));
      } catch (NoSuchKeyException e) {
        return Optional.empty();
      }
    });
  }

  /** Deletes {@code key} (absent is fine). */
  public void delete(String key) {
    call("DELETE " + bucket + "/" + key, () -> s3().deleteObject(b -> b.bucket(bucket).key(key)));
  }

  /**
   * Deletes {@code keys} (absent ones are fine), up to 1000 per request. A key the store refuses to
   * delete stays, unreported: every caller leaves what remains to the orphan sweep.
   */
  public void deleteAll(List<String> keys) {
    for (int from = 0; from < keys.size(); from += 1000) {
      List<ObjectIdentifier> ids = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      call("DELETE " + bucket + "/" + ids.get(0).key() + (ids.size() > 1 ? " and " + (ids.size() - 1) + " more" : ""),
          () -> s3().deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true))));
    }
  }

  /** An object as a listing shows it. */
  public record Listed(String key, Instant lastModified) {}

  /**
   * Hands every object under {@code prefix} to {@code page}, a page (up to 1000) at a time, in key
   * order. A fault of {@code page} ends the listing.
   */
  public void list(String prefix, Consumer<List<Listed>> page) {
    call("LIST " + bucket + "/" + prefix, () -> {
      for (ListObjectsV2Response r : s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
        page.accept(r.contents().stream().map(o -> new Listed(o.key(), o.lastModified())).toList());
      }
      return Boolean.TRUE;
    });
  }

  /** Creates the bucket (tests and set-up). */
  public void createBucket() {
    call("CREATE BUCKET " + bucket, () -> s3().createBucket(b -> b.bucket(bucket)));
  }

  /** The number of objects under {@code prefix} (tests and maintenance; lists at most 1000). */
  public int count(String prefix) {
    return call("LIST " + bucket + "/" + prefix, () -> s3().listObjectsV2(b -> b.bucket(bucket).prefix(prefix))
        .keyCount());
  }

  /**
   * Sets up the client now rather than at the first call, if it can be; a failure is left to that
   * call to report.
   */
  void warm() {
    try {
      s3();
    } catch (RuntimeException e) {
      // reported by the call that needs the client
    }
  }

  private S3Client s3() {
    S3Client c = s3;
    if (c != null) {
      return c;
    }
    synchronized (this) {
      if (closed) {
        throw SdkClientException.create("client closed");
      }
      if (s3 == null) {
        try {
          s3 = client.get();
        } catch (SdkException e) {
          throw e;
        } catch (RuntimeException e) {
          throw SdkClientException.create("cannot set up the client: " + e.getMessage(), e);
        }
      }
      return s3;
    }
  }

  private <T> T call(String operation, Supplier<T> op) {
    try {
      return op.get();
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
      throw new SharedStoreException("s3", endpoint, operation, "refused: HTTP " + e.statusCode()
          + (code != null ? " " + code : ""), e);
    } catch (ApiCallTimeoutException e) {
      throw new SharedStoreException("s3", endpoint, operation, "timed out", e);
    } catch (SdkClientException e) {
      throw new SharedStoreException("s3", endpoint, operation, reason(e), e);
    } catch (SdkException e) {
      throw new SharedStoreException("s3", endpoint, operation, String.valueOf(e.getMessage()), e);
    }
  }

  private static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException) {
        return "timed out (" + t.getMessage() + ")";
      }
      if (t instanceof java.net.ConnectException) {
        return "cannot connect (" + t.getMessage() + ")";
      }
    }
    return String.valueOf(e.getMessage());
  }

  @Override
  public void close() {
    S3Client c;
    synchronized (this) {
      closed = true;
      c = s3;
    }
    if (c != null) {
      c.close();
    }
  }
}
