package org.kuzet.schema;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;

/**
 * Well-formed Unicode for everything kuzet writes as JSON. A Java string can hold a lone surrogate (half of a
 * UTF-16 pair: a page title cut between the two halves, a {@code "\ud800"} escape in a control's answer); UTF-8
 * has no encoding for it, and RFC 8785 (the signed form) forbids it. Written text replaces each one with U+FFFD,
 * as a decoder does for any malformed input, so a stored, exported or uploaded measurement is always well-formed.
 */
public final class WellFormedText {
  /** The replacement character, U+FFFD. */
  public static final char REPLACEMENT = '\uFFFD';

  private WellFormedText() {}

  /** The index of the first lone surrogate in {@code s}, or -1 when it is well-formed. */
  public static int firstLoneSurrogate(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a pair
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code s} with every lone surrogate replaced by U+FFFD; {@code s} itself when there is none (or null). */
  public static String of(String s) {
    if (s == null) {
      return null;
    }
    int first = firstLoneSurrogate(s);
    if (first < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, first);
    for (int i = first; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? REPLACEMENT : c);
      }
    }
    return out.toString();
  }

  /** A generator that writes every string value and member name well-formed (see the class comment). */
  static JsonGenerator decorate(JsonGenerator generator) {
    return new JsonGeneratorDelegate(generator, false) {
      @Override
      public void writeString(String text) throws IOException {
        super.writeString(of(text));
      }

      @Override
      public void writeString(char[] text, int offset, int len) throws IOException {
        String s = new String(text, offset, len);
        String fixed = of(s);
        if (fixed == s) {
          super.writeString(text, offset, len);
        } else {
          super.writeString(fixed);
        }
      }

      @Override
      public void writeFieldName(String name) throws IOException {
        super.writeFieldName(of(name));
      }
    };
  }
}
