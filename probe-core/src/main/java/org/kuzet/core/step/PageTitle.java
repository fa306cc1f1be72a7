package org.kuzet.core.step;

/**
 * The title of an HTML page, found in one pass over a bounded prefix: the probe ({@link HttpStep}) and the test
 * helper use this one implementation, so both sides read the same title from the same page.
 *
 * <p>Why not a regular expression: {@code <title[^>]*>(.*?)</title>} restarts its lazy search at every
 * {@code <title}, so a page of repeated {@code <title>} without a closing tag costs time quadratic in its length
 * (minutes of CPU for 256 KiB). Here every character of the prefix is read at most a small constant number of
 * times, and at most {@value #SCAN_CHARS} characters are looked at whatever the page's size.
 *
 * <p>What counts as the title: the text between the first {@code <title} tag (any case, attributes allowed) and
 * the next {@code </title} end tag, whitespace collapsed to single spaces and trimmed, at most
 * {@value #MAX_TITLE} characters. No title (null) when there is no such tag, or when the element does not close
 * within the first {@value #SCAN_CHARS} characters.
 */
public final class PageTitle {
  /** Characters of the page looked at: a title lives in the head, near the top. */
  public static final int SCAN_CHARS = 256 << 10;
  /** Longest title kept, in characters. */
  public static final int MAX_TITLE = 256;

  private PageTitle() {}

  /** The title of {@code page}, or null when it has none within the first {@value #SCAN_CHARS} characters. */
  public static String of(CharSequence page) {
    if (page == null) {
      return null;
    }
    int end = Math.min(page.length(), SCAN_CHARS);
    int open = findTag(page, 0, end, false);
    if (open < 0) {
      return null;
    }
    // The start tag ends at the first '>' after its name ("<title" is 6 characters).
    int textStart = -1;
    for (int i = open + 6; i < end; i++) {
      if (page.charAt(i) == '>') {
        textStart = i + 1;
        break;
      }
    }
    if (textStart < 0) {
      return null;
    }
    int close = findTag(page, textStart, end, true);
    if (close < 0) {
      return null;
    }
    return collapse(page, textStart, close);
  }

  /**
   * The index of the first {@code <title} (or {@code </title} when {@code closing}) in {@code [from, to)} that is
   * a whole tag name (followed by '>', '/', whitespace or the end), or -1. Each position is compared against a
   * fixed 8-character pattern at most once, so the work is at most 8 reads per character.
   */
  private static int findTag(CharSequence s, int from, int to, boolean closing) {
    String name = closing ? "</title" : "<title";
    for (int i = from; i + name.length() <= to; i++) {
      if (s.charAt(i) != '<') {
        continue;
      }
      int k = 1;
      while (k < name.length() && Character.toLowerCase(s.charAt(i + k)) == name.charAt(k)) {
        k++;
      }
      if (k < name.length()) {
        continue;
      }
      int after = i + name.length();
      if (after == to) {
        return -1; // cut off by the window: not known to be a whole tag
      }
      char c = s.charAt(after);
      if (c == '>' || c == '/' || Character.isWhitespace(c)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code s[from, to)} with runs of whitespace as one space, trimmed, cut to {@value #MAX_TITLE} characters. */
  private static String collapse(CharSequence s, int from, int to) {
    StringBuilder b = new StringBuilder(Math.min(to - from, MAX_TITLE));
    boolean space = false;
    for (int i = from; i < to && b.length() < MAX_TITLE; i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        space = b.length() > 0;
      } else {
        if (space) {
          b.append(' ');
          space = false;
          if (b.length() == MAX_TITLE) {
            break;
          }
        }
        b.append(c);
      }
    }
    return b.toString();
  }
}
