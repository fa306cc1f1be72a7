package org.kuzet.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's shared reference data (the Citizen Lab lists may not be bundled: CC BY-NC-SA; OONI's QA
 * measurements are GPL test input), found at {@code -Dkuzet.sharedData=DIR}, {@code $KUZET_SHARED_DATA}, or the
 * nearest {@code shared/data} beside an ancestor of the module directory (the checkout normally sits next to
 * {@code shared/}). In kuzet-testing so every module's tests find it the same way.
 *
 * <p>When no such directory exists at all (a clone far from the reference data), the tests that read it are
 * skipped with a message saying where it was looked for; when the directory exists, a missing file fails.
 */
public final class SharedData {
  private static final Optional<Path> ROOT = locate();

  private SharedData() {}

  public static Path citizenLab(String name) {
    return existing(root().resolve("citizenlab").resolve(name));
  }

  public static Path kzLists(String name) {
    return existing(root().resolve("kz-lists").resolve(name));
  }

  /**
   * A data set of the shared data, a directory ({@code "ooni-qa/generated"}); skips the calling test with a message
   * when the shared data or this data set is absent.
   */
  public static Path directory(String relative) {
    Path p = root().resolve(relative);
    Assumptions.assumeTrue(Files.isDirectory(p), () -> "reference data " + relative + " not found at "
        + p.toAbsolutePath().normalize());
    return p;
  }

  private static Path root() {
    Assumptions.assumeTrue(ROOT.isPresent(), () -> "shared reference data not found: set -Dkuzet.sharedData=DIR"
        + " or KUZET_SHARED_DATA, or place shared/data beside an ancestor of " + Path.of("").toAbsolutePath());
    return ROOT.orElseThrow();
  }

  private static Optional<Path> locate() {
    String explicit = System.getProperty("kuzet.sharedData", System.getenv("KUZET_SHARED_DATA"));
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path existing(Path p) {
    if (!Files.isRegularFile(p)) {
      fail("reference data file missing: " + p.toAbsolutePath().normalize());
    }
    return p;
  }
}
