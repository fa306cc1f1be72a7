package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.kuzet.backend.collector.CollectorServer;
import org.kuzet.backend.tls.ServerTls;
import org.kuzet.backend.collector.CollectorStore;
import org.kuzet.backend.collector.CollectorStores;
import org.kuzet.backend.collector.PostgresUrl;
import org.kuzet.agent.config.KuzetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet collector}: the server probes upload their signed measurements to (docs/COLLECTOR.md). Runs until
 * SIGTERM or SIGINT, then stops taking uploads and closes its database cleanly.
 */
@Command(name = "collector", mixinStandardHelpOptions = true,
    subcommands = {CollectorExportCommand.class, CollectorReportCommand.class},
    description = {"Receive signed measurements from probes and store them in an SQLite database or PostgreSQL.",
        "Verifies every signature, stores each measurement UID once, and never records the uploader's address."
        + " Runs until stopped (SIGTERM or Ctrl-C)."})
public final class CollectorCommand implements Callable<Integer> {
  private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^:\\[\\]]+)):(\\d{1,5})");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([KMG]i?B?|B)?", Pattern.CASE_INSENSITIVE);

  /** What the command does while the collector runs; normally: wait for a signal. Tests pass their own. */
  interface Lifetime {
    /** Returns when the collector should stop. */
    void run(CollectorServer server) throws InterruptedException;

    /** The server is stopped and the database closed (or they never opened). */
    default void closed() {}
  }

  /** The embedded default database: {@code collector.db} beside the per-user {@code kuzet.db}. */
  static final String DEFAULT_DATABASE_NAME = "collector.db";

  private final Lifetime lifetime;
  /** Where the database is when neither --db nor [collector] database says (tests give their own). */
  java.util.function.Supplier<Path> defaultDatabase =
      () -> org.kuzet.agent.store.StorePaths.defaultDatabase().resolveSibling(DEFAULT_DATABASE_NAME);

  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin ConfigOptions config;

  // --listen is checked in serve(), not by picocli: a required option here would be demanded of the export and
  // report subcommands too. Every setting below may also come from the config file's [collector] section.
  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Address to listen on, e.g. 127.0.0.1:8443, 0.0.0.0:443 or [::]:443 (port 0: any free port);"
          + " default: [collector] listen of the config file.")
  String listen;

  @Option(names = "--db", paramLabel = "FILE|URL",
      description = "The collector's SQLite database file (created if missing), or a PostgreSQL server:"
          + " postgresql://USER@HOST:PORT/DATABASE[?sslmode=verify-full] (password: PGPASSWORD or ~/.pgpass)."
          + " Default: [collector] database of the config file, else " + DEFAULT_DATABASE_NAME + " beside the"
          + " per-user kuzet.db.")
  String db;

  @Option(names = "--pool-size", paramLabel = "N",
      description = "Connections to PostgreSQL (default: " + org.kuzet.backend.collector.CollectorStores.DEFAULT_POOL_SIZE
          + "); uploads wait for the collector's writers, not for a connection each.")
  Integer poolSize;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Certificate chain (leaf first) to serve HTTPS with; needs --tls-key. Without both: plain HTTP,"
          + " for use behind a TLS-terminating proxy.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (unencrypted PEM).")
  Path tlsKey;

  @Option(names = "--max-body", paramLabel = "BYTES",
      description = "Largest request body, e.g. 8M or 500K (default: 8M); the gunzipped JSON may be 16 times that,"
          + " as far as the heap allows (docs/COLLECTOR.md).")
  String maxBody;

  @Option(names = "--max-inflight", paramLabel = "N",
      description = "Uploads handled at once; more are answered 503 and retried later by the probe (default: "
          + CollectorServer.DEFAULT_MAX_INFLIGHT + ").")
  Integer maxInflight;

  public CollectorCommand() {
    this(new UntilSignal());
  }

  CollectorCommand(Lifetime lifetime) {
    this.lifetime = lifetime;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    try {
      return serve();
    } finally {
      lifetime.closed();
    }
  }

  private int serve() throws IOException, InterruptedException {
    // Each setting: its flag, else the config file's [collector] key (errors then name the file, line and key).
    KuzetConfig.Collector file = OptionalConfig.load(config, spec).map(KuzetConfig::collector)
        .orElse(KuzetConfig.Collector.NONE);
    if (listen == null && file.listen() == null) {
      throw new UsageException("missing required option --listen HOST:PORT, or listen = HOST:PORT in the config"
          + " file's [collector] section (see 'kuzet collector --help')");
    }
    String listenValue = listen != null ? listen : file.listen();
    InetSocketAddress address = listen != null ? parseListen(listen)
        : fromConfig(file, "listen", () -> parseListen(file.listen()));
    long bodyLimit = maxBody != null ? parseSize(maxBody)
        : file.maxBodyBytes() != null ? file.maxBodyBytes() : CollectorServer.DEFAULT_MAX_BODY_BYTES;
    if (bodyLimit < 1024) {
      throw new UsageException("--max-body " + maxBody + " is too small; at least 1024 bytes (1K)");
    }
    if (maxInflight != null && maxInflight < 1) {
      throw new UsageException("--max-inflight must be at least 1, got " + maxInflight);
    }
    if (poolSize != null && poolSize < 1) {
      throw new UsageException("--pool-size must be at least 1, got " + poolSize);
    }
    Integer inflight = maxInflight != null ? maxInflight : file.maxInflight();
    int pool = poolSize != null ? poolSize : file.poolSize() != null ? file.poolSize()
        : org.kuzet.backend.collector.CollectorStores.DEFAULT_POOL_SIZE;
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together: give both for HTTPS, or neither");
    }
    SSLContext tls = null;
    if (tlsCert != null) {
      try {
        tls = ServerTls.fromPem(tlsCert, tlsKey);
      } catch (IOException e) {
        throw new UsageException(e.getMessage(), e);
      }
    } else if (file.tlsCert() != null) {
      tls = fromConfig(file, "tls_cert", () -> {
        try {
          return ServerTls.fromPem(file.tlsCert(), file.tlsKey());
        } catch (IOException e) {
          throw new UsageException(e.getMessage(), e);
        }
      });
    }
    String database;
    if (db != null) {
      database = db;
    } else if (file.database() != null) {
      database = file.database();
    } else {
      Path fallback = defaultDatabase.get();
      java.nio.file.Files.createDirectories(fallback.getParent());
      database = fallback.toString();
    }
    CollectorStore store = db == null && file.database() != null
        ? fromConfig(file, "database", () -> openStoreUnchecked(database, pool)) : openStore(database, true, pool);
    try (store) {
      CollectorServer.Builder builder = CollectorServer.builder(store).listen(address).maxBodyBytes(bodyLimit)
          .tls(tls);
      if (inflight != null) {
        builder.maxInflight(inflight);
      }
      CollectorServer server;
      try {
        server = builder.start();
      } catch (BindException e) {
        throw new UsageException((listen == null ? file.origin("listen") + ": " : "") + "cannot listen on "
            + listenValue + ": " + e.getMessage()
            + " (another process has the port, or the address is not this machine's)", e);
      }
      PrintWriter out = spec.commandLine().getOut();
      try (server) {
        out.println("kuzet collector: listening on " + server.uploadUri() + ", storing in "
            + CollectorStores.describe(database)
            + " (" + store.count() + " measurements so far)");
        out.flush();
        lifetime.run(server);
      }
      CollectorServer.Stats s = server.stats();
      out.println("kuzet collector: stopped; this run accepted " + s.accepted() + ", duplicates " + s.duplicates()
          + ", rejected " + s.rejected() + " (in " + s.transactions() + " transactions)");
      out.flush();
    }
    return Main.EXIT_OK;
  }

  /**
   * Waits for SIGTERM/SIGINT. The JVM ends once its shutdown hooks return, so the hook waits in turn until
   * {@link #closed} says the database is closed.
   */
  private static final class UntilSignal implements Lifetime {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void run(CollectorServer server) throws InterruptedException {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stop.countDown();
        try {
          // Uploads in progress may take the server's stop timeout (30 s) to finish, then the database closes.
          closed.await(45, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "kuzet-collector-shutdown"));
      stop.await();
    }

    @Override
    public void closed() {
      closed.countDown();
    }
  }

  /**
   * Opens the store {@code db} names. A malformed URL, or an SQLite file that cannot be the collector's, is bad
   * input (exit 2); a PostgreSQL server that cannot be reached is a failed operation (exit 1).
   *
   * @param create whether a missing SQLite file is created (the collector) or refused (export, report)
   */
  static CollectorStore openStore(String db, boolean create) throws IOException {
    return openStore(db, create, CollectorStores.DEFAULT_POOL_SIZE);
  }

  static CollectorStore openStore(String db, boolean create, int poolSize) throws IOException {
    boolean postgres = PostgresUrl.isPostgres(db);
    if (!postgres && !create && !java.nio.file.Files.exists(Path.of(db))) {
      throw new UsageException("--db " + db + ": no such file (the collector's database file, or a"
          + " postgresql:// URL)");
    }
    try {
      return CollectorStores.open(db, poolSize);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--db: " + e.getMessage(), e);
    } catch (IOException e) {
      if (postgres) {
        throw e;
      }
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static CollectorStore openStoreUnchecked(String database, boolean create, int pool) {
    try {
      return openStore(database, create, pool);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private CollectorStore openStoreUnchecked(String database, int pool) {
    return openStoreUnchecked(database, true, pool);
  }

  /**
   * The existing store {@code export} and {@code report} read: {@code --db}, else {@code [collector] database} of
   * the config file ({@code --config}, else the default one when it exists), as {@code kuzet collector} does.
   */
  static CollectorStore openExisting(String db, ConfigOptions config, CommandSpec spec) throws IOException {
    if (db != null) {
      return openStore(db, false);
    }
    KuzetConfig.Collector file = OptionalConfig.load(config, spec).map(KuzetConfig::collector)
        .orElse(KuzetConfig.Collector.NONE);
    if (file.database() == null) {
      throw new UsageException("missing --db FILE|URL, or database = … in the config file's [collector] section"
          + " (see 'kuzet collector --help')");
    }
    return fromConfig(file, "database",
        () -> openStoreUnchecked(file.database(), false, CollectorStores.DEFAULT_POOL_SIZE));
  }

  /**
   * {@code value} of a [collector] key: a usage error in reading it names the file, line and key instead of the
   * flag; a failure to reach PostgreSQL stays a failed operation (exit 1), also naming where the URL is written.
   */
  private static <T> T fromConfig(KuzetConfig.Collector file, String key, java.util.function.Supplier<T> value)
      throws IOException {
    try {
      return value.get();
    } catch (UsageException e) {
      throw new UsageException(file.origin(key) + ": " + e.getMessage().replaceFirst("^--[a-z-]+:? ", ""), e);
    } catch (java.io.UncheckedIOException e) {
      throw new IOException(file.origin(key) + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  static InetSocketAddress parseListen(String value) {
    Matcher m = HOST_PORT.matcher(value.trim());
    if (!m.matches()) {
      throw new UsageException("--listen " + value + ": expected HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443");
    }
    String host = m.group(1) != null ? m.group(1) : m.group(2);
    int port = Integer.parseInt(m.group(3));
    if (port > 65535) {
      throw new UsageException("--listen " + value + ": port " + port + " is out of range (0-65535)");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new UsageException("--listen " + value + ": unknown host " + host, e);
    }
  }

  static long parseSize(String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw new UsageException("--max-body " + value + ": expected a size in bytes, e.g. 8388608, 8M or 512K");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
    int shift = unit.startsWith("K") ? 10 : unit.startsWith("M") ? 20 : unit.startsWith("G") ? 30 : 0;
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new UsageException("--max-body " + value + " is too large");
    }
    return n << shift;
  }
}
