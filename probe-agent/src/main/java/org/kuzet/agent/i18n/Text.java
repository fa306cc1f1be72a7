package org.kuzet.agent.i18n;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message for a person that is not rendered yet: a key of the bundles and its arguments. Code that cannot know
 * the volunteer's language (the store, the config loader) throws it inside an exception ({@link Translated});
 * the command line renders it in the chosen language. An argument that is itself a {@code Text} is rendered in
 * the same language.
 */
public final class Text {
  private final String key;
  private final Object[] args;

  private Text(String key, Object[] args) {
    this.key = Objects.requireNonNull(key, "key");
    this.args = args.clone();
  }

  public static Text of(String key, Object... args) {
    return new Text(key, args);
  }

  public String key() {
    return key;
  }

  /** The message in {@code messages}' language. */
  public String in(Messages messages) {
    Object[] rendered = Arrays.stream(args).map(a -> a instanceof Text t ? t.in(messages) : a).toArray();
    return messages.get(key, rendered);
  }

  /** In English: what logs and {@link Throwable#getMessage()} carry. */
  @Override
  public String toString() {
    return in(Messages.english());
  }
}
