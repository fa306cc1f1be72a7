package org.kuzet.targets;

import java.util.Objects;

/**
 * Something wrong with one line of a target list, said so a person can find and fix it.
 *
 * @param source the list's name as the user gave it (usually the file path)
 * @param line 1-based physical line number, or 0 when the problem concerns the whole list
 * @param message what is wrong and what was expected
 */
public record Problem(String source, int line, String message) {
  public Problem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(message, "message");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, got " + line);
    }
  }

  /** {@code source:line: message}, or {@code source: message} for a whole-list problem. */
  @Override
  public String toString() {
    return line == 0 ? source + ": " + message : source + ":" + line + ": " + message;
  }
}
