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
import org.kuzet.agent.i18n.Text;

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
      case 5, 6 -> new StoreException(Text.of("store.locked", path, busyTimeout.toSeconds()), e);
      // "Untouched" only where it is true: when opening (refused before any write) or reading.
      case 11, 26 -> new StoreException(damaged(path, reason, untouched), e);
      case 14 -> new StoreException(Text.of("store.cannotOpen", path, reason), e);
      case 8 -> new StoreException(Text.of("store.readOnly", what, path, reason), e);
      case 13 -> new StoreException(Text.of("store.diskFull", what, path), e);
      default -> new StoreException(Text.of("store.failed", what, path, reason), e);
    };
  }

  static Text damaged(Path path, String reason, boolean untouched) {
    return Text.of(untouched ? "store.damaged.untouched" : "store.damaged", path, reason);
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

  /** What went wrong with the file: a {@link Text} (permission denied) or the file system's own words. */
  static Object describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return Text.of("store.permissionDenied");
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
