package org.kuzet.agent.config;

import java.util.function.Function;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.i18n.Translated;

/**
 * A configuration file kuzet cannot use. The message says where (file and line), which key, what was wrong and
 * what to do, in one line, e.g. {@code kuzet.conf:12: [schedule] interval: '6x' is not a duration (use e.g. 15m, 6h)}.
 * The place stays as it is in every language; the problem is translated when it was given as a {@link Text} (or
 * came from a {@link Translated} exception).
 */
public final class ConfigException extends RuntimeException implements Translated {
  private final String source;
  private final int line;
  private final String key;
  private final transient Function<Messages, String> problem;

  public ConfigException(String source, int line, String key, String problem) {
    this(source, line, key, m -> problem);
  }

  public ConfigException(String source, int line, String key, Text problem) {
    this(source, line, key, problem::in);
  }

  /** The problem in {@code cause}'s words (translated when it is {@link Translated}). */
  public ConfigException(String source, int line, String key, RuntimeException cause) {
    this(source, line, key, wordsOf(cause));
  }

  private static Function<Messages, String> wordsOf(RuntimeException cause) {
    if (cause instanceof Translated t) {
      return t::message;
    }
    return m -> cause.getMessage();
  }

  private ConfigException(String source, int line, String key, Function<Messages, String> problem) {
    super(where(source, line, key) + problem.apply(Messages.english()));
    this.source = source;
    this.line = line;
    this.key = key;
    this.problem = problem;
  }

  private static String where(String source, int line, String key) {
    return source + (line > 0 ? ":" + line : "") + ": " + (key == null ? "" : key + ": ");
  }

  @Override
  public String message(Messages messages) {
    return where(source, line, key) + problem.apply(messages);
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
