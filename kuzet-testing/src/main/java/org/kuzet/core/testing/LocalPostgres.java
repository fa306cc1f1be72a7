package org.kuzet.core.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests, started once per JVM from Debian's {@code postgresql} package (the binaries
 * under {@code /usr/lib/postgresql/<version>/bin}, or {@code -Dkuzet.postgres.bin=DIR}): its own data directory in
 * a temporary directory, TCP on a free loopback port, no Unix socket, trust authentication for loopback, fsync off
 * (the data is thrown away). PostgreSQL refuses to run as root, so as root (CI) initdb and the server run as
 * {@code nobody} through util-linux's {@code setpriv}.
 *
 * <p>When PostgreSQL is not installed the tests that need it FAIL, saying how to install it; a developer may skip
 * them on purpose with {@code -Dkuzet.skipPostgres=true}.
 */
public final class LocalPostgres {
  public static final String SKIP_PROPERTY = "kuzet.skipPostgres";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static LocalPostgres instance;
  private static IllegalStateException failure;

  private final Path dir;
  private final Process server;
  private final int port;

  private LocalPostgres(Path dir, Process server, int port) {
    this.dir = dir;
    this.server = server;
    this.port = port;
  }

  /** The server, started on first use; skips the calling test only when {@value #SKIP_PROPERTY} is set. */
  public static synchronized LocalPostgres get() {
    Assumptions.assumeFalse(Boolean.getBoolean(SKIP_PROPERTY),
        "PostgreSQL tests skipped on request (-D" + SKIP_PROPERTY + "=true)");
    return startServer();
  }

  /** The server, started on first use (no JUnit: the bench calls this). */
  public static synchronized LocalPostgres startServer() {
    if (failure != null) {
      throw failure;
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (IOException | RuntimeException e) {
        failure = new IllegalStateException("cannot start a PostgreSQL server for the tests: " + e.getMessage()
            + ". Install Debian's postgresql package (apt-get install postgresql; .ci/run does), point"
            + " -Dkuzet.postgres.bin=DIR at its bin directory, or skip these tests with -D" + SKIP_PROPERTY
            + "=true", e);
        throw failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting PostgreSQL", e);
      }
    }
    return instance;
  }

  /** A new, empty database on the server; its URL in the form {@code kuzet collector --db} takes. */
  public String newDatabase() {
    String name = "kuzet_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
        "postgres", ""); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
    }
    return "postgresql://postgres@127.0.0.1:" + port + "/" + name;
  }

  public int port() {
    return port;
  }

  /** The server's process (its backends are descendants): for the bench's CPU figures. */
  public ProcessHandle process() {
    return server.toHandle();
  }

  private static LocalPostgres start() throws IOException, InterruptedException {
    Path bin = binDirectory();
    boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    Path dir = Files.createTempDirectory("kuzet-pg");
    if (root) {
      // The server runs as nobody: it must own its directory (and only it may read the data).
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal nobody = users.lookupPrincipalByName("nobody");
      GroupPrincipal nogroup = users.lookupPrincipalByGroupName("nogroup");
      PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
      view.setOwner(nobody);
      view.setGroup(nogroup);
    }
    Path data = dir.resolve("data");
    Path log = dir.resolve("server.log");
    try {
      return start(bin, root, dir, data, log);
    } catch (IOException | RuntimeException e) {
      delete(dir); // a failed start leaves nothing behind in the temp dir
      throw e;
    }
  }

  private static LocalPostgres start(Path bin, boolean root, Path dir, Path data, Path log)
      throws IOException, InterruptedException {
    run(root, dir, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
        "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"), dir.resolve("initdb.log"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process server = process(root, List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
        "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "max_connections=200"), log).start();
    LocalPostgres pg = new LocalPostgres(dir, server, port);
    Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "local-postgres-stop"));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IOException("postgres exited with " + server.exitValue() + ": " + tail(log));
      }
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
          "postgres", "")) {
        return pg;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(100); // polling a starting server; not synchronisation between test threads
      }
    }
    pg.stop();
    throw new IOException("postgres did not accept connections within " + START_TIMEOUT.toSeconds() + " s ("
        + (last == null ? "" : last.getMessage()) + "): " + tail(log));
  }

  private static void run(boolean root, Path dir, List<String> command, Path log)
      throws IOException, InterruptedException {
    Process p = process(root, command, log).start();
    if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish within " + START_TIMEOUT.toSeconds() + " s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + tail(log));
    }
  }

  private static ProcessBuilder process(boolean root, List<String> command, Path log) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
    }
    full.addAll(command);
    ProcessBuilder b = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    b.environment().put("LC_ALL", "C");
    return b;
  }

  private static Path binDirectory() throws IOException {
    String configured = System.getProperty("kuzet.postgres.bin");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
            .max(Comparator.comparingInt(v -> version(v.getFileName().toString()))).orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      }
    }
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path dir = Path.of(p);
      if (Files.isExecutable(dir.resolve("postgres")) && Files.isExecutable(dir.resolve("initdb"))) {
        return dir;
      }
    }
    throw new IOException("no PostgreSQL server binaries (initdb, postgres) in /usr/lib/postgresql/*/bin or PATH");
  }

  private static int version(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void stop() {
    try {
      // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave)
      new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      server.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        server.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delete(dir);
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: the system cleans it eventually
    }
  }
}
