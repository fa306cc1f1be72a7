package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentText;
import org.kuzet.agent.i18n.Language;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.core.testing.FakeDnsServer;

/** {@code --lang}: what a volunteer reads, in Russian or Kazakh; what is recorded stays a data contract. */
class LanguageCommandsTest {
  @TempDir Path dir;

  @Test
  void consentIsExplainedAskedAndRecordedInTheChosenLanguage() throws Exception {
    Path db = dir.resolve("kuzet.db");
    CliRun show = CliRun.of("consent", "--show", "--lang", "ru");
    assertEquals(Messages.of(Language.RU).consentExplanation(), show.out());

    CliRun asked = CliRun.atTerminal("да\n\n", "--lang=kk", "consent", "--db", db.toString());
    assertEquals(0, asked.exit(), asked.err());
    assertTrue(asked.out().contains(Messages.of(Language.KK).consentExplanation().strip()), asked.out());
    assertTrue(asked.out().contains(Messages.of(Language.KK).get("consent.question.run")), asked.out());
    Consent recorded = ConsentFile.read(db).orElseThrow();
    assertEquals(Language.KK, recorded.language(), "the record says which text was agreed to");
    assertEquals(ConsentText.VERSION, recorded.textVersion());

    CliRun status = CliRun.of("consent", "--status", "--db", db.toString(), "--lang", "ru");
    assertTrue(status.out().startsWith("согласие дано ") && status.out().contains("Қазақша"), status.out());
  }

  @Test
  void anOldConsentRecordWithoutALanguageWasGivenInEnglish() throws Exception {
    Path db = dir.resolve("kuzet.db");
    java.nio.file.Files.writeString(ConsentFile.path(db),
        "given_at = 2026-11-01T10:00:00Z\nupload = false\ntext_version = 3\n");
    assertEquals(Language.EN, ConsentFile.read(db).orElseThrow().language());
  }

  @Test
  void statusSpeaksRussianWithItsValuesAligned() throws Exception {
    CliRun status = CliRun.of("status", "--db", dir.resolve("none.db").toString(), "--lang", "ru");
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("база данных:"), status.out());
    assertTrue(status.out().contains("запусков ещё не было (нет базы данных)"), status.out());
    int column = status.out().lines().findFirst().orElseThrow().indexOf('/');
    status.out().lines().forEach(l -> assertEquals(' ', l.charAt(column - 1), "aligned: " + status.out()));

