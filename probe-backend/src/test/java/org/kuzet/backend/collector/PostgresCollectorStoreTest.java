package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.LocalPostgres;

/** What only the PostgreSQL store has: partitions, its migrations' bookkeeping, connection errors. */
class PostgresCollectorStoreTest {

  private static List<String> query(String url, String sql) throws Exception {
    PostgresUrl u = PostgresUrl.parse(url);
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(u.jdbcUrl(), u.user(), "");
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void execute(String url, String sql) throws Exception {
    PostgresUrl u = PostgresUrl.parse(url);
    try (Connection c = DriverManager.getConnection(u.jdbcUrl(), u.user(), ""); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * A month near the time of receipt gets its own partition; a start time far off (a probe's clock years wrong) goes
   * to the default partition and makes none; when that month's partition is made later, its rows move into it.
   */
  @Test
  void partitionsByMonthOnDemand() throws Exception {
    String url = LocalPostgres.get().newDatabase();
    try (CollectorStore store = CollectorStores.open(url)) {
      store.store(List.of(
          CollectorStoreContract.row(CollectorStoreContract.measurement("nov", "2026-11-22 10:00:00", "AS9198",
              "https://a.kz/", "blocked"), "k"),
          CollectorStoreContract.row(CollectorStoreContract.measurement("oct", "2026-10-31 23:59:59", "AS9198",
              "https://a.kz/", "blocked"), "k"),
          CollectorStoreContract.row(CollectorStoreContract.measurement("far", "1999-01-01 00:00:00", "AS9198",
              "https://a.kz/", "blocked"), "k")));
    }
    assertEquals(List.of("fastpath_2026_10", "fastpath_2026_11", "fastpath_default"), query(url,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            + " WHERE i.inhparent = 'fastpath'::regclass ORDER BY 1"));
    assertEquals(List.of("far"), query(url, "SELECT measurement_uid FROM fastpath_default"));
    assertEquals(List.of("nov"), query(url, "SELECT measurement_uid FROM fastpath_2026_11"));
    // A row of December waiting in the default partition moves when December's partition is made.
    execute(url, "CREATE TEMP TABLE early AS SELECT * FROM fastpath_2026_11;"
        + " UPDATE early SET measurement_uid = 'dec-early', measurement_start_time = '2026-12-02 00:00:00';"
        + " INSERT INTO fastpath SELECT * FROM early");
    assertEquals(List.of("dec-early", "far"), query(url, "SELECT measurement_uid FROM fastpath_default ORDER BY 1"));
    try (CollectorStore store = CollectorStores.open(url)) {
      store.store(List.of(CollectorStoreContract.row(CollectorStoreContract.measurement("dec", "2026-12-01 00:00:00",
          "AS9198", "https://a.kz/", "blocked"), "k")));
    }
    assertEquals(List.of("dec", "dec-early"), query(url, "SELECT measurement_uid FROM fastpath_2026_12 ORDER BY 1"));
    assertEquals(List.of("far"), query(url, "SELECT measurement_uid FROM fastpath_default"));
  }

  @Test
  void keepsTheSchemaVersionAndRefusesANewerOne() throws Exception {
    String url = LocalPostgres.get().newDatabase();
    try (PostgresCollectorStore store = (PostgresCollectorStore) CollectorStores.open(url)) {
      assertEquals(PostgresCollectorStore.MIGRATIONS.latestVersion(), store.schemaVersion());
    }
    CollectorStores.open(url).close(); // a second start migrates nothing
    assertEquals(List.of(Integer.toString(PostgresCollectorStore.MIGRATIONS.latestVersion())),
        query(url, "SELECT version FROM kuzet_collector_schema"));
    execute(url, "UPDATE kuzet_collector_schema SET version = 99");
    IOException e = assertThrows(IOException.class, () -> CollectorStores.open(url));
    assertTrue(e.getMessage().contains("newer kuzet"), e.getMessage());
  }

  @Test
  void refusesADatabaseWithTablesOfAnotherApplication() throws Exception {
    String url = LocalPostgres.get().newDatabase();
    execute(url, "CREATE TABLE raw_measurements (id integer)");
    IOException e = assertThrows(IOException.class, () -> CollectorStores.open(url));
    assertTrue(e.getMessage().contains("did not make"), e.getMessage());
  }

  /** No server there: the error names the server and what to check, and never shows the password. */
  @Test
  void aServerThatIsNotThereIsAClearErrorWithoutThePassword() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "postgresql://kuzet:s3cr%40t-pw@127.0.0.1:" + port + "/kuzet?connectTimeout=5";
    IOException e = assertThrows(IOException.class, () -> CollectorStores.open(url));
    assertTrue(e.getMessage().contains("postgresql://kuzet:***@127.0.0.1:" + port + "/kuzet"), e.getMessage());
    assertTrue(e.getMessage().contains("Connection") || e.getMessage().contains("connect"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr"), e.getMessage());
  }

  @Test
  void aMissingDatabaseIsNamed() throws Exception {
    String url = LocalPostgres.get().newDatabase();
    IOException e = assertThrows(IOException.class, () -> CollectorStores.open(url + "_absent"));
    assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("_absent"), e.getMessage());
  }

  @Test
  void parsesUrlsAsPsqlDoes() {
    PostgresUrl u = PostgresUrl.parse("postgresql://kuzet:p%40ss@db.example.org:6543/collector?sslmode=verify-full");
    assertEquals("db.example.org", u.host());
    assertEquals(6543, u.port());
    assertEquals("collector", u.database());
    assertEquals("kuzet", u.user());
    assertEquals("p@ss", u.password());
    assertEquals("jdbc:postgresql://db.example.org:6543/collector?sslmode=verify-full", u.jdbcUrl());
    assertEquals("postgresql://kuzet:***@db.example.org:6543/collector?sslmode=verify-full", u.toString());
    PostgresUrl plain = PostgresUrl.parse("postgres://localhost/kuzet");
    assertEquals(5432, plain.port());
    assertEquals(null, plain.user());
    assertEquals("postgresql://localhost:5432/kuzet", plain.toString());
    assertTrue(PostgresUrl.isPostgres("PostgreSQL://x/y"));
    assertFalse(PostgresUrl.isPostgres("/var/lib/kuzet/collector.db"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> PostgresUrl.parse("postgresql://kuzet:hunter2@db.example.org"));
    assertTrue(bad.getMessage().contains("postgresql://[USER[:PASSWORD]@]HOST"), bad.getMessage());
    assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
  }
}
