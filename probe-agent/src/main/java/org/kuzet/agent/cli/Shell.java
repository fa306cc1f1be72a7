package org.kuzet.agent.cli;

import java.util.regex.Pattern;

/** Quoting for command lines that kuzet prints as hints, so that they can be pasted into a POSIX shell as shown. */
final class Shell {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:@%+=,~-]+");

  private Shell() {}

  /** {@code word} as one shell word: unchanged when it needs no quoting, else in single quotes. */
  static String quote(String word) {
    if (!word.isEmpty() && SAFE.matcher(word).matches() && !word.startsWith("~")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
