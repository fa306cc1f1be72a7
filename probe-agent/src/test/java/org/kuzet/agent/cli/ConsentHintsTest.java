package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.core.testing.FakeDnsServer;

/**
 * The {@code kuzet consent} commands that other commands print as hints work exactly as printed, for a desktop
 * volunteer (no service config, a database of their own) and for the service.
 */
class ConsentHintsTest {

  @TempDir Path dir;

  /** The first {@code 'kuzet consent …'} in {@code text} that records consent (not {@code --show}), split into arguments as a POSIX shell would. */
  static String[] printedCommand(String text) {
    Matcher m = Pattern.compile("'kuzet consent((?! --show)[^']*)'").matcher(text);
    assertTrue(m.find(), "no 'kuzet consent …' hint that records consent in: " + text);
    List<String> words = new ArrayList<>(List.of(m.group(1).trim().split(" +")));
    words.removeIf(String::isEmpty);
    words.add(0, "consent");
    return words.toArray(String[]::new);
  }

  @Test
  void consentTakesDbAndNeedsNoServiceConfig() throws Exception {
    Path db = dir.resolve("desk/kuzet.db");
    CliRun r = CliRun.of("consent", "--yes", "--db", db.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(ConsentFile.read(db).isPresent(), "recorded beside --db");
    assertTrue(CliRun.of("consent", "--status", "--db", db.toString()).out().startsWith("consent given"));
  }

  @Test
  void theHintThatStatusPrintsRecordsConsentForThatDatabase() throws Exception {
    Path db = dir.resolve("desk/kuzet.db");
    String status = CliRun.of("status", "--db", db.toString()).out();
    assertTrue(status.contains("consent:      none recorded"), status);
    String[] command = printedCommand(status.lines().filter(l -> l.startsWith("consent:")).findFirst().orElseThrow());
    CliRun given = CliRun.atTerminal("y\n\n", command);
    assertEquals(0, given.exit(), given.err() + given.out());
    assertTrue(CliRun.of("status", "--db", db.toString()).out().contains("consent:      given"));
  }

  @Test
  void theHintsThatRunOncePrintsWorkAsPrinted() throws Exception {
    Path db = dir.resolve("desk/kuzet.db");
    Files.writeString(dir.resolve("kuzet.conf"), "");
    try (FakeDnsServer dns = new FakeDnsServer()) {
      dns.nxdomain("gone.kz");
      CliRun run = CliRun.of("run", "--once", "--db", db.toString(), "--config", dir.resolve("kuzet.conf").toString(),
          "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
          "--treat-as-public", "127.0.0.0/8", "--skip-connectivity-check", "https://gone.kz/");
      assertEquals(0, run.exit(), run.err());
      CliRun asked = CliRun.atTerminal("y\nn\n", printedCommand(run.err()));
      assertEquals(0, asked.exit(), asked.err() + asked.out());
      assertTrue(ConsentFile.read(db).isPresent(), "the notice's command records consent for the run's database");
      String uploadHint = run.out().lines().filter(l -> l.contains("queued for upload")).findFirst().orElseThrow();
      CliRun agreed = CliRun.of(printedCommand(uploadHint));
      assertEquals(0, agreed.exit(), agreed.err());
      assertTrue(ConsentFile.read(db).orElseThrow().upload(), "the upload hint's command agrees to upload");
    }
  }

  @Test
  void theServiceNamesItsConfigInTheConsentItAsksFor() throws Exception {
    Path conf = dir.resolve("svc.conf");
    Files.writeString(conf, "[store]\ndatabase = state/kuzet.db\n");
    CliRun refused = CliRun.of("service", "--config", conf.toString());
    assertEquals(Main.EXIT_USAGE, refused.exit(), refused.out());
    String[] command = printedCommand(refused.err());
    List<String> withYes = new ArrayList<>(List.of(command));
    withYes.add("--yes");
    CliRun given = CliRun.of(withYes.toArray(String[]::new));
    assertEquals(0, given.exit(), given.err());
    assertTrue(ConsentFile.read(dir.resolve("state/kuzet.db")).isPresent(), "beside the service's database");
  }

  @Test
  void shellQuotingKeepsOddPathsOneWord() {
    assertEquals("/var/lib/kuzet/kuzet.db", Shell.quote("/var/lib/kuzet/kuzet.db"));
    assertEquals("'/home/a b/kuzet.db'", Shell.quote("/home/a b/kuzet.db"));
    assertEquals("'/tmp/it'\\''s.db'", Shell.quote("/tmp/it's.db"));
    assertEquals("''", Shell.quote(""));
  }
}
