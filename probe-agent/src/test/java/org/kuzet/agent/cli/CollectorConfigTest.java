package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.collector.SqliteCollectorStore;
import org.kuzet.core.testing.LocalPostgres;
import picocli.CommandLine;

/**
 * {@code kuzet collector} with a config file: {@code --db} over {@code [collector] database} over the embedded
 * SQLite default, and every [collector] problem named by file, line and key.
 */
class CollectorConfigTest {
  @TempDir Path dir;

  /** Runs the collector until it has started; its output and exit code. */
  private record Started(int exit, String out, String err) {}

  private Started run(String... args) {
    CollectorCommand command = new CollectorCommand(server -> { });
    command.defaultDatabase = () -> dir.resolve("default").resolve("collector.db");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println(e.getMessage());
      return e instanceof UsageException ? Main.EXIT_USAGE : Main.EXIT_FAILED;
    });
    return new Started(cli.execute(args), out.toString(), err.toString());
  }

  private Path config(String text) throws Exception {
    return Files.writeString(dir.resolve("kuzet.conf"), text);
  }

  @Test
  void theConfigFilesDatabaseIsUsedWithoutDb() throws Exception {
    Path conf = config("[collector]\ndatabase = from-config.db\nlisten = 127.0.0.1:0\n");

    Started s = run("--config", conf.toString());

    assertEquals(0, s.exit(), s.err());
    assertTrue(s.out().contains("storing in " + dir.resolve("from-config.db")), s.out());
    assertTrue(Files.exists(dir.resolve("from-config.db")));
  }

  @Test
  void dbOverridesTheConfigFile() throws Exception {
    Path conf = config("[collector]\ndatabase = from-config.db\n");
    Path flag = dir.resolve("from-flag.db");

    Started s = run("--config", conf.toString(), "--listen", "127.0.0.1:0", "--db", flag.toString());

    assertEquals(0, s.exit(), s.err());
    assertTrue(s.out().contains("storing in " + flag), s.out());
    assertFalse(Files.exists(dir.resolve("from-config.db")), "the config's database is not touched");
  }

  @Test
  void neitherMeansTheEmbeddedSqliteDefault() throws Exception {
    Path conf = config("[collector]\nmax_inflight = 2\n");

    Started s = run("--config", conf.toString(), "--listen", "127.0.0.1:0");

    assertEquals(0, s.exit(), s.err());
    Path fallback = dir.resolve("default").resolve("collector.db");
    assertTrue(s.out().contains("storing in " + fallback), s.out());
    try (SqliteCollectorStore store = SqliteCollectorStore.open(fallback)) {
      assertEquals(0, store.count(), "a collector database was made there");
    }
  }

  @Test
  void aBadValueIsAnErrorNamingTheFileLineAndKey() throws Exception {
    Path conf = config("[collector]\nlisten = 127.0.0.1:0\n\ndatabase = no/such/dir/c.db\n");

    Started s = run("--config", conf.toString());

    assertEquals(Main.EXIT_USAGE, s.exit(), s.out());
    assertTrue(s.err().startsWith("kuzet.conf:4: [collector] database: "), s.err());
    assertTrue(s.err().contains("does not exist"), s.err());

    conf = config("[collector]\nlisten = 127.0.0.1:0\nmax_inflight = none\n");
    s = run("--config", conf.toString(), "--db", dir.resolve("c.db").toString());
    assertEquals(Main.EXIT_USAGE, s.exit(), s.out());
    assertTrue(s.err().startsWith("kuzet.conf:3: [collector] max_inflight: "), s.err());

    Path missing = dir.resolve("missing.pem");
    conf = config("[collector]\nlisten = 127.0.0.1:0\ntls_cert = " + missing + "\ntls_key = " + missing + "\n");
    s = run("--config", conf.toString(), "--db", dir.resolve("c.db").toString());
    assertEquals(Main.EXIT_USAGE, s.exit(), s.out());
    assertTrue(s.err().startsWith("kuzet.conf:3: [collector] tls_cert: " + missing + ": no such file"), s.err());
  }

  @Test
  void thePasswordOfTheConfigsPostgresUrlIsNeverPrinted() throws Exception {
    String url = LocalPostgres.get().newDatabase(); // postgresql://postgres@127.0.0.1:PORT/NAME, trust auth
    String withPassword = url.replace("postgres@", "postgres:s3cret-pw@");
    Path conf = config("[collector]\nlisten = 127.0.0.1:0\ndatabase = " + withPassword + "\n");
    AtomicReference<String> line = new AtomicReference<>();

    Started s = run("--config", conf.toString());

    assertEquals(0, s.exit(), s.err());
    line.set(s.out());
    assertTrue(line.get().contains("storing in postgresql://postgres:***@127.0.0.1:"), line.get());
    assertFalse((s.out() + s.err()).contains("s3cret-pw"), s.out() + s.err());
  }
}
