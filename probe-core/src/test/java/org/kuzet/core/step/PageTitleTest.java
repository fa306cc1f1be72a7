package org.kuzet.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Titles of ordinary and hostile pages. The hostile ones count the characters read (a {@link CharSequence} that
 * counts {@code charAt}), so the bound is checked as work done, not as time on this machine.
 */
class PageTitleTest {
  /** Reads allowed per character looked at: one pass plus short comparisons at each '<'. */
  private static final int READS_PER_CHAR = 4;

  @Test
  void ordinaryPages() {
    assertEquals("Қазақстан жаңалықтары",
        PageTitle.of("<html><head><TITLE lang=kk>\n  Қазақстан   жаңалықтары\n</TITLE></head><body>hi</body></html>"));
    assertEquals("Доступ ограничен", PageTitle.of("<title>Доступ ограничен</title>"));
    assertEquals("News", PageTitle.of("<head><title>News</title ></head>"));
    assertEquals("", PageTitle.of("<title></title>"));
    assertEquals("first", PageTitle.of("<title>first</title><title>second</title>"));
    assertNull(PageTitle.of("<p>no title</p>"));
    assertNull(PageTitle.of(""));
    assertNull(PageTitle.of(null));
    assertNull(PageTitle.of("<title>never closed"));
    assertNull(PageTitle.of("<title never closed either"));
  }

  @Test
  void aTagNameMustEndWhereTitleEnds() {
    assertEquals("real", PageTitle.of("<titlebar>x</titlebar><title>real</title>"));
    assertEquals("a</titles>", PageTitle.of("<title>a</titles></title>"), "</titles> does not close the title");
  }

  @Test
  void markupInsideTheTitleIsText() {
    // A title element holds text only (RCDATA): a nested <title> is part of it.
    assertEquals("<b>bold</b> <title>x", PageTitle.of("<title><b>bold</b>\n<title>x</title>"));
  }

  @Test
  void longTitlesAreCutAt256Characters() {
    String t = PageTitle.of("<title>" + "word ".repeat(200) + "</title>");
    assertEquals(PageTitle.MAX_TITLE, t.length());
    assertTrue(t.startsWith("word word"));
  }

  @Test
  void aTitleBeyondTheScannedPrefixIsNotLookedFor() {
    String page = " ".repeat(PageTitle.SCAN_CHARS) + "<title>late</title>";
    assertNull(PageTitle.of(page));
    assertEquals("early", PageTitle.of("<title>early</title>" + "x".repeat(4 << 20)));
  }

  @Test
  void repeatedOpeningTagsCostLinearWork() {
    for (int size : new int[] {256 << 10, 4 << 20}) {
      Counting page = new Counting("<title>".repeat(size / 7));
      assertNull(PageTitle.of(page), "never closed: no title");
      assertBounded(page);
    }
  }

  @Test
  void repeatedTagsThatCloseAtTheEndGiveTheirText() {
    Counting page = new Counting("<title>".repeat(20_000) + "</title>");
    assertEquals("<title>".repeat(40).substring(0, PageTitle.MAX_TITLE), PageTitle.of(page));
    assertBounded(page);
  }

  @Test
  void unclosedTagsCostLinearWork() {
    for (String unit : new String[] {"<title", "<title ", "<t", "<", "</title", "<title><", "<TITLE x=\"<title\""}) {
      for (int size : new int[] {256 << 10, 3 << 20}) {
        Counting page = new Counting(unit.repeat(size / unit.length()));
        PageTitle.of(page);
        assertBounded(page);
      }
    }
  }

  private static void assertBounded(Counting page) {
    long looked = Math.min(page.length(), PageTitle.SCAN_CHARS);
    assertTrue(page.reads <= READS_PER_CHAR * looked + 64,
        page.reads + " characters read for a page of " + page.length() + "; at most "
            + READS_PER_CHAR + " per character of the " + looked + " scanned");
  }

  /** A page that counts how many characters are read from it. */
  private static final class Counting implements CharSequence {
    private final String s;
    long reads;

    Counting(String s) {
      this.s = s;
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public char charAt(int index) {
      reads++;
      return s.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      reads += end - start;
      return s.subSequence(start, end);
    }

    @Override
    public String toString() {
      reads += s.length();
      return s;
    }
  }
}
