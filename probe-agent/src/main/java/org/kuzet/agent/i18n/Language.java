package org.kuzet.agent.i18n;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The languages kuzet speaks to volunteers. Verdicts, signal names and JSON keys stay English in every language:
 * they are a data contract, not text.
 */
public enum Language {
  EN("en", "English"),
  RU("ru", "Русский"),
  KK("kk", "Қазақша");

  private final String code;
  private final String name;

  Language(String code, String name) {
    this.code = code;
    this.name = name;
  }

  /** The ISO 639-1 code, as {@code --lang} takes it and the consent record stores it. */
  public String code() {
    return code;
  }

  public String displayName() {
    return name;
  }

  /** {@code en}, {@code ru} or {@code kk} (any case); empty for anything else. */
  public static Optional<Language> fromCode(String code) {
    if (code == null) {
      return Optional.empty();
    }
    String c = code.strip().toLowerCase(Locale.ROOT);
    for (Language l : values()) {
      if (l.code.equals(c)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  /**
   * The language from the environment: {@code KUZET_LANG} (a code), else the POSIX locale variables in their order
   * of precedence ({@code LC_ALL}, {@code LC_MESSAGES}, {@code LANG}; e.g. {@code ru_RU.UTF-8}, {@code kk_KZ}); the
   * first one that is set decides. English when none is set, or when the locale is one kuzet does not speak
   * ({@code C}, {@code POSIX}, {@code de_DE}).
   */
  public static Language fromEnvironment(Map<String, String> env) {
    Optional<Language> chosen = fromCode(env.get("KUZET_LANG"));
    if (chosen.isPresent()) {
      return chosen.get();
    }
    for (String variable : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        return fromCode(value.split("[_.@]", 2)[0]).orElse(EN);
      }
    }
    return EN;
  }
}
