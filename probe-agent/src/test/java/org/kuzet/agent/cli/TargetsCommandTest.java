package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.testing.SharedData;

class TargetsCommandTest {
  @TempDir Path dir;

  @Test
  void defaultIsTheBundledKazakhList() {
    CliRun run = CliRun.of("targets", "--urls-only");
    assertEquals(0, run.exit(), run.err());
    List<String> urls = run.out().lines().toList();
    assertTrue(urls.contains("https://holanews.kz/"), "holanews.kz is on the kz list");
    assertTrue(urls.contains("https://www.linkedin.com/"));
    assertTrue(urls.stream().anyMatch(u -> u.contains("soundcloud.com")));
    assertTrue(urls.stream().anyMatch(u -> u.contains("kuresker.org")));
  }

  @Test
  void categoryFilterAndCountsPerCategory() {
    CliRun run = CliRun.of("targets", "--list", "kz", "--category", "NEWS,HUMR");
    assertEquals(0, run.exit(), run.err());
    String[] lines = run.out().split("\n");
    for (String line : lines) {
      if (line.startsWith("https://") || line.startsWith("http://")) {
        assertTrue(line.contains(" NEWS ") || line.contains(" HUMR "), line);
      }
    }
    assertTrue(run.out().contains("NEWS"), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.strip().startsWith("total")), run.out());
  }

  @Test
  void limitAfterShuffleIsASampleOfTheFilteredList() {
    CliRun run = CliRun.of("targets", "--category", "ANON", "--shuffle", "--seed", "7", "--limit", "3",
        "--urls-only");
    assertEquals(0, run.exit(), run.err());
    assertEquals(3, run.out().lines().count());
    CliRun again = CliRun.of("targets", "--category", "ANON", "--shuffle", "--seed", "7", "--limit", "3",
        "--urls-only");
    assertEquals(run.out(), again.out(), "a seeded shuffle is reproducible");
  }

  @Test
  void citizenLabFileIsDetectedFromItsHeader() {
    // Skipped (as the other reference-data tests) where the shared data is absent, e.g. CI's clean clone.
    Path citizenLabKz = SharedData.directory("citizenlab").resolve("kz.csv");
    CliRun run = CliRun.of("targets", "--targets", citizenLabKz.toString(), "--category", "HUMR");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("from kz.csv"), run.out());
    assertTrue(run.out().contains(" KZ "), "country taken from the file name");
  }

  @Test
  void duplicatesAcrossSourcesAreRemovedAfterNormalisation() throws IOException {
    Path list = dir.resolve("mine.txt");
    Files.writeString(list, "https://HOLANEWS.kz:443\nhttps://holanews.kz/#top\n");
    CliRun run = CliRun.of("targets", "https://holanews.kz", "--targets", list.toString(), "--urls-only");
    assertEquals(0, run.exit(), run.err());
    assertEquals(List.of("https://holanews.kz/"), run.out().lines().toList());
  }

  @Test
  void everyBadLineIsListedWithFileAndLineAndTheFileIsRejected() throws IOException {
    Path list = writeBadList();
    CliRun run = CliRun.of("targets", "--targets", list.toString());
    assertEquals(Main.EXIT_USAGE, run.exit());
    assertEquals("", run.out(), "nothing is printed from a rejected list");
    for (String expected : List.of("bad.csv:3: non-http(s) scheme", "bad.csv:4: unknown category code 'FOO'",
        "bad.csv:5: bad date '2024-02-30'", "bad.csv:6: wrong column count", "bad.csv:7: malformed URL")) {
      assertTrue(run.err().contains(expected), "missing '" + expected + "' in:\n" + run.err());
    }
    assertTrue(run.err().contains("5 bad line(s)"), run.err());
  }

  @Test
  void skipInvalidKeepsTheGoodLinesAndWarnsForEachBadOne() throws IOException {
    Path list = writeBadList();
    CliRun run = CliRun.of("targets", "--targets", list.toString(), "--skip-invalid", "--urls-only");
    assertEquals(0, run.exit(), run.err());
    assertEquals(List.of("https://a.kz/", "https://good.kz/after"), run.out().lines().toList());
    assertEquals(5, run.err().lines().filter(l -> l.startsWith("kuzet: warning: skipped")).count(), run.err());
  }

  @Test
  void emptyListIsAnError() throws IOException {
    Path list = dir.resolve("empty.csv");
    Files.writeString(list, "url,category_code,country,source,date_added,notes\n# nothing yet\n");
    CliRun run = CliRun.of("targets", "--targets", list.toString());
    assertEquals(Main.EXIT_USAGE, run.exit());
    assertTrue(run.err().contains("empty.csv") && run.err().contains("empty list"), run.err());
  }

  @Test
  void badSelectionArgumentsAreUsageErrors() {
    assertUsage(CliRun.of("targets", "--list", "nosuch"), "unknown bundled list 'nosuch'");
    assertUsage(CliRun.of("targets", "--category", "FOO"), "unknown category code 'FOO'");
    assertUsage(CliRun.of("targets", "--limit", "0"), "limit must be at least 1");
    assertUsage(CliRun.of("targets", "--targets", dir.resolve("missing.csv").toString()), "no such file");
    assertUsage(CliRun.of("targets", "--targets", dir.toString()), "not a regular file");
    assertUsage(CliRun.of("targets", "ftp://holanews.kz/"), "non-http(s) scheme");
  }

  @Test
  void aListThatIsNotUtf8SaysWhereAndNamesNoJavaException() throws IOException {
    Path list = dir.resolve("cp1251.csv");
    Files.write(list, "https://a.kz/\nhttps://\u0430\u0431.kz/\n".getBytes(java.nio.charset.Charset.forName("windows-1251")));
    CliRun run = CliRun.of("targets", "--targets", list.toString());
    assertUsage(run, list + ":2: not UTF-8 text (byte 0xE0 at column 9); save the file as UTF-8");
    assertTrue(!run.err().contains("Exception") && !run.err().contains("Input length"), run.err());
  }

  private static void assertUsage(CliRun run, String message) {
    assertEquals(Main.EXIT_USAGE, run.exit(), run.out());
    assertTrue(run.err().contains(message), "expected '" + message + "' in: " + run.err());
    assertTrue(run.err().lines().count() <= 1, "a usage error is one line: " + run.err());
  }

  private Path writeBadList() throws IOException {
    Path list = dir.resolve("bad.csv");
    Files.writeString(list, String.join("\n",
        "url,category_code,country,source,date_added,notes",
        "https://a.kz/,NEWS,KZ,x,2024-01-01,",
        "ftp://b.kz/,NEWS,KZ,x,,",
        "https://c.kz/,FOO,KZ,x,,",
        "https://d.kz/,NEWS,KZ,x,2024-02-30,",
        "https://e.kz/,NEWS,KZ",
        "https://exa mple.kz/,NEWS,KZ,x,,",
        "https://good.kz/after,HUMR,KZ,x,,") + "\n");
    return list;
  }
}
