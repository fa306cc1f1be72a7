package org.kuzet.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kuzet.agent.i18n.Text;

/**
 * The syntax of kuzet's config file, without meaning: sections, {@code key = value} entries and their line
 * numbers. Comments are lines starting with {@code #} or {@code ;}, or a {@code #} preceded by whitespace after a
 * value. A value continues on following lines that start with whitespace (for long lists). Keys and section
 * names are case-sensitive, lower case.
 */
final class IniDocument {
  private static final Pattern SECTION = Pattern.compile("\\[\\s*([a-z_]+)(?:\\s+([^\\]\\s]+))?\\s*]");
  private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9_.-]+)\\s*=(.*)");

  /** One {@code key = value}; {@code value} keeps continuation lines joined by '\n'. */
  record Entry(String key, String value, int line) {}

  /**
   * @param kind the word in brackets ({@code schedule}, {@code campaign})
   * @param name the second word ({@code [campaign election]}), or null
   */
  record Section(String kind, String name, int line, Map<String, Entry> entries) {
    String title() {
      return "[" + kind + (name == null ? "" : " " + name) + "]";
    }
  }

  private IniDocument() {}

  static List<Section> parse(String source, String text) {
    List<Section> sections = new ArrayList<>();
    Map<String, Section> seen = new LinkedHashMap<>();
    Section current = null;
    Entry last = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String raw = lines[i];
      String stripped = raw.strip();
      if (stripped.isEmpty() || stripped.startsWith("#") || stripped.startsWith(";")) {
        continue;
      }
      if (Character.isWhitespace(raw.charAt(0)) && last != null) {
        Entry joined = new Entry(last.key(), last.value() + "\n" + stripComment(stripped), last.line());
        current.entries().put(last.key(), joined);
        last = joined;
        continue;
      }
      last = null;
      if (stripped.startsWith("[")) {
        Matcher m = SECTION.matcher(stripComment(stripped));
        if (!m.matches()) {
          throw new ConfigException(source, lineNo, null, Text.of("config.notSection", stripped));
        }
        current = new Section(m.group(1), m.group(2), lineNo, new LinkedHashMap<>());
        Section before = seen.putIfAbsent(current.title(), current);
        if (before != null) {
          throw new ConfigException(source, lineNo, null, Text.of("config.sectionTwice", current.title(),
              before.line()));
        }
        sections.add(current);
        continue;
      }
      Matcher m = ENTRY.matcher(stripped);
      if (!m.matches()) {
        throw new ConfigException(source, lineNo, null, Text.of("config.notEntry", stripped));
      }
      if (current == null) {
        throw new ConfigException(source, lineNo, m.group(1), Text.of("config.outsideSection"));
      }
      Entry entry = new Entry(m.group(1), stripComment(m.group(2).strip()), lineNo);
      Entry before = current.entries().putIfAbsent(entry.key(), entry);
      if (before != null) {
        throw new ConfigException(source, lineNo, current.title() + " " + entry.key(), Text.of("config.keyTwice",
            before.line()));
      }
      last = entry;
    }
    return sections;
  }

  private static String stripComment(String s) {
    Matcher m = Pattern.compile("\\s#").matcher(s);
    return (m.find() ? s.substring(0, m.start()) : s).strip();
  }

  /** Splits a list value on commas and line breaks, dropping empty items. */
  static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String item : value.split("[,\n]")) {
      if (!item.isBlank()) {
        out.add(item.strip());
      }
    }
    return out;
  }
}
