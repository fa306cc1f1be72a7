package org.kuzet.agent.i18n;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.PropertyResourceBundle;
import java.util.ResourceBundle;
import java.util.Set;

/**
 * What kuzet says to a volunteer, in their language: a message bundle per language
 * ({@code messages_<code>.properties}, UTF-8, beside this class) and the consent explanation
 * ({@code consent_<code>.txt}). Every key exists in every language (a test checks it). Placeholders are
 * {@code {0}}, {@code {1}}, … and are replaced literally: unlike {@link java.text.MessageFormat}, quotes in a
 * message (as in {@code 'kuzet consent'}) need no escaping.
 */
public final class Messages {
  private static final Map<Language, Messages> LOADED = new EnumMap<>(Language.class);

  private final Language language;
  private final ResourceBundle bundle;
  private final String consent;

  private Messages(Language language) {
    this.language = language;
    this.bundle = bundle(language);
    this.consent = text("consent_" + language.code() + ".txt");
  }

  /** The messages of {@code language} (loaded once). */
  public static synchronized Messages of(Language language) {
    return LOADED.computeIfAbsent(language, Messages::new);
  }

  public static Messages english() {
    return of(Language.EN);
  }

  public Language language() {
    return language;
  }

  /** The message {@code key} with {@code {0}}, {@code {1}}, … replaced by {@code args}. */
  public String get(String key, Object... args) {
    String text;
    try {
      text = bundle.getString(key);
    } catch (MissingResourceException e) {
      throw new IllegalStateException("no message '" + key + "' in messages_" + language.code() + ".properties", e);
    }
    for (int i = 0; i < args.length; i++) {
      text = text.replace("{" + i + "}", String.valueOf(args[i]));
    }
    return text;
  }

  /** Every key of this language's bundle. */
  public Set<String> keys() {
    return bundle.keySet();
  }

  /** The consent explanation a volunteer reads before agreeing, ending with a newline. */
  public String consentExplanation() {
    return consent;
  }

  private static ResourceBundle bundle(Language language) {
    String name = "messages_" + language.code() + ".properties";
    try (InputStream in = open(name); Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return new PropertyResourceBundle(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled " + name, e);
    }
  }

  private static String text(String name) {
    try (InputStream in = open(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled " + name, e);
    }
  }

  private static InputStream open(String name) {
    InputStream in = Messages.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("the jar lacks " + name + " (a broken build)");
    }
    return in;
  }
}
