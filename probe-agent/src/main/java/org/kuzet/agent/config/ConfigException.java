package org.kuzet.agent.config;

/**
 * A configuration file kuzet cannot use. The message says where (file and line), which key, what was wrong and
 * what to do, in one line, e.g. {@code kuzet.conf:12: [schedule] interval: '6x' is not a duration (use e.g. 15m, 6h)}.
 */
public final class ConfigException extends RuntimeException {
  private final String source;
  private final int line;
  private final String key;

  public ConfigException(String source, int line, String key, String problem) {
    super(source + (line > 0 ? ":" + line : "") + ": " + (key == null ? "" : key + ": ") + problem);
    this.source = source;
    this.line = line;
    this.key = key;
  }

  /** The file name (or other source description) the error is in. */
  public String source() {
    return source;
  }

  /** 1-based line number, 0 when the problem is the file as a whole. */
  public int line() {
    return line;
  }

  /** {@code [section] key}, or null when the problem is not one key. */
  public String key() {
    return key;
  }
}
