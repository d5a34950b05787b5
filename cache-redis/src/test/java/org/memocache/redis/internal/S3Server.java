package org.memocache.redis.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 API server: s3proxy (from Maven Central, its jar-with-dependencies on a class path of its
 * own) as a child JVM on 127.0.0.1 and a free port, storing objects in a temporary directory with
 * jclouds' filesystem backend. Credentials are random per server, written only to its properties
 * file in that directory (owner-only) and handed to clients in memory or through a child's
 * environment; never printed.
 */
final class S3Server implements AutoCloseable {
  static final String REGION = "us-east-1";

  private final Process process;
  private final int port;
  private final String identity;
  private final String credential;

  private S3Server(Process process, int port, String identity, String credential) {
    this.process = process;
    this.port = port;
    this.identity = identity;
    this.credential = credential;
  }

  static S3Server start(Path dir) throws IOException, InterruptedException {
    String jar = System.getProperty("memocache.s3proxy.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IOException("no s3proxy jar at " + jar + " (the build copies it: mvn -pl cache-redis test-compile)");
    }
    Path data = Files.createDirectories(dir.resolve("blobs"));
    int port = RedisServer.freePort();
    SecureRandom r = new SecureRandom();
    String identity = "test" + HexFormat.of().formatHex(r.generateSeed(6));
    String credential = HexFormat.of().formatHex(r.generateSeed(20));
    Path props = dir.resolve("s3proxy.properties");
    Files.createFile(props, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + identity,
        "s3proxy.credential=" + credential,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data, ""));
    Path log = dir.resolve("s3proxy.log");
    ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar, "--properties", props.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    S3Server server = new S3Server(pb.start(), port, identity, credential);
    long deadline = System.currentTimeMillis() + 30_000;
    while (!server.listening()) {
      if (!server.process.isAlive() || System.currentTimeMillis() > deadline) {
        server.close();
        throw new IOException("s3proxy did not start on port " + port + ": " + Files.readString(log));
      }
      Thread.sleep(20);
    }
    return server;
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(identity, credential));
  }

  /** The secret, only for tests that assert it never shows. */
  String secret() {
    return credential;
  }

  /** The environment a child JVM needs to reach this server with the SDK's default providers. */
  Map<String, String> environment() {
    return Map.of("AWS_ACCESS_KEY_ID", identity, "AWS_SECRET_ACCESS_KEY", credential, "AWS_REGION", REGION);
  }

  /** A client of {@code bucket} on this server. */
  S3Blobs client(String bucket, Duration timeout) {
    return S3Blobs.open(endpoint(), REGION, bucket, true, credentials(), timeout);
  }

  void pause() throws IOException, InterruptedException {
    RedisServer.signal("STOP", process.pid());
  }

  void resume() throws IOException, InterruptedException {
    RedisServer.signal("CONT", process.pid());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (process.isAlive()) {
      resume();
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return "s3proxy 127.0.0.1:" + port;
  }
}
