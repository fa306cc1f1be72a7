package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kuzet.core.testing.SharedData;

class TargetListLoaderTest {
  private static final String KUZET_HEADER = "url,category_code,country,source,date_added,notes";
  private static final String CL_HEADER = "url,category_code,category_description,date_added,source,notes";

  private static LoadResult load(String name, String text) throws IOException, TargetListException {
    return TargetListLoader.load(name, new StringReader(text), LoadOptions.defaults());
  }

  private static LoadResult loadSkipping(String name, String text) throws IOException, TargetListException {
    return TargetListLoader.load(name, new StringReader(text), LoadOptions.defaults().skipInvalid(true));
  }

  private static TargetListException rejected(String name, String text) {
    return assertThrows(TargetListException.class, () -> load(name, text));
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Nested
  class RealCitizenLabLists {
    @Test
    void kzLoadsWithCountryFromTheFileName() throws Exception {
      LoadResult r = TargetListLoader.load(SharedData.citizenLab("kz.csv"), LoadOptions.defaults());
      assertEquals(ListFormat.CITIZEN_LAB, r.format());
      assertTrue(r.warnings().isEmpty());
      assertEquals(553, r.targets().size());
      assertTrue(r.targets().stream().allMatch(t -> t.country().equals("KZ")));
      assertEquals(new Target("http://www.akorda.kz/", "CULTR", "KZ", "citizenlab", LocalDate.of(2014, 4, 15), ""),
          r.targets().get(0));
      assertTrue(urls(r).contains("https://holanews.kz/"));
      assertTrue(urls(r).contains("https://vlast.kz/"));
    }

    @Test
    void kzQuotedNotesAndFragmentsAreHandled() throws Exception {
      LoadResult r = TargetListLoader.load(SharedData.citizenLab("kz.csv"), LoadOptions.defaults());
      Target egov = find(r, "https://egov.press/");
      assertEquals("HUMR", egov.categoryCode());
      assertEquals("test-lists.ooni.org contribution", egov.source());
      // The notes field is quoted because it contains commas; it must come back whole.
      assertTrue(egov.notes().startsWith("online petition website."), egov.notes());
      assertTrue(egov.notes().endsWith("since May 20, 2022 (still blocked in 2024)"), egov.notes());
      // "http://namba.kz/#!/" in the file: the fragment is never sent, so it is dropped.
      // The file lists namba.kz twice ("http://namba.kz/#!/" and "http://namba.kz/"): both load, as the
      // same URL; TargetSelector is what dedupes.
      assertEquals(2, urls(r).stream().filter(u -> u.equals("http://namba.kz/")).count());
      assertEquals("citizenlab", find(r, "http://namba.kz/").source());
      assertFalse(urls(r).stream().anyMatch(u -> u.contains("#")));
    }

    @Test
    void globalLoadsAsGlobal() throws Exception {
      LoadResult r = TargetListLoader.load(SharedData.citizenLab("global.csv"), LoadOptions.defaults());
      assertEquals(ListFormat.CITIZEN_LAB, r.format());
      assertEquals(1722, r.targets().size());
      assertTrue(r.targets().stream().allMatch(t -> t.country().equals(Target.GLOBAL)));
      assertEquals("https://4genderjustice.org/", r.targets().get(0).url());
    }

    @Test
    void sameContentUnderAnotherNameHasUnknownCountry() throws Exception {
      String text = Files.readString(SharedData.citizenLab("kz.csv"), StandardCharsets.UTF_8);
      LoadResult r = load("my-list.csv", text);
      assertTrue(r.targets().stream().allMatch(t -> t.country().equals(Target.UNKNOWN_COUNTRY)));
    }

    private Target find(LoadResult r, String url) {
      return r.targets().stream().filter(t -> t.url().equals(url)).findFirst()
          .orElseThrow(() -> new AssertionError(url + " not loaded"));
    }
  }

  @Nested
  class Detection {
    @Test
    void kuzetHeader() throws Exception {
      LoadResult r = load("mine.csv", lines(KUZET_HEADER, "https://vlast.kz/,NEWS,KZ,a report,2024-06-01,note"));
      assertEquals(ListFormat.KUZET, r.format());
      assertEquals(List.of(new Target("https://vlast.kz/", "NEWS", "KZ", "a report", LocalDate.of(2024, 6, 1), "note")),
          r.targets());
    }

    @Test
    void citizenLabHeader() throws Exception {
      LoadResult r = load("kz.csv", lines(CL_HEADER, "https://vlast.kz/,NEWS,News Media,2019-05-25,Access Now,"));
      assertEquals(ListFormat.CITIZEN_LAB, r.format());
      assertEquals(List.of(new Target("https://vlast.kz/", "NEWS", "KZ", "Access Now", LocalDate.of(2019, 5, 25), "")),
          r.targets());
    }

    @Test
    void citizenLabEmptySourceDefaultsToCitizenlab() throws Exception {
      LoadResult r = load("kz.csv", lines(CL_HEADER, "https://vlast.kz/,NEWS,News Media,,,"));
      assertEquals("citizenlab", r.targets().get(0).source());
      assertNull(r.targets().get(0).dateAdded());
    }

    @Test
    void headerMatchIgnoresCaseAndSpacesAndLeadingCommentsAndByteOrderMark() throws Exception {
      LoadResult r = load("mine.csv", lines("\uFEFF# my list", "", "  URL, Category_Code ,country,SOURCE,date_added,notes ",
          "https://vlast.kz/,news,kz,r,,"));
      assertEquals(ListFormat.KUZET, r.format());
      assertEquals("NEWS", r.targets().get(0).categoryCode());
      assertEquals("KZ", r.targets().get(0).country());
    }

    @Test
    void plainListOfUrls() throws Exception {
      LoadResult r = load("/home/someone/lists/kz.txt", lines("# blocked in May", "https://vlast.kz", "",
          "http://holanews.kz/", "  # indented comment", "https://kuresker.org/?a=1,2"));
      assertEquals(ListFormat.PLAIN, r.format());
      assertEquals(List.of("https://vlast.kz/", "http://holanews.kz/", "https://kuresker.org/?a=1,2"), urls(r));
      for (Target t : r.targets()) {
        assertEquals("MISC", t.categoryCode());
        assertEquals("KZ", t.country());
        // The file name, never the full path: sources travel in uploaded measurements.
        assertEquals("kz.txt", t.source());
        assertNull(t.dateAdded());
      }
    }

    @Test
    void unrecognisedHeaderIsOneProblemAtItsLine() {
      TargetListException e = rejected("odd.csv", lines("# comment", "domain,category", "vlast.kz,NEWS"));
      assertEquals(1, e.problems().size());
      Problem p = e.problems().get(0);
      assertEquals("odd.csv", p.source());
      assertEquals(2, p.line());
      assertTrue(p.message().startsWith("unrecognised header 'domain,category': expected '" + KUZET_HEADER
          + "' (kuzet), '" + CL_HEADER + "' (Citizen Lab), or a plain list"), p.message());
    }

    @Test
    void aBareDomainIsNotAPlainList() {
      TargetListException e = rejected("plain.txt", lines("vlast.kz", "https://holanews.kz/"));
      assertTrue(e.problems().get(0).message().startsWith("unrecognised header 'vlast.kz'"));
    }

    @Test
    void columnsInAnotherOrderAreNotRecognised() {
      TargetListException e = rejected("x.csv", lines("category_code,url,country,source,date_added,notes"));
      assertTrue(e.problems().get(0).message().startsWith("unrecognised header"));
    }
  }

  @Nested
  class Quoting {
    @Test
    void quotedCommasAndDoubledQuotesInEveryColumn() throws Exception {
      LoadResult r = load("q.csv", lines(KUZET_HEADER,
          "\"https://q.kz/?a=1,2\",NEWS,KZ,\"Report, 2024\",2024-01-01,\"said \"\"hi\"\", then left\"",
          "https://r.kz/, \"GRP\" ,KZ,x,,\"\""));
      assertEquals("https://q.kz/?a=1,2", r.targets().get(0).url());
      assertEquals("Report, 2024", r.targets().get(0).source());
      assertEquals("said \"hi\", then left", r.targets().get(0).notes());
      assertEquals("GRP", r.targets().get(1).categoryCode());
      assertEquals("", r.targets().get(1).notes());
    }

    @Test
    void anUnquotedCommaShiftsColumnsAndIsReportedAsAColumnCount() {
      TargetListException e = rejected("q.csv", lines(KUZET_HEADER, "https://q.kz/,NEWS,KZ,src,,a note, with a comma"));
      assertEquals("q.csv:2: wrong column count: expected 6 (" + KUZET_HEADER
          + "), found 7; quote any field that contains a comma", e.getMessage());
    }
  }

  @Nested
  class Errors {
    // Every kind of bad line in one file; the good lines around them must not hide them.
    private final String bad = lines(
        KUZET_HEADER,                                         // 1
        "# comment",                                          // 2
        "https://ok.kz/,NEWS,KZ,test,2024-01-01,fine",         // 3
        "htp//broken,NEWS,KZ,test,,",                         // 4 malformed URL
        "ftp://files.kz/,FILE,KZ,test,,",                     // 5 non-http(s) scheme
        "https://a.kz/,NOPE,KZ,test,,",                       // 6 unknown category
        "https://b.kz/,NEWS,KZ,test",                         // 7 wrong column count
        "https://c.kz/,NEWS,KZ,test,2024-13-01,",             // 8 bad date
        "",                                                   // 9
        "https://d.kz/,NEWS,KZ,test,01/02/2024,",             // 10 bad date
        "https://e.kz/,NEWS,QQ,test,,",                       // 11 bad country
        "https://f.kz/,NEWS,KZ,test,,\"unterminated",         // 12 malformed CSV
        "https://g.kz/,,KZ,test,,",                           // 13 missing category
        "http://exa mple.kz/,NEWS,KZ,test,2024-02-30,",       // 14 malformed URL and bad date
        "https://ok2.kz/,GRP,XX,,,");                         // 15

    @Test
    void everyBadLineIsListedWithFileAndLine() {
      TargetListException e = rejected("lists/bad.csv", bad);
      List<Problem> ps = e.problems();
      assertEquals(List.of(4, 5, 6, 7, 8, 10, 11, 12, 13, 14), ps.stream().map(Problem::line).collect(Collectors.toList()));
      assertTrue(ps.stream().allMatch(p -> p.source().equals("lists/bad.csv")));
      assertStarts(ps.get(0), "malformed URL 'htp//broken': no scheme");
      assertStarts(ps.get(1), "non-http(s) scheme 'ftp' in 'ftp://files.kz/'");
      assertStarts(ps.get(2), "unknown category code 'NOPE': use one of ALDR, ANON,");
      assertStarts(ps.get(3), "wrong column count: expected 6");
      assertEquals("bad date '2024-13-01': expected yyyy-MM-dd, e.g. 2024-06-01", ps.get(4).message());
      assertStarts(ps.get(5), "bad date '01/02/2024'");
      assertStarts(ps.get(6), "bad country 'QQ'");
      assertStarts(ps.get(7), "malformed CSV: quoted field in column 6 is not closed");
      assertEquals("missing category code", ps.get(8).message());
      // Everything wrong with one line goes into its one problem.
      assertStarts(ps.get(9), "malformed URL 'http://exa mple.kz/': Illegal character");
      assertTrue(ps.get(9).message().endsWith("; bad date '2024-02-30': expected yyyy-MM-dd, e.g. 2024-06-01"),
          ps.get(9).message());
    }

    @Test
    void messageHasOneLinePerProblem() {
      TargetListException e = rejected("bad.csv", bad);
      String[] msgLines = e.getMessage().split("\n");
      assertEquals(10, msgLines.length);
      assertTrue(msgLines[0].startsWith("bad.csv:4: malformed URL 'htp//broken'"), msgLines[0]);
      assertTrue(msgLines[1].startsWith("bad.csv:5: non-http(s) scheme 'ftp'"), msgLines[1]);
      assertTrue(msgLines[9].startsWith("bad.csv:14: malformed URL"), msgLines[9]);
      for (int i = 0; i < msgLines.length; i++) {
        assertEquals(e.problems().get(i).toString(), msgLines[i]);
      }
    }

    @Test
    void skipInvalidKeepsGoodLinesAndWarnsOncePerBadLine() throws Exception {
      LoadResult r = loadSkipping("bad.csv", bad);
      assertEquals(List.of("https://ok.kz/", "https://ok2.kz/"), urls(r));
      assertEquals(List.of(4, 5, 6, 7, 8, 10, 11, 12, 13, 14),
          r.warnings().stream().map(Problem::line).collect(Collectors.toList()));
      assertTrue(r.warnings().get(2).toString().startsWith("bad.csv:6: unknown category code 'NOPE'"),
          r.warnings().get(2).toString());
      // An empty source column falls back to the list's file name.
      assertEquals("bad.csv", r.targets().get(1).source());
      assertEquals(Target.GLOBAL, r.targets().get(1).country());
    }

    @Test
    void strictLoadOfAGoodListHasNoWarnings() throws Exception {
      LoadResult r = load("good.csv", lines(KUZET_HEADER, "https://ok.kz/,NEWS,KZ,test,,"));
      assertTrue(r.warnings().isEmpty());
    }

    @Test
    void emptyListIsAnError() {
      TargetListException e = rejected("empty.csv", lines(KUZET_HEADER, "# nothing yet", ""));
      assertEquals(1, e.problems().size());
      assertEquals(0, e.problems().get(0).line());
      assertEquals("empty.csv: empty list: no targets (only a header, comments or blank lines)", e.getMessage());
    }

    @Test
    void emptyFileIsAnError() {
      TargetListException e = rejected("nothing.txt", "");
      assertTrue(e.getMessage().startsWith("nothing.txt: empty list"), e.getMessage());
      TargetListException e2 = rejected("blank.txt", lines("", "   ", "# only comments"));
      assertTrue(e2.getMessage().startsWith("blank.txt: empty list"), e2.getMessage());
    }

    @Test
    void skipInvalidStillRejectsAListLeftEmptyAndSaysWhy() {
      TargetListException e = assertThrows(TargetListException.class,
          () -> loadSkipping("allbad.csv", lines(KUZET_HEADER, "ftp://a.kz/,NEWS,KZ,t,,", "https://b.kz/,NOPE,KZ,t,,")));
      assertEquals(List.of(2, 3, 0), e.problems().stream().map(Problem::line).collect(Collectors.toList()));
      assertEquals("allbad.csv: empty list: no valid targets, every entry was invalid",
          e.problems().get(2).toString());
    }

    @Test
    void badLinesOfAPlainListAreReported() {
      TargetListException e = rejected("urls.txt", lines("https://ok.kz/", "ftp://x.kz/", "not a url"));
      assertEquals(List.of(2, 3), e.problems().stream().map(Problem::line).collect(Collectors.toList()));
      assertStarts(e.problems().get(0), "non-http(s) scheme");
      assertStarts(e.problems().get(1), "malformed URL 'not a url'");
    }

    @Test
    void citizenLabBadLinesAreReportedToo() {
      TargetListException e = rejected("kz.csv", lines(CL_HEADER,
          "https://a.kz/,NEWS,News Media,2019-05-25,x,",
          "https://b.kz/,FEXP,Freedom of expression,2019-05-25,x,",
          "https://c.kz/,NEWS,News Media,25.05.2019,x,",
          "https://d.kz/,NEWS,News Media,2019-05-25,x"));
      assertEquals(List.of(3, 4, 5), e.problems().stream().map(Problem::line).collect(Collectors.toList()));
      assertStarts(e.problems().get(0), "unknown category code 'FEXP'");
      assertStarts(e.problems().get(1), "bad date '25.05.2019'");
      assertStarts(e.problems().get(2), "wrong column count: expected 6 (" + CL_HEADER + "), found 5");
    }

    private void assertStarts(Problem p, String prefix) {
      assertTrue(p.message().startsWith(prefix), "line " + p.line() + ": '" + p.message() + "' should start with '" + prefix + "'");
    }
  }

  @Nested
  class FromFiles {
    @TempDir Path dir;

    @Test
    void problemsNameThePathAsGivenAndTargetsOnlyTheFileName() throws Exception {
      Path file = dir.resolve("ru.csv");
      Files.writeString(file, lines(KUZET_HEADER, "https://ok.kz/,NEWS,KZ,,,", "https://a.kz/,NOPE,KZ,t,,"));
      TargetListException e = assertThrows(TargetListException.class, () -> TargetListLoader.load(file, LoadOptions.defaults()));
      assertEquals(file + ":3: " + Categories.unknownCodeMessage("NOPE"), e.getMessage());

      LoadResult r = TargetListLoader.load(file, LoadOptions.defaults().skipInvalid(true));
      assertEquals("ru.csv", r.targets().get(0).source());
      assertFalse(r.targets().get(0).source().contains(dir.toString()));
    }

    @Test
    void aFileThatIsNotUtf8NamesTheLineAndColumnNotAJavaException() throws Exception {
      Path file = dir.resolve("kz.csv");
      byte[] latin1 = lines(KUZET_HEADER, "https://ok.kz/,NEWS,KZ,,,", "https://caf\u00e9.kz/,NEWS,KZ,,,")
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      Files.write(file, latin1);
      Utf8Text.NotUtf8Exception e = assertThrows(Utf8Text.NotUtf8Exception.class,
          () -> TargetListLoader.load(file, LoadOptions.defaults()));
      assertEquals(file + ":3: not UTF-8 text (byte 0xE9 at column 12); save the file as UTF-8 (it may be in"
          + " another encoding, e.g. Windows-1251)", e.getMessage());
      assertEquals(3, e.line());
    }

    @Test
    void aUtf8FileWithAByteOrderMarkLoads() throws Exception {
      Path file = dir.resolve("bom.csv");
      Files.writeString(file, "\uFEFF" + lines(KUZET_HEADER, "https://\u049b\u0430\u0437.kz/,NEWS,KZ,,,"));
      assertEquals(1, TargetListLoader.load(file, LoadOptions.defaults()).targets().size());
    }

    @Test
    void missingFileIsAnIoError() {
      assertThrows(IOException.class, () -> TargetListLoader.load(dir.resolve("nope.csv"), LoadOptions.defaults()));
    }

    @Test
    void crlfLineEndingsAreFine() throws Exception {
      Path file = dir.resolve("crlf.csv");
      Files.writeString(file, KUZET_HEADER + "\r\nhttps://ok.kz/,NEWS,KZ,t,2024-01-01,n\r\n");
      LoadResult r = TargetListLoader.load(file, LoadOptions.defaults());
      assertEquals("n", r.targets().get(0).notes());
    }
  }

  @ParameterizedTest
  @CsvSource({"kz.csv,KZ", "KZ.CSV,KZ", "lists/ru.csv,RU", "C:\\lists\\ua.csv,UA", "global.csv,XX",
      "qq.csv,ZZ", "mine.csv,ZZ", "kz,KZ", "stdin,ZZ"})
  void countryFromFileName(String name, String expected) {
    assertEquals(expected, TargetListLoader.countryFromName(name));
  }

  @Test
  void loadOptionsAreImmutable() {
    LoadOptions d = LoadOptions.defaults();
    LoadOptions s = d.skipInvalid(true);
    assertFalse(d.skipInvalid());
    assertTrue(s.skipInvalid());
    assertEquals(d, s.skipInvalid(false));
  }

  private static List<String> urls(LoadResult r) {
    return r.targets().stream().map(Target::url).collect(Collectors.toList());
  }
}
