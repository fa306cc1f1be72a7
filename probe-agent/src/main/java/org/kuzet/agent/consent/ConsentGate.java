package org.kuzet.agent.consent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.kuzet.agent.i18n.Messages;

/**
 * Consent as a running service sees it. The service asks again before every run, before every measurement it
 * starts and before every upload batch, so {@code kuzet consent --withdraw} (which deletes the record) stops
 * measuring and uploading at once, without a restart. Fails closed: a record that cannot be read counts as none.
 */
@FunctionalInterface
public interface ConsentGate {
  /** What the volunteer allows now; cheap enough to call per measurement (one small file read). */
  State now();

  /**
   * @param measure whether measuring is allowed (a current consent is recorded)
   * @param upload whether uploading is allowed too (that consent agrees to upload)
   * @param reason why not, when {@code measure} is false; null otherwise
   */
  record State(boolean measure, boolean upload, String reason) {
    public State {
      if (!measure && (upload || reason == null)) {
        throw new IllegalArgumentException("without consent to measure: no upload, and a reason");
      }
    }

    public static State given(boolean upload) {
      return new State(true, upload, null);
    }

    public static State refused(String reason) {
      return new State(false, false, Objects.requireNonNull(reason, "reason"));
    }
  }

  /** The record beside {@code database} ({@link ConsentFile}), read at each call; reasons in English. */
  static ConsentGate besideDatabase(Path database) {
    return besideDatabase(database, Messages.english());
  }

  /** As {@link #besideDatabase(Path)}, with the reasons (which the service logs) in {@code messages}' language. */
  static ConsentGate besideDatabase(Path database, Messages messages) {
    Objects.requireNonNull(database, "database");
    return () -> {
      Optional<Consent> c;
      try {
        c = ConsentFile.read(database);
      } catch (IOException e) {
        return State.refused(messages.get("service.consent.unreadable",
            e instanceof org.kuzet.agent.i18n.Translated t ? t.message(messages) : e.getMessage()));
      }
      if (c.isEmpty()) {
        return State.refused(messages.get("service.consent.none"));
      }
      if (!c.get().isCurrent()) {
        return State.refused(messages.get("service.consent.older"));
      }
      return State.given(c.get().upload());
    };
  }
}
