package org.memocache.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.Config;
import org.memocache.redis.internal.S3Blobs;
import org.memocache.redis.internal.SharedLimits;
import org.memocache.redis.internal.SharedTier;
import org.memocache.spi.Tier;
import org.memocache.spi.TierContext;
import org.memocache.spi.TierProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Makes the shared tier for {@code Memo}: found with {@link java.util.ServiceLoader}, kind
 * {@code shared}, used when {@code Memo.builder().shared(URI)} or the {@code shared} key names a
 * Redis server. The object store of the {@code blobs} key ({@code s3://bucket/prefix}) is reached
 * with the AWS SDK's own settings: endpoint {@code AWS_ENDPOINT_URL} (or {@code AWS_ENDPOINT_URL_S3},
 * path-style addressing then), region {@code AWS_REGION} or the profile, credentials from the SDK's
 * default provider chain (environment, profile, container or instance role). Nothing secret is
 * stored or printed.
 */
public final class SharedTierProvider implements TierProvider {

  @Override
  public String kind() {
    return "shared";
  }

  /**
   * @throws IllegalStateException when no shared server is configured
   * @throws RuntimeException from the AWS SDK when the object store is configured but its region
   *     cannot be found; a client that cannot be set up is an outage of the store at its first use
   */
  @Override
  public Tier create(TierContext context) {
    Config.SharedStore store = Config.sharedOf(context.config());
    if (store == null) {
      throw new IllegalStateException("no shared server is configured (Memo.builder().shared(URI) or MEMOCACHE_SHARED)");
    }
    URI redis = store.redis();
    SharedTier.Options options = SharedTier.Options.defaults().withLimits(limits(store, context.config().expireAfter()));
    URI location = store.blobs();
    S3Blobs blobs = location == null ? null : blobs(location, options);
    String prefix = location == null ? "memocache/" : prefix(location);
    return SharedTier.open(redis, blobs, prefix, options, context.config());
  }

  /**
   * The bounds of the {@code shared-bytes} and {@code shared-entries} keys, and the {@code expire} age
   * of every tier: a value published longer ago than that is evicted, and a new one replaces it.
   */
  private static SharedLimits limits(Config.SharedStore store, @Nullable Duration expireAfter) {
    SharedLimits limits = SharedLimits.none();
    if (store.maxBytes() < Long.MAX_VALUE) {
      limits = limits.maxBytes(store.maxBytes());
    }
    if (store.maxEntries() < Long.MAX_VALUE) {
      limits = limits.maxEntries(store.maxEntries());
    }
    return expireAfter == null ? limits : limits.maxAge(expireAfter);
  }

  private static S3Blobs blobs(URI location, SharedTier.Options options) {
    URI endpoint = endpoint();
    String region;
    try {
      region = DefaultAwsRegionProviderChain.builder().build().getRegion().id();
    } catch (RuntimeException e) {
      // An S3-compatible server named by its endpoint rarely cares about the region.
      if (endpoint == null) {
        throw new IllegalStateException("no AWS region for " + location + ": set AWS_REGION or a profile's region", e);
      }
      region = "us-east-1";
    }
    return S3Blobs.open(endpoint, region, Objects.requireNonNull(location.getHost()), endpoint != null,
        DefaultCredentialsProvider.builder().build(), options.timeout());
  }

  /** The endpoint of an S3-compatible server, as the SDK's settings name it, or {@code null} for AWS. */
  private static @Nullable URI endpoint() {
    for (String name : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
      String v = System.getenv(name);
      if (v != null && !v.isBlank()) {
        return URI.create(v.strip());
      }
    }
    String p = System.getProperty("aws.endpointUrl");
    return p == null || p.isBlank() ? null : URI.create(p.strip());
  }

  /** {@code s3://bucket/a/b} → {@code a/b/}; {@code s3://bucket} → {@code memocache/}. */
  private static String prefix(URI location) {
    String path = location.getPath() == null ? "" : location.getPath().replaceAll("^/+|/+$", "");
    return path.isEmpty() ? "memocache/" : path + "/";
  }
}
