package org.kuzet.agent.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An analyst's SQL on a store opened read-only. */
class AnalystSqlTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  @Test
  void readOnlyStoreRefusesWrites() {
    try (ResultsStore store = ResultsStore.open(db())) {
      store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null, T0);
    }
    try (ResultsStore ro = ResultsStore.openReadOnly(db())) {
      assertEquals("1", ro.analystSql().query("SELECT count(*) AS n FROM runs", 10).rows().get(0).get(0));
      for (String sql : List.of("DELETE FROM runs", "UPDATE runs SET campaign = 'x'", "DROP TABLE runs",
          "INSERT INTO settings VALUES ('a', 'b')")) {
        StoreException e = assertThrows(StoreException.class, () -> ro.analystSql().query(sql, 10), sql);
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      }
      assertThrows(IllegalStateException.class, () -> ro.runs().beginRun(Trigger.MANUAL, null, "0.1.0", null));
      StoreException bad = assertThrows(StoreException.class, () -> ro.analystSql().query("SELEC nonsense", 10));
      assertTrue(bad.getMessage().startsWith("SQL error"), bad.getMessage());
    }
    StoreException missing = assertThrows(StoreException.class,
        () -> ResultsStore.openReadOnly(dir.resolve("none.db")));
    assertTrue(missing.getMessage().contains("no database at"), missing.getMessage());
    assertFalse(Files.exists(dir.resolve("none.db")), "a read never creates a database");
  }
}
