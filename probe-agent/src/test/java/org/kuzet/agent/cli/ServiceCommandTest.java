package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentText;
import org.kuzet.agent.schedule.InstanceLock;

/** The refusals of {@code kuzet service}, each before it measures anything. */
class ServiceCommandTest {
  @TempDir Path dir;

  @Test
  void aSecondServiceOnTheSameDatabaseRefusesWithAClearMessage() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Path db = dir.resolve("kuzet.db");
    Files.writeString(conf, "[store]\ndatabase = kuzet.db\n");
    ConsentFile.write(db, new Consent(Instant.parse("2026-01-01T00:00:00Z"), false, ConsentText.VERSION));
    try (InstanceLock first = InstanceLock.acquire(db)) {
      CliRun second = CliRun.of("service", "--config", conf.toString());
      assertEquals(1, second.exit());
      assertTrue(second.err().startsWith("kuzet service: another kuzet service (process "), second.err());
      assertTrue(second.err().contains("is already running on " + db), second.err());
      assertEquals(1, second.err().strip().lines().count(), "one line, no stack trace: " + second.err());
    }
  }

  @Test
  void aBadConfigIsNamedWithItsLine() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, "[metrics]\nlisten = 0.0.0.0:9464\n");
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().startsWith("kuzet service: kuzet.conf:2: [metrics] listen: 0.0.0.0 is not a loopback"),
        run.err());
  }

  @Test
  void withoutAStoreWiredTheServiceSaysSoInsteadOfMeasuringIntoNowhere() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Path db = dir.resolve("kuzet.db");
    Files.writeString(conf, "[store]\ndatabase = kuzet.db\n");
    ConsentFile.write(db, new Consent(Instant.parse("2026-01-01T00:00:00Z"), false, ConsentText.VERSION));
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(1, run.exit());
    assertTrue(run.err().contains("no results store wired"), run.err());
  }
}
