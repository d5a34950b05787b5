package org.memocache.redis.internal;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests against one real redis-server and one s3proxy for the whole class, with a connection to
 * each and a bucket {@value #BUCKET}; each test class gets servers of its own.
 */
abstract class RedisAndS3Test {
  static final String BUCKET = "memocache-test";
  @TempDir static Path dir;
  static RedisServer redisServer;
  static S3Server s3Server;
  static Redis redis;
  static S3Blobs blobs;

  @BeforeAll
  static void startServers() throws Exception {
    redisServer = RedisServer.start(dir.resolve("redis"), null);
    s3Server = S3Server.start(dir.resolve("s3"));
    redis = Redis.connect(redisServer.uri(), Duration.ofSeconds(2));
    blobs = s3Server.client(BUCKET, Duration.ofSeconds(5));
    blobs.createBucket();
  }

  @AfterAll
  static void stopServers() throws Exception {
    blobs.close();
    redis.close();
    s3Server.close();
    redisServer.close();
  }
}
