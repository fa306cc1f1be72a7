package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentText;

/** {@code kuzet consent} and the service's refusal to start without it. */
class ConsentCommandTest {
  @TempDir Path dir;
  private Path conf;
  private Path db;

  @BeforeEach
  void file() throws Exception {
    conf = dir.resolve("kuzet.conf");
    db = dir.resolve("state/kuzet.db");
    Files.writeString(conf, "[store]\ndatabase = state/kuzet.db\n");
  }

  private Consent recorded() throws Exception {
    return ConsentFile.read(db).orElseThrow();
  }

  @Test
  void scriptedInstallsRecordConsentWithUploadOffByDefault() throws Exception {
    CliRun run = CliRun.of("consent", "--yes", "--config", conf.toString());
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains(ConsentText.EXPLANATION), "the explanation is shown even when scripted");
    assertTrue(run.out().contains("upload not agreed"), run.out());
    assertFalse(recorded().upload());
    assertEquals(ConsentText.VERSION, recorded().textVersion());
    assertTrue(Files.exists(dir.resolve("state/kuzet.db.consent")), "beside the database");

    CliRun upload = CliRun.of("consent", "--yes", "--upload", "--config", conf.toString());
    assertEquals(0, upload.exit(), upload.err());
    assertTrue(recorded().upload());
    assertTrue(upload.out().contains("upload is off in the config file"), "config and consent must both agree");

    assertEquals(0, CliRun.of("consent", "--yes", "--no-upload", "--config", conf.toString()).exit());
    assertFalse(recorded().upload());
  }

  @Test
  void atATerminalThePersonIsAskedAndOnlyYesCounts() throws Exception {
    CliRun declined = CliRun.atTerminal("n\n", "consent", "--config", conf.toString());
    assertEquals(1, declined.exit());
    assertTrue(declined.out().contains("Anyone who can watch your network"), declined.out());
    assertTrue(declined.out().contains(ConsentText.QUESTION_RUN), declined.out());
    assertTrue(ConsentFile.read(db).isEmpty());

    CliRun silent = CliRun.atTerminal("", "consent", "--config", conf.toString());
    assertEquals(1, silent.exit(), "end of input is a no");

    CliRun yesNoUpload = CliRun.atTerminal("yes\n\n", "consent", "--config", conf.toString());
    assertEquals(0, yesNoUpload.exit(), yesNoUpload.err());
    assertTrue(yesNoUpload.out().contains(ConsentText.QUESTION_UPLOAD));
    assertFalse(recorded().upload(), "just Enter leaves upload off");

    CliRun both = CliRun.atTerminal("y\ny\n", "consent", "--config", conf.toString());
    assertEquals(0, both.exit(), both.err());
    assertTrue(recorded().upload());
  }

  @Test
  void withoutATerminalOrYesNothingIsRecorded() throws Exception {
    CliRun run = CliRun.of("consent", "--config", conf.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("kuzet consent --yes"), run.err());
    assertTrue(ConsentFile.read(db).isEmpty());
  }

  @Test
  void statusShowAndWithdraw() throws Exception {
    assertTrue(CliRun.of("consent", "--status", "--config", conf.toString()).out().contains("no consent recorded"));
    assertEquals(ConsentText.EXPLANATION, CliRun.of("consent", "--show").out());
    CliRun.of("consent", "--yes", "--config", conf.toString());
    assertTrue(CliRun.of("consent", "--status", "--config", conf.toString()).out().contains("upload not agreed"));
    CliRun withdraw = CliRun.of("consent", "--withdraw", "--config", conf.toString());
    assertTrue(withdraw.out().contains("consent withdrawn"), withdraw.out());
    assertTrue(ConsentFile.read(db).isEmpty());
  }

  @Test
  void theServiceRefusesToStartWithoutConsent() throws Exception {
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().startsWith("kuzet service: no consent recorded for " + db + "; refusing to start."),
        run.err());
    assertFalse(Files.exists(InstanceLockPath.of(db)) && Files.size(InstanceLockPath.of(db)) > 0,
        "the lock is released on the way out");
  }

  @Test
  void theServiceRefusesAConsentToAnOlderExplanation() throws Exception {
    ConsentFile.write(db, new Consent(java.time.Instant.parse("2025-01-01T00:00:00Z"), false, 0));
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("the explanation of the risks has changed"), run.err());
  }

  @Test
  void theExplanationSaysWhatIsLookedUpAndThatTheAddressIsDiscarded() throws Exception {
    String text = ConsentText.EXPLANATION.replaceAll("\\s+", " ");
    assertTrue(text.contains("STUN server") && text.contains("whoami"), text);
    assertTrue(text.contains("discards the addresses: they are never stored, shown or uploaded"), text);
    assertTrue(text.contains("[probe] lookup = off"), text);
    // Agreeing to the text before the lookup existed (version 2) is not agreeing to it.
    assertFalse(new Consent(java.time.Instant.parse("2026-01-01T00:00:00Z"), false, 2).isCurrent());
    ConsentFile.write(db, new Consent(java.time.Instant.parse("2026-01-01T00:00:00Z"), false, 2));
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("the explanation of the risks has changed"), run.err());
  }

  @Test
  void aDamagedConsentFileIsReportedNotTrusted() throws Exception {
    Files.createDirectories(db.getParent());
    Files.writeString(ConsentFile.path(db), "given_at = yesterday\nupload = true\ntext_version = 1\n");
    CliRun run = CliRun.of("service", "--config", conf.toString());
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("is damaged"), run.err());
  }

  /** The lock file's name, without importing the schedule package's test helpers. */
  private static final class InstanceLockPath {
    static Path of(Path db) {
      return org.kuzet.agent.schedule.InstanceLock.lockFile(db);
    }
  }
}
