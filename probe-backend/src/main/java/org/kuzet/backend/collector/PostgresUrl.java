package org.kuzet.backend.collector;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL connection URL as libpq and {@code psql} take it,
 * {@code postgresql://[user[:password]@]host[:port]/database[?sslmode=verify-full&…]}, turned into what the JDBC
 * driver wants. The password, when the URL has none, comes from the {@code PGPASSWORD} environment variable or
 * {@code ~/.pgpass} (read by the driver). {@link #toString} never shows the password.
 *
 * @param query the URL's parameters as given (the driver's: {@code sslmode}, {@code sslrootcert},
 *     {@code connectTimeout}, …), or empty
 */
public record PostgresUrl(String host, int port, String database, String user, String password, String query) {
  private static final Pattern URL = Pattern.compile(
      "postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?(\\[[0-9A-Fa-f:.]+]|[^:/?\\[\\]]+)(?::(\\d{1,5}))?"
          + "/([^?/]+)(?:\\?(.*))?");

  public PostgresUrl {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(query, "query");
  }

  /** Whether {@code db} names a PostgreSQL server rather than an SQLite file. */
  public static boolean isPostgres(String db) {
    String lower = db.toLowerCase(Locale.ROOT);
    return lower.startsWith("postgresql:") || lower.startsWith("postgres:");
  }

  /**
   * Parses {@code url}.
   *
   * @throws IllegalArgumentException saying what is wrong and what a URL looks like (the password not shown)
   */
  public static PostgresUrl parse(String url) {
    Matcher m = URL.matcher(url.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("database URL " + redact(url) + " is not postgresql://[USER[:PASSWORD]@]"
          + "HOST[:PORT]/DATABASE[?sslmode=…], e.g. postgresql://kuzet@db.example.org:5432/kuzet?sslmode=verify-full");
    }
    int port = m.group(4) == null ? 5432 : Integer.parseInt(m.group(4));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("database URL " + redact(url) + ": port " + port + " is out of range");
    }
    String user = m.group(1) == null || m.group(1).isEmpty() ? null : decode(m.group(1));
    String password = m.group(2) == null ? null : decode(m.group(2));
    return new PostgresUrl(m.group(3), port, decode(m.group(5)), user, password,
        m.group(6) == null ? "" : m.group(6));
  }

  /** The JDBC URL, without user or password (they go to the driver as properties). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + java.net.URLEncoder.encode(database,
        StandardCharsets.UTF_8) + (query.isEmpty() ? "" : "?" + query);
  }

  /** The URL to show: the password, if any, as {@code ***}. */
  @Override
  public String toString() {
    return "postgresql://" + (user == null ? "" : user + (password == null ? "" : ":***") + "@") + host + ":" + port
        + "/" + database + (query.isEmpty() ? "" : "?" + query.replaceAll("(?i)(password=)[^&]*", "$1***"));
  }

  /** {@code url} with whatever stands where a password would stand, and any password parameter, as {@code ***}. */
  public static String redact(String url) {
    return url.replaceAll("(://[^:@/]*:)[^@/]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
