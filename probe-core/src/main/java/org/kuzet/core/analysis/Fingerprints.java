package org.kuzet.core.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.HttpTransaction;

/**
 * Blockpage fingerprints in OONI's blocking-fingerprints CSV format, with a strict loader (a bad line is an error
 * naming the line) and the matchers. Immutable and thread-safe.
 */
public final class Fingerprints {
  static final String RESOURCE = "blockpages.csv";
  static final String HEADER = "name,scope,other_names,location_found,pattern_type,pattern,confidence_no_fp,"
      + "expected_countries,source,exp_url,notes";

  private final List<Fingerprint> all;

  private Fingerprints(List<Fingerprint> all) {
    this.all = List.copyOf(all);
  }

  public static Fingerprints of(List<Fingerprint> all) {
    return new Fingerprints(all);
  }

  public static Fingerprints bundled() {
    return Bundled.INSTANCE;
  }

  public List<Fingerprint> all() {
    return all;
  }

  /** Parses the CSV text; {@code origin} names the source in errors. */
  public static Fingerprints parse(String text, String origin) {
    String[] lines = text.split("\r?\n", -1);
    if (lines.length == 0 || !lines[0].replace("\uFEFF", "").equals(HEADER)) {
      throw new IllegalArgumentException(origin + " line 1: expected the header \"" + HEADER + "\"");
    }
    List<Fingerprint> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 1; i < lines.length; i++) {
      int n = i + 1;
      if (lines[i].isEmpty()) {
        continue;
      }
      try {
        List<String> f = splitCsv(lines[i]);
        if (f.size() != 11) {
          throw new IllegalArgumentException("expected 11 fields, got " + f.size());
        }
        String name = f.get(0);
        if (name.isBlank()) {
          throw new IllegalArgumentException("name is empty");
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException("duplicate name " + name);
        }
        String loc = f.get(3);
        Fingerprint.Location location;
        String header = null;
        if (loc.equals("dns")) {
          location = Fingerprint.Location.DNS;
        } else if (loc.equals("body")) {
          location = Fingerprint.Location.BODY;
        } else if (loc.startsWith("header.") && loc.length() > "header.".length()) {
          location = Fingerprint.Location.HEADER;
          header = loc.substring("header.".length());
        } else {
          throw new IllegalArgumentException("location_found must be dns, body or header.<name>, got \"" + loc + "\"");
        }
        int confidence;
        try {
          confidence = Integer.parseInt(f.get(6));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("confidence_no_fp is not an integer: \"" + f.get(6) + "\"");
        }
        out.add(new Fingerprint(name, f.get(1), list(f.get(2)), location, header,
            Fingerprint.PatternType.parse(f.get(4)), f.get(5), confidence, list(f.get(7)), f.get(8), f.get(9),
            f.get(10), null));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(origin + " line " + n + ": bad regexp: " + e.getDescription(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(origin + " line " + n + ": " + e.getMessage(), e);
      }
    }
    return new Fingerprints(out);
  }

  private static List<String> list(String field) {
    return field.isEmpty() ? List.of() : Arrays.stream(field.split(",")).map(String::trim).toList();
  }

  /** RFC 4180 fields of one line: quotes around a field, {@code ""} inside quotes for one quote. */
  static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      field.setLength(0);
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new IllegalArgumentException("unterminated quoted field (a field may not span lines)");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < line.length() && line.charAt(i) != ',') {
          throw new IllegalArgumentException("text after a closing quote at column " + (i + 1));
        }
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          char c = line.charAt(i++);
          if (c == '"') {
            throw new IllegalArgumentException("quote inside an unquoted field at column " + i);
          }
          field.append(c);
        }
      }
      out.add(field.toString());
      if (i >= line.length()) {
        return out;
      }
      i++; // the comma
    }
  }

  /** Names of the body and header fingerprints matching one HTTP response (body as recorded, UTF-8 decoded). */
  public Set<String> matchResponse(HttpTransaction.Response response) {
    Set<String> out = new LinkedHashSet<>();
    for (Fingerprint fp : all) {
      switch (fp.location()) {
        case BODY -> {
          if (fp.matches(response.body())) {
            out.add(fp.name());
          }
        }
        case HEADER -> {
          if (headerValues(response, fp.headerName()).stream().anyMatch(fp::matches)) {
            out.add(fp.name());
          }
        }
        case DNS -> { }
      }
    }
    return out;
  }

  /** Names of the DNS fingerprints matching any of these answers (addresses and CNAME targets). */
  public Set<String> matchDns(List<DnsAnswer> answers) {
    Set<String> out = new LinkedHashSet<>();
    for (Fingerprint fp : all) {
      if (fp.location() != Fingerprint.Location.DNS) {
        continue;
      }
      for (DnsAnswer a : answers) {
        String value = a.address() != null ? a.address() : a.hostname();
        if (fp.matches(value) || a.hostname() != null && fp.matches(stripDot(a.hostname()))) {
          out.add(fp.name());
        }
      }
    }
    return out;
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private static List<String> headerValues(HttpTransaction.Response response, String lowerName) {
    List<String> values = new ArrayList<>();
    for (List<String> pair : response.headersList()) {
      if (pair.size() == 2 && pair.get(0).toLowerCase(Locale.ROOT).equals(lowerName)) {
        values.add(pair.get(1));
      }
    }
    if (values.isEmpty()) {
      for (Map.Entry<String, String> e : response.headers().entrySet()) {
        if (e.getKey().toLowerCase(Locale.ROOT).equals(lowerName)) {
          values.add(e.getValue());
        }
      }
    }
    return values;
  }

  private static final class Bundled {
    static final Fingerprints INSTANCE = parse(InterceptionRoots.Resources.read(RESOURCE), RESOURCE);
  }
}
