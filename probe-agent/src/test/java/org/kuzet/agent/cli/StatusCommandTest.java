package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentText;
import org.kuzet.agent.schedule.InstanceLock;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;

/** {@code kuzet status}: what the database and the config say, at a fixed "now". */
class StatusCommandTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  @TempDir Path dir;

  @AfterEach
  void realClock() {
    StatusCommand.clock = Clock.systemUTC();
  }

  @Test
  void beforeAnythingWasMeasured() {
    StatusCommand.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Path db = dir.resolve("kuzet.db");
    CliRun r = CliRun.of("status", "--db", db.toString(), "--config", dir.resolve("missing.conf").toString());
    assertEquals(Main.EXIT_USAGE, r.exit(), "a named config that is missing is an error: " + r.err());

    CliRun plain = CliRun.of("status", "--db", db.toString());
    assertEquals(0, plain.exit(), plain.err());
    assertTrue(plain.out().contains("no runs yet"), plain.out());
    assertTrue(plain.out().contains("service:      not running"), plain.out());
    assertTrue(plain.out().contains("consent:      none recorded"), plain.out());
    assertFalse(Files.exists(db), "status never creates a database");
  }

  @Test
  void withoutARunningServiceTheNetworkIsTheLastStateRecordedOrTheLastRunsCheck() {
    StatusCommand.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Path db = dir.resolve("kuzet.db");
    try (ResultsStore store = ResultsStore.open(db)) {
      store.runs().finishRun(store.runs().beginRun(Trigger.MANUAL, null, "test", NetworkState.OFFLINE,
          NOW.minusSeconds(900)), NOW.minusSeconds(890));
    }
    CliRun runOnly = CliRun.of("status", "--db", db.toString());
    assertTrue(runOnly.out().contains("network:      offline at the last run (2026-11-23T09:45:00Z)"),
        runOnly.out());

    try (ResultsStore store = ResultsStore.open(db)) {
      store.connectivity().openConnectivityEvent(NetworkState.DOMESTIC_ONLY, NOW.minusSeconds(600), null);
      store.connectivity().closeConnectivityEvent(NOW.minusSeconds(300));
    }
    CliRun stopped = CliRun.of("status", "--db", db.toString());
    assertTrue(stopped.out().contains("network:      domestic_only from 2026-11-23T09:50:00Z to 2026-11-23T09:55:00Z"
        + " (the last state recorded; no service is watching it now)"), stopped.out());
  }

  @Test
  void showsLastRunNetworkQueueCampaignNextRunAndTheService() throws IOException {
    StatusCommand.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Path conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, """
        [schedule]
        interval = 6h
        jitter = 30m

        [campaign election-2026]
        start = 2026-11-23T09:00Z
        end = 2026-11-24T09:00Z
        interval = 15m
        """);
    Path db = dir.resolve("kuzet.db"); // the config's default database, beside it
    Instant t = NOW.minusSeconds(600);
    try (ResultsStore store = ResultsStore.open(db)) {
      long run = store.runs().beginRun(Trigger.CAMPAIGN, "election-2026", "test", NetworkState.ONLINE, t);
      store.measurements().save(run, "https://a.kz/", "kz", "NEWS", TestMeasurements.blocked("https://a.kz/", t));
      store.measurements().save(run, "https://b.kz/", "kz", "NEWS", TestMeasurements.accessible("https://b.kz/", t));
      store.runs().finishRun(run, t.plusSeconds(30));
      store.connectivity().openConnectivityEvent(NetworkState.DOMESTIC_ONLY, NOW.minusSeconds(120), null);
    }
    ConsentFile.write(db, new Consent(t, false, ConsentText.VERSION));
    try (InstanceLock lock = InstanceLock.acquire(db)) {
      CliRun r = CliRun.of("status", "--config", conf.toString());
      assertEquals(0, r.exit(), r.err());
      String out = r.out();
      assertTrue(out.contains("last run:     #1 campaign election-2026, started 2026-11-23T09:50:00Z, ended"
          + " 2026-11-23T09:50:30Z; 2 measured, 1 blocked (network online)"), out);
      assertTrue(out.contains("network:      domestic_only since 2026-11-23T09:58:00Z (2m)"), out);
      assertTrue(out.contains("upload queue: 2 pending, 0 uploaded, 0 rejected"), out);
      assertTrue(out.contains("campaign:     election-2026"), out);
      assertTrue(out.contains("next run:     campaign election-2026 run around 2026-11-23T10:00:00Z")
          || out.contains("next run:     campaign election-2026 run around 2026-11-23T10:15:00Z"), out);
      assertTrue(out.contains("service:      running (process " + ProcessHandle.current().pid() + ")"), out);
    }
    CliRun after = CliRun.of("status", "--config", conf.toString());
    assertTrue(after.out().contains("service:      not running"), after.out());
  }

  @Test
  void aServiceWhoseConsentWasWithdrawnIsShownIdleNotRunning() throws IOException {
    StatusCommand.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Path conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, "[schedule]\ninterval = 6h\njitter = 0\n");
    Path db = dir.resolve("kuzet.db");
    ConsentFile.write(db, new Consent(NOW.minusSeconds(3600), true, ConsentText.VERSION));
    try (InstanceLock lock = InstanceLock.acquire(db)) {
      CliRun withdraw = CliRun.of("consent", "--withdraw", "--config", conf.toString());
      assertTrue(withdraw.out().contains("a running 'kuzet service' stops measuring and uploading at once"),
          withdraw.out());
      String out = CliRun.of("status", "--config", conf.toString()).out();
      assertTrue(out.contains("service:      idle (process " + ProcessHandle.current().pid() + "): consent withdrawn"
          + " or none recorded, so it measures and uploads nothing until 'kuzet consent --db " + db
          + "' is given again"), out);
      assertFalse(out.contains("running"), out);
      assertTrue(out.contains("consent:      none recorded"), out);
      assertTrue(out.contains("skipped unless consent is given"), out);
    }
  }
}
