package org.memocache.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on 127.0.0.1 and a free port, without persistence, its
 * working directory and log in a temporary directory. Can be paused ({@code SIGSTOP}) and resumed.
 */
final class RedisServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final String password;
  private final Path log;

  private RedisServer(Process process, int port, String password, Path log) {
    this.process = process;
    this.port = port;
    this.password = password;
    this.log = log;
  }

  /** Starts a server in {@code dir}; {@code password} null for none. Returns once it answers PING. */
  static RedisServer start(Path dir, String password) throws IOException, InterruptedException {
    return start(dir, password, freePort());
  }

  static RedisServer start(Path dir, String password, int port) throws IOException, InterruptedException {
    return start(dir, password, port, List.of());
  }

  /** A server with more options, such as a TLS port beside the plain {@code port}. */
  static RedisServer start(Path dir, String password, int port, List<String> options)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolve("redis.log");
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port",
        Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
        // DEBUG SLEEP makes the server slow for the fault tests.
        "--enable-debug-command", "local"));
    if (password != null) {
      cmd.addAll(List.of("--requirepass", password));
    }
    cmd.addAll(options);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("redis-server is not installed (apt-get install redis-server): " + e.getMessage(), e);
    }
    RedisServer server = new RedisServer(p, port, password, log);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!server.answersPing()) {
      if (!p.isAlive() || System.currentTimeMillis() > deadline) {
        server.close();
        throw new IOException("redis-server did not start on port " + port + ": " + Files.readString(log));
      }
      Thread.sleep(10);
    }
    return server;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] b = new byte[64];
      int n = in.read(b);
      String reply = n > 0 ? new String(b, 0, n, StandardCharsets.US_ASCII) : "";
      // With a password, an unauthenticated PING is refused, which also shows the server is up.
      return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** {@code redis://[:password@]127.0.0.1:port}. */
  URI uri() {
    return URI.create("redis://" + (password != null ? ":" + password + "@" : "") + "127.0.0.1:" + port);
  }

  /** {@code SIGSTOP}: the server keeps its connections open and answers nothing. */
  void pause() throws IOException, InterruptedException {
    signal("STOP", process.pid());
  }

  /** {@code SIGCONT}. */
  void resume() throws IOException, InterruptedException {
    signal("CONT", process.pid());
  }

  static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (k.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (process.isAlive()) {
      resume();
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String toString() {
    return "redis-server 127.0.0.1:" + port + " (log " + log + ")";
  }
}
