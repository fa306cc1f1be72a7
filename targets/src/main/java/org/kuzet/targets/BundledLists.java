package org.kuzet.targets;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The target lists shipped inside the jar, in kuzet's own format, written by the project from
 * public reports (each row names its source). See the module README for what each list holds.
 *
 * <ul>
 *   <li>{@code kz}: sites found blocked or intercepted in Kazakhstan;
 *   <li>{@code control}: sites expected to be reachable, category {@code CTRL}.
 * </ul>
 */
public final class BundledLists {
  private static final List<String> NAMES = List.of("control", "kz");

  private BundledLists() {}

  /** Names accepted by {@link #load(String)}, sorted. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The targets of the bundled list {@code name}, in file order.
   *
   * @throws IllegalArgumentException when no list has that name; the message names the known ones
   */
  public static List<Target> load(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown bundled list '" + name + "': known lists are " + String.join(", ", NAMES));
    }
    String resource = "lists/" + name + ".csv";
    try (InputStream in = BundledLists.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("bundled list " + resource + " is missing from the targets jar");
      }
      LoadResult result = TargetListLoader.load(
          "bundled:" + name + ".csv", new InputStreamReader(in, StandardCharsets.UTF_8), LoadOptions.defaults());
      if (result.format() != ListFormat.KUZET) {
        throw new IllegalStateException("bundled list " + resource + " is not in kuzet's own format");
      }
      return result.targets();
    } catch (IOException | TargetListException e) {
      // A broken bundled list is a bug in the build, not something a volunteer can fix.
      throw new IllegalStateException("bundled list " + resource + " is broken:\n" + e.getMessage(), e);
    }
  }
}
