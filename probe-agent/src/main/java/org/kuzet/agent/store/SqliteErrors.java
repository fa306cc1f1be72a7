package org.kuzet.agent.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SQLite's and the file system's errors in words a volunteer can act on: which file, what happened, what to do. */
final class SqliteErrors {
  private static final Pattern DETAIL = Pattern.compile("^.*? \\((.+)\\)$");

  private SqliteErrors() {}

  /**
   * The {@link StoreException} for an SQLite error while doing {@code what} on {@code path}.
   *
   * @param untouched whether nothing was written yet (opening, reading a read-only store), so it can be said
   */
  static StoreException translate(SQLException e, Path path, Duration busyTimeout, String what, boolean untouched) {
    int code = e.getErrorCode() & 0xff;
    String reason = sqliteMessage(e);
    return switch (code) {
      case 5, 6 -> new StoreException("database " + path + " is locked by another kuzet process (waited "
          + busyTimeout.toSeconds() + "s): try again when it has finished", e);
      // "Untouched" only where it is true: when opening (refused before any write) or reading.
      case 11, 26 -> new StoreException(damaged(path, reason, untouched), e);
      case 14 -> new StoreException("cannot open database " + path + " (" + reason + ")", e);
      case 8 -> new StoreException("cannot " + what + " in " + path + ": the file is read-only (" + reason + ")", e);
      case 13 -> new StoreException("cannot " + what + " in " + path + ": the disk is full", e);
      default -> new StoreException("cannot " + what + " in " + path + ": " + reason, e);
    };
  }

  static String damaged(Path path, String reason, boolean untouched) {
    return "database " + path + " is damaged (" + reason + "); " + (untouched ? "kuzet left it untouched: " : "")
        + "keep a copy and pass --db FILE to start a new database";
  }

  /** SQLite's own detail: sqlite-jdbc writes "[CODE] generic text (detail)"; the detail is what helps. */
  static String sqliteMessage(SQLException e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    m = m.replaceFirst("^\\[SQLITE_[A-Z_]+\\]\\s*", "");
    Matcher detail = DETAIL.matcher(m);
    return detail.matches() ? detail.group(1) : m;
  }

  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory: " + e.getMessage();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + (f.getFile() == null ? "" : ": " + f.getFile());
    }
    return e.getMessage() == null ? "input/output error" : e.getMessage();
  }
}
