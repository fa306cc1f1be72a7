package org.kuzet.targets;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of CSV into fields, following RFC 4180 quoting: a field wrapped in double quotes
 * may contain commas, and a double quote inside it is written twice.
 *
 * <p>Two deliberate limits. A quoted field must end on the line it starts on: target lists never
 * need multi-line notes, and keeping records to one line means a stray quote spoils only its own
 * line instead of silently swallowing the rest of the file. Spaces around a quoted field are
 * tolerated ({@code a, "b" ,c}), because people edit these files by hand; a quote in the middle of
 * an unquoted field is an error, since guessing what it meant would hide mistakes.
 */
final class CsvLine {
  private CsvLine() {}

  /** Thrown for a line that is not valid CSV; the message says what to do. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  static List<String> parse(String line) throws SyntaxException {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      // Start of a field: skip blanks only if a quoted field follows, else they belong to the field.
      int start = i;
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              closed = true;
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (!closed) {
          throw new SyntaxException(
              "malformed CSV: quoted field in column " + (fields.size() + 1) + " is not closed on this line");
        }
        while (i < n && line.charAt(i) == ' ') {
          i++;
        }
        if (i < n && line.charAt(i) != ',') {
          throw new SyntaxException("malformed CSV: unexpected '" + line.charAt(i)
              + "' after the closing quote in column " + (fields.size() + 1));
        }
      } else {
        i = start;
        while (i < n && line.charAt(i) != ',') {
          char c = line.charAt(i++);
          if (c == '"') {
            throw new SyntaxException("malformed CSV: quote inside unquoted column " + (fields.size() + 1)
                + "; wrap the whole field in quotes and write each quote in it twice");
          }
          field.append(c);
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= n) {
        return fields;
      }
      i++; // the comma; a trailing comma yields a final empty field, as RFC 4180 says
    }
  }
}
