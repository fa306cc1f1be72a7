package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared reference data (/work/shared/data), reached relative to the module directory,
 * which is Maven's working directory for tests. It is expected to exist: a missing file fails the
 * test with a message saying where it was looked for, rather than skipping it silently.
 */
final class SharedData {
  private static final Path ROOT = Path.of("../../shared/data");

  private SharedData() {}

  static Path citizenLab(String name) {
    return existing(ROOT.resolve("citizenlab").resolve(name));
  }

  static Path kzLists(String name) {
    return existing(ROOT.resolve("kz-lists").resolve(name));
  }

  private static Path existing(Path p) {
    if (!Files.isRegularFile(p)) {
      fail("reference data file missing: " + p + " (resolved to " + p.toAbsolutePath().normalize()
          + "); tests run from the targets module directory and expect the shared data two levels up");
    }
    return p;
  }
}
