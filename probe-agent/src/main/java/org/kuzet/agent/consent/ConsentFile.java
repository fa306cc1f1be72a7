package org.kuzet.agent.consent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.kuzet.agent.i18n.Language;
import org.kuzet.agent.i18n.Text;
import org.kuzet.agent.i18n.TranslatedIOException;
import org.kuzet.targets.Utf8Text;

/**
 * The consent record on disk: a small text file beside the database ({@code kuzet.db} → {@code kuzet.db.consent}),
 * so that it lives and dies with the results it covers. Deleting it withdraws consent.
 */
public final class ConsentFile {
  private ConsentFile() {}

  public static Path path(Path database) {
    return database.resolveSibling(database.getFileName() + ".consent");
  }

  /**
   * The recorded consent, or empty when there is none.
   *
   * @throws IOException when the file exists but cannot be read or is damaged; the message says to run
   *     {@code kuzet consent} again
   */
  public static Optional<Consent> read(Path database) throws IOException {
    Path file = path(database);
    String text;
    try {
      text = Utf8Text.read(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (java.nio.file.AccessDeniedException e) {
      throw new TranslatedIOException(Text.of("consent.error.permission", file), e);
    }
    Map<String, String> values = new HashMap<>();
    for (String line : text.split("\n")) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      int eq = s.indexOf('=');
      if (eq < 0) {
        throw damaged(file, "'" + s + "' is not 'key = value'");
      }
      values.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
    }
    try {
      Instant at = Instant.parse(require(file, values, "given_at"));
      String upload = require(file, values, "upload");
      if (!upload.equals("true") && !upload.equals("false")) {
        throw damaged(file, "upload is '" + upload + "', not true or false");
      }
      int version = Integer.parseInt(require(file, values, "text_version"));
      String code = values.getOrDefault("language", Language.EN.code());
      Language language = Language.fromCode(code)
          .orElseThrow(() -> damaged(file, "language is '" + code + "', not en, ru or kk"));
      return Optional.of(new Consent(at, Boolean.parseBoolean(upload), version, language));
    } catch (DateTimeParseException | NumberFormatException e) {
      throw damaged(file, e.getMessage());
    }
  }

  /** Writes {@code consent} (replacing any earlier one) atomically; only the owner may read it. */
  public static void write(Path database, Consent consent) throws IOException {
    Path file = path(database);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    String text = "# kuzet consent: the volunteer agreed to run measurements after reading the explanation of the\n"
        + "# risks ('kuzet consent' shows it). Delete this file or run 'kuzet consent --withdraw' to withdraw;\n"
        + "# a running service then measures and uploads nothing more, and a new one refuses to start.\n"
        + "given_at = " + consent.givenAt() + "\n"
        + "upload = " + consent.upload() + "\n"
        + "text_version = " + consent.textVersion() + "\n"
        + "language = " + consent.language().code() + "\n";
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Withdraws consent; true when there was one. */
  public static boolean delete(Path database) throws IOException {
    return Files.deleteIfExists(path(database));
  }

  private static String require(Path file, Map<String, String> values, String key) throws IOException {
    String v = values.get(key);
    if (v == null) {
      throw damaged(file, "no " + key);
    }
    return v;
  }

  /** The database a consent file belongs to (the file's name without ".consent"), for hints. */
  private static String databaseOf(Path consentFile) {
    String name = consentFile.toString();
    return name.endsWith(".consent") ? name.substring(0, name.length() - ".consent".length()) : name;
  }

  private static IOException damaged(Path file, String why) {
    return new TranslatedIOException(Text.of("consent.error.damaged", file, why, databaseOf(file)));
  }
}
