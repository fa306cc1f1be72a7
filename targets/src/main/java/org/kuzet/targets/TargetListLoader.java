package org.kuzet.targets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a target list and validates every line of it.
 *
 * <p>The format is detected from the first line that is neither blank nor a comment ({@code #}):
 *
 * <ul>
 *   <li>{@code url,category_code,country,source,date_added,notes} — kuzet's own CSV ({@link
 *       ListFormat#KUZET});
 *   <li>{@code url,category_code,category_description,date_added,source,notes} — a Citizen Lab test
 *       list ({@link ListFormat#CITIZEN_LAB}); the country comes from the file name;
 *   <li>a line starting with {@code scheme://} — a plain list of URLs, one per line, no header
 *       ({@link ListFormat#PLAIN}); every target gets category {@code MISC}.
 * </ul>
 *
 * Header names are matched without regard to case or surrounding spaces, but must come in this
 * order. Blank lines and lines starting with {@code #} are skipped in every format.
 *
 * <p>By default a list with any bad line is rejected as a whole with a {@link TargetListException}
 * naming every bad line, because a silently shortened list gives silently wrong coverage. With
 * {@link LoadOptions#skipInvalid(boolean)} bad lines are dropped and returned as warnings. A list
 * with no valid target is always rejected.
 */
public final class TargetListLoader {
  private static final Pattern LOOKS_LIKE_URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");
  private static final Pattern TWO_LETTERS = Pattern.compile("[A-Za-z]{2}");
  private static final String PLAIN_CATEGORY = "MISC";
  private static final String CITIZEN_LAB_SOURCE = "citizenlab";

  private TargetListLoader() {}

  /**
   * Loads the list in {@code file}, read as UTF-8; problems are reported against the path as
   * given.
   *
   * @throws IOException when the file cannot be read, or is not UTF-8 ({@link Utf8Text.NotUtf8Exception}, naming
   *     the line)
   * @throws TargetListException when the list is rejected
   */
  public static LoadResult load(Path file, LoadOptions options) throws IOException, TargetListException {
    // Strict UTF-8 with the line of a bad byte (Utf8Text), not the JDK's "Input length = 1".
    return load(file.toString(), new StringReader(Utf8Text.read(file)), options);
  }

  /**
   * Loads a list from {@code reader}. {@code sourceName} is used in problems and, for Citizen Lab
   * and plain lists, to derive the country: a file named {@code kz.csv} is for KZ, {@code
   * global.csv} for {@link Target#GLOBAL}, any other name {@link Target#UNKNOWN_COUNTRY}.
   *
   * @throws IOException when reading fails
   * @throws TargetListException when the list is rejected
   */
  public static LoadResult load(String sourceName, Reader reader, LoadOptions options)
      throws IOException, TargetListException {
    if (sourceName == null || sourceName.isBlank()) {
      throw new IllegalArgumentException("sourceName must name the list (e.g. its file path)");
    }
    if (options == null) {
      throw new IllegalArgumentException("options must not be null; use LoadOptions.defaults()");
    }
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    return new Run(sourceName, options).read(in);
  }

  /** The file's name without directories: "kz.csv" for "/data/lists/kz.csv". */
  static String fileName(String sourceName) {
    int slash = Math.max(sourceName.lastIndexOf('/'), sourceName.lastIndexOf('\\'));
    return sourceName.substring(slash + 1);
  }

  /** KZ for kz.csv, XX for global.csv, ZZ for anything else. */
  static String countryFromName(String sourceName) {
    String name = fileName(sourceName);
    int dot = name.indexOf('.');
    String stem = dot < 0 ? name : name.substring(0, dot);
    if (stem.equalsIgnoreCase("global")) {
      return Target.GLOBAL;
    }
    if (TWO_LETTERS.matcher(stem).matches()) {
      String cc = stem.toUpperCase(Locale.ROOT);
      if (Target.isValidCountry(cc)) {
        return cc;
      }
    }
    return Target.UNKNOWN_COUNTRY;
  }

  /** State of one load: where we are and what we found. */
  private static final class Run {
    private final String source;
    private final LoadOptions options;
    // Only the file name, never the full path: the source travels with every measurement that is
    // uploaded, and a volunteer's home directory must not.
    private final String defaultSource;
    private final String countryFromName;
    private final List<Target> targets = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    Run(String source, LoadOptions options) {
      this.source = source;
      this.options = options;
      this.defaultSource = fileName(source);
      this.countryFromName = countryFromName(source);
    }

    LoadResult read(BufferedReader in) throws IOException, TargetListException {
      ListFormat format = null;
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte-order mark some spreadsheet programs write
        }
        if (line.isBlank() || line.strip().startsWith("#")) {
          continue;
        }
        if (format == null) {
          format = detect(line, lineNo);
          if (format != ListFormat.PLAIN) {
            continue; // the header itself is not an entry
          }
        }
        switch (format) {
          case KUZET -> kuzetLine(line, lineNo);
          case CITIZEN_LAB -> citizenLabLine(line, lineNo);
          case PLAIN -> plainLine(line, lineNo);
        }
      }

      if (!problems.isEmpty() && !options.skipInvalid()) {
        throw new TargetListException(problems);
      }
      if (targets.isEmpty()) {
        List<Problem> all = new ArrayList<>(problems);
        all.add(new Problem(source, 0, problems.isEmpty()
            ? "empty list: no targets (only a header, comments or blank lines)"
            : "empty list: no valid targets, every entry was invalid"));
        throw new TargetListException(all);
      }
      return new LoadResult(format, targets, problems);
    }

    private ListFormat detect(String line, int lineNo) throws TargetListException {
      if (LOOKS_LIKE_URL.matcher(line.strip()).matches()) {
        return ListFormat.PLAIN;
      }
      List<String> header = new ArrayList<>();
      try {
        for (String f : CsvLine.parse(line)) {
          header.add(f.strip().toLowerCase(Locale.ROOT));
        }
      } catch (CsvLine.SyntaxException e) {
        header = List.of(); // matches no format; reported below
      }
      for (ListFormat f : ListFormat.values()) {
        if (!f.columns().isEmpty() && f.columns().equals(header)) {
          return f;
        }
      }
      // Nothing else in the file can be read without knowing its columns, so stop here.
      throw new TargetListException(List.of(new Problem(source, lineNo,
          "unrecognised header '" + line.strip() + "': expected '" + ListFormat.KUZET.header()
              + "' (kuzet), '" + ListFormat.CITIZEN_LAB.header()
              + "' (Citizen Lab), or a plain list with one http(s) URL per line")));
    }

    private void kuzetLine(String line, int lineNo) {
      List<String> f = fields(line, lineNo, ListFormat.KUZET);
      if (f == null) {
        return;
      }
      Fields v = new Fields();
      String url = v.url(f.get(0));
      String category = v.category(f.get(1));
      String country = v.country(f.get(2));
      String src = f.get(3).strip();
      LocalDate date = v.date(f.get(4));
      add(lineNo, v, url, category, country, src.isEmpty() ? defaultSource : src, date, f.get(5).strip());
    }

    private void citizenLabLine(String line, int lineNo) {
      List<String> f = fields(line, lineNo, ListFormat.CITIZEN_LAB);
      if (f == null) {
        return;
      }
      Fields v = new Fields();
      String url = v.url(f.get(0));
      String category = v.category(f.get(1));
      // f[2], category_description, repeats what the code says; our own table is the authority.
      LocalDate date = v.date(f.get(3));
      String src = f.get(4).strip();
      add(lineNo, v, url, category, countryFromName, src.isEmpty() ? CITIZEN_LAB_SOURCE : src, date,
          f.get(5).strip());
    }

    private void plainLine(String line, int lineNo) {
      Fields v = new Fields();
      String url = v.url(line);
      add(lineNo, v, url, PLAIN_CATEGORY, countryFromName, defaultSource, null, "");
    }

    /** The line's fields, or null after recording why they are unusable. */
    private List<String> fields(String line, int lineNo, ListFormat format) {
      List<String> f;
      try {
        f = CsvLine.parse(line);
      } catch (CsvLine.SyntaxException e) {
        problems.add(new Problem(source, lineNo, e.getMessage()));
        return null;
      }
      int expected = format.columns().size();
      if (f.size() != expected) {
        problems.add(new Problem(source, lineNo, "wrong column count: expected " + expected
            + " (" + format.header() + "), found " + f.size()
            + "; quote any field that contains a comma"));
        return null;
      }
      return f;
    }

    private void add(int lineNo, Fields v, String url, String category, String country, String src,
        LocalDate date, String notes) {
      if (v.errors.isEmpty()) {
        try {
          targets.add(new Target(url, category, country, src, date, notes));
          return;
        } catch (IllegalArgumentException e) {
          v.errors.add(e.getMessage()); // defensive: Fields already checks what Target checks
        }
      }
      // One problem per line, naming everything wrong with it, so each skipped line is one warning.
      problems.add(new Problem(source, lineNo, String.join("; ", v.errors)));
    }
  }

  /** Checks one line's fields, collecting every error rather than stopping at the first. */
  private static final class Fields {
    final List<String> errors = new ArrayList<>();

    String url(String raw) {
      try {
        return UrlNormalizer.normalize(raw);
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
        return null;
      }
    }

    String category(String raw) {
      String code = raw.strip().toUpperCase(Locale.ROOT);
      if (code.isEmpty()) {
        errors.add("missing category code");
      } else if (!Categories.isKnown(code)) {
        errors.add(Categories.unknownCodeMessage(raw.strip()));
      }
      return code;
    }

    String country(String raw) {
      String cc = raw.strip().toUpperCase(Locale.ROOT);
      if (!Target.isValidCountry(cc)) {
        errors.add(Target.badCountryMessage(raw.strip()));
      }
      return cc;
    }

    LocalDate date(String raw) {
      String s = raw.strip();
      if (s.isEmpty()) {
        return null;
      }
      try {
        // ISO_LOCAL_DATE resolves strictly: 2024-02-30 is an error, not March 1st.
        return LocalDate.parse(s);
      } catch (DateTimeParseException e) {
        errors.add("bad date '" + s + "': expected yyyy-MM-dd, e.g. 2024-06-01");
        return null;
      }
    }
  }
}
