package org.kuzet.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kuzet.agent.config.KuzetConfig.Campaign;
import org.kuzet.agent.config.KuzetConfig.TargetSelection;
import org.kuzet.targets.Utf8Text;

/**
 * Edits campaigns in a config file as text, so that everything else in it (other sections, comments, blank
 * lines, the order of keys) stays exactly as the person wrote it. Used by {@code kuzet campaign add|remove}.
 * The edited text is parsed before it is written: an edit never leaves an unloadable file behind.
 */
public final class ConfigWriter {
  private static final Pattern HEADER = Pattern.compile("\\[\\s*campaign\\s+([^\\]\\s]+)\\s*](\\s+#.*)?");

  private ConfigWriter() {}

  /** {@code text} with a {@code [campaign …]} section for {@code campaign} appended. */
  public static String addCampaign(String text, Campaign campaign, ZoneOffset offset) {
    if (findHeader(lines(text), campaign.name()) >= 0) {
      throw new IllegalArgumentException("a campaign named '" + campaign.name() + "' already exists; remove it first "
          + "or pick another name");
    }
    StringBuilder out = new StringBuilder(text);
    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
      out.append('\n');
    }
    if (out.length() > 0 && !text.endsWith("\n\n")) {
      out.append('\n');
    }
    out.append(render(campaign, offset));
    return out.toString();
  }

  /**
   * {@code text} without the section of campaign {@code name}, and without the comment lines directly above its
   * header (they describe it). Comments further down belong to what follows and are kept.
   */
  public static String removeCampaign(String text, String name) {
    List<String> lines = lines(text);
    int header = findHeader(lines, name);
    if (header < 0) {
      throw new IllegalArgumentException("no campaign named '" + name + "'");
    }
    int next = header + 1;
    while (next < lines.size() && !isHeader(lines.get(next))) {
      next++;
    }
    int last = header;
    for (int i = header + 1; i < next; i++) {
      if (!isBlankOrComment(lines.get(i))) {
        last = i;
      }
    }
    int first = header;
    while (first > 0 && isComment(lines.get(first - 1))) {
      first--;
    }
    // Drop the blank line that separated this section from the previous one, so blanks do not pile up.
    if (first > 0 && lines.get(first - 1).isBlank()) {
      first--;
    } else if (last + 1 < lines.size() && lines.get(last + 1).isBlank() && last + 1 < next) {
      last++;
    }
    List<String> kept = new ArrayList<>(lines.subList(0, first));
    kept.addAll(lines.subList(last + 1, lines.size()));
    return String.join("\n", kept);
  }

  /** The section text of one campaign, times written at {@code offset} (e.g. +05:00 for Almaty). */
  public static String render(Campaign c, ZoneOffset offset) {
    StringBuilder b = new StringBuilder();
    b.append("[campaign ").append(c.name()).append("]\n");
    b.append("start = ").append(OffsetDateTime.ofInstant(c.start(), offset)).append('\n');
    b.append("end = ").append(OffsetDateTime.ofInstant(c.end(), offset)).append('\n');
    b.append("interval = ").append(Durations.format(c.interval())).append('\n');
    b.append("jitter = ").append(Durations.format(c.jitter())).append('\n');
    TargetSelection t = c.targets();
    if (!t.lists().isEmpty()) {
      b.append("lists = ").append(String.join(", ", t.lists())).append('\n');
    }
    if (!t.files().isEmpty()) {
      b.append("files = ").append(String.join(", ", t.files().stream().map(Path::toString).toList())).append('\n');
    }
    if (!t.categories().isEmpty()) {
      b.append("categories = ").append(String.join(", ", t.categories())).append('\n');
    }
    return b.toString();
  }

  /** Adds the campaign to {@code file}; the result is validated, then replaces the file atomically. */
  public static KuzetConfig addCampaign(Path file, Campaign campaign, ZoneOffset offset) throws IOException {
    return rewrite(file, addCampaign(Utf8Text.read(file), campaign, offset));
  }

  public static KuzetConfig removeCampaign(Path file, String name) throws IOException {
    return rewrite(file, removeCampaign(Utf8Text.read(file), name));
  }

  private static KuzetConfig rewrite(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    KuzetConfig parsed = ConfigLoader.parse(file.getFileName().toString(), text, dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      keepAccess(file, tmp);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return parsed;
  }

  /**
   * Gives the new file the old one's permissions, owner and group. A temporary file is private (0600) and owned by
   * whoever runs the command, often root through sudo; without this, the service's own user could no longer read
   * its config after a {@code sudo kuzet campaign add}.
   */
  private static void keepAccess(Path from, Path to) throws IOException {
    PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (source == null || target == null) {
      return; // not a POSIX file system: nothing to keep
    }
    PosixFileAttributes old = source.readAttributes();
    target.setPermissions(old.permissions());
    try {
      target.setGroup(old.group());
      target.setOwner(old.owner());
    } catch (IOException e) {
      // Not root: the file stays ours. We could write the directory, so we are its owner or were allowed to.
    }
  }

  private static List<String> lines(String text) {
    return new ArrayList<>(Arrays.asList(text.split("\n", -1)));
  }

  private static int findHeader(List<String> lines, String name) {
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = HEADER.matcher(lines.get(i).strip());
      if (m.matches() && m.group(1).equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isHeader(String line) {
    return line.startsWith("[");
  }

  private static boolean isComment(String line) {
    String s = line.strip();
    return s.startsWith("#") || s.startsWith(";");
  }

  private static boolean isBlankOrComment(String line) {
    return line.isBlank() || isComment(line);
  }
}