    java.nio.file.Files.writeString(dir.resolve("s.conf"), "[schedule]\ninterval = 6h\n");
    CliRun planned = CliRun.of("status", "--db", dir.resolve("none.db").toString(), "--config",
        dir.resolve("s.conf").toString(), "--lang", "kk");
    assertTrue(planned.out().contains(": жоспарлы іске қосу, шамамен "), "the slot in Kazakh too: " + planned.out());
  }

  @Test
  void aRunOnceSpeaksKazakhInItsNoticeAndSummary() throws Exception {
    Path db = dir.resolve("run.db");
    java.nio.file.Files.writeString(dir.resolve("kuzet.conf"), "");
    try (FakeDnsServer dns = new FakeDnsServer()) {
      dns.nxdomain("gone.kz");
      CliRun run = CliRun.of("run", "--once", "--lang", "kk", "--db", db.toString(),
          "--config", dir.resolve("kuzet.conf").toString(),
          "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
          "--treat-as-public", "127.0.0.0/8", "--skip-connectivity-check", "https://gone.kz/");
      assertEquals(0, run.exit(), run.err());
      Messages kk = Messages.of(Language.KK);
      assertTrue(run.err().startsWith("kuzet run: ескерту:"), run.err());
      assertTrue(run.out().contains(kk.get("run.summary.verdict")) && run.out().contains("іске қосу 1:"), run.out());
      assertTrue(run.out().contains("kuzet results --run 1"), "commands stay as they are typed: " + run.out());
      assertTrue(run.out().contains("inconclusive") || run.out().contains("blocked")
          || run.out().contains("down"), "verdict names stay English: " + run.out());
    }
  }

  @Test
  void theHtmlReportsLabelsAreInRussianAndItsDataStaysAsStored() throws Exception {
    Path db = dir.resolve("report.db");
    oneBlockedMeasurement(db);
    Path html = dir.resolve("r.html");
    CliRun r = CliRun.of("report", "--html", html.toString(), "--db", db.toString(), "--lang", "ru");
    assertEquals(0, r.exit(), r.err());
    String page = java.nio.file.Files.readString(html);
    assertTrue(page.contains("<html lang=\"ru\">") && page.contains("<h2>Заблокировано сейчас</h2>"), page);
    assertTrue(page.contains("https://kuresker.org/") && page.contains("tls.interception"), "data as stored");
  }

  @Test
  void resultsAndShowSpeakRussianAndKazakhAndKeepVerdictsAndSignalsEnglish() throws Exception {
    Path db = dir.resolve("results.db");
    String uid = oneBlockedMeasurement(db);
    CliRun ru = CliRun.of("results", "--db", db.toString(), "--lang", "ru");
    assertEquals(0, ru.exit(), ru.err());
    String header = ru.out().lines().findFirst().orElseThrow();
    assertTrue(header.startsWith("ID") && header.contains("ЗАПУСК") && header.contains("ВЕРДИКТ"), ru.out());
    assertTrue(ru.out().contains("blocked") && ru.out().contains("tls.interception"), "data as stored: " + ru.out());
    assertEquals(header.indexOf("ВЕРДИКТ"), ru.out().lines().skip(1).findFirst().orElseThrow().indexOf("blocked"),
        "columns aligned: " + ru.out());

    CliRun kk = CliRun.of("show", uid, "--db", db.toString(), "--lang", "kk");
    assertEquals(0, kk.exit(), kk.err());
    assertTrue(kk.out().lines().anyMatch(l -> l.matches("үкім +blocked")), kk.out());
    assertTrue(kk.out().lines().anyMatch(l -> l.matches("бұғаттау +http-diff")), "OONI values as stored: " + kk.out());
    assertTrue(kk.out().contains(", санат NEWS"), kk.out());

    CliRun none = CliRun.of("results", "--db", db.toString(), "--lang", "kk", "--verdict", "down");
    assertEquals("сәйкес сақталған өлшем жоқ (дерекқор " + db + ")", none.out().strip());
    CliRun noRun = CliRun.of("results", "7", "--db", db.toString(), "--lang", "ru");
    assertEquals(Main.EXIT_USAGE, noRun.exit());
    assertEquals("kuzet results: в " + db + " нет запуска #7 ('kuzet status' показывает последний)",
        noRun.err().strip());
    CliRun unknown = CliRun.of("show", "zzzzzzzz", "--db", db.toString(), "--lang", "kk");
    assertEquals(Main.EXIT_USAGE, unknown.exit());
    assertTrue(unknown.err().startsWith("kuzet show: " + db + " ішінде UID-і 'zzzzzzzz' немесе ID-і"), unknown.err());
  }

  @Test
  void kuzetsOwnErrorsOfTheCommonCommandsAreTranslated() throws Exception {
    CliRun noOnce = CliRun.of("run", "--lang", "kk");
    assertEquals(Main.EXIT_USAGE, noOnce.exit());
    assertEquals("kuzet run: 'kuzet run' бір рет өлшейді және --once талап етеді; кесте бойынша іске қосу үшін"
        + " 'kuzet service' пайдаланыңыз", noOnce.err().strip());

    java.nio.file.Files.writeString(dir.resolve("empty.conf"), "");
    CliRun badList = CliRun.of("run", "--once", "--list", "nowhere", "--db", dir.resolve("l.db").toString(),
        "--config", dir.resolve("empty.conf").toString(), "--lang", "ru");
    assertEquals(Main.EXIT_USAGE, badList.exit(), badList.err());
    assertTrue(badList.err().startsWith("kuzet run: нет встроенного списка 'nowhere': есть списки "), badList.err());
    CliRun badListEn = CliRun.of("measure", "--list", "nowhere");
    assertTrue(badListEn.err().startsWith("kuzet measure: unknown bundled list 'nowhere': known lists are "),
        "English as before: " + badListEn.err());

    Path notADatabase = dir.resolve("notes.db");
    java.nio.file.Files.writeString(notADatabase, "shopping list\n");
    CliRun foreign = CliRun.of("results", "--db", notADatabase.toString(), "--lang", "kk");
    assertEquals(Main.EXIT_USAGE, foreign.exit());
    assertEquals("kuzet results: " + notADatabase + " — SQLite дерекқоры емес (зақымдалған немесе басқа түрдегі"
        + " файл); kuzet оны өзгертпеді: оны басқа жерге жылжытыңыз немесе басқа дерекқор үшін --db FILE"
        + " көрсетіңіз", foreign.err().strip());
    CliRun missing = CliRun.of("show", "abcd1234", "--db", dir.resolve("none.db").toString(), "--lang", "ru");
    assertEquals("kuzet show: нет базы данных " + dir.resolve("none.db").toAbsolutePath() + " (сначала выполните"
        + " 'kuzet run --once' или укажите --db FILE)", missing.err().strip());

    Path conf = dir.resolve("kuzet.conf");
    java.nio.file.Files.writeString(conf, "[schedule]\ninterval = 6x\n");
    CliRun badDuration = CliRun.of("status", "--config", conf.toString(), "--db", dir.resolve("s.db").toString(),
        "--lang", "ru");
    assertEquals(Main.EXIT_USAGE, badDuration.exit());
    assertEquals("kuzet status: kuzet.conf:2: [schedule] interval: '6x' — не длительность (пишите, например, 500ms,"
        + " 4s, 15m, 6h, 1d)", badDuration.err().strip(), "the place stays, the problem is translated");
    java.nio.file.Files.writeString(conf, "[schedule]\nintervl = 6h\n");
    CliRun unknownKey = CliRun.of("service", "--config", conf.toString(), "--lang", "kk");
    assertTrue(unknownKey.err().startsWith("kuzet service: kuzet.conf:2: [schedule] intervl: белгісіз кілт ([schedule]"
        + " ішінде белгілілері: "), unknownKey.err());

    CliRun upload = CliRun.of("upload", "--collector", "https://127.0.0.1:1/", "--db",
        dir.resolve("nothing.db").toString(), "--lang", "kk");
    assertEquals(Main.EXIT_USAGE, upload.exit());
    assertEquals("kuzet upload: " + dir.resolve("nothing.db") + " нәтижелер дерекқоры жоқ (әлі ештеңе өлшенбеген; оны"
        + " 'kuzet run --once' жасайды)", upload.err().strip());

    CliRun report = CliRun.of("report", "--html", dir.toString(), "--db", dir.resolve("r.db").toString(),
        "--lang", "ru");
    assertEquals("kuzet report: --html " + dir + ": это каталог", report.err().strip());

    Path consentDb = dir.resolve("c.db");
    java.nio.file.Files.writeString(ConsentFile.path(consentDb), "given_at = yesterday\nupload = false\n");
    CliRun consent = CliRun.of("consent", "--status", "--db", consentDb.toString(), "--lang", "ru");
    assertEquals(Main.EXIT_FAILED, consent.exit(), consent.err());
    assertTrue(consent.err().startsWith("kuzet consent: файл согласия " + ConsentFile.path(consentDb) + " повреждён ("),
        consent.err());

    CliRun messengers = CliRun.of("messengers", "--app", "icq", "--lang", "kk");
    assertEquals(Main.EXIT_USAGE, messengers.exit());
    assertTrue(messengers.err().startsWith("kuzet messengers: --app 'icq': kuzet мұндай қолданбаны тексермейді;"),
        messengers.err());
  }

  @Test
  void anUnknownLanguageIsAUsageErrorNamingTheChoices() {
    CliRun r = CliRun.of("status", "--lang", "de");
    assertEquals(Main.EXIT_USAGE, r.exit());
    assertEquals("kuzet: --lang 'de': kuzet speaks en (English), ru (Russian) and kk (Kazakh)", r.err().strip());
  }

  /** A results database at {@code db} with one run and one blocked measurement of kuresker.org; its uid. */
  private static String oneBlockedMeasurement(Path db) throws java.io.IOException {
    try (org.kuzet.agent.store.ResultsStore store = org.kuzet.agent.store.ResultsStore.open(db)) {
      long run = store.runs().beginRun(org.kuzet.agent.store.Trigger.MANUAL, null, "0.1.0",
          org.kuzet.core.connectivity.NetworkState.ONLINE, java.time.Instant.parse("2026-11-01T10:00:00Z"));
      var m = org.kuzet.core.testing.TestMeasurements.blocked("https://kuresker.org/",
          java.time.Instant.parse("2026-11-01T10:00:00Z"));
      store.measurements().save(run, m.input(), "kz", "NEWS", m);
      return m.measurementUid();
    }
  }
}
